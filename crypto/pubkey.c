/* Public keys from components and signature verification (see pubkey.h). */
#include "crypto/pubkey.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>

#include "crypto/magnitude.h"

struct pubkey {
	enum pubkey_type type;
	int bits;
	enum ec_curve curve;			/* ECDSA */
	uint8_t ed25519[PUBKEY_ED25519_LEN];	/* Ed25519 */
	uint8_t q[EC_CURVE_POINT_MAX];		/* ECDSA, uncompressed */
	size_t q_len;
	uint8_t *e, *n;				/* RSA, minimal magnitudes */
	size_t e_len, n_len;
	EVP_PKEY *pkey;				/* ECDSA and RSA; shared by copies */
};

int pubkey_from_ed25519(struct pubkey **out, const uint8_t *pk, size_t pk_len)
{
	struct pubkey *key;

	if (out == NULL || pk == NULL)
		return -EINVAL;
	if (pk_len != PUBKEY_ED25519_LEN)
		return -EBADMSG;
	if (sodium_init() < 0)
		return -ENOMEM;
	if ((key = calloc(1, sizeof(*key))) == NULL)
		return -ENOMEM;
	key->type = PUBKEY_ED25519;
	key->bits = 256;
	memcpy(key->ed25519, pk, PUBKEY_ED25519_LEN);
	*out = key;
	return 0;
}

int pubkey_from_ecdsa(struct pubkey **out, enum ec_curve curve, const uint8_t *q,
		      size_t q_len)
{
	struct pubkey *key;
	EVP_PKEY *pkey = NULL;
	int rc;

	if (out == NULL || q == NULL || !ec_curve_valid((int)curve))
		return -EINVAL;
	rc = ec_curve_pkey_from_point(curve, q, q_len, &pkey);
	if (rc < 0)
		return rc;
	if ((key = calloc(1, sizeof(*key))) == NULL) {
		EVP_PKEY_free(pkey);
		return -ENOMEM;
	}
	key->type = PUBKEY_ECDSA;
	key->curve = curve;
	key->bits = curve == EC_CURVE_NISTP256 ? 256 : curve == EC_CURVE_NISTP384 ? 384 : 521;
	memcpy(key->q, q, q_len);
	key->q_len = q_len;
	key->pkey = pkey;
	*out = key;
	return 0;
}

static int rsa_pkey_from_bn(const BIGNUM *n, const BIGNUM *e, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int rc = -ENOMEM;

	if (bld == NULL || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL)
		goto out;
	rc = -EBADMSG;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

int pubkey_from_rsa(struct pubkey **out, const uint8_t *e, size_t e_len, const uint8_t *n,
		    size_t n_len)
{
	struct pubkey *key = NULL;
	BIGNUM *bn_e = NULL, *bn_n = NULL;
	int rc, bits;

	if (out == NULL || e == NULL || n == NULL)
		return -EINVAL;
	e_len = magnitude_trim(e, e_len, &e);
	n_len = magnitude_trim(n, n_len, &n);
	/* Length first: a hostile peer's 1 MB "modulus" is refused before any work. */
	if (n_len > PUBKEY_RSA_MAX_BITS / 8)
		return -ERANGE;
	if (e_len == 0 || e_len > n_len)
		return -EBADMSG;
	rc = -ENOMEM;
	if ((bn_e = magnitude_to_bn(e, e_len, 0)) == NULL ||
	    (bn_n = magnitude_to_bn(n, n_len, 0)) == NULL)
		goto fail;
	bits = BN_num_bits(bn_n);
	rc = -ERANGE;
	if (bits < PUBKEY_RSA_MIN_BITS || bits > PUBKEY_RSA_MAX_BITS)
		goto fail;
	rc = -EBADMSG;
	if (!BN_is_odd(bn_n) || !BN_is_odd(bn_e) || BN_cmp(bn_e, BN_value_one()) <= 0 ||
	    BN_cmp(bn_e, bn_n) >= 0)
		goto fail;
	rc = -ENOMEM;
	if ((key = calloc(1, sizeof(*key))) == NULL || (key->e = malloc(e_len)) == NULL ||
	    (key->n = malloc(n_len)) == NULL)
		goto fail;
	key->type = PUBKEY_RSA;
	key->bits = bits;
	memcpy(key->e, e, e_len);
	key->e_len = e_len;
	memcpy(key->n, n, n_len);
	key->n_len = n_len;
	rc = rsa_pkey_from_bn(bn_n, bn_e, &key->pkey);
	if (rc < 0)
		goto fail;
	BN_free(bn_e);
	BN_free(bn_n);
	*out = key;
	return 0;
fail:
	BN_free(bn_e);
	BN_free(bn_n);
	pubkey_free(key);
	return rc;
}

void pubkey_free(struct pubkey *key)
{
	if (key == NULL)
		return;
	EVP_PKEY_free(key->pkey);
	free(key->e);
	free(key->n);
	free(key);
}

struct pubkey *pubkey_dup(const struct pubkey *key)
{
	struct pubkey *copy;

	if (key == NULL || (copy = malloc(sizeof(*copy))) == NULL)
		return NULL;
	*copy = *key;
	copy->e = copy->n = NULL;
	copy->pkey = NULL;
	if (key->type == PUBKEY_RSA) {
		if ((copy->e = malloc(key->e_len)) == NULL || (copy->n = malloc(key->n_len)) == NULL) {
			pubkey_free(copy);
			return NULL;
		}
		memcpy(copy->e, key->e, key->e_len);
		memcpy(copy->n, key->n, key->n_len);
	}
	/* An EVP_PKEY holding only a public key is never modified: share it. */
	if (key->pkey != NULL) {
		if (EVP_PKEY_up_ref(key->pkey) != 1) {
			pubkey_free(copy);
			return NULL;
		}
		copy->pkey = key->pkey;
	}
	return copy;
}

enum pubkey_type pubkey_type(const struct pubkey *key)
{
	return key->type;
}

const char *pubkey_type_name(const struct pubkey *key)
{
	switch (key->type) {
	case PUBKEY_ED25519:
		return "ssh-ed25519";
	case PUBKEY_RSA:
		return "ssh-rsa";
	case PUBKEY_ECDSA:
		return sig_alg_name((enum sig_alg)sig_alg_for_curve(key->curve));
	}
	return NULL;
}

int pubkey_bits(const struct pubkey *key)
{
	return key->bits;
}

int pubkey_equal(const struct pubkey *a, const struct pubkey *b)
{
	if (a == NULL || b == NULL || a->type != b->type)
		return 0;
	switch (a->type) {
	case PUBKEY_ED25519:
		return memcmp(a->ed25519, b->ed25519, PUBKEY_ED25519_LEN) == 0;
	case PUBKEY_ECDSA:
		return a->curve == b->curve && a->q_len == b->q_len &&
		       memcmp(a->q, b->q, a->q_len) == 0;
	case PUBKEY_RSA:
		return a->e_len == b->e_len && a->n_len == b->n_len &&
		       memcmp(a->e, b->e, a->e_len) == 0 && memcmp(a->n, b->n, a->n_len) == 0;
	}
	return 0;
}

int pubkey_sig_alg_matches(const struct pubkey *key, enum sig_alg alg)
{
	switch (key->type) {
	case PUBKEY_ED25519:
		return alg == SIG_ALG_ED25519;
	case PUBKEY_ECDSA:
		return (int)alg == sig_alg_for_curve(key->curve);
	case PUBKEY_RSA:
		return alg == SIG_ALG_RSA_SHA2_256 || alg == SIG_ALG_RSA_SHA2_512 ||
		       alg == SIG_ALG_RSA_SHA1;
	}
	return 0;
}

int pubkey_ed25519(const struct pubkey *key, const uint8_t **pk)
{
	if (key == NULL || pk == NULL || key->type != PUBKEY_ED25519)
		return -EINVAL;
	*pk = key->ed25519;
	return 0;
}

int pubkey_sig_alg(const struct pubkey *key, enum sig_alg rsa_alg)
{
	if (key == NULL)
		return -EINVAL;
	switch (key->type) {
	case PUBKEY_ED25519:
		return SIG_ALG_ED25519;
	case PUBKEY_ECDSA:
		return sig_alg_for_curve(key->curve);
	case PUBKEY_RSA:
		return rsa_alg == SIG_ALG_RSA_SHA2_256 || rsa_alg == SIG_ALG_RSA_SHA2_512 ?
			(int)rsa_alg : -EINVAL;
	default:
		return -EINVAL;
	}
}

int pubkey_ecdsa(const struct pubkey *key, enum ec_curve *curve, const uint8_t **q,
		 size_t *q_len)
{
	if (key == NULL || curve == NULL || q == NULL || q_len == NULL ||
	    key->type != PUBKEY_ECDSA)
		return -EINVAL;
	*curve = key->curve;
	*q = key->q;
	*q_len = key->q_len;
	return 0;
}

int pubkey_rsa(const struct pubkey *key, const uint8_t **e, size_t *e_len, const uint8_t **n,
	       size_t *n_len)
{
	if (key == NULL || e == NULL || e_len == NULL || n == NULL || n_len == NULL ||
	    key->type != PUBKEY_RSA)
		return -EINVAL;
	*e = key->e;
	*e_len = key->e_len;
	*n = key->n;
	*n_len = key->n_len;
	return 0;
}

/* One-shot EVP verification: 0 when it verifies, -EACCES otherwise. */
static int digest_verify(EVP_PKEY *pkey, const EVP_MD *md, const uint8_t *sig, size_t sig_len,
			 const uint8_t *data, size_t data_len)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	int rc = -ENOMEM;

	if (mctx == NULL)
		return rc;
	rc = -EACCES;
	if (EVP_DigestVerifyInit(mctx, NULL, md, NULL, pkey) == 1 &&
	    EVP_DigestVerify(mctx, sig, sig_len, data, data_len) == 1)
		rc = 0;
	EVP_MD_CTX_free(mctx);
	/* A failed verification leaves entries on OpenSSL's per-thread error queue; a
	 * long-lived process must not let a peer grow it. */
	ERR_clear_error();
	return rc;
}

static int verify_ed25519(const struct pubkey *key, const struct sig_parts *sig,
			  const uint8_t *data, size_t data_len)
{
	if (sig->sig == NULL || sig->sig_len != SIG_ED25519_LEN)
		return -EBADMSG;
	/* libsodium rejects non-canonical S and small-order keys as well. */
	if (crypto_sign_verify_detached(sig->sig, data, data_len, key->ed25519) != 0)
		return -EACCES;
	return 0;
}

static int verify_ecdsa(const struct pubkey *key, const struct sig_parts *sig,
			const uint8_t *data, size_t data_len)
{
	size_t field = ec_curve_field_bytes(key->curve);
	const uint8_t *r, *s;
	size_t r_len, s_len;
	ECDSA_SIG *esig = NULL;
	BIGNUM *br = NULL, *bs = NULL;
	unsigned char *der = NULL;
	int der_len, rc = -EBADMSG;

	if (sig->r == NULL || sig->s == NULL)
		return -EBADMSG;
	r_len = magnitude_trim(sig->r, sig->r_len, &r);
	s_len = magnitude_trim(sig->s, sig->s_len, &s);
	/* The order of each NIST curve has as many bytes as its field. */
	if (r_len == 0 || s_len == 0 || r_len > field || s_len > field)
		return -EBADMSG;
	rc = -ENOMEM;
	if ((esig = ECDSA_SIG_new()) == NULL || (br = magnitude_to_bn(r, r_len, 0)) == NULL ||
	    (bs = magnitude_to_bn(s, s_len, 0)) == NULL)
		goto out;
	if (ECDSA_SIG_set0(esig, br, bs) != 1)
		goto out;
	br = bs = NULL;
	/* OpenSSL verifies DER: the components go in as a freshly made ECDSA-Sig-Value,
	 * so no DER from the peer is ever parsed. Range checks (0 < r, s < n) are
	 * ECDSA_do_verify's. */
	if ((der_len = i2d_ECDSA_SIG(esig, &der)) <= 0)
		goto out;
	rc = digest_verify(key->pkey, ec_curve_digest(key->curve), der, (size_t)der_len, data,
			   data_len);
out:
	OPENSSL_free(der);
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(esig);
	return rc;
}

static int verify_rsa(const struct pubkey *key, enum sig_alg alg, const struct sig_parts *sig,
		      const uint8_t *data, size_t data_len)
{
	uint8_t padded[SIG_BYTES_MAX];
	const EVP_MD *md;

	if (sig->sig == NULL || sig->sig_len == 0)
		return -EBADMSG;
	/* Like OpenSSH: a signature longer than the modulus is malformed; a shorter one
	 * had its leading zero bytes dropped by the signer and is padded back. */
	if (sig->sig_len > key->n_len || key->n_len > sizeof(padded))
		return -EBADMSG;
	memset(padded, 0, key->n_len - sig->sig_len);
	memcpy(padded + key->n_len - sig->sig_len, sig->sig, sig->sig_len);
	md = alg == SIG_ALG_RSA_SHA2_256 ? EVP_sha256()
	     : alg == SIG_ALG_RSA_SHA2_512 ? EVP_sha512()
					   : EVP_sha1();
	return digest_verify(key->pkey, md, padded, key->n_len, data, data_len);
}

int pubkey_verify(const struct pubkey *key, enum sig_alg alg, const struct sig_parts *sig,
		  const uint8_t *data, size_t data_len, unsigned flags)
{
	if (key == NULL || sig == NULL || (data == NULL && data_len != 0))
		return -EINVAL;
	if (sig_alg_name(alg) == NULL)
		return -ENOTSUP;
	if (!pubkey_sig_alg_matches(key, alg))
		return -EPROTO;
	if (data == NULL)
		data = (const uint8_t *)"";
	switch (key->type) {
	case PUBKEY_ED25519:
		return verify_ed25519(key, sig, data, data_len);
	case PUBKEY_ECDSA:
		return verify_ecdsa(key, sig, data, data_len);
	case PUBKEY_RSA:
		if (alg == SIG_ALG_RSA_SHA1 && !(flags & PUBKEY_VERIFY_ALLOW_SHA1))
			return -ENOTSUP;
		return verify_rsa(key, alg, sig, data, data_len);
	}
	return -EINVAL;
}
