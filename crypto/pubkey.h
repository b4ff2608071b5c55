/* Public keys made from their components, and signature verification over a byte
 * string (an exchange hash, or the data RFC 4252 §7 has the client sign). The key
 * blob's wire form is the generated codec's business; this module never sees it. */
#ifndef MSSHD_CRYPTO_PUBKEY_H
#define MSSHD_CRYPTO_PUBKEY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ec_curve.h"
#include "crypto/sig.h"

enum pubkey_type {
	PUBKEY_ED25519 = 1,	/* blob type "ssh-ed25519" */
	PUBKEY_ECDSA = 2,	/* blob type "ecdsa-sha2-<curve>" */
	PUBKEY_RSA = 3,		/* blob type "ssh-rsa" */
};

#define PUBKEY_ED25519_LEN 32
#define PUBKEY_RSA_MIN_BITS 1024	/* OpenSSH's floor (SSH_RSA_MINIMUM_MODULUS_SIZE) */
#define PUBKEY_RSA_MAX_BITS 16384	/* OpenSSH's ceiling (SSHBUF_MAX_BIGNUM) */

/* pubkey_verify flags */
#define PUBKEY_VERIFY_ALLOW_SHA1 0x1	/* accept "ssh-rsa" (SHA-1) signatures */

struct pubkey;

/* ssh-ed25519 from its 32-byte public key (-EBADMSG for any other length). */
int pubkey_from_ed25519(struct pubkey **out, const uint8_t *pk, size_t pk_len);

/* ecdsa-sha2-<curve> from the uncompressed point Q; the point is checked to be on the
 * curve and not at infinity (-EBADMSG). */
int pubkey_from_ecdsa(struct pubkey **out, enum ec_curve curve, const uint8_t *q,
		      size_t q_len);

/* ssh-rsa from e and n as big-endian magnitudes (leading zeros allowed). Rejects
 * (-EBADMSG) an even or < 3 exponent, an exponent not below n, an even modulus;
 * (-ERANGE) a modulus under PUBKEY_RSA_MIN_BITS or over PUBKEY_RSA_MAX_BITS bits. */
int pubkey_from_rsa(struct pubkey **out, const uint8_t *e, size_t e_len, const uint8_t *n,
		    size_t n_len);

void pubkey_free(struct pubkey *key);

/* A copy (NULL on allocation failure). */
struct pubkey *pubkey_dup(const struct pubkey *key);

enum pubkey_type pubkey_type(const struct pubkey *key);

/* The key blob's type name: "ssh-ed25519", "ecdsa-sha2-nistp256", ..., "ssh-rsa". */
const char *pubkey_type_name(const struct pubkey *key);

/* Size as ssh-keygen -l prints it: 256 for Ed25519, the curve size, the modulus bits. */
int pubkey_bits(const struct pubkey *key);

/* 1 if both keys are the same key, 0 if not (type and every component compared). */
int pubkey_equal(const struct pubkey *a, const struct pubkey *b);

/* 1 if a signature of algorithm alg can be made with this key type, else 0. */
int pubkey_sig_alg_matches(const struct pubkey *key, enum sig_alg alg);

/* Component accessors, for blob encoding and fingerprints. The pointers stay valid
 * while the key lives. Each returns 0, or -EINVAL when the key is of another type.
 *   ed25519: the 32-byte public key;
 *   ecdsa:   the curve and the uncompressed point;
 *   rsa:     e and n as minimal big-endian magnitudes (an mpint encoder adds the
 *            sign byte where the top bit is set). */
int pubkey_ed25519(const struct pubkey *key, const uint8_t **pk);
/* The signature algorithm a key signs with: ssh-ed25519, the ECDSA algorithm of its
 * curve, or rsa_alg (SIG_ALG_RSA_SHA2_256/512) for an RSA key.  -EINVAL otherwise. */
int pubkey_sig_alg(const struct pubkey *key, enum sig_alg rsa_alg);

int pubkey_ecdsa(const struct pubkey *key, enum ec_curve *curve, const uint8_t **q,
		 size_t *q_len);
int pubkey_rsa(const struct pubkey *key, const uint8_t **e, size_t *e_len, const uint8_t **n,
	       size_t *n_len);

/* Verifies a signature of algorithm alg over data. Returns 0 when it verifies;
 * -EACCES when it does not; -EPROTO when alg does not belong to the key's type (an
 * ECDSA signature must also name the key's curve); -ENOTSUP for "ssh-rsa" without
 * PUBKEY_VERIFY_ALLOW_SHA1; -EBADMSG for malformed components (wrong Ed25519 length,
 * an RSA signature longer than the modulus, r or s zero or longer than the curve's
 * order). Only public values are involved: nothing here needs to be constant-time
 * beyond what the libraries already are. */
int pubkey_verify(const struct pubkey *key, enum sig_alg alg, const struct sig_parts *sig,
		  const uint8_t *data, size_t data_len, unsigned flags);

#endif
