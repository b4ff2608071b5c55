/* ecdsa-sha2-nistp256/384/521 signatures (crypto/pubkey + crypto/hostkey): the RFC 6979
 * §A.2.5-A.2.7 signatures verify (with SHA-256/384/512, the hash RFC 5656 pairs with
 * each curve), the RFC's key pairs load from components, sign-then-verify, and bad r/s
 * or points are refused. */
#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include <openssl/err.h>

#include "crypto/hostkey.h"
#include "crypto/pubkey.h"

struct rfc6979_key {
	const char *section;
	enum ec_curve curve;
	enum sig_alg alg;
	const char *x, *ux, *uy;	/* private key, public key U = xG */
	/* signatures with the curve's SSH hash over "sample" and over "test" */
	const char *r_sample, *s_sample, *r_test, *s_test;
};

/* P-521 values are printed in the RFC with 131 hex digits; a leading 0 pads them to
 * whole bytes here. */
static const struct rfc6979_key keys[] = {
	{ "A.2.5 (P-256, SHA-256)", EC_CURVE_NISTP256, SIG_ALG_ECDSA_NISTP256,
	  "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
	  "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
	  "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
	  "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
	  "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
	  "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
	  "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083" },
	{ "A.2.6 (P-384, SHA-384)", EC_CURVE_NISTP384, SIG_ALG_ECDSA_NISTP384,
	  "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D8"
	  "96D5724E4C70A825F872C9EA60D2EDF5",
	  "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64"
	  "DEF8F0EA9055866064A254515480BC13",
	  "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1"
	  "288B231C3AE0D4FE7344FD2533264720",
	  "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C"
	  "81A648152E44ACF96E36DD1E80FABE46",
	  "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94F"
	  "A329C145786E679E7B82C71A38628AC8",
	  "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB"
	  "0542A7F0812998DA8F1DD3CA3CF023DB",
	  "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E0"
	  "6A739F040649A667BF3B828246BAA5A5" },
	{ "A.2.7 (P-521, SHA-512)", EC_CURVE_NISTP521, SIG_ALG_ECDSA_NISTP521,
	  "00FAD06DAA62BA3B25D2FB40133DA757205DE67F5BB0018FEE8C86E1B68C7E75C"
	  "AA896EB32F1F47C70855836A6D16FCC1466F6D8FBEC67DB89EC0C08B0E996B83538",
	  "01894550D0785932E00EAA23B694F213F8C3121F86DC97A04E5A7167DB4E5BCD3"
	  "71123D46E45DB6B5D5370A7F20FB633155D38FFA16D2BD761DCAC474B9A2F5023A4",
	  "00493101C962CD4D2FDDF782285E64584139C2F91B47F87FF82354D6630F746A2"
	  "8A0DB25741B5B34A828008B22ACC23F924FAAFBD4D33F81EA66956DFEAA2BFDFCF5",
	  "00C328FAFCBD79DD77850370C46325D987CB525569FB63C5D3BC53950E6D4C5F1"
	  "74E25A1EE9017B5D450606ADD152B534931D7D4E8455CC91F9B15BF05EC36E377FA",
	  "00617CCE7CF5064806C467F678D3B4080D6F1CC50AF26CA209417308281B68AF2"
	  "82623EAA63E5B5C0723D8B8C37FF0777B1A20F8CCB1DCCC43997F1EE0E44DA4A67A",
	  "013E99020ABF5CEE7525D16B69B229652AB6BDF2AFFCAEF38773B4B7D08725F10"
	  "CDB93482FDCC54EDCEE91ECA4166B2A7C6265EF0CE2BD7051B7CEF945BABD47EE6D",
	  "01FBD0013C674AA79CB39849527916CE301C66EA7CE8B80682786AD60F98F7E78"
	  "A19CA69EFF5C57400E3B3A0AD66CE0978214D13BAF4E9AC60752F7B155E2DE4DCE3" },
};

static size_t make_point(const struct rfc6979_key *k, uint8_t *q)
{
	size_t n = 1;

	q[0] = 0x04;
	n += unhex(k->ux, q + n, 133 - n);
	n += unhex(k->uy, q + n, 133 - n);
	return n;
}

static int verify_hex(const struct pubkey *pub, enum sig_alg alg, const char *r_hex,
		      const char *s_hex, const char *msg)
{
	uint8_t r[67], s[67];
	struct sig_parts parts = { 0 };

	parts.r = r;
	parts.r_len = unhex(r_hex, r, sizeof(r));
	parts.s = s;
	parts.s_len = unhex(s_hex, s, sizeof(s));
	return pubkey_verify(pub, alg, &parts, (const uint8_t *)msg, strlen(msg), 0);
}

static void test_rfc6979_verify(void **state)
{
	for (size_t i = 0; i < 3; i++) {
		const struct rfc6979_key *k = &keys[i];
		uint8_t q[133];
		size_t q_len = make_point(k, q);
		struct pubkey *pub = NULL;
		enum ec_curve curve;
		const uint8_t *got_q;
		size_t got_len;

		assert_int_equal(q_len, ec_curve_point_len(k->curve));
		assert_int_equal(pubkey_from_ecdsa(&pub, k->curve, q, q_len), 0);
		assert_string_equal(pubkey_type_name(pub), sig_alg_name(k->alg));
		assert_int_equal(pubkey_ecdsa(pub, &curve, &got_q, &got_len), 0);
		assert_int_equal(curve, k->curve);
		assert_int_equal(got_len, q_len);
		assert_memory_equal(got_q, q, q_len);

		assert_int_equal(verify_hex(pub, k->alg, k->r_sample, k->s_sample, "sample"), 0);
		assert_int_equal(verify_hex(pub, k->alg, k->r_test, k->s_test, "test"), 0);
		/* swapped messages, swapped r and s */
		assert_int_equal(verify_hex(pub, k->alg, k->r_sample, k->s_sample, "test"), -EACCES);
		assert_int_equal(verify_hex(pub, k->alg, k->s_sample, k->r_sample, "sample"),
				 -EACCES);
		/* the other curves' algorithms do not belong to this key */
		for (size_t j = 0; j < 3; j++) {
			if (j != i)
				assert_int_equal(verify_hex(pub, keys[j].alg, k->r_sample,
							    k->s_sample, "sample"),
						 -EPROTO);
		}
		pubkey_free(pub);
	}
}

/* Bit flips and malformed r, s. */
static void test_bad_signatures(void **state)
{
	const struct rfc6979_key *k = &keys[0];
	uint8_t q[133], r[40], s[40];
	struct pubkey *pub = NULL;
	struct sig_parts parts = { 0 };
	const uint8_t *msg = (const uint8_t *)"sample";
	size_t q_len = make_point(k, q);

	assert_int_equal(pubkey_from_ecdsa(&pub, k->curve, q, q_len), 0);
	/* r with an mpint sign byte in front: still the same number, accepted */
	r[0] = 0;
	unhex(k->r_sample, r + 1, 32);
	unhex(k->s_sample, s + 1, 32);
	s[0] = 0;
	parts.r = r;
	parts.r_len = 33;
	parts.s = s;
	parts.s_len = 33;
	assert_int_equal(pubkey_verify(pub, k->alg, &parts, msg, 6, 0), 0);
	/* every 13th bit of r and of s flipped */
	for (size_t bit = 0; bit < 256; bit += 13) {
		r[1 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(pubkey_verify(pub, k->alg, &parts, msg, 6, 0), -EACCES);
		r[1 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		s[1 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(pubkey_verify(pub, k->alg, &parts, msg, 6, 0), -EACCES);
		s[1 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* r = 0, r empty, r longer than the order, r = n (out of range) */
	memset(r, 0, sizeof(r));
	parts.r_len = 32;
	assert_int_equal(pubkey_verify(pub, k->alg, &parts, msg, 6, 0), -EBADMSG);
	parts.r_len = 0;
	assert_int_equal(pubkey_verify(pub, k->alg, &parts, msg, 6, 0), -EBADMSG);
	memset(r, 0x01, sizeof(r));
	parts.r_len = 33;
	assert_int_equal(pubkey_verify(pub, k->alg, &parts, msg, 6, 0), -EBADMSG);
	unhex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", r, 32);
	parts.r_len = 32;
	assert_int_equal(pubkey_verify(pub, k->alg, &parts, msg, 6, 0), -EACCES);
	/* missing s */
	parts.s = NULL;
	assert_int_equal(pubkey_verify(pub, k->alg, &parts, msg, 6, 0), -EBADMSG);
	/* failures leave nothing on OpenSSL's error queue (a peer must not grow it) */
	assert_int_equal(ERR_peek_error(), 0);
	pubkey_free(pub);
}

/* The RFC's private keys load from components (x*G must equal U); each signs, and the
 * signature verifies with the RFC's public key. A wrong d for the Q is refused. */
static void test_rfc6979_keys_sign(void **state)
{
	for (size_t i = 0; i < 3; i++) {
		const struct rfc6979_key *k = &keys[i];
		uint8_t q[133], d[67];
		size_t q_len = make_point(k, q), d_len = unhex(k->x, d, sizeof(d));
		struct hostkey *key = NULL;
		struct pubkey *pub = NULL;
		struct sig_out out;
		struct sig_parts parts;
		const uint8_t data[] = "session identifier and request";

		assert_int_equal(hostkey_from_ecdsa(&key, k->curve, q, q_len, d, d_len), 0);
		assert_int_equal(pubkey_from_ecdsa(&pub, k->curve, q, q_len), 0);
		assert_true(pubkey_equal(pub, hostkey_pubkey(key)));
		assert_int_equal(hostkey_sign(key, k->alg, data, sizeof(data), &out), 0);
		assert_true(out.r_len > 0 && out.r_len <= ec_curve_field_bytes(k->curve));
		assert_true(out.s_len > 0 && out.s_len <= ec_curve_field_bytes(k->curve));
		sig_out_parts(&out, &parts);
		assert_int_equal(pubkey_verify(pub, k->alg, &parts, data, sizeof(data), 0), 0);
		assert_int_equal(pubkey_verify(pub, k->alg, &parts, data, sizeof(data) - 1, 0),
				 -EACCES);
		assert_int_equal(hostkey_sign(key, SIG_ALG_ED25519, data, sizeof(data), &out),
				 -EPROTO);
		hostkey_free(key);
		pubkey_free(pub);
		key = NULL;

		d[d_len - 1] ^= 1;
		assert_int_equal(hostkey_from_ecdsa(&key, k->curve, q, q_len, d, d_len), -EBADMSG);
		assert_null(key);
	}
}

/* Points rejected by pubkey_from_ecdsa: off curve, infinity, wrong length or curve. */
static void test_bad_points(void **state)
{
	uint8_t q[133];
	size_t q_len = make_point(&keys[1], q);
	struct pubkey *pub = NULL;

	assert_int_equal(pubkey_from_ecdsa(&pub, EC_CURVE_NISTP384, q, q_len), 0);
	pubkey_free(pub);
	pub = NULL;
	assert_int_equal(pubkey_from_ecdsa(&pub, EC_CURVE_NISTP256, q, q_len), -EBADMSG);
	assert_int_equal(pubkey_from_ecdsa(&pub, EC_CURVE_NISTP384, q, q_len - 1), -EBADMSG);
	q[q_len - 1] ^= 0x40;
	assert_int_equal(pubkey_from_ecdsa(&pub, EC_CURVE_NISTP384, q, q_len), -EBADMSG);
	memset(q, 0, sizeof(q));
	assert_int_equal(pubkey_from_ecdsa(&pub, EC_CURVE_NISTP384, q, 1), -EBADMSG);
	q[0] = 0x04;
	assert_int_equal(pubkey_from_ecdsa(&pub, EC_CURVE_NISTP384, q, q_len), -EBADMSG);
	assert_int_equal(pubkey_from_ecdsa(&pub, (enum ec_curve)0, q, q_len), -EINVAL);
	assert_null(pub);
}

static void test_generated(void **state)
{
	static const int bits[] = { 256, 384, 521 };

	for (size_t i = 0; i < 3; i++) {
		struct hostkey *key = NULL;
		struct sig_out out;
		struct sig_parts parts;
		const uint8_t data[] = "H";

		assert_int_equal(hostkey_generate(&key, PUBKEY_ECDSA, bits[i]), 0);
		assert_int_equal(pubkey_bits(hostkey_pubkey(key)), bits[i]);
		assert_int_equal(hostkey_sign(key, keys[i].alg, data, 1, &out), 0);
		sig_out_parts(&out, &parts);
		assert_int_equal(pubkey_verify(hostkey_pubkey(key), keys[i].alg, &parts, data, 1, 0),
				 0);
		hostkey_free(key);
	}
	{
		struct hostkey *key = NULL;

		assert_int_equal(hostkey_generate(&key, PUBKEY_ECDSA, 255), -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6979_verify),
		cmocka_unit_test(test_bad_signatures),
		cmocka_unit_test(test_rfc6979_keys_sign),
		cmocka_unit_test(test_bad_points),
		cmocka_unit_test(test_generated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
