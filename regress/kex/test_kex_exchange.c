/* sshd/kex.c, the server side of a key exchange, against a client written here
 * (kex_test_util.h): every method with every host-key type agrees on H and the keys,
 * the signature in the reply verifies over H; curve25519's H is also computed with
 * libsodium and EVP alone, until K has taken both mpint edge cases (a leading zero
 * byte dropped, a sign byte added); bad client values are -EBADMSG on every path,
 * messages of the wrong kind -EPROTO, a second key derivation -EINVAL. */
#include "regress/kex/kex_test_util.h"

#include <sodium.h>

static struct test_hostkey hostkeys[] = {
	{ "ed25519", PUBKEY_ED25519, 0, SIG_ALG_ED25519, NULL, { 0 }, 0 },
	{ "ecdsa-p256", PUBKEY_ECDSA, 256, SIG_ALG_ECDSA_NISTP256, NULL, { 0 }, 0 },
	{ "ecdsa-p384", PUBKEY_ECDSA, 384, SIG_ALG_ECDSA_NISTP384, NULL, { 0 }, 0 },
	{ "ecdsa-p521", PUBKEY_ECDSA, 521, SIG_ALG_ECDSA_NISTP521, NULL, { 0 }, 0 },
	{ "rsa-sha2-256", PUBKEY_RSA, 2048, SIG_ALG_RSA_SHA2_256, NULL, { 0 }, 0 },
	{ "rsa-sha2-512", PUBKEY_RSA, 2048, SIG_ALG_RSA_SHA2_512, NULL, { 0 }, 0 },
};
#define N_HOSTKEYS (sizeof(hostkeys) / sizeof(hostkeys[0]))
#define HK_ED25519 (&hostkeys[0])

static const char *const ecdh_methods[] = {
	"curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
	"ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
};
static const char *const dh_methods[] = {
	"diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512",
	"diffie-hellman-group18-sha512",
};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int group_setup(void **state)
{
	(void)state;
	if (random_init() < 0)
		return -1;
	for (size_t i = 0; i < N_HOSTKEYS; i++) {
		/* both RSA entries sign with one key */
		if (i > 0 && hostkeys[i].type == PUBKEY_RSA && hostkeys[i - 1].type == PUBKEY_RSA) {
			hostkeys[i].key = NULL;
			memcpy(hostkeys[i].blob, hostkeys[i - 1].blob, hostkeys[i - 1].blob_len);
			hostkeys[i].blob_len = hostkeys[i - 1].blob_len;
			continue;
		}
		hostkey_setup(&hostkeys[i]);
	}
	for (size_t i = 1; i < N_HOSTKEYS; i++)
		if (hostkeys[i].key == NULL)
			hostkeys[i].key = hostkeys[i - 1].key;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_HOSTKEYS; i++)
		if (i == 0 || hostkeys[i].key != hostkeys[i - 1].key)
			hostkey_free(hostkeys[i].key);
	return 0;
}

/* ---- round trips ---- */

static void test_ecdh_every_hostkey(void **state)
{
	struct test_exchange t;

	(void)state;
	for (size_t m = 0; m < N_OF(ecdh_methods); m++)
		for (size_t h = 0; h < N_HOSTKEYS; h++) {
			exchange_setup(&t, ecdh_methods[m], &hostkeys[h], NULL);
			client_ecdh(&t);
		}
}

static void test_dh_every_hostkey(void **state)
{
	struct test_exchange t;

	(void)state;
	for (size_t m = 0; m < N_OF(dh_methods); m++)
		for (size_t h = 0; h < N_HOSTKEYS; h++) {
			exchange_setup(&t, dh_methods[m], &hostkeys[h], NULL);
			client_dh(&t);
		}
}

/* Without moduli every request gets a fixed group, chosen by the largest size. */
static void test_gex_fallback_every_hostkey(void **state)
{
	static const struct { uint32_t min, n, max, bits; } req[] = {
		{ 2048, 2048, 2048, 2048 },
		{ 1024, 2048, 3071, 2048 },
		{ 2048, 3072, 3072, 4096 },
		{ 2048, 4096, 6143, 4096 },
		{ 2048, 7680, 8192, 8192 },
		{ 3072, 8192, 65535, 8192 },
	};
	struct test_exchange t;

	(void)state;
	for (size_t h = 0; h < N_HOSTKEYS; h++) {
		size_t r = h % N_OF(req);

		exchange_setup(&t, "diffie-hellman-group-exchange-sha256", &hostkeys[h], NULL);
		client_gex(&t, req[r].min, req[r].n, req[r].max, req[r].bits, NULL, NULL);
	}
	for (size_t r = 0; r < N_OF(req); r++) {
		exchange_setup(&t, "diffie-hellman-group-exchange-sha256", HK_ED25519, NULL);
		client_gex(&t, req[r].min, req[r].n, req[r].max, req[r].bits, NULL, NULL);
	}
}

/* With a moduli file the group is the file's, of the size OpenSSH would choose; a
 * request no group fits gets the fixed group by its largest size. */
static void test_gex_with_moduli(void **state)
{
	static const struct { uint32_t min, n, max, bits; bool from_file; } req[] = {
		{ 2048, 3072, 8192, 3072, true },
		{ 1024, 2048, 8192, 2048, true },
		{ 2048, 5000, 8192, 6144, true },
		{ 2048, 7680, 8192, 7680, true },
		{ 4096, 8192, 16384, 8192, true },
		{ 3073, 4000, 4095, 4096, false },	/* none in 3073..4095: group 16 */
		{ 2049, 2500, 3071, 2048, false },	/* none in 2049..3071: group 14 */
	};
	static uint8_t p[KEX_DH_MAX_BYTES];
	struct kex_moduli *m = NULL;
	struct test_exchange t;
	char *text;
	size_t p_len, skipped;
	FILE *f;

	(void)state;
	assert_int_equal(kex_moduli_load("regress/kex/moduli.sample", &m, &skipped), 0);
	assert_int_equal(skipped, 0);
	text = calloc(1, 1 << 16);
	assert_non_null(text);
	f = fopen("regress/kex/moduli.sample", "r");
	assert_non_null(f);
	assert_true(fread(text, 1, (1 << 16) - 1, f) > 0);
	fclose(f);
	for (size_t r = 0; r < N_OF(req); r++) {
		char hex[2 * KEX_DH_MAX_BYTES + 1];

		exchange_setup(&t, "diffie-hellman-group-exchange-sha256",
			       &hostkeys[r % N_HOSTKEYS], m);
		client_gex(&t, req[r].min, req[r].n, req[r].max, req[r].bits, p, &p_len);
		/* the modulus is (or is not) one of the file's */
		for (size_t i = 0; i < p_len; i++)
			snprintf(hex + 2 * i, 3, "%02X", p[i]);
		assert_true((strstr(text, hex) != NULL) == req[r].from_file);
	}
	free(text);
	kex_moduli_free(m);
}

/* The fallback groups are exactly RFC 3526's. */
static void test_gex_fallback_groups_are_rfc3526(void **state)
{
	static const struct { uint32_t max; enum kex_dh_group group; } cases[] = {
		{ 2048, KEX_DH_GROUP14 }, { 4096, KEX_DH_GROUP16 }, { 8192, KEX_DH_GROUP18 },
	};
	static uint8_t got[KEX_DH_MAX_BYTES], want[KEX_DH_MAX_BYTES];
	struct test_exchange t;
	size_t got_len;

	(void)state;
	for (size_t i = 0; i < N_OF(cases); i++) {
		struct kex_dh *dh = NULL;
		int n;

		exchange_setup(&t, "diffie-hellman-group-exchange-sha256", HK_ED25519, NULL);
		client_gex(&t, 2048, cases[i].max, cases[i].max, 0, got, &got_len);
		assert_int_equal(kex_dh_new_group(&dh, cases[i].group), 0);
		n = kex_dh_prime(dh, want, sizeof(want));
		kex_dh_free(dh);
		assert_int_equal((size_t)n, got_len);
		assert_memory_equal(got, want, got_len);
	}
}

/* A re-key: the session id given is used for the keys, not this exchange's H. */
static void test_rekey_keeps_session_id(void **state)
{
	struct test_exchange t;

	(void)state;
	exchange_setup(&t, "curve25519-sha256", HK_ED25519, NULL);
	random_bytes(t.session_id, 32);
	t.session_id_len = 32;
	t.params.session_id = t.session_id;
	t.params.session_id_len = 32;
	client_ecdh(&t);
	exchange_setup(&t, "diffie-hellman-group14-sha256", &hostkeys[1], NULL);
	random_bytes(t.session_id, 64);
	t.session_id_len = 64;
	t.params.session_id = t.session_id;
	t.params.session_id_len = 64;
	client_dh(&t);
}

/* The parameters are copied: the caller's buffers may change after kex_exchange_new. */
static void test_params_copied(void **state)
{
	struct test_exchange t;
	struct kex_exchange *x = NULL;
	uint8_t q_c[32], scalar[32], shared[32], h_want[32];
	char v_c[sizeof(test_v_c)];
	uint8_t blob[KEYBLOB_MAX];
	struct ssh_msg in, reply;
	struct tbuf hin = { 0 }, k = { 0 };
	const uint8_t *h;
	size_t h_len;

	(void)state;
	exchange_setup(&t, "curve25519-sha256", HK_ED25519, NULL);
	memcpy(v_c, test_v_c, sizeof(v_c));
	memcpy(blob, HK_ED25519->blob, HK_ED25519->blob_len);
	t.params.v_c = v_c;
	t.params.hostkey_blob = blob;
	assert_int_equal(kex_exchange_new(&x, &t.params), 0);
	memset(v_c, 'x', sizeof(v_c));
	memset(blob, 0, sizeof(blob));
	random_bytes(scalar, sizeof(scalar));
	crypto_scalarmult_base(q_c, scalar);
	ssh_msg_init(&in, ssh_msg_Transport_KexEcdhInit);
	in.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ q_c, 32 };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), 1);
	assert_memory_equal(reply.u.Transport_KexEcdhReply.k_s.ptr, HK_ED25519->blob,
			    HK_ED25519->blob_len);
	assert_int_equal(crypto_scalarmult(shared, scalar,
					   reply.u.Transport_KexEcdhReply.q_s.ptr), 0);
	k_encode(&k, shared, 32);
	hash_prefix(&hin, &t);
	tb_string(&hin, q_c, 32);
	tb_string(&hin, reply.u.Transport_KexEcdhReply.q_s.ptr, 32);
	tb_put(&hin, k.p, k.len);
	evp_digest(HASH_SHA256, &hin, h_want);
	assert_int_equal(kex_exchange_hash(x, &h, &h_len), 0);
	assert_memory_equal(h, h_want, 32);
	tb_free(&hin);
	tb_free(&k);
	kex_exchange_free(x);
}

/* ---- curve25519 H computed with libsodium and EVP only ---- */

/* One curve25519-sha256 exchange with a client scalar of our own; returns the first
 * byte of the 32-byte X25519 output (the shared secret before the mpint encoding). */
static uint8_t x25519_independent(const char *method)
{
	struct test_exchange t;
	struct kex_exchange *x = NULL;
	uint8_t scalar[32], q_c[32], shared[32], want[32];
	const uint8_t *h;
	size_t h_len;
	struct ssh_msg in, reply;
	struct ssh_msg_Transport_KexEcdhReply *r = &reply.u.Transport_KexEcdhReply;
	struct tbuf hin = { 0 };
	size_t i = 0;

	exchange_setup(&t, method, HK_ED25519, NULL);
	randombytes_buf(scalar, sizeof(scalar));
	assert_int_equal(crypto_scalarmult_base(q_c, scalar), 0);
	assert_int_equal(kex_exchange_new(&x, &t.params), 0);
	ssh_msg_init(&in, ssh_msg_Transport_KexEcdhInit);
	in.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ q_c, 32 };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), 1);
	assert_int_equal(r->q_s.len, 32);
	assert_int_equal(crypto_scalarmult(shared, scalar, r->q_s.ptr), 0);

	/* RFC 8731 §3.1: the 32 octets are the big-endian number K, an mpint in H */
	hash_prefix(&hin, &t);
	tb_string(&hin, q_c, 32);
	tb_string(&hin, r->q_s.ptr, 32);
	while (i < 32 && shared[i] == 0)
		i++;
	if (i < 32 && (shared[i] & 0x80)) {
		tb_u32(&hin, (uint32_t)(32 - i + 1));
		tb_put(&hin, "\0", 1);
	} else {
		tb_u32(&hin, (uint32_t)(32 - i));
	}
	tb_put(&hin, shared + i, 32 - i);
	evp_digest(HASH_SHA256, &hin, want);
	assert_int_equal(kex_exchange_hash(x, &h, &h_len), 0);
	assert_int_equal(h_len, 32);
	assert_memory_equal(h, want, 32);
	tb_free(&hin);
	kex_exchange_free(x);
	return shared[0];
}

static void test_curve25519_independent_hash(void **state)
{
	bool seen_zero = false, seen_high = false, seen_plain = false;
	int tries = 0;

	(void)state;
	/* P(no leading zero byte in 6000 tries) = (255/256)^6000 < 1e-10 */
	while ((!seen_zero || !seen_high || !seen_plain) && tries < 6000) {
		uint8_t top = x25519_independent(tries % 2 ? "curve25519-sha256@libssh.org"
							    : "curve25519-sha256");

		seen_zero |= top == 0;
		seen_high |= top >= 0x80;
		seen_plain |= top > 0 && top < 0x80;
		tries++;
	}
	assert_true(seen_zero);
	assert_true(seen_high);
	assert_true(seen_plain);
}

/* ---- bad client values ---- */

static int ecdh_try(const char *method, const uint8_t *q, size_t len)
{
	struct test_exchange t;
	struct kex_exchange *x = NULL;
	struct ssh_msg in, reply;
	const uint8_t *h;
	size_t h_len;
	struct kex_keys keys;
	int rc;

	exchange_setup(&t, method, HK_ED25519, NULL);
	assert_int_equal(kex_exchange_new(&x, &t.params), 0);
	ssh_msg_init(&in, ssh_msg_Transport_KexEcdhInit);
	in.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ q, len };
	rc = kex_exchange_handle(x, &in, &reply);
	if (rc < 0) {
		/* a failed exchange gives nothing and takes nothing more */
		assert_int_equal(t.signer.calls, 0);
		assert_int_equal(kex_exchange_hash(x, &h, &h_len), -EINVAL);
		assert_int_equal(kex_exchange_keys(x, &keys), -EINVAL);
		assert_int_equal(kex_exchange_handle(x, &in, &reply), -EINVAL);
	}
	kex_exchange_free(x);
	return rc;
}

static void test_x25519_bad_values(void **state)
{
	/* RFC 7748 §5: u-coordinates of small order (each gives the all-zero output),
	 * and their non-canonical forms p+k; lengths other than 32. */
	static const char *const low_order[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	uint8_t q[64];

	(void)state;
	for (size_t i = 0; i < N_OF(low_order); i++) {
		assert_int_equal(unhex(low_order[i], q, sizeof(q)), 32);
		assert_int_equal(ecdh_try("curve25519-sha256", q, 32), -EBADMSG);
		assert_int_equal(ecdh_try("curve25519-sha256@libssh.org", q, 32), -EBADMSG);
	}
	random_bytes(q, sizeof(q));
	assert_int_equal(ecdh_try("curve25519-sha256", q, 31), -EBADMSG);
	assert_int_equal(ecdh_try("curve25519-sha256", q, 33), -EBADMSG);
	assert_int_equal(ecdh_try("curve25519-sha256", q, 64), -EBADMSG);
	assert_int_equal(ecdh_try("curve25519-sha256", q, 1), -EBADMSG);
	assert_int_equal(ecdh_try("curve25519-sha256", q, 0), -EBADMSG);
	/* and a good value of 32 random bytes is taken */
	q[31] &= 0x7f;
	assert_int_equal(ecdh_try("curve25519-sha256", q, 32), 1);
}

static void test_ecdh_bad_points(void **state)
{
	static const struct { const char *method; enum ec_curve curve; } m[] = {
		{ "ecdh-sha2-nistp256", EC_CURVE_NISTP256 },
		{ "ecdh-sha2-nistp384", EC_CURVE_NISTP384 },
		{ "ecdh-sha2-nistp521", EC_CURVE_NISTP521 },
	};
	uint8_t q[KEX_ECDH_PUBLIC_MAX + 2], good[KEX_ECDH_PUBLIC_MAX];

	(void)state;
	for (size_t i = 0; i < N_OF(m); i++) {
		struct kex_ecdh *e = NULL;
		int len;
		size_t field;

		assert_int_equal(kex_ecdh_new(&e, m[i].curve), 0);
		len = kex_ecdh_public(e, good, sizeof(good));
		kex_ecdh_free(e);
		assert_true(len > 0);
		field = ((size_t)len - 1) / 2;
		/* the point at infinity (SEC1 encodes it as one zero byte) */
		q[0] = 0;
		assert_int_equal(ecdh_try(m[i].method, q, 1), -EBADMSG);
		/* all zeros of the right length: (0, 0) is on none of the curves */
		memset(q, 0, (size_t)len);
		q[0] = 4;
		assert_int_equal(ecdh_try(m[i].method, q, (size_t)len), -EBADMSG);
		/* a good point with y changed: off the curve */
		memcpy(q, good, (size_t)len);
		q[len - 1] ^= 1;
		assert_int_equal(ecdh_try(m[i].method, q, (size_t)len), -EBADMSG);
		/* compressed form of a good point: not what RFC 5656 sends */
		q[0] = (uint8_t)(2 + (good[len - 1] & 1));
		memcpy(q + 1, good + 1, field);
		assert_int_equal(ecdh_try(m[i].method, q, field + 1), -EBADMSG);
		/* wrong lengths around a good point */
		memcpy(q, good, (size_t)len);
		assert_int_equal(ecdh_try(m[i].method, q, (size_t)len - 1), -EBADMSG);
		q[len] = 0;
		assert_int_equal(ecdh_try(m[i].method, q, (size_t)len + 1), -EBADMSG);
		assert_int_equal(ecdh_try(m[i].method, q, 0), -EBADMSG);
		/* a point of another curve */
		assert_int_equal(ecdh_try(m[(i + 1) % N_OF(m)].method, good, (size_t)len),
				 -EBADMSG);
		/* the good point itself is taken */
		assert_int_equal(ecdh_try(m[i].method, good, (size_t)len), 1);
	}
}

/* e as an mpint body (the bytes after the length) for a DH or GEX init. */
static int dh_try(const char *method, const uint8_t *e, size_t len)
{
	struct test_exchange t;
	struct kex_exchange *x = NULL;
	struct ssh_msg in, reply;
	bool gex = strstr(method, "exchange") != NULL;
	int rc;

	exchange_setup(&t, method, HK_ED25519, NULL);
	assert_int_equal(kex_exchange_new(&x, &t.params), 0);
	if (gex) {
		ssh_msg_init(&in, ssh_msg_Transport_KexGexRequest);
		in.u.Transport_KexGexRequest.min = 2048;
		in.u.Transport_KexGexRequest.n = 2048;
		in.u.Transport_KexGexRequest.max = 2048;
		assert_int_equal(kex_exchange_handle(x, &in, &reply), 0);
		ssh_msg_init(&in, ssh_msg_Transport_KexGexInit);
		in.u.Transport_KexGexInit.e = (struct mpl_bytes){ e, len };
	} else {
		ssh_msg_init(&in, ssh_msg_Transport_KexDhInit);
		in.u.Transport_KexDhInit.e = (struct mpl_bytes){ e, len };
	}
	rc = kex_exchange_handle(x, &in, &reply);
	if (rc < 0) {
		assert_int_equal(t.signer.calls, 0);
		assert_int_equal(kex_exchange_handle(x, &in, &reply), -EINVAL);
	}
	kex_exchange_free(x);
	return rc;
}

static void test_dh_bad_values(void **state)
{
	/* group 14 is also what GEX falls back to for max = 2048 */
	static const char *const methods[] = { "diffie-hellman-group14-sha256",
					       "diffie-hellman-group-exchange-sha256" };
	static uint8_t p[KEX_DH_MAX_BYTES], v[KEX_DH_MAX_BYTES + 2];
	struct kex_dh *dh = NULL;
	int p_len;

	(void)state;
	assert_int_equal(kex_dh_new_group(&dh, KEX_DH_GROUP14), 0);
	p_len = kex_dh_prime(dh, p, sizeof(p));
	kex_dh_free(dh);
	assert_int_equal(p_len, 256);

	for (size_t m = 0; m < N_OF(methods); m++) {
		const char *meth = methods[m];

		/* e = 0 (the empty mpint) and e = 1 */
		assert_int_equal(dh_try(meth, v, 0), -EBADMSG);
		v[0] = 1;
		assert_int_equal(dh_try(meth, v, 1), -EBADMSG);
		/* e = p - 1, e = p, e = p + 1 (with the sign byte p's top bit needs) */
		v[0] = 0;
		memcpy(v + 1, p, 256);
		v[256] -= 1;
		assert_int_equal(dh_try(meth, v, 257), -EBADMSG);
		v[256] += 1;
		assert_int_equal(dh_try(meth, v, 257), -EBADMSG);
		v[256] += 1;	/* p ends in 0xff..ff: p + 1 carries */
		for (int i = 256; i > 0 && v[i] == 0; i--)
			v[i - 1] += 1;
		assert_int_equal(dh_try(meth, v, 257), -EBADMSG);
		/* longer than p */
		memset(v, 0x11, 258);
		assert_int_equal(dh_try(meth, v, 258), -EBADMSG);
		/* negative (-1) and non-canonical (a needless leading zero before 2) */
		v[0] = 0xff;
		assert_int_equal(dh_try(meth, v, 1), -EBADMSG);
		v[0] = 0;
		v[1] = 2;
		assert_int_equal(dh_try(meth, v, 2), -EBADMSG);
		/* e = 2 is inside (1, p-1) but refused as OpenSSH does: fewer than four
		 * bits set (and so are 7 and 2^2047); 15 is taken, and so is p - 2 */
		assert_int_equal(dh_try(meth, v + 1, 1), -EBADMSG);
		v[1] = 7;
		assert_int_equal(dh_try(meth, v + 1, 1), -EBADMSG);
		memset(v, 0, 257);
		v[1] = 0x80;
		assert_int_equal(dh_try(meth, v, 257), -EBADMSG);
		v[1] = 0x0f;
		assert_int_equal(dh_try(meth, v + 1, 1), 1);
		v[0] = 0;
		memcpy(v + 1, p, 256);
		v[256] -= 2;
		assert_int_equal(dh_try(meth, v, 257), 1);
	}
}

static void test_gex_bad_requests(void **state)
{
	static const struct { uint32_t min, n, max; } bad[] = {
		{ 4096, 3072, 8192 },	/* n < min */
		{ 2048, 8192, 4096 },	/* n > max */
		{ 8192, 8192, 4096 },	/* max < min */
		{ 1024, 1024, 1024 },	/* max under 2048 (RFC 8270) */
		{ 0, 0, 2047 },
		{ UINT32_MAX, UINT32_MAX, 0 },
	};
	struct test_exchange t;
	struct kex_exchange *x = NULL;
	struct ssh_msg in, reply;

	(void)state;
	for (size_t i = 0; i < N_OF(bad); i++) {
		exchange_setup(&t, "diffie-hellman-group-exchange-sha256", HK_ED25519, NULL);
		assert_int_equal(kex_exchange_new(&x, &t.params), 0);
		ssh_msg_init(&in, ssh_msg_Transport_KexGexRequest);
		in.u.Transport_KexGexRequest.min = bad[i].min;
		in.u.Transport_KexGexRequest.n = bad[i].n;
		in.u.Transport_KexGexRequest.max = bad[i].max;
		assert_int_equal(kex_exchange_handle(x, &in, &reply), -EBADMSG);
		assert_int_equal(kex_exchange_handle(x, &in, &reply), -EINVAL);
		kex_exchange_free(x);
	}
}

/* ---- order and misuse ---- */

static void test_wrong_kind(void **state)
{
	struct test_exchange t;
	struct kex_exchange *x = NULL;
	struct ssh_msg in, reply;
	uint8_t e[1] = { 0x0f };
	const uint8_t *h;
	size_t h_len;
	struct kex_keys keys;

	(void)state;
	/* ECDH takes only KEX_ECDH_INIT */
	exchange_setup(&t, "ecdh-sha2-nistp256", HK_ED25519, NULL);
	assert_int_equal(kex_exchange_new(&x, &t.params), 0);
	ssh_msg_init(&in, ssh_msg_Transport_KexDhInit);
	in.u.Transport_KexDhInit.e = (struct mpl_bytes){ e, 1 };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	ssh_msg_init(&in, ssh_msg_Transport_KexGexRequest);
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	ssh_msg_init(&in, ssh_msg_Transport_KexInit);
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	ssh_msg_init(&in, ssh_msg_Transport_NewKeys);
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	/* nothing is ready before completion */
	assert_int_equal(kex_exchange_hash(x, &h, &h_len), -EINVAL);
	assert_int_equal(kex_exchange_keys(x, &keys), -EINVAL);
	assert_int_equal(t.signer.calls, 0);
	kex_exchange_free(x);

	/* DH takes only KEXDH_INIT */
	exchange_setup(&t, "diffie-hellman-group14-sha256", HK_ED25519, NULL);
	assert_int_equal(kex_exchange_new(&x, &t.params), 0);
	ssh_msg_init(&in, ssh_msg_Transport_KexEcdhInit);
	in.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ e, 1 };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	ssh_msg_init(&in, ssh_msg_Transport_KexGexInit);
	in.u.Transport_KexGexInit.e = (struct mpl_bytes){ e, 1 };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	kex_exchange_free(x);

	/* GEX: the request first, then the init, nothing twice */
	exchange_setup(&t, "diffie-hellman-group-exchange-sha256", HK_ED25519, NULL);
	assert_int_equal(kex_exchange_new(&x, &t.params), 0);
	ssh_msg_init(&in, ssh_msg_Transport_KexGexInit);
	in.u.Transport_KexGexInit.e = (struct mpl_bytes){ e, 1 };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	ssh_msg_init(&in, ssh_msg_Transport_KexDhInit);
	in.u.Transport_KexDhInit.e = (struct mpl_bytes){ e, 1 };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	ssh_msg_init(&in, ssh_msg_Transport_KexGexRequest);
	in.u.Transport_KexGexRequest.min = 2048;
	in.u.Transport_KexGexRequest.n = 2048;
	in.u.Transport_KexGexRequest.max = 2048;
	assert_int_equal(kex_exchange_handle(x, &in, &reply), 0);
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	/* the exchange is unharmed by the refused messages */
	ssh_msg_init(&in, ssh_msg_Transport_KexGexInit);
	in.u.Transport_KexGexInit.e = (struct mpl_bytes){ e, 1 };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), 1);
	/* and after completion nothing more is taken */
	assert_int_equal(kex_exchange_handle(x, &in, &reply), -EPROTO);
	assert_int_equal(kex_exchange_keys(x, &keys), 0);
	kex_keys_wipe(&keys);
	assert_int_equal(kex_exchange_keys(x, &keys), -EINVAL);
	/* H stays available after the keys */
	assert_int_equal(kex_exchange_hash(x, &h, &h_len), 0);
	assert_int_equal(h_len, 32);
	kex_exchange_free(x);
}

static void test_sign_failure(void **state)
{
	static const int errs[] = { -EACCES, -EIO, 0, KEX_SIG_MAX + 1 };
	struct test_exchange t;
	struct kex_exchange *x = NULL;
	struct ssh_msg in, reply;
	uint8_t q_c[32], scalar[32];

	(void)state;
	for (size_t i = 0; i < N_OF(errs); i++) {
		exchange_setup(&t, "curve25519-sha256", HK_ED25519, NULL);
		t.signer.fail_with = errs[i] == 0 ? 0 : errs[i];
		if (errs[i] == 0)
			t.params.sign = NULL;
		if (t.params.sign == NULL) {
			/* no signer at all is the caller's mistake */
			assert_int_equal(kex_exchange_new(&x, &t.params), -EINVAL);
			assert_null(x);
			continue;
		}
		assert_int_equal(kex_exchange_new(&x, &t.params), 0);
		randombytes_buf(scalar, sizeof(scalar));
		crypto_scalarmult_base(q_c, scalar);
		ssh_msg_init(&in, ssh_msg_Transport_KexEcdhInit);
		in.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ q_c, 32 };
		assert_int_equal(kex_exchange_handle(x, &in, &reply),
				 errs[i] < 0 ? errs[i] : -EINVAL);
		assert_int_equal(t.signer.calls, 1);
		kex_exchange_free(x);
	}
}

static void test_bad_params(void **state)
{
	struct test_exchange t;
	struct kex_exchange *x = (struct kex_exchange *)&t;
	char long_version[300];

	(void)state;
	assert_int_equal(kex_exchange_new(NULL, NULL), -EINVAL);
	assert_int_equal(kex_exchange_new(&x, NULL), -EINVAL);
	assert_null(x);
	exchange_setup(&t, "curve25519-sha256", HK_ED25519, NULL);
	t.params.hostkey_blob = NULL;
	assert_int_equal(kex_exchange_new(&x, &t.params), -EINVAL);
	exchange_setup(&t, "curve25519-sha256", HK_ED25519, NULL);
	memset(long_version, 'a', sizeof(long_version));
	t.params.v_c = long_version;
	t.params.v_c_len = sizeof(long_version);
	assert_int_equal(kex_exchange_new(&x, &t.params), -EINVAL);
	exchange_setup(&t, "curve25519-sha256", HK_ED25519, NULL);
	t.neg.kex = NULL;
	assert_int_equal(kex_exchange_new(&x, &t.params), -EINVAL);
	exchange_setup(&t, "curve25519-sha256", HK_ED25519, NULL);
	t.neg.hostkey_alg = (enum sig_alg)99;
	assert_int_equal(kex_exchange_new(&x, &t.params), -EINVAL);
	exchange_setup(&t, "curve25519-sha256", HK_ED25519, NULL);
	t.params.session_id_len = 32;	/* without the bytes */
	assert_int_equal(kex_exchange_new(&x, &t.params), -EINVAL);
	assert_null(x);

	kex_exchange_free(NULL);
	assert_int_equal(kex_exchange_handle(NULL, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecdh_every_hostkey),
		cmocka_unit_test(test_dh_every_hostkey),
		cmocka_unit_test(test_gex_fallback_every_hostkey),
		cmocka_unit_test(test_gex_fallback_groups_are_rfc3526),
		cmocka_unit_test(test_gex_with_moduli),
		cmocka_unit_test(test_rekey_keeps_session_id),
		cmocka_unit_test(test_params_copied),
		cmocka_unit_test(test_curve25519_independent_hash),
		cmocka_unit_test(test_x25519_bad_values),
		cmocka_unit_test(test_ecdh_bad_points),
		cmocka_unit_test(test_dh_bad_values),
		cmocka_unit_test(test_gex_bad_requests),
		cmocka_unit_test(test_wrong_kind),
		cmocka_unit_test(test_sign_failure),
		cmocka_unit_test(test_bad_params),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
