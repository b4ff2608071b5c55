/* The compiler context: allocations freed all at once, and error messages that show
 * where in the source the problem is. */
#include "mpl/mplc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
    fputs("mplc: out of memory\n", stderr);
    exit(2);
}

void *mplc_alloc(struct mplc *c, size_t n)
{
    if (c->nallocs == c->cap_allocs) {
        size_t cap = c->cap_allocs ? 2 * c->cap_allocs : 256;
        void **v = realloc(c->allocs, cap * sizeof *v);
        if (!v)
            out_of_memory();
        c->allocs = v;
        c->cap_allocs = cap;
    }
    void *p = calloc(1, n ? n : 1);
    if (!p)
        out_of_memory();
    c->allocs[c->nallocs++] = p;
    return p;
}

void *mplc_grow(struct mplc *c, void *v, size_t n, size_t elem)
{
    /* arrays grow one element at a time: copy into a fresh allocation (inputs are small) */
    void *p = mplc_alloc(c, (n + 1) * elem);
    if (v && n)
        memcpy(p, v, n * elem);
    return p;
}

char *mplc_strdup(struct mplc *c, const char *s, size_t n)
{
    char *p = mplc_alloc(c, n + 1);
    memcpy(p, s, n);
    return p;
}

char *mplc_printf(struct mplc *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = mplc_alloc(c, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void mplc_free_all(struct mplc *c)
{
    for (size_t i = 0; i < c->nallocs; i++)
        free(c->allocs[i]);
    free(c->allocs);
    c->allocs = NULL;
    c->nallocs = c->cap_allocs = 0;
}

void mplc_error(struct mplc *c, struct loc at, const char *fmt, ...)
{
    va_list ap;
    fprintf(c->diag, "%s:%d:%d: ", c->path, at.line, at.col);
    va_start(ap, fmt);
    vfprintf(c->diag, fmt, ap);
    va_end(ap);
    fputc('\n', c->diag);

    /* the source line, then a caret under the column (tabs kept so it lines up) */
    const char *p = c->src, *end = c->src + c->src_len;
    for (int line = 1; line < at.line && p < end; p++)
        if (*p == '\n')
            line++;
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    fprintf(c->diag, "%.*s\n", (int)(eol - p), p);
    for (int i = 1; i < at.col && p + i - 1 < eol; i++)
        fputc(p[i - 1] == '\t' ? '\t' : ' ', c->diag);
    fputs("^\n", c->diag);
    c->errors++;
}
