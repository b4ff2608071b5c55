/* HMAC-SHA-256 and HMAC-SHA-512 (RFC 2104, FIPS 198-1).
 *
 * Built on libsodium's crypto_auth_hmacsha{256,512} rather than OpenSSL: the
 * context below is a plain struct, so a keyed context can be copied by assignment
 * and reused for every packet with no allocation. OpenSSL 3.0's HMAC re-init
 * (EVP_MAC_init with a NULL key) duplicates its digest contexts on the heap, two
 * allocations per packet (measured), which the packet MACs must not do. */
#ifndef MSSHD_CRYPTO_HMAC_H
#define MSSHD_CRYPTO_HMAC_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

enum hmac_alg {
    HMAC_SHA256,
    HMAC_SHA512,
};

#define HMAC_MAX_LEN 64

/* Output length in bytes (32 or 64), or 0 for a value outside enum hmac_alg. */
size_t hmac_len(enum hmac_alg alg);

struct hmac_ctx {
    enum hmac_alg alg;
    union {
        crypto_auth_hmacsha256_state sha256;
        crypto_auth_hmacsha512_state sha512;
    } st;
};

/* Keys the context; keys longer than the hash block are hashed first (RFC 2104).
 * Returns 0 or -EINVAL. A keyed context may be copied by assignment; each copy
 * computes one MAC. */
int hmac_init(struct hmac_ctx *ctx, enum hmac_alg alg, const void *key, size_t keylen);
void hmac_update(struct hmac_ctx *ctx, const void *data, size_t len);
/* Writes hmac_len() bytes to out (outlen must be at least that) and wipes ctx.
 * Returns the MAC length, or -ENOSPC (ctx is wiped either way). */
int hmac_final(struct hmac_ctx *ctx, uint8_t *out, size_t outlen);
/* Erases the key material a context holds. */
void hmac_wipe(struct hmac_ctx *ctx);

/* One-shot MAC; returns the MAC length, -EINVAL or -ENOSPC. */
int hmac_oneshot(enum hmac_alg alg, const void *key, size_t keylen,
                 const void *data, size_t len, uint8_t *out, size_t outlen);

#endif
