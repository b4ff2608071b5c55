/* Helpers shared by the symmetric-crypto tests: hex test vectors into bytes. */
#ifndef MSSHD_REGRESS_SYM_VECTORS_H
#define MSSHD_REGRESS_SYM_VECTORS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes hex (spaces ignored, so vectors can be copied in their published grouping)
 * into a fresh heap buffer; *len gets the byte count. Aborts on a malformed vector,
 * which is a bug in the test, not in the code under test. */
static inline uint8_t *unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex), k = 0;
    uint8_t *out = malloc(n / 2 + 1);
    int hi = -1;

    if (out == NULL)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (hex[i] == ' ' || hex[i] == '\n')
            continue;
        int v = hexval(hex[i]);
        if (v < 0)
            abort();
        if (hi < 0) {
            hi = v;
        } else {
            out[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0)
        abort();
    *len = k;
    return out;
}

#endif
