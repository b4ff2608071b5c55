/* HMAC-SHA-2 over OpenSSL's low-level SHA-2 contexts (see hmac.h for why these). */

/* SHA256_Init/Update/Final and their SHA-512 forms are deprecated since OpenSSL 3.0 in
 * favour of EVP, whose contexts cannot be copied without heap allocation (hmac.h); this
 * file is the one place that uses them, so only it silences the deprecation warnings. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "crypto/hmac.h"

#include <errno.h>
#include <string.h>

#include "crypto/ct.h"

#define SHA256_BLOCK 64
#define SHA512_BLOCK 128
#define HMAC_MAX_BLOCK SHA512_BLOCK

size_t hmac_len(enum hmac_alg alg)
{
    switch (alg) {
    case HMAC_SHA256: return SHA256_DIGEST_LENGTH;
    case HMAC_SHA512: return SHA512_DIGEST_LENGTH;
    }
    return 0;
}

/* The low-level SHA-2 functions return 1 whatever their input (they only fail on a NULL
 * context); hmac_update and hmac_final therefore cannot fail and return nothing of it. */

/* K0 of FIPS 198-1: the key made exactly one block long, into pad. */
static void block_key(uint8_t *pad, size_t block, const void *key, size_t keylen,
                       enum hmac_alg alg)
{
    memset(pad, 0, block);
    if (keylen > block) {
        /* RFC 2104: a key longer than the block is replaced by its hash. Not with the
         * one-shot SHA256()/SHA512(): in 3.0 they go through EVP, which can fail on
         * allocation and would leave an all-zero key behind. */
        if (alg == HMAC_SHA256) {
            SHA256_CTX h;

            (void)SHA256_Init(&h);
            (void)SHA256_Update(&h, key, keylen);
            (void)SHA256_Final(pad, &h);
            ct_wipe(&h, sizeof(h));
        } else {
            SHA512_CTX h;

            (void)SHA512_Init(&h);
            (void)SHA512_Update(&h, key, keylen);
            (void)SHA512_Final(pad, &h);
            ct_wipe(&h, sizeof(h));
        }
    } else if (keylen > 0) {
        memcpy(pad, key, keylen);
    }
}

int hmac_init(struct hmac_ctx *ctx, enum hmac_alg alg, const void *key, size_t keylen)
{
    uint8_t pad[HMAC_MAX_BLOCK];
    size_t block;

    if (ctx == NULL || (key == NULL && keylen > 0))
        return -EINVAL;
    switch (alg) {
    case HMAC_SHA256: block = SHA256_BLOCK; break;
    case HMAC_SHA512: block = SHA512_BLOCK; break;
    default: return -EINVAL;
    }
    ctx->alg = alg;
    block_key(pad, block, key, keylen, alg);
    for (size_t i = 0; i < block; i++)
        pad[i] ^= 0x36;
    if (alg == HMAC_SHA256) {
        (void)SHA256_Init(&ctx->st.sha256.inner);
        (void)SHA256_Update(&ctx->st.sha256.inner, pad, block);
    } else {
        (void)SHA512_Init(&ctx->st.sha512.inner);
        (void)SHA512_Update(&ctx->st.sha512.inner, pad, block);
    }
    for (size_t i = 0; i < block; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    if (alg == HMAC_SHA256) {
        (void)SHA256_Init(&ctx->st.sha256.outer);
        (void)SHA256_Update(&ctx->st.sha256.outer, pad, block);
    } else {
        (void)SHA512_Init(&ctx->st.sha512.outer);
        (void)SHA512_Update(&ctx->st.sha512.outer, pad, block);
    }
    ct_wipe(pad, sizeof(pad));
    return 0;
}

void hmac_update(struct hmac_ctx *ctx, const void *data, size_t len)
{
    if (len == 0)
        return;
    if (ctx->alg == HMAC_SHA256)
        (void)SHA256_Update(&ctx->st.sha256.inner, data, len);
    else
        (void)SHA512_Update(&ctx->st.sha512.inner, data, len);
}

int hmac_final(struct hmac_ctx *ctx, uint8_t *out, size_t outlen)
{
    uint8_t inner[HMAC_MAX_LEN];
    size_t n = hmac_len(ctx->alg);
    int r = -ENOSPC;

    if (out != NULL && n > 0 && outlen >= n) {
        if (ctx->alg == HMAC_SHA256) {
            (void)SHA256_Final(inner, &ctx->st.sha256.inner);
            (void)SHA256_Update(&ctx->st.sha256.outer, inner, n);
            (void)SHA256_Final(out, &ctx->st.sha256.outer);
        } else {
            (void)SHA512_Final(inner, &ctx->st.sha512.inner);
            (void)SHA512_Update(&ctx->st.sha512.outer, inner, n);
            (void)SHA512_Final(out, &ctx->st.sha512.outer);
        }
        ct_wipe(inner, sizeof(inner));
        r = (int)n;
    }
    hmac_wipe(ctx);
    return r;
}

void hmac_wipe(struct hmac_ctx *ctx)
{
    /* the states are key-derived: either one MACs any message under the key */
    if (ctx != NULL)
        ct_wipe(&ctx->st, sizeof(ctx->st));
}

int hmac_oneshot(enum hmac_alg alg, const void *key, size_t keylen,
                 const void *data, size_t len, uint8_t *out, size_t outlen)
{
    struct hmac_ctx ctx;
    int r = hmac_init(&ctx, alg, key, keylen);

    if (r < 0)
        return r;
    hmac_update(&ctx, data, len);
    return hmac_final(&ctx, out, outlen);
}
