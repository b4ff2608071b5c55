/* Private keys: construction, PEM loading, generation, signing (see hostkey.h). */
#include "crypto/hostkey.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "crypto/magnitude.h"

struct hostkey {
	enum pubkey_type type;
	struct pubkey *pub;
	EVP_PKEY *pkey;					/* ECDSA and RSA */
	uint8_t ed25519_sk[crypto_sign_SECRETKEYBYTES];	/* seed || pk */
};

static struct hostkey *alloc_key(enum pubkey_type type)
{
	struct hostkey *key;

	if (sodium_init() < 0)
		return NULL;
	if ((key = calloc(1, sizeof(*key))) != NULL)
		key->type = type;
	return key;
}

void hostkey_free(struct hostkey *key)
{
	if (key == NULL)
		return;
	sodium_memzero(key->ed25519_sk, sizeof(key->ed25519_sk));
	EVP_PKEY_free(key->pkey);	/* OpenSSL clears private BIGNUMs as it frees them */
	pubkey_free(key->pub);
	free(key);
}

const struct pubkey *hostkey_pubkey(const struct hostkey *key)
{
	return key ? key->pub : NULL;
}

int hostkey_from_ed25519(struct hostkey **out, const uint8_t *seed, size_t seed_len,
			 const uint8_t *pk, size_t pk_len)
{
	uint8_t derived[crypto_sign_PUBLICKEYBYTES];
	struct hostkey *key;
	int rc;

	if (out == NULL || seed == NULL || pk == NULL)
		return -EINVAL;
	if ((seed_len != HOSTKEY_ED25519_SEED_LEN && seed_len != crypto_sign_SECRETKEYBYTES) ||
	    pk_len != crypto_sign_PUBLICKEYBYTES)
		return -EBADMSG;
	/* openssh-key-v1's form carries the public key twice: both copies must agree. */
	if (seed_len == crypto_sign_SECRETKEYBYTES &&
	    sodium_memcmp(seed + HOSTKEY_ED25519_SEED_LEN, pk, crypto_sign_PUBLICKEYBYTES) != 0)
		return -EBADMSG;
	if ((key = alloc_key(PUBKEY_ED25519)) == NULL)
		return -ENOMEM;
	rc = -EBADMSG;
	/* A file whose public half is not its seed's would make us sign as one key and
	 * announce another. */
	if (crypto_sign_seed_keypair(derived, key->ed25519_sk, seed) != 0 ||
	    sodium_memcmp(derived, pk, sizeof(derived)) != 0)
		goto fail;
	rc = pubkey_from_ed25519(&key->pub, derived, sizeof(derived));
	if (rc < 0)
		goto fail;
	*out = key;
	return 0;
fail:
	hostkey_free(key);
	return rc;
}

int hostkey_from_ecdsa(struct hostkey **out, enum ec_curve curve, const uint8_t *q,
		       size_t q_len, const uint8_t *d, size_t d_len)
{
	struct hostkey *key;
	int rc;

	if (out == NULL || q == NULL || d == NULL || !ec_curve_valid((int)curve))
		return -EINVAL;
	if ((key = alloc_key(PUBKEY_ECDSA)) == NULL)
		return -ENOMEM;
	rc = ec_curve_pkey_from_private(curve, d, d_len, q, q_len, &key->pkey);
	if (rc == 0)
		rc = pubkey_from_ecdsa(&key->pub, curve, q, q_len);
	if (rc < 0) {
		hostkey_free(key);
		return rc;
	}
	*out = key;
	return 0;
}

/* RSA components as BIGNUMs; the private ones in the secure heap. */
struct rsa_bns {
	BIGNUM *n, *e, *d, *p, *q, *iqmp, *dmp1, *dmq1;
};

static void rsa_bns_free(struct rsa_bns *b)
{
	BN_free(b->n);
	BN_free(b->e);
	BN_clear_free(b->d);
	BN_clear_free(b->p);
	BN_clear_free(b->q);
	BN_clear_free(b->iqmp);
	BN_clear_free(b->dmp1);
	BN_clear_free(b->dmq1);
}

/* Checks the components belong together and computes the CRT exponents that
 * openssh-key-v1 does not store: d mod (p-1), d mod (q-1). These run once, when the
 * key is loaded, on values nobody else supplies: timing is not exposed to a peer. */
static int rsa_check_and_complete(struct rsa_bns *b)
{
	BN_CTX *ctx = BN_CTX_secure_new();
	BIGNUM *t, *pm1, *qm1;
	int rc = -ENOMEM;

	if (ctx == NULL)
		return rc;
	BN_CTX_start(ctx);
	t = BN_CTX_get(ctx);
	pm1 = BN_CTX_get(ctx);
	qm1 = BN_CTX_get(ctx);
	if (qm1 == NULL || (b->dmp1 = BN_secure_new()) == NULL || (b->dmq1 = BN_secure_new()) == NULL)
		goto out;
	rc = -EBADMSG;
	if (BN_cmp(b->p, BN_value_one()) <= 0 || BN_cmp(b->q, BN_value_one()) <= 0)
		goto out;
	rc = -ENOMEM;
	if (!BN_mul(t, b->p, b->q, ctx))
		goto out;
	rc = -EBADMSG;
	if (BN_cmp(t, b->n) != 0)
		goto out;
	rc = -ENOMEM;
	if (!BN_mod_mul(t, b->iqmp, b->q, b->p, ctx))
		goto out;
	rc = -EBADMSG;
	if (!BN_is_one(t))
		goto out;
	rc = -ENOMEM;
	if (!BN_sub(pm1, b->p, BN_value_one()) || !BN_sub(qm1, b->q, BN_value_one()) ||
	    !BN_mod_mul(t, b->e, b->d, pm1, ctx))
		goto out;
	rc = -EBADMSG;
	if (!BN_is_one(t))
		goto out;
	rc = -ENOMEM;
	if (!BN_mod_mul(t, b->e, b->d, qm1, ctx))
		goto out;
	rc = -EBADMSG;
	if (!BN_is_one(t))
		goto out;
	rc = -ENOMEM;
	if (!BN_mod(b->dmp1, b->d, pm1, ctx) || !BN_mod(b->dmq1, b->d, qm1, ctx))
		goto out;
	rc = 0;
out:
	BN_clear(t);
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return rc;
}

static int rsa_pkey_from_bns(const struct rsa_bns *b, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int rc = -ENOMEM;

	if (bld == NULL || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, b->n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, b->e) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, b->d) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, b->p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, b->q) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, b->dmp1) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, b->dmq1) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, b->iqmp) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL)
		goto out;
	rc = -EBADMSG;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_KEYPAIR, params) != 1)
		goto out;
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);	/* clears the secret values copied into it */
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

int hostkey_from_rsa(struct hostkey **out, const struct hostkey_rsa_parts *parts)
{
	struct rsa_bns b = { 0 };
	struct hostkey *key = NULL;
	const uint8_t *n, *d, *p, *q, *iqmp;
	size_t n_len, d_len, p_len, q_len, iqmp_len;
	int rc;

	if (out == NULL || parts == NULL || parts->n == NULL || parts->e == NULL ||
	    parts->d == NULL || parts->iqmp == NULL || parts->p == NULL || parts->q == NULL)
		return -EINVAL;
	if ((key = alloc_key(PUBKEY_RSA)) == NULL)
		return -ENOMEM;
	/* The public checks (and their size limits) come first, before any arithmetic. */
	rc = pubkey_from_rsa(&key->pub, parts->e, parts->e_len, parts->n, parts->n_len);
	if (rc < 0)
		goto out;
	/* Compare minimal lengths: any of these may arrive with an mpint's sign byte. */
	n_len = magnitude_trim(parts->n, parts->n_len, &n);
	d_len = magnitude_trim(parts->d, parts->d_len, &d);
	p_len = magnitude_trim(parts->p, parts->p_len, &p);
	q_len = magnitude_trim(parts->q, parts->q_len, &q);
	iqmp_len = magnitude_trim(parts->iqmp, parts->iqmp_len, &iqmp);
	rc = -EBADMSG;
	if (d_len > n_len || p_len > n_len || q_len > n_len || iqmp_len > n_len)
		goto out;
	rc = -ENOMEM;
	if ((b.n = magnitude_to_bn(n, n_len, 0)) == NULL ||
	    (b.e = magnitude_to_bn(parts->e, parts->e_len, 0)) == NULL ||
	    (b.d = magnitude_to_bn(d, d_len, 1)) == NULL ||
	    (b.p = magnitude_to_bn(p, p_len, 1)) == NULL ||
	    (b.q = magnitude_to_bn(q, q_len, 1)) == NULL ||
	    (b.iqmp = magnitude_to_bn(iqmp, iqmp_len, 1)) == NULL)
		goto out;
	rc = rsa_check_and_complete(&b);
	if (rc == 0)
		rc = rsa_pkey_from_bns(&b, &key->pkey);
out:
	rsa_bns_free(&b);
	if (rc < 0) {
		hostkey_free(key);
		return rc;
	}
	*out = key;
	return 0;
}

/* Scratch space for components taken out of an OpenSSL key; wiped after use. */
struct component_buf {
	uint8_t v[6][PUBKEY_RSA_MAX_BITS / 8];
	size_t len[6];
};

static int bn_param(const EVP_PKEY *pkey, const char *name, uint8_t *out, size_t out_size,
		    size_t *len)
{
	BIGNUM *bn = NULL;
	int rc;

	if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
		return -EBADMSG;
	rc = magnitude_from_bn(bn, out, out_size);
	BN_clear_free(bn);
	if (rc < 0)
		return rc == -ENOSPC ? -ERANGE : rc;
	*len = (size_t)rc;
	return 0;
}

/* Takes an OpenSSL key apart and rebuilds it through the component constructors, so
 * that every way of obtaining a key passes the same checks. */
static int from_evp(struct hostkey **out, const EVP_PKEY *pkey)
{
	struct component_buf *c;
	int rc;

	if ((c = sodium_malloc(sizeof(*c))) == NULL)
		return -ENOMEM;
	if (EVP_PKEY_is_a(pkey, "ED25519")) {
		size_t seed_len = HOSTKEY_ED25519_SEED_LEN, pk_len = PUBKEY_ED25519_LEN;

		rc = -EBADMSG;
		if (EVP_PKEY_get_raw_private_key(pkey, c->v[0], &seed_len) == 1 &&
		    EVP_PKEY_get_raw_public_key(pkey, c->v[1], &pk_len) == 1)
			rc = hostkey_from_ed25519(out, c->v[0], seed_len, c->v[1], pk_len);
	} else if (EVP_PKEY_is_a(pkey, "EC")) {
		int curve = ec_curve_of_pkey(pkey), q_len;
		size_t d_len = 0;

		rc = curve;
		if (curve < 0)
			goto out;
		rc = q_len = ec_curve_pkey_point(pkey, (enum ec_curve)curve, c->v[0],
						 sizeof(c->v[0]));
		if (rc < 0)
			goto out;
		rc = bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, c->v[1], sizeof(c->v[1]), &d_len);
		if (rc < 0)
			goto out;
		rc = hostkey_from_ecdsa(out, (enum ec_curve)curve, c->v[0], (size_t)q_len, c->v[1],
					d_len);
	} else if (EVP_PKEY_is_a(pkey, "RSA") && !EVP_PKEY_is_a(pkey, "RSA-PSS")) {
		static const char *const names[6] = {
			OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
			OSSL_PKEY_PARAM_RSA_COEFFICIENT1, OSSL_PKEY_PARAM_RSA_FACTOR1,
			OSSL_PKEY_PARAM_RSA_FACTOR2,
		};
		struct hostkey_rsa_parts parts;

		for (int i = 0; i < 6; i++) {
			rc = bn_param(pkey, names[i], c->v[i], sizeof(c->v[i]), &c->len[i]);
			if (rc < 0)
				goto out;
		}
		parts = (struct hostkey_rsa_parts){
			.n = c->v[0], .n_len = c->len[0], .e = c->v[1], .e_len = c->len[1],
			.d = c->v[2], .d_len = c->len[2], .iqmp = c->v[3], .iqmp_len = c->len[3],
			.p = c->v[4], .p_len = c->len[4], .q = c->v[5], .q_len = c->len[5],
		};
		rc = hostkey_from_rsa(out, &parts);
	} else {
		rc = -ENOTSUP;
	}
out:
	sodium_free(c);	/* zeroes the pages */
	return rc;
}

/* PEM password callback: we never have a passphrase; note that one was wanted. */
static int refuse_passphrase(char *buf, int size, int rwflag, void *wanted)
{
	*(int *)wanted = 1;
	return -1;
}

int hostkey_from_pem(struct hostkey **out, const uint8_t *pem, size_t len)
{
	static const char openssh_marker[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	EVP_PKEY *pkey = NULL;
	BIO *bio;
	int wanted_passphrase = 0, rc;

	if (out == NULL || pem == NULL)
		return -EINVAL;
	if (len == 0 || len > HOSTKEY_PEM_MAX)
		return -EBADMSG;
	if (sodium_init() < 0 || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return -ENOMEM;
	pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, refuse_passphrase, &wanted_passphrase, NULL,
					  NULL);
	BIO_free(bio);
	if (pkey == NULL) {
		ERR_clear_error();
		if (wanted_passphrase)
			return -EACCES;
		/* openssh-key-v1 is a format of its own, read through the generated codec. */
		if (memmem(pem, len, openssh_marker, sizeof(openssh_marker) - 1) != NULL)
			return -ENOTSUP;
		return -EBADMSG;
	}
	rc = from_evp(out, pkey);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return rc;
}

int hostkey_load_pem_file(struct hostkey **out, const char *path)
{
	uint8_t *buf;
	size_t len = 0;
	struct stat st;
	ssize_t n = 0;
	int fd, rc;

	if (out == NULL || path == NULL)
		return -EINVAL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > HOSTKEY_PEM_MAX) {
		close(fd);
		return S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
	}
	if (sodium_init() < 0 || (buf = sodium_malloc(HOSTKEY_PEM_MAX + 1)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	/* Read up to one byte past the limit, so a file that grew meanwhile is noticed. */
	while (len <= HOSTKEY_PEM_MAX) {
		n = read(fd, buf + len, HOSTKEY_PEM_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc == 0)
		rc = len > HOSTKEY_PEM_MAX ? -EFBIG : hostkey_from_pem(out, buf, len);
	sodium_free(buf);
	return rc;
}

int hostkey_generate(struct hostkey **out, enum pubkey_type type, int bits)
{
	uint8_t seed[HOSTKEY_ED25519_SEED_LEN], pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	EVP_PKEY *pkey = NULL;
	int rc;

	if (out == NULL)
		return -EINVAL;
	if (sodium_init() < 0)
		return -ENOMEM;
	switch (type) {
	case PUBKEY_ED25519:
		randombytes_buf(seed, sizeof(seed));
		crypto_sign_seed_keypair(pk, sk, seed);
		rc = hostkey_from_ed25519(out, seed, sizeof(seed), pk, sizeof(pk));
		sodium_memzero(seed, sizeof(seed));
		sodium_memzero(sk, sizeof(sk));
		return rc;
	case PUBKEY_ECDSA:
		rc = ec_curve_pkey_generate(bits == 256	  ? EC_CURVE_NISTP256
					    : bits == 384 ? EC_CURVE_NISTP384
					    : bits == 521 ? EC_CURVE_NISTP521
							  : (enum ec_curve)0,
					    &pkey);
		break;
	case PUBKEY_RSA:
		if (bits < PUBKEY_RSA_MIN_BITS || bits > 8192)
			return -EINVAL;
		rc = (pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits)) ? 0 : -ENOMEM;
		break;
	default:
		return -ENOTSUP;
	}
	if (rc == 0)
		rc = from_evp(out, pkey);
	EVP_PKEY_free(pkey);
	return rc;
}

static int ecdsa_split(const uint8_t *der, size_t der_len, struct sig_out *out)
{
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *esig;
	int rc = -EBADMSG, r_len, s_len;

	if ((esig = d2i_ECDSA_SIG(NULL, &p, (long)der_len)) == NULL)
		return rc;
	ECDSA_SIG_get0(esig, &r, &s);
	r_len = magnitude_from_bn(r, out->r, sizeof(out->r));
	s_len = magnitude_from_bn(s, out->s, sizeof(out->s));
	if (r_len > 0 && s_len > 0) {
		out->r_len = (size_t)r_len;
		out->s_len = (size_t)s_len;
		rc = 0;
	}
	ECDSA_SIG_free(esig);
	return rc;
}

static int evp_sign(const struct hostkey *key, enum sig_alg alg, const uint8_t *data,
		    size_t data_len, struct sig_out *out)
{
	uint8_t der[2 * EC_CURVE_FIELD_MAX + 16];
	EVP_MD_CTX *mctx;
	const EVP_MD *md;
	uint8_t *dst;
	size_t len, cap;
	int rc = -ENOMEM;

	if (key->type == PUBKEY_ECDSA) {
		enum ec_curve curve;
		const uint8_t *q;
		size_t q_len;

		pubkey_ecdsa(key->pub, &curve, &q, &q_len);
		md = ec_curve_digest(curve);
		dst = der;
		cap = sizeof(der);
	} else {
		md = alg == SIG_ALG_RSA_SHA2_256 ? EVP_sha256()
		     : alg == SIG_ALG_RSA_SHA2_512 ? EVP_sha512()
						   : EVP_sha1();
		dst = out->sig;
		cap = sizeof(out->sig);
	}
	if ((mctx = EVP_MD_CTX_new()) == NULL)
		return rc;
	rc = -EINVAL;
	if (EVP_DigestSignInit(mctx, NULL, md, NULL, key->pkey) != 1 ||
	    EVP_DigestSign(mctx, NULL, &len, data, data_len) != 1)
		goto out;
	rc = -ENOSPC;
	if (len > cap)
		goto out;
	rc = -EINVAL;
	if (EVP_DigestSign(mctx, dst, &len, data, data_len) != 1)
		goto out;
	if (key->type == PUBKEY_ECDSA) {
		rc = ecdsa_split(der, len, out);
	} else {
		out->sig_len = len;
		rc = 0;
	}
out:
	EVP_MD_CTX_free(mctx);
	ERR_clear_error();
	return rc;
}

int hostkey_sign(const struct hostkey *key, enum sig_alg alg, const uint8_t *data,
		 size_t data_len, struct sig_out *out)
{
	unsigned long long sig_len = 0;
	int rc;

	if (key == NULL || out == NULL || (data == NULL && data_len != 0))
		return -EINVAL;
	if (sig_alg_name(alg) == NULL)
		return -ENOTSUP;
	if (!pubkey_sig_alg_matches(key->pub, alg))
		return -EPROTO;
	if (data == NULL)
		data = (const uint8_t *)"";
	memset(out, 0, sizeof(*out));
	out->alg = alg;
	if (key->type == PUBKEY_ED25519) {
		if (crypto_sign_detached(out->sig, &sig_len, data, data_len, key->ed25519_sk) != 0)
			return -EINVAL;
		out->sig_len = (size_t)sig_len;
		return 0;
	}
	rc = evp_sign(key, alg, data, data_len, out);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int hostkey_to_pem(const struct hostkey *key, char *out, size_t out_size)
{
	EVP_PKEY *ed = NULL;
	const EVP_PKEY *pkey;
	BIO *bio = NULL;
	char *text;
	long len;
	int rc = -ENOMEM;

	if (key == NULL || out == NULL)
		return -EINVAL;
	if (key->type == PUBKEY_ED25519) {
		ed = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, key->ed25519_sk,
						     HOSTKEY_ED25519_SEED_LEN);
		if (ed == NULL)
			goto out;
		pkey = ed;
	} else {
		pkey = key->pkey;
	}
	/* A secure-heap BIO: the text is cleared when the BIO is freed. */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
		goto out;
	len = BIO_get_mem_data(bio, &text);
	rc = -ENOSPC;
	if (len <= 0 || (size_t)len >= out_size || len > INT_MAX)
		goto out;
	memcpy(out, text, (size_t)len);
	out[len] = '\0';
	rc = (int)len;
out:
	BIO_free(bio);
	EVP_PKEY_free(ed);
	ERR_clear_error();
	return rc;
}
