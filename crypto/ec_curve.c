/* NIST curve parameters and point <-> OpenSSL key conversions (see ec_curve.h). */
#include "crypto/ec_curve.h"

#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>

#include "crypto/magnitude.h"

struct curve_info {
	const char *ssh_name;
	const char *group_name;	/* OpenSSL's name, as EVP_PKEY_fromdata takes it */
	int nid;
	size_t field_bytes;
	const EVP_MD *(*digest)(void);
};

static const struct curve_info curves[] = {
	[EC_CURVE_NISTP256] = { "nistp256", "prime256v1", NID_X9_62_prime256v1, 32,
				EVP_sha256 },
	[EC_CURVE_NISTP384] = { "nistp384", "secp384r1", NID_secp384r1, 48, EVP_sha384 },
	[EC_CURVE_NISTP521] = { "nistp521", "secp521r1", NID_secp521r1, 66, EVP_sha512 },
};

int ec_curve_valid(int curve)
{
	return curve >= EC_CURVE_NISTP256 && curve <= EC_CURVE_NISTP521;
}

static const struct curve_info *info(enum ec_curve curve)
{
	return ec_curve_valid((int)curve) ? &curves[curve] : NULL;
}

const char *ec_curve_ssh_name(enum ec_curve curve)
{
	const struct curve_info *c = info(curve);

	return c ? c->ssh_name : NULL;
}

int ec_curve_from_ssh_name(const char *name, size_t len)
{
	for (int i = EC_CURVE_NISTP256; i <= EC_CURVE_NISTP521; i++) {
		if (strlen(curves[i].ssh_name) == len && memcmp(curves[i].ssh_name, name, len) == 0)
			return i;
	}
	return -ENOTSUP;
}

size_t ec_curve_field_bytes(enum ec_curve curve)
{
	const struct curve_info *c = info(curve);

	return c ? c->field_bytes : 0;
}

size_t ec_curve_point_len(enum ec_curve curve)
{
	const struct curve_info *c = info(curve);

	return c ? 1 + 2 * c->field_bytes : 0;
}

const EVP_MD *ec_curve_digest(enum ec_curve curve)
{
	const struct curve_info *c = info(curve);

	return c ? c->digest() : NULL;
}

/* Builds an EVP_PKEY from the group name, the encoded public point and, if priv is
 * not NULL, the private scalar. */
static int pkey_fromdata(const struct curve_info *c, const uint8_t *pub, size_t pub_len,
			 const BIGNUM *priv, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int rc = -ENOMEM;

	if (bld == NULL)
		goto out;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, c->group_name, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, pub_len) ||
	    (priv != NULL && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)))
		goto out;
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL)
		goto out;
	rc = -EBADMSG;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
			      params) != 1)
		goto out;
	*out = pkey;
	pkey = NULL;
	rc = 0;
out:
	if (rc < 0)
		ERR_clear_error();	/* see decode_point */
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);	/* clears a private scalar copied into it */
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

/* Decodes and validates an uncompressed point on the curve's group. */
static int decode_point(const EC_GROUP *group, const struct curve_info *c, const uint8_t *q,
			size_t q_len, EC_POINT **out)
{
	EC_POINT *p;

	/* Only the uncompressed form is legal in SSH (RFC 5656 §3.1 allows compressed as
	 * an option nobody uses; OpenSSH rejects it too), and its length is fixed. */
	if (q_len != 1 + 2 * c->field_bytes || q[0] != 0x04)
		return -EBADMSG;
	if ((p = EC_POINT_new(group)) == NULL)
		return -ENOMEM;
	/* oct2point rejects coordinates >= p and points off the curve; the explicit
	 * checks below state what we rely on rather than trusting that. */
	if (EC_POINT_oct2point(group, p, q, q_len, NULL) != 1 ||
	    EC_POINT_is_at_infinity(group, p) || EC_POINT_is_on_curve(group, p, NULL) != 1) {
		EC_POINT_free(p);
		/* Peer-supplied points fail here: keep OpenSSL's error queue from growing. */
		ERR_clear_error();
		return -EBADMSG;
	}
	*out = p;
	return 0;
}

int ec_curve_pkey_from_point(enum ec_curve curve, const uint8_t *q, size_t q_len,
			     EVP_PKEY **out)
{
	const struct curve_info *c = info(curve);
	EC_GROUP *group;
	EC_POINT *p = NULL;
	int rc;

	if (c == NULL || q == NULL || out == NULL)
		return -EINVAL;
	if ((group = EC_GROUP_new_by_curve_name(c->nid)) == NULL)
		return -ENOMEM;
	rc = decode_point(group, c, q, q_len, &p);
	if (rc == 0)
		rc = pkey_fromdata(c, q, q_len, NULL, out);
	EC_POINT_free(p);
	EC_GROUP_free(group);
	return rc;
}

int ec_curve_pkey_from_private(enum ec_curve curve, const uint8_t *d, size_t d_len,
			       const uint8_t *q, size_t q_len, EVP_PKEY **out)
{
	const struct curve_info *c = info(curve);
	EC_GROUP *group = NULL;
	EC_POINT *pub = NULL;
	BIGNUM *priv = NULL;
	uint8_t point[EC_CURVE_POINT_MAX];
	size_t point_len;
	int rc = -ENOMEM;

	if (c == NULL || d == NULL || out == NULL)
		return -EINVAL;
	if ((group = EC_GROUP_new_by_curve_name(c->nid)) == NULL)
		goto out;
	if ((priv = magnitude_to_bn(d, d_len, 1)) == NULL)
		goto out;
	rc = -EBADMSG;
	if (BN_is_zero(priv) || BN_cmp(priv, EC_GROUP_get0_order(group)) >= 0)
		goto out;
	rc = -ENOMEM;
	if ((pub = EC_POINT_new(group)) == NULL ||
	    EC_POINT_mul(group, pub, priv, NULL, NULL, NULL) != 1)
		goto out;
	point_len = EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED, point,
				       sizeof(point), NULL);
	if (point_len != 1 + 2 * c->field_bytes)
		goto out;
	rc = -EBADMSG;
	if (q != NULL && (q_len != point_len || memcmp(q, point, point_len) != 0))
		goto out;
	rc = pkey_fromdata(c, point, point_len, priv, out);
out:
	if (rc < 0)
		ERR_clear_error();
	BN_clear_free(priv);
	EC_POINT_free(pub);
	EC_GROUP_free(group);
	return rc;
}

int ec_curve_pkey_generate(enum ec_curve curve, EVP_PKEY **out)
{
	const struct curve_info *c = info(curve);
	EVP_PKEY *pkey;

	if (c == NULL || out == NULL)
		return -EINVAL;
	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", c->group_name)) == NULL)
		return -ENOMEM;
	*out = pkey;
	return 0;
}

int ec_curve_of_pkey(const EVP_PKEY *pkey)
{
	char name[64];
	size_t name_len = 0;
	int nid;

	if (pkey == NULL || !EVP_PKEY_is_a(pkey, "EC"))
		return -EINVAL;
	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name,
					   sizeof(name), &name_len) != 1) {
		ERR_clear_error();
		return -ENOTSUP;	/* explicit curve parameters: never accepted */
	}
	nid = OBJ_sn2nid(name);
	if (nid == NID_undef)
		nid = EC_curve_nist2nid(name);
	for (int i = EC_CURVE_NISTP256; i <= EC_CURVE_NISTP521; i++) {
		if (curves[i].nid == nid)
			return i;
	}
	return -ENOTSUP;
}

int ec_curve_pkey_point(const EVP_PKEY *pkey, enum ec_curve curve, uint8_t *out,
			size_t out_size)
{
	const struct curve_info *c = info(curve);
	uint8_t raw[EC_CURVE_POINT_MAX];
	size_t raw_len = 0, len;
	EC_GROUP *group;
	EC_POINT *p = NULL;
	int rc = -EBADMSG;

	if (c == NULL || pkey == NULL || out == NULL)
		return -EINVAL;
	if (out_size < 1 + 2 * c->field_bytes)
		return -ENOSPC;
	if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, raw, sizeof(raw),
					    &raw_len) != 1)
		return -EBADMSG;
	if ((group = EC_GROUP_new_by_curve_name(c->nid)) == NULL)
		return -ENOMEM;
	/* The key may hold its point compressed (a PEM file can say so): re-encode. */
	if ((p = EC_POINT_new(group)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (EC_POINT_oct2point(group, p, raw, raw_len, NULL) != 1)
		goto out;
	len = EC_POINT_point2oct(group, p, POINT_CONVERSION_UNCOMPRESSED, out, out_size, NULL);
	if (len != 1 + 2 * c->field_bytes)
		goto out;
	rc = (int)len;
out:
	if (rc < 0)
		ERR_clear_error();
	EC_POINT_free(p);
	EC_GROUP_free(group);
	return rc;
}
