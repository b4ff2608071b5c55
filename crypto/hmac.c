/* HMAC-SHA-2 over libsodium's keyed-state API (see hmac.h for why not OpenSSL). */
#include "crypto/hmac.h"

#include <errno.h>

size_t hmac_len(enum hmac_alg alg)
{
    switch (alg) {
    case HMAC_SHA256: return crypto_auth_hmacsha256_BYTES;
    case HMAC_SHA512: return crypto_auth_hmacsha512_BYTES;
    }
    return 0;
}

int hmac_init(struct hmac_ctx *ctx, enum hmac_alg alg, const void *key, size_t keylen)
{
    if (ctx == NULL || (key == NULL && keylen > 0))
        return -EINVAL;
    ctx->alg = alg;
    switch (alg) {
    case HMAC_SHA256:
        crypto_auth_hmacsha256_init(&ctx->st.sha256, key, keylen);
        return 0;
    case HMAC_SHA512:
        crypto_auth_hmacsha512_init(&ctx->st.sha512, key, keylen);
        return 0;
    }
    return -EINVAL;
}

void hmac_update(struct hmac_ctx *ctx, const void *data, size_t len)
{
    if (len == 0)
        return;
    if (ctx->alg == HMAC_SHA256)
        crypto_auth_hmacsha256_update(&ctx->st.sha256, data, len);
    else
        crypto_auth_hmacsha512_update(&ctx->st.sha512, data, len);
}

int hmac_final(struct hmac_ctx *ctx, uint8_t *out, size_t outlen)
{
    size_t n = hmac_len(ctx->alg);
    int r = -ENOSPC;

    if (out != NULL && n > 0 && outlen >= n) {
        if (ctx->alg == HMAC_SHA256)
            crypto_auth_hmacsha256_final(&ctx->st.sha256, out);
        else
            crypto_auth_hmacsha512_final(&ctx->st.sha512, out);
        r = (int)n;
    }
    hmac_wipe(ctx);
    return r;
}

void hmac_wipe(struct hmac_ctx *ctx)
{
    if (ctx != NULL)
        sodium_memzero(&ctx->st, sizeof(ctx->st));
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
