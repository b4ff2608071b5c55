/* Big-endian unsigned magnitudes: how msshd's crypto API hands integers to and from
 * callers (the bodies of SSH mpints without the sign byte), converted to and from
 * OpenSSL BIGNUMs. */
#ifndef MSSHD_CRYPTO_MAGNITUDE_H
#define MSSHD_CRYPTO_MAGNITUDE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>

/* Skips leading zero bytes: returns the minimal length and sets *start. A zero value
 * has length 0. */
size_t magnitude_trim(const uint8_t *in, size_t len, const uint8_t **start);

/* A new BIGNUM from a magnitude (leading zeros allowed). secret: allocate it with
 * BN_secure_new and mark it constant-time. Returns NULL on allocation failure. */
BIGNUM *magnitude_to_bn(const uint8_t *in, size_t len, int secret);

/* Writes the minimal magnitude of bn into out. Returns its length, -ENOSPC if it
 * does not fit, -EINVAL for a negative bn. */
int magnitude_from_bn(const BIGNUM *bn, uint8_t *out, size_t out_size);

/* Writes bn left-padded with zeros to exactly width bytes (for fixed-width encodings
 * such as EC private scalars). -ENOSPC if it needs more than width bytes. */
int magnitude_from_bn_padded(const BIGNUM *bn, uint8_t *out, size_t width);

#endif
