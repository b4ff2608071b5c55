/* Finite-field Diffie-Hellman with OpenSSL BIGNUMs (see kex_dh.h). */
#include "crypto/kex_dh.h"

#include <errno.h>
#include <stdlib.h>

#include <openssl/bn.h>
#include <openssl/rand.h>

#include "crypto/magnitude.h"

struct kex_dh {
	BIGNUM *p, *g;
	BIGNUM *x;		/* private exponent: secure heap, constant-time flag */
	BIGNUM *pub;		/* g^x mod p */
	int x_bits;
};

/* Private exponent size. RFC 3526 §1 asks for twice the group's strength in bits of
 * exponent; its §8 table gives two estimates and we take the higher one (the "exponent
 * size" of Strength Estimate 2). We never go below 512 bits, twice the 256-bit
 * strength of the strongest cipher keys SSH negotiates (OpenSSH derives its exponent
 * size from the cipher's key length the same way). */
static int private_bits_for(int p_bits)
{
	int strength;

	if (p_bits <= 2048)
		strength = 160;
	else if (p_bits <= 3072)
		strength = 210;
	else if (p_bits <= 4096)
		strength = 240;
	else if (p_bits <= 6144)
		strength = 270;
	else
		strength = 310;
	return 2 * strength > 512 ? 2 * strength : 512;
}

/* 1 if 1 < v < p-1 (RFC 4253 §8), else 0. */
static int in_open_range(const BIGNUM *v, const BIGNUM *p, BN_CTX *bnctx)
{
	BIGNUM *pm1;
	int ok = 0;

	BN_CTX_start(bnctx);
	if ((pm1 = BN_CTX_get(bnctx)) != NULL && BN_sub(pm1, p, BN_value_one()))
		ok = BN_cmp(v, BN_value_one()) > 0 && BN_cmp(v, pm1) < 0;
	BN_CTX_end(bnctx);
	return ok;
}

/* Takes ownership of p and g; draws x and computes g^x mod p. */
static int make(struct kex_dh **out, BIGNUM *p, BIGNUM *g)
{
	struct kex_dh *kex = NULL;
	BN_CTX *bnctx = NULL;
	int rc = -ENOMEM, p_bits;

	if (p == NULL || g == NULL)
		goto fail;
	if ((kex = calloc(1, sizeof(*kex))) == NULL || (bnctx = BN_CTX_new()) == NULL)
		goto fail;
	kex->p = p;
	kex->g = g;
	p = g = NULL;
	p_bits = BN_num_bits(kex->p);
	rc = -EBADMSG;
	if (p_bits < KEX_DH_MIN_BITS || p_bits > KEX_DH_MAX_BITS || !BN_is_odd(kex->p) ||
	    !in_open_range(kex->g, kex->p, bnctx))
		goto fail;
	kex->x_bits = private_bits_for(p_bits);
	rc = -ENOMEM;
	if ((kex->x = BN_secure_new()) == NULL || (kex->pub = BN_new()) == NULL)
		goto fail;
	BN_set_flags(kex->x, BN_FLG_CONSTTIME);
	/* x has exactly x_bits bits (top bit set), so 2^(x_bits-1) <= x < p - 1. A public
	 * value outside (1, p-1) would only come from a degenerate g; bounded retries. */
	for (int tries = 0; tries < 8; tries++) {
		rc = -ENOMEM;
		if (BN_priv_rand_ex(kex->x, kex->x_bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY, 0,
				    NULL) != 1 ||
		    BN_mod_exp_mont_consttime(kex->pub, kex->g, kex->x, kex->p, bnctx, NULL) != 1)
			goto fail;
		rc = -EBADMSG;
		if (in_open_range(kex->pub, kex->p, bnctx)) {
			rc = 0;
			break;
		}
	}
	if (rc < 0)
		goto fail;
	BN_CTX_free(bnctx);
	*out = kex;
	return 0;
fail:
	BN_free(p);
	BN_free(g);
	BN_CTX_free(bnctx);
	kex_dh_free(kex);
	return rc;
}

int kex_dh_new_group(struct kex_dh **out, enum kex_dh_group group)
{
	BIGNUM *p, *g;

	if (out == NULL)
		return -EINVAL;
	/* OpenSSL carries the RFC 3526 primes; regress/crypto/test_kex_dh.c checks them
	 * against the RFC's text. The generator of all three groups is 2. */
	switch (group) {
	case KEX_DH_GROUP14:
		p = BN_get_rfc3526_prime_2048(NULL);
		break;
	case KEX_DH_GROUP16:
		p = BN_get_rfc3526_prime_4096(NULL);
		break;
	case KEX_DH_GROUP18:
		p = BN_get_rfc3526_prime_8192(NULL);
		break;
	default:
		return -ENOTSUP;
	}
	g = BN_new();
	if (g != NULL && !BN_set_word(g, 2)) {
		BN_free(g);
		g = NULL;
	}
	return make(out, p, g);
}

int kex_dh_new_generic(struct kex_dh **out, const uint8_t *p, size_t p_len, const uint8_t *g,
		       size_t g_len)
{
	if (out == NULL || p == NULL || g == NULL)
		return -EINVAL;
	/* Bound the lengths before converting: a peer (or a bad moduli line) does not get
	 * to make us allocate more than the largest modulus we accept, plus sign bytes. */
	if (p_len > KEX_DH_MAX_BYTES + 8 || g_len > KEX_DH_MAX_BYTES + 8)
		return -EBADMSG;
	return make(out, magnitude_to_bn(p, p_len, 0), magnitude_to_bn(g, g_len, 0));
}

void kex_dh_free(struct kex_dh *kex)
{
	if (kex == NULL)
		return;
	BN_clear_free(kex->x);
	BN_free(kex->pub);
	BN_free(kex->p);
	BN_free(kex->g);
	free(kex);
}

int kex_dh_private_bits(const struct kex_dh *kex)
{
	return kex ? kex->x_bits : -EINVAL;
}

int kex_dh_prime(const struct kex_dh *kex, uint8_t *out, size_t out_size)
{
	if (kex == NULL || out == NULL)
		return -EINVAL;
	return magnitude_from_bn(kex->p, out, out_size);
}

int kex_dh_generator(const struct kex_dh *kex, uint8_t *out, size_t out_size)
{
	if (kex == NULL || out == NULL)
		return -EINVAL;
	return magnitude_from_bn(kex->g, out, out_size);
}

int kex_dh_public(const struct kex_dh *kex, uint8_t *out, size_t out_size)
{
	if (kex == NULL || out == NULL)
		return -EINVAL;
	return magnitude_from_bn(kex->pub, out, out_size);
}

int kex_dh_shared(const struct kex_dh *kex, const uint8_t *peer, size_t peer_len, uint8_t *out,
		  size_t out_size)
{
	const uint8_t *start;
	BIGNUM *y = NULL, *k = NULL;
	BN_CTX *bnctx = NULL;
	size_t len;
	int rc;

	if (kex == NULL || peer == NULL || out == NULL)
		return -EINVAL;
	len = magnitude_trim(peer, peer_len, &start);
	if (len > (size_t)BN_num_bytes(kex->p))
		return -EPROTO;
	rc = -ENOMEM;
	if ((bnctx = BN_CTX_secure_new()) == NULL || (y = magnitude_to_bn(start, len, 0)) == NULL ||
	    (k = BN_secure_new()) == NULL)
		goto out;
	BN_set_flags(k, BN_FLG_CONSTTIME);
	rc = -EPROTO;
	if (!in_open_range(y, kex->p, bnctx))
		goto out;
	rc = -ENOMEM;
	if (BN_mod_exp_mont_consttime(k, y, kex->x, kex->p, bnctx, NULL) != 1)
		goto out;
	/* With 1 < y < p-1 and a prime p, K cannot be 0; K = 1 would mean y has small
	 * order, which a safe-prime group rules out for y != p-1. Refuse it anyway. */
	rc = -EPROTO;
	if (BN_is_zero(k) || BN_is_one(k))
		goto out;
	rc = magnitude_from_bn(k, out, out_size);
out:
	BN_clear_free(k);
	BN_free(y);
	BN_CTX_free(bnctx);
	return rc;
}
