/* SHA-2 through OpenSSL EVP (see hash.h). EVP contexts are heap objects inside
 * OpenSSL; hashing is never on the per-packet path, so that is acceptable here. */
#include "crypto/hash.h"

#include <errno.h>
#include <openssl/evp.h>

static const EVP_MD *hash_md(enum hash_alg alg)
{
    switch (alg) {
    case HASH_SHA256: return EVP_sha256();
    case HASH_SHA384: return EVP_sha384();
    case HASH_SHA512: return EVP_sha512();
    }
    return NULL;
}

size_t hash_digest_len(enum hash_alg alg)
{
    switch (alg) {
    case HASH_SHA256: return 32;
    case HASH_SHA384: return 48;
    case HASH_SHA512: return 64;
    }
    return 0;
}

int hash_oneshot(enum hash_alg alg, const void *data, size_t len,
                 uint8_t *out, size_t outlen)
{
    struct hash_ctx ctx;
    int r = hash_init(&ctx, alg);

    if (r < 0)
        return r;
    r = hash_update(&ctx, data, len);
    if (r < 0) {
        hash_free(&ctx);
        return r;
    }
    return hash_final(&ctx, out, outlen);
}

int hash_init(struct hash_ctx *ctx, enum hash_alg alg)
{
    const EVP_MD *md = hash_md(alg);

    if (ctx == NULL)
        return -EINVAL;
    ctx->md = NULL;
    if (md == NULL)
        return -EINVAL;
    ctx->md = EVP_MD_CTX_new();
    if (ctx->md == NULL)
        return -ENOMEM;
    if (EVP_DigestInit_ex(ctx->md, md, NULL) != 1) {
        hash_free(ctx);
        return -ENOMEM;
    }
    ctx->alg = alg;
    return 0;
}

int hash_update(struct hash_ctx *ctx, const void *data, size_t len)
{
    if (ctx == NULL || ctx->md == NULL || (data == NULL && len > 0))
        return -EINVAL;
    if (len == 0)
        return 0;
    return EVP_DigestUpdate(ctx->md, data, len) == 1 ? 0 : -ENOMEM;
}

int hash_final(struct hash_ctx *ctx, uint8_t *out, size_t outlen)
{
    size_t dlen;
    int r;

    if (ctx == NULL || ctx->md == NULL)
        return -EINVAL;
    dlen = hash_digest_len(ctx->alg);
    if (out == NULL || outlen < dlen) {
        r = -ENOSPC;
    } else {
        unsigned int got = 0;
        r = EVP_DigestFinal_ex(ctx->md, out, &got) == 1 && got == dlen ? (int)dlen : -ENOMEM;
    }
    hash_free(ctx);
    return r;
}

int hash_copy(struct hash_ctx *dst, const struct hash_ctx *src)
{
    if (dst == NULL || src == NULL || src->md == NULL)
        return -EINVAL;
    dst->md = EVP_MD_CTX_new();
    if (dst->md == NULL)
        return -ENOMEM;
    if (EVP_MD_CTX_copy_ex(dst->md, src->md) != 1) {
        hash_free(dst);
        return -ENOMEM;
    }
    dst->alg = src->alg;
    return 0;
}

void hash_free(struct hash_ctx *ctx)
{
    if (ctx == NULL)
        return;
    /* EVP_MD_CTX_free cleanses the digest state before releasing it. */
    EVP_MD_CTX_free(ctx->md);
    ctx->md = NULL;
}
