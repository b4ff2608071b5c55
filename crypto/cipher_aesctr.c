/* aes128-ctr, aes192-ctr, aes256-ctr (RFC 4344 §4) on OpenSSL EVP. The derived IV is
 * the initial 128-bit counter block; the counter runs on across packets, so the one
 * EVP context keeps its position for the whole life of the keys. Authentication comes
 * from the MAC composed in cipher.c. */
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>

#include "crypto/cipher_impl.h"

static int aesctr_init(struct cipher_state *st, const uint8_t *key, const uint8_t *iv)
{
    const EVP_CIPHER *evp;
    EVP_CIPHER_CTX *ctx;

    switch (st->alg->key_len) {
    case 16: evp = EVP_aes_128_ctr(); break;
    case 24: evp = EVP_aes_192_ctr(); break;
    case 32: evp = EVP_aes_256_ctr(); break;
    default: return -EINVAL;
    }
    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return -ENOMEM;
    /* CTR encryption and decryption are the same keystream XOR */
    if (EVP_CipherInit_ex(ctx, evp, NULL, key, iv, 1) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return -ENOMEM;
    }
    st->u.aesctr.evp = ctx;
    return 0;
}

static void aesctr_cleanup(struct cipher_state *st)
{
    /* EVP_CIPHER_CTX_free cleanses the expanded key and counter */
    EVP_CIPHER_CTX_free(st->u.aesctr.evp);
    st->u.aesctr.evp = NULL;
}

static int aesctr_crypt(struct cipher_state *st, uint8_t *data, size_t len)
{
    int outl = 0;

    if (len == 0)
        return 0;
    if (len > INT_MAX)
        return -EINVAL;
    if (EVP_CipherUpdate(st->u.aesctr.evp, data, &outl, data, (int)len) != 1 ||
        (size_t)outl != len)
        return -EPROTO;
    return 0;
}

const struct cipher_ops cipher_ops_aesctr = {
    .init = aesctr_init,
    .cleanup = aesctr_cleanup,
    .crypt = aesctr_crypt,
};
