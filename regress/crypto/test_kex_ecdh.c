/* ECDH on nistp256/384/521 (crypto/kex_ecdh): RFC 5903 §8.1-8.3 known answers built
 * from the RFC's fixed private keys, fresh agreement, and rejection of malformed,
 * off-curve and infinity points. */
#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include <openssl/err.h>

#include "crypto/kex_ecdh.h"

struct rfc5903_vector {
	const char *section;
	enum ec_curve curve;
	const char *i, *gix, *giy;	/* initiator's private key and public point */
	const char *r, *grx, *gry;	/* responder's */
	const char *girx;		/* x of the shared point: the shared secret */
};

/* RFC 5903 §8.1 (256-bit), §8.2 (384-bit), §8.3 (521-bit) Random ECP Groups. */
static const struct rfc5903_vector vectors[] = {
	{ "8.1", EC_CURVE_NISTP256,
	  "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
	  "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180",
	  "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
	  "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
	  "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63",
	  "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
	  "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE" },
	{ "8.2", EC_CURVE_NISTP384,
	  "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
	  "E35B538041E649EE3FAEF896783AB194",
	  "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
	  "DE3AC808ACB4BDB4C88732AEE95F41AA",
	  "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
	  "EB9FCFF3C2C947DAE69B4C634573A81C",
	  "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
	  "E0308312916B8ED2960E4BD55A7448FC",
	  "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
	  "0D1AC43A0336DEF96FDA41D0774A3571",
	  "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FF"
	  "F83FA40142209DFF5EAAD96DB9E6386C",
	  "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
	  "D603135569B9E9D09CF5D4A270F59746" },
	{ "8.3", EC_CURVE_NISTP521,
	  "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A0"
	  "95AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D"
	  "4A52",
	  "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBE"
	  "E1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176C"
	  "ED3E",
	  "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10A"
	  "D8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F"
	  "9582",
	  "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E"
	  "9C677D600B343757A3BDBF2A3163E4C2F869CCA7458AA4A4EFFC311F5CB15168"
	  "5EB9",
	  "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A21"
	  "9B97C356436ADC6E95BB0352F6BE64A6C2912D4EF2D0433CED2B6171640012D9"
	  "460F",
	  "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87"
	  "220B6536C5C408A1D2AEBB8E86D678AE49CB57091F4732296579AB44FCD17F0F"
	  "C56A",
	  "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04"
	  "D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3"
	  "DDEA" },
};

/* 0x04 || x || y from the RFC's separate coordinates. */
static size_t point(const char *x, const char *y, uint8_t *out, size_t out_size)
{
	size_t n;

	out[0] = 0x04;
	n = unhex(x, out + 1, out_size - 1);
	n += unhex(y, out + 1 + n, out_size - 1 - n);
	return 1 + n;
}

static void test_rfc5903_vectors(void **state)
{
	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		const struct rfc5903_vector *t = &vectors[v];
		uint8_t i[66], r[66], gi[133], gr[133], want[66], pub[133], got[66];
		size_t i_len, r_len, gi_len, gr_len, want_len;
		struct kex_ecdh *ini = NULL, *res = NULL;
		const uint8_t *w;

		i_len = unhex(t->i, i, sizeof(i));
		r_len = unhex(t->r, r, sizeof(r));
		gi_len = point(t->gix, t->giy, gi, sizeof(gi));
		gr_len = point(t->grx, t->gry, gr, sizeof(gr));
		want_len = unhex(t->girx, want, sizeof(want));
		assert_int_equal(gi_len, ec_curve_point_len(t->curve));
		/* the shared secret is the mpint body: leading zeros dropped */
		for (w = want; want_len > 0 && *w == 0; w++, want_len--)
			;

		assert_int_equal(kex_ecdh_new_from_private(&ini, t->curve, i, i_len), 0);
		assert_int_equal(kex_ecdh_new_from_private(&res, t->curve, r, r_len), 0);
		assert_int_equal(kex_ecdh_public(ini, pub, sizeof(pub)), (int)gi_len);
		assert_memory_equal(pub, gi, gi_len);
		assert_int_equal(kex_ecdh_public(res, pub, sizeof(pub)), (int)gr_len);
		assert_memory_equal(pub, gr, gr_len);
		assert_int_equal(kex_ecdh_shared(ini, gr, gr_len, got, sizeof(got)), (int)want_len);
		assert_memory_equal(got, w, want_len);
		assert_int_equal(kex_ecdh_shared(res, gi, gi_len, got, sizeof(got)), (int)want_len);
		assert_memory_equal(got, w, want_len);
		assert_int_equal(kex_ecdh_shared(ini, gr, gr_len, got, want_len - 1), -ENOSPC);
		kex_ecdh_free(ini);
		kex_ecdh_free(res);
	}
}

static void test_fresh_agreement(void **state)
{
	static const enum ec_curve curves[] = { EC_CURVE_NISTP256, EC_CURVE_NISTP384,
						EC_CURVE_NISTP521 };

	for (size_t c = 0; c < 3; c++) {
		struct kex_ecdh *a = NULL, *b = NULL;
		uint8_t pa[133], pb[133], ka[66], kb[66];
		int la, lb, pl;

		assert_int_equal(kex_ecdh_new(&a, curves[c]), 0);
		assert_int_equal(kex_ecdh_new(&b, curves[c]), 0);
		assert_int_equal(kex_ecdh_curve(a), curves[c]);
		pl = kex_ecdh_public(a, pa, sizeof(pa));
		assert_int_equal(pl, (int)ec_curve_point_len(curves[c]));
		assert_int_equal(kex_ecdh_public(b, pb, sizeof(pb)), pl);
		assert_int_equal(pa[0], 0x04);
		assert_memory_not_equal(pa, pb, (size_t)pl);
		la = kex_ecdh_shared(a, pb, (size_t)pl, ka, sizeof(ka));
		lb = kex_ecdh_shared(b, pa, (size_t)pl, kb, sizeof(kb));
		assert_true(la > 0);
		assert_int_equal(la, lb);
		assert_memory_equal(ka, kb, (size_t)la);
		/* a point of another curve has the wrong length */
		if (c > 0)
			assert_int_equal(kex_ecdh_shared(a, pb, 65, ka, sizeof(ka)), -EBADMSG);
		kex_ecdh_free(a);
		kex_ecdh_free(b);
	}
}

/* Malformed peer values: off the curve, at infinity, compressed, wrong lengths, a
 * coordinate not below the field prime. */
static void test_bad_points_rejected(void **state)
{
	const struct rfc5903_vector *t = &vectors[0];
	uint8_t gr[65], bad[65], out[66], i[32];
	struct kex_ecdh *kex = NULL;

	unhex(t->i, i, sizeof(i));
	point(t->grx, t->gry, gr, sizeof(gr));
	assert_int_equal(kex_ecdh_new_from_private(&kex, EC_CURVE_NISTP256, i, 32), 0);
	assert_true(kex_ecdh_shared(kex, gr, 65, out, sizeof(out)) > 0);

	/* off the curve: y changed by one bit */
	memcpy(bad, gr, 65);
	bad[64] ^= 0x01;
	assert_int_equal(kex_ecdh_shared(kex, bad, 65, out, sizeof(out)), -EBADMSG);
	/* off the curve: (0, 0) */
	memset(bad, 0, 65);
	bad[0] = 0x04;
	assert_int_equal(kex_ecdh_shared(kex, bad, 65, out, sizeof(out)), -EBADMSG);
	/* the point at infinity, in its one-byte SEC1 encoding */
	bad[0] = 0x00;
	assert_int_equal(kex_ecdh_shared(kex, bad, 1, out, sizeof(out)), -EBADMSG);
	assert_int_equal(kex_ecdh_shared(kex, bad, 65, out, sizeof(out)), -EBADMSG);
	/* compressed form of a valid point (0x02/0x03 || x) */
	memcpy(bad, gr, 33);
	bad[0] = (uint8_t)(0x02 | (gr[64] & 1));
	assert_int_equal(kex_ecdh_shared(kex, bad, 33, out, sizeof(out)), -EBADMSG);
	/* hybrid form marker with valid coordinates */
	memcpy(bad, gr, 65);
	bad[0] = 0x06;
	assert_int_equal(kex_ecdh_shared(kex, bad, 65, out, sizeof(out)), -EBADMSG);
	/* wrong lengths: truncated, extended, empty */
	assert_int_equal(kex_ecdh_shared(kex, gr, 64, out, sizeof(out)), -EBADMSG);
	assert_int_equal(kex_ecdh_shared(kex, gr, 0, out, sizeof(out)), -EBADMSG);
	{
		uint8_t longer[66];

		memcpy(longer, gr, 65);
		longer[65] = 0;
		assert_int_equal(kex_ecdh_shared(kex, longer, 66, out, sizeof(out)), -EBADMSG);
	}
	/* x = p (the field prime of P-256): not a field element */
	memcpy(bad, gr, 65);
	unhex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", bad + 1, 32);
	assert_int_equal(kex_ecdh_shared(kex, bad, 65, out, sizeof(out)), -EBADMSG);
	assert_int_equal(ERR_peek_error(), 0);
	kex_ecdh_free(kex);
}

/* Private scalars 0 and n (the group order) are no keys. */
static void test_bad_private_rejected(void **state)
{
	uint8_t d[32] = { 0 };
	struct kex_ecdh *kex = NULL;

	assert_int_equal(kex_ecdh_new_from_private(&kex, EC_CURVE_NISTP256, d, 32), -EBADMSG);
	unhex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", d, 32);
	assert_int_equal(kex_ecdh_new_from_private(&kex, EC_CURVE_NISTP256, d, 32), -EBADMSG);
	d[31] -= 1;	/* n - 1 is fine */
	assert_int_equal(kex_ecdh_new_from_private(&kex, EC_CURVE_NISTP256, d, 32), 0);
	kex_ecdh_free(kex);
	assert_int_equal(kex_ecdh_new(&kex, (enum ec_curve)9), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5903_vectors),
		cmocka_unit_test(test_fresh_agreement),
		cmocka_unit_test(test_bad_points_rejected),
		cmocka_unit_test(test_bad_private_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
