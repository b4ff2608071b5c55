/* Signature algorithms as SSH names them, and a signature as its components: what a
 * signature blob carries once the (generated) blob codec has taken it apart. */
#ifndef MSSHD_CRYPTO_SIG_H
#define MSSHD_CRYPTO_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ec_curve.h"

enum sig_alg {
	SIG_ALG_ED25519 = 1,		/* "ssh-ed25519" (RFC 8709) */
	SIG_ALG_ECDSA_NISTP256 = 2,	/* "ecdsa-sha2-nistp256" (RFC 5656), SHA-256 */
	SIG_ALG_ECDSA_NISTP384 = 3,	/* "ecdsa-sha2-nistp384", SHA-384 */
	SIG_ALG_ECDSA_NISTP521 = 4,	/* "ecdsa-sha2-nistp521", SHA-512 */
	SIG_ALG_RSA_SHA2_256 = 5,	/* "rsa-sha2-256" (RFC 8332) */
	SIG_ALG_RSA_SHA2_512 = 6,	/* "rsa-sha2-512" (RFC 8332) */
	SIG_ALG_RSA_SHA1 = 7,		/* "ssh-rsa" (RFC 4253): SHA-1, only on request */
};

/* The SSH name of alg; NULL for an unknown value. */
const char *sig_alg_name(enum sig_alg alg);

/* The algorithm SSH calls name (len bytes, no NUL needed), or -ENOTSUP. */
int sig_alg_from_name(const char *name, size_t len);

/* The ECDSA algorithm for a curve, or -EINVAL. */
int sig_alg_for_curve(enum ec_curve curve);

/* Largest signature value: an RSA signature with the largest modulus accepted (16384
 * bits). Ed25519 signatures are 64 bytes. */
#define SIG_BYTES_MAX 2048
#define SIG_ED25519_LEN 64

/* A received signature's components, pointing into the caller's memory.
 *   ssh-ed25519:            sig = the 64-byte signature (RFC 8032 R || S);
 *   rsa-sha2-*, ssh-rsa:    sig = the signature integer, big-endian; at most the
 *                           modulus length (a shorter one is read as left-padded);
 *   ecdsa-sha2-*:           r, s = the two mpints' magnitudes (leading zero bytes,
 *                           such as an mpint's sign byte, are allowed). */
struct sig_parts {
	const uint8_t *sig;
	size_t sig_len;
	const uint8_t *r;
	size_t r_len;
	const uint8_t *s;
	size_t s_len;
};

/* A signature we made, ready for the blob codec. r and s are minimal magnitudes. */
struct sig_out {
	enum sig_alg alg;
	size_t sig_len;
	size_t r_len;
	size_t s_len;
	uint8_t sig[SIG_BYTES_MAX];
	uint8_t r[EC_CURVE_FIELD_MAX];
	uint8_t s[EC_CURVE_FIELD_MAX];
};

/* Views a made signature as parts (for feeding it back to pubkey_verify). */
void sig_out_parts(const struct sig_out *out, struct sig_parts *parts);

#endif
