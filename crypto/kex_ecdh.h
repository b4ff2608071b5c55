/* ECDH key agreement on nistp256/384/521 for ecdh-sha2-nistp* (RFC 5656 §4), through
 * OpenSSL 3 EVP. Public values are uncompressed points (0x04 || X || Y); the ephemeral
 * private key stays inside the object and is freed (and so cleared) with it. */
#ifndef MSSHD_CRYPTO_KEX_ECDH_H
#define MSSHD_CRYPTO_KEX_ECDH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ec_curve.h"

#define KEX_ECDH_PUBLIC_MAX EC_CURVE_POINT_MAX	/* 133 bytes for nistp521 */
#define KEX_ECDH_SHARED_MAX EC_CURVE_FIELD_MAX	/* 66 bytes for nistp521 */

struct kex_ecdh;

/* A fresh ephemeral key pair on curve. */
int kex_ecdh_new(struct kex_ecdh **out, enum ec_curve curve);

/* A key pair from a given private scalar d (big-endian magnitude): for known-answer
 * tests only. -EBADMSG if d is 0 or not below the group order. */
int kex_ecdh_new_from_private(struct kex_ecdh **out, enum ec_curve curve, const uint8_t *d,
			      size_t d_len);

/* Frees (NULL is fine). */
void kex_ecdh_free(struct kex_ecdh *kex);

enum ec_curve kex_ecdh_curve(const struct kex_ecdh *kex);

/* Our public point (Q_C or Q_S), uncompressed. Returns its length (65, 97 or 133) or
 * -ENOSPC. */
int kex_ecdh_public(const struct kex_ecdh *kex, uint8_t *out, size_t out_size);

/* The shared secret with the peer's point: the x coordinate of the product as the
 * big-endian magnitude (leading zeros removed) that the exchange hash encodes as the
 * mpint K (RFC 5656 §4). Returns its length. Rejects (-EBADMSG) a wrong length, a
 * compressed or otherwise malformed encoding, a point not on the curve and the point
 * at infinity. -ENOSPC if out is too small. */
int kex_ecdh_shared(const struct kex_ecdh *kex, const uint8_t *peer, size_t peer_len,
		    uint8_t *out, size_t out_size);

#endif
