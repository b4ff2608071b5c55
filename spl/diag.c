/* splc diagnostics and the few allocation helpers a batch compiler needs. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "spl/spl.h"

int spl_error(const struct spl_loc *loc, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d:%d: error: ", loc->src->path, loc->line, loc->col);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);

	/* Quote the line and put a caret under the column, as compilers do. */
	const char *p = loc->src->text;
	const char *end = p + loc->src->len;
	for (int l = 1; l < loc->line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	fprintf(stderr, "  %.*s\n  ", (int)(eol - p), p);
	for (int c = 1; c < loc->col; c++)
		fputc(p + c - 1 < eol && p[c - 1] == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
	return 1;
}

static void out_of_memory(void)
{
	fputs("splc: out of memory\n", stderr);
	exit(2);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		out_of_memory();
	p = realloc(p, n && size ? n * size : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		out_of_memory();
	return d;
}
