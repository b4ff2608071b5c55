/* Finite-field DH (crypto/kex_dh): the RFC 3526 groups checked against the RFC's text,
 * agreement in each group and in a generic group, the RFC 4253 §8 range checks on the
 * peer's value, and the private exponent size. */
#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "crypto/kex_dh.h"

/* SHA-256 of each prime's big-endian bytes, computed from the hexadecimal value
 * printed in RFC 3526 §3 (group 14), §5 (group 16) and §7 (group 18). */
static const struct {
	enum kex_dh_group group;
	int bits;
	const char *prime_sha256;
} rfc3526[] = {
	{ KEX_DH_GROUP14, 2048, "d66436f79bbd6b2e38c0ffbd079be904d2641415e2e67140e09448be9a60890e" },
	{ KEX_DH_GROUP16, 4096, "4ee95187682bcb230ad26a95205f6920e84708f6251b3894329b09ec23919e33" },
	{ KEX_DH_GROUP18, 8192, "39ab4feab950a3128fb71accb9fc3965d857012e081998a85996e3ea8b3c3bcf" },
};

/* RFC 3526 §3, the 2048-bit prime in full, for the generic-group tests. */
static const char group14_hex[] =
	"FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
	"29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
	"EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
	"E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
	"EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
	"C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
	"83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
	"670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
	"E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
	"DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
	"15728E5A 8AACAA68 FFFFFFFF FFFFFFFF";

static void test_rfc3526_group_constants(void **state)
{
	for (size_t i = 0; i < sizeof(rfc3526) / sizeof(rfc3526[0]); i++) {
		static uint8_t p[KEX_DH_MAX_BYTES];
		uint8_t g[8], digest[32], want[32];
		unsigned int dlen = 0;
		struct kex_dh *kex = NULL;
		int len;

		assert_int_equal(kex_dh_new_group(&kex, rfc3526[i].group), 0);
		len = kex_dh_prime(kex, p, sizeof(p));
		assert_int_equal(len, rfc3526[i].bits / 8);
		assert_int_equal(EVP_Digest(p, (size_t)len, digest, &dlen, EVP_sha256(), NULL), 1);
		unhex(rfc3526[i].prime_sha256, want, sizeof(want));
		assert_memory_equal(digest, want, 32);
		/* "The generator is: 2." */
		assert_int_equal(kex_dh_generator(kex, g, sizeof(g)), 1);
		assert_int_equal(g[0], 2);
		/* the public value is in range and has the right size */
		len = kex_dh_public(kex, p, sizeof(p));
		assert_true(len > 0 && len <= rfc3526[i].bits / 8);
		kex_dh_free(kex);
	}
	{
		struct kex_dh *kex = NULL;

		assert_int_equal(kex_dh_new_group(&kex, (enum kex_dh_group)15), -ENOTSUP);
	}
}

/* RFC 3526 §1/§8: exponent of at least twice the group's strength. */
static void test_private_exponent_size(void **state)
{
	static const int min_bits[] = { 320, 480, 620 };

	for (size_t i = 0; i < 3; i++) {
		struct kex_dh *kex = NULL;

		assert_int_equal(kex_dh_new_group(&kex, rfc3526[i].group), 0);
		assert_true(kex_dh_private_bits(kex) >= min_bits[i]);
		assert_true(kex_dh_private_bits(kex) >= 512);
		assert_true(kex_dh_private_bits(kex) < rfc3526[i].bits);
		kex_dh_free(kex);
	}
}

static void agree(struct kex_dh *a, struct kex_dh *b)
{
	static uint8_t pa[KEX_DH_MAX_BYTES], pb[KEX_DH_MAX_BYTES], ka[KEX_DH_MAX_BYTES],
		kb[KEX_DH_MAX_BYTES];
	int la, lb, sa, sb;

	la = kex_dh_public(a, pa, sizeof(pa));
	lb = kex_dh_public(b, pb, sizeof(pb));
	assert_true(la > 0 && lb > 0);
	assert_false(la == lb && memcmp(pa, pb, (size_t)la) == 0);
	sa = kex_dh_shared(a, pb, (size_t)lb, ka, sizeof(ka));
	sb = kex_dh_shared(b, pa, (size_t)la, kb, sizeof(kb));
	assert_true(sa > 0);
	assert_int_equal(sa, sb);
	assert_memory_equal(ka, kb, (size_t)sa);
	assert_int_not_equal(ka[0], 0);	/* a magnitude: no leading zero */
}

static void test_agreement_fixed_groups(void **state)
{
	for (size_t i = 0; i < 3; i++) {
		struct kex_dh *a = NULL, *b = NULL;

		assert_int_equal(kex_dh_new_group(&a, rfc3526[i].group), 0);
		assert_int_equal(kex_dh_new_group(&b, rfc3526[i].group), 0);
		agree(a, b);
		kex_dh_free(a);
		kex_dh_free(b);
	}
}

/* The peer's value must satisfy 1 < f < p-1 (RFC 4253 §8): 0, 1, p-1, p, p+1 and a
 * value longer than p are refused; 2 and p-2 are accepted. Leading zero bytes (an
 * mpint's sign byte) are tolerated. */
static void test_peer_value_bounds(void **state)
{
	static uint8_t p[KEX_DH_MAX_BYTES + 2], v[KEX_DH_MAX_BYTES + 2], k[KEX_DH_MAX_BYTES];
	struct kex_dh *kex = NULL;
	BIGNUM *bp, *bv;
	int plen;

	assert_int_equal(kex_dh_new_group(&kex, KEX_DH_GROUP14), 0);
	plen = kex_dh_prime(kex, p, sizeof(p));
	assert_int_equal(plen, 256);
	bp = BN_bin2bn(p, plen, NULL);
	bv = BN_new();
	assert_non_null(bp);
	assert_non_null(bv);

	/* 0 (empty magnitude and one zero byte) and 1 */
	assert_int_equal(kex_dh_shared(kex, v, 0, k, sizeof(k)), -EPROTO);
	v[0] = 0;
	assert_int_equal(kex_dh_shared(kex, v, 1, k, sizeof(k)), -EPROTO);
	v[0] = 1;
	assert_int_equal(kex_dh_shared(kex, v, 1, k, sizeof(k)), -EPROTO);
	v[0] = 2;
	assert_true(kex_dh_shared(kex, v, 1, k, sizeof(k)) > 0);
	/* p - 1, p, p + 1 */
	for (int delta = -1; delta <= 1; delta++) {
		assert_non_null(BN_copy(bv, bp));
		if (delta < 0)
			assert_int_equal(BN_sub_word(bv, 1), 1);
		else if (delta > 0)
			assert_int_equal(BN_add_word(bv, 1), 1);
		assert_int_equal(BN_bn2binpad(bv, v, plen), plen);
		assert_int_equal(kex_dh_shared(kex, v, (size_t)plen, k, sizeof(k)), -EPROTO);
	}
	/* p - 2 is accepted, also with a leading zero byte */
	assert_non_null(BN_copy(bv, bp));
	assert_int_equal(BN_sub_word(bv, 2), 1);
	v[0] = 0;
	assert_int_equal(BN_bn2binpad(bv, v + 1, plen), plen);
	assert_true(kex_dh_shared(kex, v + 1, (size_t)plen, k, sizeof(k)) > 0);
	assert_true(kex_dh_shared(kex, v, (size_t)plen + 1, k, sizeof(k)) > 0);
	/* a value one byte longer than p */
	v[0] = 1;
	assert_int_equal(kex_dh_shared(kex, v, (size_t)plen + 1, k, sizeof(k)), -EPROTO);
	/* no room for the secret */
	v[0] = 2;
	assert_int_equal(kex_dh_shared(kex, v, 1, k, 16), -ENOSPC);
	BN_free(bp);
	BN_free(bv);
	kex_dh_free(kex);
}

/* Generic (group exchange) groups: group 14's prime given as bytes agrees; bad
 * parameters are refused. */
static void test_generic_group(void **state)
{
	static uint8_t p[300], small[200];
	uint8_t g = 2, g_bad[1];
	struct kex_dh *a = NULL, *b = NULL;
	size_t plen = unhex(group14_hex, p, sizeof(p));

	assert_int_equal(plen, 256);
	assert_int_equal(kex_dh_new_generic(&a, p, plen, &g, 1), 0);
	assert_int_equal(kex_dh_new_group(&b, KEX_DH_GROUP14), 0);
	agree(a, b);	/* the same group, reached both ways */
	kex_dh_free(a);
	kex_dh_free(b);

	/* g = 0, 1, p-1 */
	g_bad[0] = 0;
	assert_int_equal(kex_dh_new_generic(&a, p, plen, g_bad, 1), -EBADMSG);
	g_bad[0] = 1;
	assert_int_equal(kex_dh_new_generic(&a, p, plen, g_bad, 1), -EBADMSG);
	{
		uint8_t pm1[256];

		memcpy(pm1, p, 256);
		pm1[255] -= 1;
		assert_int_equal(kex_dh_new_generic(&a, p, plen, pm1, 256), -EBADMSG);
	}
	/* p below 2048 bits, even p, too long input */
	memset(small, 0xff, sizeof(small));
	assert_int_equal(kex_dh_new_generic(&a, small, 200, &g, 1), -EBADMSG);
	p[255] ^= 1;
	assert_int_equal(kex_dh_new_generic(&a, p, plen, &g, 1), -EBADMSG);
	{
		static uint8_t huge[KEX_DH_MAX_BYTES + 16];

		memset(huge, 0xff, sizeof(huge));
		assert_int_equal(kex_dh_new_generic(&a, huge, sizeof(huge), &g, 1), -EBADMSG);
		assert_int_equal(kex_dh_new_generic(&a, huge, KEX_DH_MAX_BYTES + 1, &g, 1),
				 -EBADMSG);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3526_group_constants),
		cmocka_unit_test(test_private_exponent_size),
		cmocka_unit_test(test_agreement_fixed_groups),
		cmocka_unit_test(test_peer_value_bounds),
		cmocka_unit_test(test_generic_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
