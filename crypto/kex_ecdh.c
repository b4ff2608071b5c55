/* ECDH on the NIST curves through OpenSSL EVP (see kex_ecdh.h). */
#include "crypto/kex_ecdh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "crypto/magnitude.h"

struct kex_ecdh {
	enum ec_curve curve;
	EVP_PKEY *key;
};

static int wrap(struct kex_ecdh **out, enum ec_curve curve, EVP_PKEY *key)
{
	struct kex_ecdh *kex = calloc(1, sizeof(*kex));

	if (kex == NULL) {
		EVP_PKEY_free(key);
		return -ENOMEM;
	}
	kex->curve = curve;
	kex->key = key;
	*out = kex;
	return 0;
}

int kex_ecdh_new(struct kex_ecdh **out, enum ec_curve curve)
{
	EVP_PKEY *key = NULL;
	int rc;

	if (out == NULL || !ec_curve_valid((int)curve))
		return -EINVAL;
	rc = ec_curve_pkey_generate(curve, &key);
	if (rc < 0)
		return rc;
	return wrap(out, curve, key);
}

int kex_ecdh_new_from_private(struct kex_ecdh **out, enum ec_curve curve, const uint8_t *d,
			      size_t d_len)
{
	EVP_PKEY *key = NULL;
	int rc;

	if (out == NULL || d == NULL || !ec_curve_valid((int)curve))
		return -EINVAL;
	rc = ec_curve_pkey_from_private(curve, d, d_len, NULL, 0, &key);
	if (rc < 0)
		return rc;
	return wrap(out, curve, key);
}

void kex_ecdh_free(struct kex_ecdh *kex)
{
	if (kex == NULL)
		return;
	EVP_PKEY_free(kex->key);	/* OpenSSL clears the private scalar it holds */
	free(kex);
}

enum ec_curve kex_ecdh_curve(const struct kex_ecdh *kex)
{
	return kex->curve;
}

int kex_ecdh_public(const struct kex_ecdh *kex, uint8_t *out, size_t out_size)
{
	if (kex == NULL || out == NULL)
		return -EINVAL;
	return ec_curve_pkey_point(kex->key, kex->curve, out, out_size);
}

int kex_ecdh_shared(const struct kex_ecdh *kex, const uint8_t *peer, size_t peer_len,
		    uint8_t *out, size_t out_size)
{
	uint8_t secret[EC_CURVE_FIELD_MAX];
	size_t secret_len = sizeof(secret), len;
	const uint8_t *start;
	EVP_PKEY *peer_key = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int rc;

	if (kex == NULL || peer == NULL || out == NULL)
		return -EINVAL;
	rc = ec_curve_pkey_from_point(kex->curve, peer, peer_len, &peer_key);
	if (rc < 0)
		return rc;
	rc = -ENOMEM;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, kex->key, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1)
		goto out;
	/* validate_peer = 1: OpenSSL runs its own public-key check on the peer as well. */
	rc = -EBADMSG;
	if (EVP_PKEY_derive_set_peer_ex(ctx, peer_key, 1) != 1)
		goto out;
	rc = -EPROTO;
	if (EVP_PKEY_derive(ctx, secret, &secret_len) != 1 ||
	    secret_len != ec_curve_field_bytes(kex->curve))
		goto out;
	len = magnitude_trim(secret, secret_len, &start);
	rc = -ENOSPC;
	if (len > out_size)
		goto out;
	memmove(out, start, len);
	rc = (int)len;
out:
	if (rc < 0)
		ERR_clear_error();
	sodium_memzero(secret, sizeof(secret));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer_key);
	return rc;
}
