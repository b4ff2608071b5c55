/* mplc: compiles one .mpl file into C codecs.
 *
 *   mplc -o OUTDIR FILE.mpl     writes OUTDIR/FILE.h, FILE.c, FILE.statecalls
 *   mplc --check FILE.mpl       only reports errors
 *
 * Exit status 0 on success, 1 on errors in the input, 2 on a usage or I/O problem. */
#include "mpl/mplc.h"

#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *bigger = cap > (64u << 20) ? NULL : realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void usage(void)
{
    fputs("usage: mplc -o OUTDIR FILE.mpl\n       mplc --check FILE.mpl\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *outdir = NULL, *input = NULL;
    bool check_only = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            outdir = argv[++i];
        else if (strcmp(argv[i], "--check") == 0)
            check_only = true;
        else if (argv[i][0] == '-' || input)
            usage();
        else
            input = argv[i];
    }
    if (!input || (!outdir && !check_only))
        usage();

    struct mplc c = { .path = input, .diag = stderr };
    size_t len;
    char *src = read_file(input, &len);
    if (!src) {
        perror(input);
        return 2;
    }
    c.src = src;
    c.src_len = len;
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    size_t stem_len = strlen(base);
    if (stem_len > 4 && strcmp(base + stem_len - 4, ".mpl") == 0)
        stem_len -= 4;
    c.stem = mplc_strdup(&c, base, stem_len);

    int rc = mplc_parse(&c);
    if (rc == 0)
        rc = mplc_check(&c);
    int status = rc == 0 ? 0 : 1;
    if (rc == 0 && !check_only && mplc_emit(&c, outdir) < 0)
        status = 2;
    if (c.errors)
        fprintf(stderr, "%s: %d error%s\n", input, c.errors, c.errors == 1 ? "" : "s");
    mplc_free_all(&c);
    free(src);
    return status;
}
