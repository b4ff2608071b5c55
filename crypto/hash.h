/* SHA-2 digests (FIPS 180-4) through OpenSSL's EVP interface: one-shot for short
 * inputs, incremental for the key-exchange hash and the key derivation of RFC 4253 §7.2. */
#ifndef MSSHD_CRYPTO_HASH_H
#define MSSHD_CRYPTO_HASH_H

#include <stddef.h>
#include <stdint.h>

enum hash_alg {
    HASH_SHA256,
    HASH_SHA384,
    HASH_SHA512,
};

#define HASH_MAX_DIGEST_LEN 64

/* Digest size in bytes (32, 48, 64), or 0 for a value outside enum hash_alg. */
size_t hash_digest_len(enum hash_alg alg);

/* Digest of len bytes at data into out (outlen >= hash_digest_len(alg)).
 * Returns the digest length, -EINVAL for an unknown alg, -ENOSPC when out is too
 * small, -ENOMEM when OpenSSL fails. */
int hash_oneshot(enum hash_alg alg, const void *data, size_t len,
                 uint8_t *out, size_t outlen);

/* Incremental hashing. The context owns an OpenSSL object, so every successful
 * hash_init must be paired with hash_final or hash_free. */
struct evp_md_ctx_st;
struct hash_ctx {
    struct evp_md_ctx_st *md;
    enum hash_alg alg;
};

/* Returns 0, -EINVAL for an unknown alg, -ENOMEM. */
int hash_init(struct hash_ctx *ctx, enum hash_alg alg);
/* Returns 0, -EINVAL when ctx is not initialised, -ENOMEM when OpenSSL fails. */
int hash_update(struct hash_ctx *ctx, const void *data, size_t len);
/* Writes the digest to out and releases the context (also on failure).
 * Returns the digest length, -EINVAL, -ENOSPC, -ENOMEM. */
int hash_final(struct hash_ctx *ctx, uint8_t *out, size_t outlen);
/* Copies a running hash (e.g. a transcript prefix hashed once, finished twice).
 * dst must not be initialised. Returns 0, -EINVAL, -ENOMEM. */
int hash_copy(struct hash_ctx *dst, const struct hash_ctx *src);
/* Releases the context without producing a digest; harmless on a released one. */
void hash_free(struct hash_ctx *ctx);

#endif
