/* X25519 key agreement (crypto/kex_x25519): RFC 7748 known answers, agreement between
 * two fresh key pairs, and rejection of malformed and small-order peer values. */
#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include "crypto/kex_x25519.h"

/* Scalar multiplication through the kex object: priv * u, as a 32-byte string. The
 * API returns the minimal magnitude (the mpint body), so a result with leading zero
 * bytes comes back shorter and is padded here to compare with the RFC's strings. */
static void scalarmult(const uint8_t priv[32], const uint8_t u[32], uint8_t out[32])
{
	struct kex_x25519 *kex = NULL;
	uint8_t mag[32];
	int len;

	assert_int_equal(kex_x25519_new_from_private(&kex, priv, 32), 0);
	len = kex_x25519_shared(kex, u, 32, mag, sizeof(mag));
	assert_true(len > 0 && len <= 32);
	assert_true(len == 32 || mag[0] != 0);
	memset(out, 0, 32 - (size_t)len);
	memcpy(out + 32 - len, mag, (size_t)len);
	kex_x25519_free(kex);
}

/* RFC 7748 §5.2, the two single-multiplication test vectors. */
static void test_rfc7748_5_2_vectors(void **state)
{
	static const struct {
		const char *scalar, *u, *out;
	} v[] = {
		{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
		/* the u-coordinate's top bit is set and must be masked (RFC 7748 §5) */
		{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t k[32], u[32], want[32], got[32];

		unhex(v[i].scalar, k, sizeof(k));
		unhex(v[i].u, u, sizeof(u));
		unhex(v[i].out, want, sizeof(want));
		scalarmult(k, u, got);
		assert_memory_equal(got, want, 32);
	}
}

/* RFC 7748 §5.2, the iterated test: k = u = 9; then k' = X25519(k, u), u' = k; the
 * results after 1 and after 1,000 iterations (the 1,000,000 one is too slow for
 * make check). */
static void test_rfc7748_5_2_iterated(void **state)
{
	uint8_t k[32] = { 9 }, u[32] = { 9 }, next[32], want1[32], want1000[32];

	unhex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", want1, 32);
	unhex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", want1000, 32);
	for (int i = 1; i <= 1000; i++) {
		scalarmult(k, u, next);
		memcpy(u, k, 32);
		memcpy(k, next, 32);
		if (i == 1)
			assert_memory_equal(k, want1, 32);
	}
	assert_memory_equal(k, want1000, 32);
}

/* RFC 7748 §6.1: Alice's and Bob's keys, public values and shared secret. */
static void test_rfc7748_6_1_exchange(void **state)
{
	uint8_t a_priv[32], b_priv[32], a_pub[32], b_pub[32], k[32], pub[32], got[32];
	struct kex_x25519 *alice = NULL, *bob = NULL;

	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a_priv, 32);
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", a_pub, 32);
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b_priv, 32);
	unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", b_pub, 32);
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", k, 32);

	assert_int_equal(kex_x25519_new_from_private(&alice, a_priv, 32), 0);
	assert_int_equal(kex_x25519_new_from_private(&bob, b_priv, 32), 0);
	assert_int_equal(kex_x25519_public(alice, pub, sizeof(pub)), 32);
	assert_memory_equal(pub, a_pub, 32);
	assert_int_equal(kex_x25519_public(bob, pub, sizeof(pub)), 32);
	assert_memory_equal(pub, b_pub, 32);
	assert_int_equal(kex_x25519_shared(alice, b_pub, 32, got, sizeof(got)), 32);
	assert_memory_equal(got, k, 32);
	assert_int_equal(kex_x25519_shared(bob, a_pub, 32, got, sizeof(got)), 32);
	assert_memory_equal(got, k, 32);
	/* too small an output buffer */
	assert_int_equal(kex_x25519_shared(alice, b_pub, 32, got, 31), -ENOSPC);
	kex_x25519_free(alice);
	kex_x25519_free(bob);
}

/* Two fresh key pairs agree, and two exchanges do not repeat a secret. */
static void test_fresh_agreement(void **state)
{
	struct kex_x25519 *a = NULL, *b = NULL, *c = NULL;
	uint8_t pa[32], pb[32], pc[32], ka[32], kb[32], kc[32];
	int la, lb, lc;

	assert_int_equal(kex_x25519_new(&a), 0);
	assert_int_equal(kex_x25519_new(&b), 0);
	assert_int_equal(kex_x25519_new(&c), 0);
	kex_x25519_public(a, pa, 32);
	kex_x25519_public(b, pb, 32);
	kex_x25519_public(c, pc, 32);
	assert_memory_not_equal(pa, pb, 32);
	la = kex_x25519_shared(a, pb, 32, ka, 32);
	lb = kex_x25519_shared(b, pa, 32, kb, 32);
	lc = kex_x25519_shared(c, pa, 32, kc, 32);
	assert_true(la > 0 && la <= 32);
	assert_int_equal(la, lb);
	assert_memory_equal(ka, kb, (size_t)la);
	assert_false(lc == la && memcmp(kc, ka, (size_t)la) == 0);
	kex_x25519_free(a);
	kex_x25519_free(b);
	kex_x25519_free(c);
}

/* Peer values of small order make the shared secret all zeros (RFC 7748 §6.1 asks to
 * check for it); each must be refused. u = 0, u = 1, and a point of order 8. */
static void test_small_order_rejected(void **state)
{
	static const char *const small[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	};
	struct kex_x25519 *kex = NULL;
	uint8_t u[32], out[32];

	assert_int_equal(kex_x25519_new(&kex), 0);
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		unhex(small[i], u, 32);
		assert_int_equal(kex_x25519_shared(kex, u, 32, out, sizeof(out)), -EPROTO);
	}
	kex_x25519_free(kex);
}

static void test_wrong_lengths_rejected(void **state)
{
	struct kex_x25519 *kex = NULL;
	uint8_t peer[33] = { 9 }, out[32];

	assert_int_equal(kex_x25519_new(&kex), 0);
	assert_int_equal(kex_x25519_shared(kex, peer, 31, out, sizeof(out)), -EBADMSG);
	assert_int_equal(kex_x25519_shared(kex, peer, 33, out, sizeof(out)), -EBADMSG);
	assert_int_equal(kex_x25519_shared(kex, peer, 0, out, sizeof(out)), -EBADMSG);
	assert_int_equal(kex_x25519_shared(kex, peer, 32, out, sizeof(out)) > 0, 1);
	kex_x25519_free(kex);
	assert_int_equal(kex_x25519_new_from_private(&kex, peer, 31), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc7748_5_2_vectors),
		cmocka_unit_test(test_rfc7748_5_2_iterated),
		cmocka_unit_test(test_rfc7748_6_1_exchange),
		cmocka_unit_test(test_fresh_agreement),
		cmocka_unit_test(test_small_order_rejected),
		cmocka_unit_test(test_wrong_lengths_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
