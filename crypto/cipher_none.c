/* The "none" cipher of RFC 4253 §6.3: packets before the first NEWKEYS travel in
 * clear. Its crypt is the identity so the generic code in cipher.c needs no special
 * case. */
#include "crypto/cipher_impl.h"

static int none_init(struct cipher_state *st, const uint8_t *key, const uint8_t *iv)
{
    (void)st;
    (void)key;
    (void)iv;
    return 0;
}

static void none_cleanup(struct cipher_state *st)
{
    (void)st;
}

static int none_crypt(struct cipher_state *st, uint8_t *data, size_t len)
{
    (void)st;
    (void)data;
    (void)len;
    return 0;
}

const struct cipher_ops cipher_ops_none = {
    .init = none_init,
    .cleanup = none_cleanup,
    .crypt = none_crypt,
};
