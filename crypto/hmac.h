/* HMAC-SHA-256 and HMAC-SHA-512 (RFC 2104, FIPS 198-1).
 *
 * Built on OpenSSL's low-level SHA256_CTX/SHA512_CTX. A keyed context holds the inner
 * and outer hash states after key^ipad and key^opad have been absorbed; it is a plain
 * struct, so the packet MACs copy it by assignment for every packet and never allocate.
 * The SHA-2 code underneath is OpenSSL's assembly (SHA-NI, AVX2).
 *
 * The alternatives, measured with 32 KiB packets on the build machine (SHA-NI, AVX2;
 * OpenSSL 3.0.19; MB/s of CPU time) for HMAC-SHA-256 / HMAC-SHA-512:
 *   libsodium crypto_auth_hmacsha*_state copy (portable C)     ~350 / ~590, 0 allocs
 *   SHA256_CTX/SHA512_CTX copy (this file)                    ~1480 / ~880, 0 allocs
 *   EVP_MD_CTX_copy_ex into preallocated contexts             ~1550 / ~860, 2 allocs
 *   EVP_DigestInit_ex2 re-init of fetched-MD contexts         ~1500 / ~800, 2 allocs
 *   EVP_MAC_init / HMAC_Init_ex re-init with a NULL key       ~1580 / ~850, 2 allocs
 * (allocations per packet). The OpenSSL rows run the same SHA-2 code and differ only in
 * per-packet overhead (at 1500 bytes the copy here is ahead for SHA-512, ~710 against
 * 570-670). OpenSSL 3.0 duplicates or re-creates the provider's digest
 * context on the heap in every EVP path, which the packet MACs must not do
 * (regress/crypto/test_cipher_noalloc.c); the low-level API, deprecated in 3.0 but
 * exported, is the one that does not. */
#ifndef MSSHD_CRYPTO_HMAC_H
#define MSSHD_CRYPTO_HMAC_H

#include <openssl/sha.h>
#include <stddef.h>
#include <stdint.h>

enum hmac_alg {
    HMAC_SHA256,
    HMAC_SHA512,
};

#define HMAC_MAX_LEN 64

/* SHA256_CTX and SHA512_CTX exist only while OpenSSL's 3.0-deprecated API is compiled in
 * (see above for why it is used). */
#ifdef OPENSSL_NO_DEPRECATED_3_0
#error "crypto/hmac needs OpenSSL's low-level SHA-2 API, absent with OPENSSL_NO_DEPRECATED"
#endif

/* Output length in bytes (32 or 64), or 0 for a value outside enum hmac_alg. */
size_t hmac_len(enum hmac_alg alg);

struct hmac_ctx {
    enum hmac_alg alg;
    /* inner: after key^ipad, then the message; outer: after key^opad */
    union {
        struct { SHA256_CTX inner, outer; } sha256;
        struct { SHA512_CTX inner, outer; } sha512;
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
