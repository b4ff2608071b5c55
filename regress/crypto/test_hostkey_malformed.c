/* Malformed and refused keys (crypto/hostkey, crypto/pubkey): truncated PEM, garbage,
 * encrypted PEM, openssh-key-v1 text, unsupported types and curves, RSA moduli outside
 * 1024..16384 bits (a 1023-bit key made by openssl is refused), inconsistent RSA
 * components, and file-level errors. */
#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto/hostkey.h"
#include "crypto/pubkey.h"

static char dir[256];

static int setup(void **state)
{
	scratch_make(dir, sizeof(dir));
	run("ssh-keygen -q -t rsa -b 1024 -m PEM -N '' -f %s/rsa", dir);
	run("ssh-keygen -q -t ecdsa -b 256 -m PEM -N 'secret pass' -f %s/enc", dir);
	run("ssh-keygen -q -t ed25519 -N '' -f %s/openssh", dir);
	run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1023 -out %s/rsa1023 "
	    "2>/dev/null",
	    dir);
	run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out %s/k1",
	    dir);
	run("openssl genpkey -algorithm X25519 -out %s/x25519", dir);
	run("openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:1024 -out %s/pss "
	    "2>/dev/null",
	    dir);
	return 0;
}

static int teardown(void **state)
{
	scratch_remove(dir);
	return 0;
}

static int load(const char *name)
{
	char path[512];
	struct hostkey *key = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = hostkey_load_pem_file(&key, path);
	if (rc == 0)
		assert_non_null(key);
	else
		assert_null(key);
	hostkey_free(key);
	return rc;
}

static int from_text(const uint8_t *pem, size_t len)
{
	struct hostkey *key = NULL;
	int rc = hostkey_from_pem(&key, pem, len);

	hostkey_free(key);
	return rc;
}

static void test_refused_files(void **state)
{
	assert_int_equal(load("rsa"), 0);	/* 1024 bits: the smallest accepted */
	assert_int_equal(load("enc"), -EACCES);
	assert_int_equal(load("openssh"), -ENOTSUP);
	assert_int_equal(load("rsa1023"), -ERANGE);
	assert_int_equal(load("k1"), -ENOTSUP);
	assert_int_equal(load("x25519"), -ENOTSUP);
	assert_int_equal(load("pss"), -ENOTSUP);
	assert_int_equal(load("does-not-exist"), -ENOENT);
	assert_int_equal(load("."), -EINVAL);
	{
		char path[512];
		static uint8_t big[HOSTKEY_PEM_MAX + 1];

		snprintf(path, sizeof(path), "%s/big", dir);
		memset(big, 'A', sizeof(big));
		spill(path, big, sizeof(big));
		assert_int_equal(load("big"), -EFBIG);
		spill(path, big, sizeof(big) - 1);	/* at the limit: read, then refused */
		assert_int_equal(load("big"), -EBADMSG);
	}
}

/* Every prefix of a good PEM file is refused as malformed; so is the file with one
 * character of its base64 body changed, and plain garbage. */
static void test_truncated_and_garbage(void **state)
{
	char path[512];
	size_t len;
	uint8_t *pem;

	snprintf(path, sizeof(path), "%s/rsa", dir);
	pem = slurp(path, &len);
	assert_int_equal(from_text(pem, len), 0);
	for (size_t cut = 0; cut < len - 1; cut += 7) {
		int rc = from_text(pem, cut);

		assert_true(rc == -EBADMSG);
	}
	/* the END line cut off */
	assert_int_equal(from_text(pem, len - 30), -EBADMSG);
	/* one base64 character changed in the middle of the body */
	pem[len / 2] = pem[len / 2] == 'A' ? 'B' : 'A';
	assert_int_not_equal(from_text(pem, len), 0);
	free(pem);

	{
		static const char garbage[] = "this is not a key\n\x01\x02\x03";
		static const char empty_body[] =
			"-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n";
		static const char bad_b64[] =
			"-----BEGIN EC PRIVATE KEY-----\n!!!!\n-----END EC PRIVATE KEY-----\n";

		assert_int_equal(from_text((const uint8_t *)garbage, sizeof(garbage)), -EBADMSG);
		assert_int_equal(from_text((const uint8_t *)empty_body, strlen(empty_body)),
				 -EBADMSG);
		assert_int_equal(from_text((const uint8_t *)bad_b64, strlen(bad_b64)), -EBADMSG);
		assert_int_equal(from_text((const uint8_t *)garbage, 0), -EBADMSG);
	}
}

/* pubkey_from_rsa limits and checks. */
static void test_rsa_public_limits(void **state)
{
	static uint8_t n[PUBKEY_RSA_MAX_BITS / 8 + 2];
	const uint8_t e3[] = { 3 }, e65537[] = { 1, 0, 1 }, e_even[] = { 4 }, e1[] = { 1 };
	struct pubkey *key = NULL;

	memset(n, 0xff, sizeof(n));
	/* 1023 bits (0x7f ff ... ff), 1024 bits, with a leading zero byte */
	n[0] = 0x7f;
	assert_int_equal(pubkey_from_rsa(&key, e65537, 3, n, 128), -ERANGE);
	n[0] = 0x00;
	assert_int_equal(pubkey_from_rsa(&key, e65537, 3, n, 129), 0);
	assert_int_equal(pubkey_bits(key), 1024);
	{
		const uint8_t *ge, *gn;
		size_t ge_len, gn_len;

		assert_int_equal(pubkey_rsa(key, &ge, &ge_len, &gn, &gn_len), 0);
		assert_int_equal(gn_len, 128);	/* minimal: the leading zero is gone */
		assert_int_equal(ge_len, 3);
		assert_int_equal(pubkey_ed25519(key, &ge), -EINVAL);
	}
	pubkey_free(key);
	key = NULL;
	/* 16384 bits accepted, 16385 refused (and anything longer, before any work) */
	n[0] = 0xff;
	assert_int_equal(pubkey_from_rsa(&key, e3, 1, n, 2048), 0);
	assert_int_equal(pubkey_bits(key), 16384);
	pubkey_free(key);
	key = NULL;
	n[0] = 0x01;
	assert_int_equal(pubkey_from_rsa(&key, e3, 1, n, 2049), -ERANGE);
	assert_int_equal(pubkey_from_rsa(&key, e3, 1, n, sizeof(n)), -ERANGE);
	/* exponents: even, 1, empty, larger than n; an even modulus */
	n[0] = 0xff;
	assert_int_equal(pubkey_from_rsa(&key, e_even, 1, n, 256), -EBADMSG);
	assert_int_equal(pubkey_from_rsa(&key, e1, 1, n, 256), -EBADMSG);
	assert_int_equal(pubkey_from_rsa(&key, e3, 0, n, 256), -EBADMSG);
	assert_int_equal(pubkey_from_rsa(&key, n, 257, n, 256), -EBADMSG);
	n[255] = 0xfe;
	assert_int_equal(pubkey_from_rsa(&key, e3, 1, n, 256), -EBADMSG);
	assert_null(key);
}

/* RSA private components from an OpenSSL key: accepted as they are; each of d, p,
 * iqmp altered is caught. */
static void test_rsa_components(void **state)
{
	static const char *const names[6] = {
		OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
		OSSL_PKEY_PARAM_RSA_COEFFICIENT1, OSSL_PKEY_PARAM_RSA_FACTOR1,
		OSSL_PKEY_PARAM_RSA_FACTOR2,
	};
	static uint8_t v[6][256];
	size_t len[6];
	struct hostkey_rsa_parts parts;
	struct hostkey *key = NULL;
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);

	assert_non_null(pkey);
	for (int i = 0; i < 6; i++) {
		BIGNUM *bn = NULL;

		assert_int_equal(EVP_PKEY_get_bn_param(pkey, names[i], &bn), 1);
		len[i] = (size_t)BN_bn2bin(bn, v[i]);
		BN_clear_free(bn);
	}
	EVP_PKEY_free(pkey);
	parts = (struct hostkey_rsa_parts){
		.n = v[0], .n_len = len[0], .e = v[1], .e_len = len[1], .d = v[2], .d_len = len[2],
		.iqmp = v[3], .iqmp_len = len[3], .p = v[4], .p_len = len[4], .q = v[5], .q_len = len[5],
	};
	assert_int_equal(hostkey_from_rsa(&key, &parts), 0);
	hostkey_free(key);
	key = NULL;
	/* mpint bodies with their sign byte (d one byte longer than the trimmed n) */
	{
		static uint8_t d_mpint[257];
		struct hostkey_rsa_parts signed_parts = parts;

		d_mpint[0] = 0;
		memcpy(d_mpint + 1, v[2], len[2]);
		signed_parts.d = d_mpint;
		signed_parts.d_len = len[2] + 1;
		assert_int_equal(hostkey_from_rsa(&key, &signed_parts), 0);
	}
	{
		struct sig_out out;
		struct sig_parts sp;

		assert_int_equal(hostkey_sign(key, SIG_ALG_RSA_SHA2_512, (const uint8_t *)"a", 1, &out),
				 0);
		sig_out_parts(&out, &sp);
		assert_int_equal(pubkey_verify(hostkey_pubkey(key), SIG_ALG_RSA_SHA2_512, &sp,
					       (const uint8_t *)"a", 1, 0),
				 0);
	}
	hostkey_free(key);
	key = NULL;
	for (int i = 2; i < 6; i++) {
		v[i][len[i] - 1] ^= 0x02;	/* keeps odd values odd */
		assert_int_equal(hostkey_from_rsa(&key, &parts), -EBADMSG);
		v[i][len[i] - 1] ^= 0x02;
	}
	/* p and q swapped: n = p*q still holds, iqmp is then wrong */
	parts.p = v[5];
	parts.p_len = len[5];
	parts.q = v[4];
	parts.q_len = len[4];
	assert_int_equal(hostkey_from_rsa(&key, &parts), -EBADMSG);
	assert_null(key);
}

static void test_bad_arguments(void **state)
{
	struct hostkey *key = NULL;
	struct sig_out out;

	assert_int_equal(hostkey_generate(&key, PUBKEY_RSA, 1023), -EINVAL);
	assert_int_equal(hostkey_generate(&key, (enum pubkey_type)9, 0), -ENOTSUP);
	assert_int_equal(hostkey_generate(&key, PUBKEY_ED25519, 0), 0);
	assert_int_equal(hostkey_sign(key, (enum sig_alg)99, (const uint8_t *)"", 0, &out),
			 -ENOTSUP);
	assert_int_equal(hostkey_sign(key, SIG_ALG_ED25519, NULL, 0, &out), 0);
	assert_int_equal(sig_alg_from_name("rsa-sha2-256", 12), SIG_ALG_RSA_SHA2_256);
	assert_int_equal(sig_alg_from_name("rsa-sha2-25", 11), -ENOTSUP);
	assert_int_equal(ec_curve_from_ssh_name("nistp521", 8), EC_CURVE_NISTP521);
	assert_int_equal(ec_curve_from_ssh_name("nistp52", 7), -ENOTSUP);
	hostkey_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_files),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_rsa_public_limits),
		cmocka_unit_test(test_rsa_components),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
