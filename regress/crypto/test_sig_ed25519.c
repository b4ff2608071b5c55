/* ssh-ed25519 signatures (crypto/hostkey + crypto/pubkey): RFC 8032 §7.1 TEST 1-3 (the
 * signature is deterministic, so signing must reproduce it), verification, and
 * rejection of flipped bits, wrong lengths and mismatched key halves. */
#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include "crypto/hostkey.h"
#include "crypto/pubkey.h"

/* RFC 8032 §7.1: SECRET KEY (the seed), PUBLIC KEY, MESSAGE, SIGNATURE. */
static const struct {
	const char *name, *seed, *pk, *msg, *sig;
} vectors[] = {
	{ "TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

static void test_rfc8032_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		uint8_t seed[32], pk[32], msg[8], sig[64];
		size_t msg_len;
		struct hostkey *key = NULL;
		struct pubkey *pub = NULL;
		struct sig_out out;
		struct sig_parts parts;
		const uint8_t *got_pk;

		unhex(vectors[i].seed, seed, 32);
		unhex(vectors[i].pk, pk, 32);
		msg_len = unhex(vectors[i].msg, msg, sizeof(msg));
		unhex(vectors[i].sig, sig, 64);

		/* sign reproduces */
		assert_int_equal(hostkey_from_ed25519(&key, seed, 32, pk, 32), 0);
		assert_int_equal(hostkey_sign(key, SIG_ALG_ED25519, msg, msg_len, &out), 0);
		assert_int_equal(out.alg, SIG_ALG_ED25519);
		assert_int_equal(out.sig_len, 64);
		assert_memory_equal(out.sig, sig, 64);
		assert_int_equal(pubkey_ed25519(hostkey_pubkey(key), &got_pk), 0);
		assert_memory_equal(got_pk, pk, 32);

		/* verify accepts, from a key made of the public component alone */
		assert_int_equal(pubkey_from_ed25519(&pub, pk, 32), 0);
		assert_string_equal(pubkey_type_name(pub), "ssh-ed25519");
		assert_int_equal(pubkey_bits(pub), 256);
		assert_true(pubkey_equal(pub, hostkey_pubkey(key)));
		memset(&parts, 0, sizeof(parts));
		parts.sig = sig;
		parts.sig_len = 64;
		assert_int_equal(pubkey_verify(pub, SIG_ALG_ED25519, &parts, msg, msg_len, 0), 0);

		/* any flipped bit of the signature, or of the message, is rejected */
		for (size_t bit = 0; bit < 64 * 8; bit += 37) {
			sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(pubkey_verify(pub, SIG_ALG_ED25519, &parts, msg, msg_len, 0),
					 -EACCES);
			sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		if (msg_len > 0) {
			msg[0] ^= 0x80;
			assert_int_equal(pubkey_verify(pub, SIG_ALG_ED25519, &parts, msg, msg_len, 0),
					 -EACCES);
			msg[0] ^= 0x80;
		} else {
			uint8_t one = 0;

			assert_int_equal(pubkey_verify(pub, SIG_ALG_ED25519, &parts, &one, 1, 0),
					 -EACCES);
		}
		/* wrong signature lengths are malformed */
		parts.sig_len = 63;
		assert_int_equal(pubkey_verify(pub, SIG_ALG_ED25519, &parts, msg, msg_len, 0),
				 -EBADMSG);
		parts.sig_len = 0;
		assert_int_equal(pubkey_verify(pub, SIG_ALG_ED25519, &parts, msg, msg_len, 0),
				 -EBADMSG);
		/* other algorithms do not belong to this key */
		parts.sig_len = 64;
		assert_int_equal(pubkey_verify(pub, SIG_ALG_RSA_SHA2_256, &parts, msg, msg_len, 0),
				 -EPROTO);
		assert_int_equal(hostkey_sign(key, SIG_ALG_ECDSA_NISTP256, msg, msg_len, &out),
				 -EPROTO);
		pubkey_free(pub);
		hostkey_free(key);
	}
}

/* Another vector's signature does not verify under this key. */
static void test_cross_vectors_rejected(void **state)
{
	uint8_t pk1[32], sig2[64], msg2[1];
	struct pubkey *pub = NULL;
	struct sig_parts parts = { 0 };

	unhex(vectors[0].pk, pk1, 32);
	unhex(vectors[1].sig, sig2, 64);
	unhex(vectors[1].msg, msg2, 1);
	assert_int_equal(pubkey_from_ed25519(&pub, pk1, 32), 0);
	parts.sig = sig2;
	parts.sig_len = 64;
	assert_int_equal(pubkey_verify(pub, SIG_ALG_ED25519, &parts, msg2, 1, 0), -EACCES);
	pubkey_free(pub);
}

/* Malformed components: lengths, and a public key that is not the seed's. */
static void test_malformed_components(void **state)
{
	uint8_t seed[32], pk[33], other_pk[32];
	struct hostkey *key = NULL;
	struct pubkey *pub = NULL;

	unhex(vectors[0].seed, seed, 32);
	unhex(vectors[0].pk, pk, 32);
	unhex(vectors[1].pk, other_pk, 32);
	assert_int_equal(pubkey_from_ed25519(&pub, pk, 31), -EBADMSG);
	assert_int_equal(pubkey_from_ed25519(&pub, pk, 33), -EBADMSG);
	assert_int_equal(hostkey_from_ed25519(&key, seed, 31, pk, 32), -EBADMSG);
	assert_int_equal(hostkey_from_ed25519(&key, seed, 32, pk, 33), -EBADMSG);
	assert_int_equal(hostkey_from_ed25519(&key, seed, 32, other_pk, 32), -EBADMSG);
	assert_null(key);
	/* openssh-key-v1's 64-byte form, seed || pk: accepted when both halves agree */
	{
		uint8_t sk[64];

		memcpy(sk, seed, 32);
		memcpy(sk + 32, pk, 32);
		assert_int_equal(hostkey_from_ed25519(&key, sk, 64, pk, 32), 0);
		hostkey_free(key);
		key = NULL;
		sk[63] ^= 1;
		assert_int_equal(hostkey_from_ed25519(&key, sk, 64, pk, 32), -EBADMSG);
		memcpy(sk + 32, other_pk, 32);
		assert_int_equal(hostkey_from_ed25519(&key, sk, 64, other_pk, 32), -EBADMSG);
		assert_int_equal(hostkey_from_ed25519(&key, sk, 63, pk, 32), -EBADMSG);
		assert_null(key);
	}
	assert_null(pub);
}

/* Generated keys sign and verify; two keys differ; a copy of the public key is equal. */
static void test_generated(void **state)
{
	struct hostkey *a = NULL, *b = NULL;
	struct pubkey *copy;
	struct sig_out out;
	struct sig_parts parts;
	const uint8_t data[] = "exchange hash";

	assert_int_equal(hostkey_generate(&a, PUBKEY_ED25519, 0), 0);
	assert_int_equal(hostkey_generate(&b, PUBKEY_ED25519, 0), 0);
	assert_false(pubkey_equal(hostkey_pubkey(a), hostkey_pubkey(b)));
	copy = pubkey_dup(hostkey_pubkey(a));
	assert_non_null(copy);
	assert_true(pubkey_equal(copy, hostkey_pubkey(a)));
	assert_int_equal(hostkey_sign(a, SIG_ALG_ED25519, data, sizeof(data), &out), 0);
	sig_out_parts(&out, &parts);
	assert_int_equal(pubkey_verify(copy, SIG_ALG_ED25519, &parts, data, sizeof(data), 0), 0);
	assert_int_equal(pubkey_verify(hostkey_pubkey(b), SIG_ALG_ED25519, &parts, data,
				       sizeof(data), 0),
			 -EACCES);
	pubkey_free(copy);
	hostkey_free(a);
	hostkey_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_vectors),
		cmocka_unit_test(test_cross_vectors_rejected),
		cmocka_unit_test(test_malformed_components),
		cmocka_unit_test(test_generated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
