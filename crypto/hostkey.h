/* Private keys (host keys): made from the components an openssh-key-v1 file holds,
 * loaded from the PEM files `ssh-keygen -m PEM` writes (decoded by OpenSSL), or
 * generated; they sign byte strings and give their public key. Secret material is
 * wiped when the key is freed. */
#ifndef MSSHD_CRYPTO_HOSTKEY_H
#define MSSHD_CRYPTO_HOSTKEY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ec_curve.h"
#include "crypto/pubkey.h"
#include "crypto/sig.h"

#define HOSTKEY_ED25519_SEED_LEN 32
#define HOSTKEY_PEM_MAX (64 * 1024)	/* larger than any key file ssh-keygen writes */

struct hostkey;

/* The RSA private components of openssh-key-v1 (n, e, d, iqmp, p, q), big-endian
 * magnitudes. */
struct hostkey_rsa_parts {
	const uint8_t *n, *e, *d, *iqmp, *p, *q;
	size_t n_len, e_len, d_len, iqmp_len, p_len, q_len;
};

/* Ed25519 from the 32-byte seed and the 32-byte public key. seed may also be the
 * 64-byte private part openssh-key-v1 stores (seed || pk), whose second half must then
 * equal pk. -EBADMSG if pk is not the seed's key. */
int hostkey_from_ed25519(struct hostkey **out, const uint8_t *seed, size_t seed_len,
			 const uint8_t *pk, size_t pk_len);

/* ECDSA from the curve, the uncompressed point Q and the scalar d. -EBADMSG unless
 * 0 < d < n and Q = d*G. */
int hostkey_from_ecdsa(struct hostkey **out, enum ec_curve curve, const uint8_t *q,
		       size_t q_len, const uint8_t *d, size_t d_len);

/* RSA from its components. The public part must pass pubkey_from_rsa's checks
 * (-ERANGE for the size); -EBADMSG unless n = p*q, iqmp*q = 1 (mod p) and
 * e*d = 1 modulo p-1 and q-1. */
int hostkey_from_rsa(struct hostkey **out, const struct hostkey_rsa_parts *parts);

/* From PEM text (len bytes): "RSA PRIVATE KEY", "EC PRIVATE KEY" or PKCS#8 "PRIVATE
 * KEY" (RSA, EC on our curves, Ed25519). Encrypted keys are refused (-EACCES: no
 * passphrase is ever asked for); anything OpenSSL cannot decode is -EBADMSG; another
 * key type or curve is -ENOTSUP. */
int hostkey_from_pem(struct hostkey **out, const uint8_t *pem, size_t len);

/* hostkey_from_pem on a file's contents (at most HOSTKEY_PEM_MAX bytes, else -EFBIG).
 * Errors from open/read are returned as negative errno values. */
int hostkey_load_pem_file(struct hostkey **out, const char *path);

/* A new key: PUBKEY_ED25519 (bits ignored), PUBKEY_ECDSA (bits 256, 384 or 521),
 * PUBKEY_RSA (bits between PUBKEY_RSA_MIN_BITS and 8192). */
int hostkey_generate(struct hostkey **out, enum pubkey_type type, int bits);

/* Wipes and frees (NULL is fine). */
void hostkey_free(struct hostkey *key);

/* The public half; owned by the host key, valid while it lives. */
const struct pubkey *hostkey_pubkey(const struct hostkey *key);

/* Signs data with algorithm alg (which must suit the key: -EPROTO otherwise) and fills
 * out with the components. ECDSA and RSA signatures use the curve's hash or the one
 * alg names; RSA signatures are exactly the modulus length. */
int hostkey_sign(const struct hostkey *key, enum sig_alg alg, const uint8_t *data,
		 size_t data_len, struct sig_out *out);

/* Writes the key as unencrypted PKCS#8 PEM ("PRIVATE KEY") into out, NUL-terminated;
 * returns the text length or -ENOSPC. For saving a generated demo host key; OpenSSH
 * reads the result too. */
int hostkey_to_pem(const struct hostkey *key, char *out, size_t out_size);

#endif
