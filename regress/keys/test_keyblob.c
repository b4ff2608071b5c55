/* Key and signature blobs: round trips for every key type, the signature-algorithm
 * rules (rsa-sha2-256/512 vs ssh-rsa, the algorithm the peer named, ECDSA curves),
 * every truncation, trailing bytes, curve/name and type mismatches. */
#include "regress/keys/keys_test_util.h"

static const uint8_t data[] = "exchange hash or user-auth data";

struct kcase {
	enum pubkey_type type;
	int bits;
	enum sig_alg alg;
};

static const struct kcase kcases[] = {
	{ PUBKEY_ED25519, 0, SIG_ALG_ED25519 },
	{ PUBKEY_ECDSA, 256, SIG_ALG_ECDSA_NISTP256 },
	{ PUBKEY_ECDSA, 384, SIG_ALG_ECDSA_NISTP384 },
	{ PUBKEY_ECDSA, 521, SIG_ALG_ECDSA_NISTP521 },
	{ PUBKEY_RSA, 2048, SIG_ALG_RSA_SHA2_256 },
};

static void every_truncation_fails(const uint8_t *blob, size_t len, int is_sig)
{
	uint8_t copy[SIGBLOB_MAX + 1];

	for (size_t n = 0; n < len; n++) {
		struct pubkey *pk = NULL;
		struct sig_parts parts;
		enum sig_alg alg;
		int rc = is_sig ? sigblob_decode(blob, n, &alg, &parts)
				: keyblob_decode(blob, n, &pk);

		if (rc != -EBADMSG && rc != -ENOTSUP)
			fail_msg("truncation at %zu of %zu: %d", n, len, rc);
		assert_null(pk);
	}
	/* one trailing byte */
	memcpy(copy, blob, len);
	copy[len] = 0;
	if (is_sig) {
		struct sig_parts parts;
		enum sig_alg alg;

		assert_int_equal(sigblob_decode(copy, len + 1, &alg, &parts), -EBADMSG);
	} else {
		struct pubkey *pk = NULL;

		assert_int_equal(keyblob_decode(copy, len + 1, &pk), -EBADMSG);
	}
}

static void test_roundtrip_and_sign(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kcases) / sizeof(kcases[0]); i++) {
		const struct kcase *kc = &kcases[i];
		struct hostkey *hk = NULL;
		struct pubkey *pk = NULL;
		uint8_t blob[KEYBLOB_MAX], sig[SIGBLOB_MAX], again[KEYBLOB_MAX];
		uint8_t bad[sizeof(data)];
		int bl, sl;

		assert_int_equal(hostkey_generate(&hk, kc->type, kc->bits), 0);
		bl = keyblob_encode(hostkey_pubkey(hk), blob, sizeof(blob));
		assert_true(bl > 0);
		assert_int_equal(keyblob_encode(hostkey_pubkey(hk), blob, (size_t)bl - 1),
				 -ENOSPC);
		assert_int_equal(keyblob_decode(blob, (size_t)bl, &pk), 0);
		assert_int_equal(pubkey_equal(pk, hostkey_pubkey(hk)), 1);
		assert_int_equal(keyblob_encode(pk, again, sizeof(again)), bl);
		assert_memory_equal(blob, again, (size_t)bl);
		every_truncation_fails(blob, (size_t)bl, 0);

		sl = sigblob_sign(hk, kc->alg, data, sizeof(data), sig, sizeof(sig));
		assert_true(sl > 0);
		assert_int_equal(sigblob_verify(pk, 0, sig, (size_t)sl, data, sizeof(data), 0), 0);
		assert_int_equal(sigblob_verify(pk, kc->alg, sig, (size_t)sl, data, sizeof(data),
						0), 0);
		memcpy(bad, data, sizeof(data));
		bad[0] ^= 1;
		assert_int_equal(sigblob_verify(pk, 0, sig, (size_t)sl, bad, sizeof(bad), 0),
				 -EACCES);
		/* the peer named another algorithm than the one the blob carries */
		assert_int_equal(sigblob_verify(pk, kc->alg == SIG_ALG_ED25519 ?
						SIG_ALG_ECDSA_NISTP256 : SIG_ALG_ED25519,
						sig, (size_t)sl, data, sizeof(data), 0), -EPROTO);
		every_truncation_fails(sig, (size_t)sl, 1);
		/* a signature of this key verified with another type of key */
		{
			struct hostkey *other = NULL;
			enum pubkey_type ot = kc->type == PUBKEY_ED25519 ? PUBKEY_ECDSA
									 : PUBKEY_ED25519;

			assert_int_equal(hostkey_generate(&other, ot, 256), 0);
			assert_int_equal(sigblob_verify(hostkey_pubkey(other), 0, sig, (size_t)sl,
							data, sizeof(data), 0), -EPROTO);
			hostkey_free(other);
		}
		pubkey_free(pk);
		hostkey_free(hk);
	}
}

static void test_rsa_algorithms(void **state)
{
	struct hostkey *hk = NULL;
	const struct pubkey *pk;
	uint8_t s256[SIGBLOB_MAX], s512[SIGBLOB_MAX], s1[SIGBLOB_MAX];
	int l256, l512, l1;
	struct sig_parts parts;
	enum sig_alg alg;

	(void)state;
	assert_int_equal(hostkey_generate(&hk, PUBKEY_RSA, 2048), 0);
	pk = hostkey_pubkey(hk);
	l256 = sigblob_sign(hk, SIG_ALG_RSA_SHA2_256, data, sizeof(data), s256, sizeof(s256));
	l512 = sigblob_sign(hk, SIG_ALG_RSA_SHA2_512, data, sizeof(data), s512, sizeof(s512));
	l1 = sigblob_sign(hk, SIG_ALG_RSA_SHA1, data, sizeof(data), s1, sizeof(s1));
	assert_true(l256 > 0 && l512 > 0 && l1 > 0);
	assert_int_equal(sigblob_decode(s512, (size_t)l512, &alg, &parts), 0);
	assert_int_equal(alg, SIG_ALG_RSA_SHA2_512);
	assert_int_equal(parts.sig_len, 256);
	/* RFC 8332: the key is "ssh-rsa", the signature says which hash */
	assert_int_equal(sigblob_verify(pk, SIG_ALG_RSA_SHA2_256, s256, (size_t)l256, data,
					sizeof(data), 0), 0);
	assert_int_equal(sigblob_verify(pk, SIG_ALG_RSA_SHA2_512, s512, (size_t)l512, data,
					sizeof(data), 0), 0);
	assert_int_equal(sigblob_verify(pk, SIG_ALG_RSA_SHA2_512, s256, (size_t)l256, data,
					sizeof(data), 0), -EPROTO);
	assert_int_equal(sigblob_verify(pk, SIG_ALG_RSA_SHA2_256, s512, (size_t)l512, data,
					sizeof(data), 0), -EPROTO);
	/* SHA-1 only on request */
	assert_int_equal(sigblob_verify(pk, 0, s1, (size_t)l1, data, sizeof(data), 0), -ENOTSUP);
	assert_int_equal(sigblob_verify(pk, SIG_ALG_RSA_SHA1, s1, (size_t)l1, data, sizeof(data),
					PUBKEY_VERIFY_ALLOW_SHA1), 0);
	/* an rsa-sha2-256 signature relabelled rsa-sha2-512 does not verify */
	{
		uint8_t copy[SIGBLOB_MAX];

		memcpy(copy, s256, (size_t)l256);
		memcpy(copy + 4 + strlen("rsa-sha2-"), "512", 3);
		assert_int_equal(sigblob_verify(pk, 0, copy, (size_t)l256, data, sizeof(data), 0),
				 -EACCES);
	}
	hostkey_free(hk);
}

static void test_ecdsa_curve_consistency(void **state)
{
	struct hostkey *p256 = NULL, *p384 = NULL;
	uint8_t blob[KEYBLOB_MAX], sig[SIGBLOB_MAX];
	struct pubkey *pk = NULL;
	uint8_t *at;
	int bl, sl;

	(void)state;
	assert_int_equal(hostkey_generate(&p256, PUBKEY_ECDSA, 256), 0);
	assert_int_equal(hostkey_generate(&p384, PUBKEY_ECDSA, 384), 0);
	bl = keyblob_encode(hostkey_pubkey(p256), blob, sizeof(blob));
	assert_true(bl > 0);
	/* the curve field says nistp384 while the type says nistp256 */
	at = memmem(blob + 4 + 19, (size_t)bl - 23, "nistp256", 8);
	assert_non_null(at);
	memcpy(at, "nistp384", 8);
	assert_int_equal(keyblob_decode(blob, (size_t)bl, &pk), -EBADMSG);
	memcpy(at, "nistp256", 8);
	/* the type says nistp384 (curve field then disagrees too) */
	memcpy(blob + 4 + 16, "384", 3);
	assert_int_equal(keyblob_decode(blob, (size_t)bl, &pk), -EBADMSG);
	memcpy(blob + 4 + 16, "256", 3);
	/* a point off the curve */
	blob[bl - 1] ^= 1;
	assert_int_equal(keyblob_decode(blob, (size_t)bl, &pk), -EBADMSG);
	blob[bl - 1] ^= 1;
	assert_int_equal(keyblob_decode(blob, (size_t)bl, &pk), 0);
	/* a P-384 signature offered for a P-256 key */
	sl = sigblob_sign(p384, SIG_ALG_ECDSA_NISTP384, data, sizeof(data), sig, sizeof(sig));
	assert_true(sl > 0);
	assert_int_equal(sigblob_verify(pk, 0, sig, (size_t)sl, data, sizeof(data), 0), -EPROTO);
	/* and signing with the wrong curve's algorithm is refused */
	assert_int_equal(sigblob_sign(p256, SIG_ALG_ECDSA_NISTP384, data, sizeof(data), sig,
				      sizeof(sig)), -EPROTO);
	pubkey_free(pk);
	hostkey_free(p256);
	hostkey_free(p384);
}

static void test_unknown_types(void **state)
{
	struct hostkey *hk = NULL;
	uint8_t blob[KEYBLOB_MAX], sig[SIGBLOB_MAX];
	struct pubkey *pk = NULL;
	struct sig_parts parts;
	enum sig_alg alg;
	int bl, sl;

	(void)state;
	assert_int_equal(hostkey_generate(&hk, PUBKEY_ED25519, 0), 0);
	bl = keyblob_encode(hostkey_pubkey(hk), blob, sizeof(blob));
	sl = sigblob_sign(hk, SIG_ALG_ED25519, data, sizeof(data), sig, sizeof(sig));
	assert_true(bl > 0 && sl > 0);
	blob[4 + 10] = '8';	/* "ssh-ed25518" */
	assert_int_equal(keyblob_decode(blob, (size_t)bl, &pk), -ENOTSUP);
	sig[4 + 10] = '8';
	assert_int_equal(sigblob_decode(sig, (size_t)sl, &alg, &parts), -ENOTSUP);
	assert_int_equal(sigblob_verify(hostkey_pubkey(hk), 0, sig, (size_t)sl, data,
					sizeof(data), 0), -EPROTO);
	hostkey_free(hk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_and_sign),
		cmocka_unit_test(test_rsa_algorithms),
		cmocka_unit_test(test_ecdsa_curve_consistency),
		cmocka_unit_test(test_unknown_types),
	};

	return cmocka_run_group_tests_name("keys_keyblob", tests, NULL, NULL);
}
