/* Every cipher × MAC pair crypto/ supports, derived from its own tables
 * (cipher_alg_at, mac_alg_at), so that a newly added algorithm is tested by every test
 * that walks the pairs.  "none" comes first, bare and with one MAC (the packet layer
 * allows that combination); AEAD ciphers come once, without a MAC. */
#ifndef MSSHD_REGRESS_CIPHER_PAIRS_H
#define MSSHD_REGRESS_CIPHER_PAIRS_H

#include <stddef.h>

#include "crypto/cipher.h"
#include "crypto/mac.h"

struct cipher_pair {
    const char *cipher;
    const char *mac;    /* NULL: none, or the cipher authenticates by itself */
};

#define CIPHER_PAIRS_MAX 64

/* Fills out[] (CIPHER_PAIRS_MAX entries) and returns the count. */
static inline size_t cipher_pairs(struct cipher_pair *out)
{
    size_t n = 0;
    out[n++] = (struct cipher_pair){ "none", NULL };
    out[n++] = (struct cipher_pair){ "none", mac_alg_at(0)->name };
    for (size_t c = 0; cipher_alg_at(c) != NULL; c++) {
        const struct cipher_alg *ca = cipher_alg_at(c);
        if (ca->aead) {
            if (n < CIPHER_PAIRS_MAX)
                out[n++] = (struct cipher_pair){ ca->name, NULL };
            continue;
        }
        for (size_t m = 0; mac_alg_at(m) != NULL && n < CIPHER_PAIRS_MAX; m++)
            out[n++] = (struct cipher_pair){ ca->name, mac_alg_at(m)->name };
    }
    return n;
}

#endif
