/* mon_auth_pubkey_verify: a good signature over the data RFC 4252 §7 names is accepted
 * (Ed25519, ECDSA, RSA with both SHA-2 algorithms, the hostbound method with the host
 * key of the first key exchange); a signed blob that differs from what the monitor knows
 * in any one field (session id, user, service, method, has-signature, algorithm, key,
 * host key: also another of our own keys) is
 * refused, as are a bad signature, another key's signature, a signature of another
 * algorithm, malformed or trailing bytes, and a key that is not authorized. */
#include "regress/monauth/monauth_test_util.h"

#include "keys.h"

#define HOSTBOUND "publickey-hostbound-v00@openssh.com"

struct vt {
	struct fixture f;
	struct user_key ed, rsa, ec, stranger, host, host2;
	uint8_t session_id[32];
	const struct user_key *session_host;	/* signed the first exchange (NULL: none) */
};

/* What the client signs, with each field settable. */
struct req {
	const uint8_t *session_id;
	size_t session_id_len;
	const char *user, *service, *method, *alg;
	bool has_signature;
	const struct user_key *key;		/* its blob goes in the data */
	const struct user_key *host;		/* hostbound: the server key named */
};

static int setup(void **state)
{
	struct vt *v = calloc(1, sizeof(*v));
	void *fs = NULL;
	char text[32768];

	assert_non_null(v);
	assert_int_equal(fixture_setup(&fs), 0);
	memcpy(&v->f, fs, sizeof(v->f));
	free(fs);
	user_key_make(&v->ed, PUBKEY_ED25519, 0);
	user_key_make(&v->rsa, PUBKEY_RSA, 2048);
	user_key_make(&v->ec, PUBKEY_ECDSA, 384);
	user_key_make(&v->stranger, PUBKEY_ED25519, 0);
	user_key_make(&v->host, PUBKEY_ED25519, 0);
	user_key_make(&v->host2, PUBKEY_ECDSA, 256);
	for (size_t i = 0; i < sizeof(v->session_id); i++)
		v->session_id[i] = (uint8_t)(i * 7 + 1);
	v->session_host = &v->host;
	snprintf(text, sizeof(text), "%s\n%s\n%s\n", v->ed.line, v->rsa.line, v->ec.line);
	write_file(&v->f, ".ssh/authorized_keys", text, 0600);
	cfg_set(&v->f, "PermitRootLogin yes");
	*state = v;
	return 0;
}

static int teardown(void **state)
{
	struct vt *v = *state;
	struct fixture *f = malloc(sizeof(*f));

	assert_non_null(f);
	memcpy(f, &v->f, sizeof(*f));
	user_key_free(&v->ed);
	user_key_free(&v->rsa);
	user_key_free(&v->ec);
	user_key_free(&v->stranger);
	user_key_free(&v->host);
	user_key_free(&v->host2);
	free(v);
	*state = f;
	return fixture_teardown(state);
}

/* The request a well-behaved client makes for key k with algorithm alg. */
static struct req good_req(const struct vt *v, const struct user_key *k, const char *alg)
{
	struct req r = {
		.session_id = v->session_id, .session_id_len = sizeof(v->session_id),
		.user = v->f.u.name, .service = "ssh-connection", .method = "publickey",
		.alg = alg, .has_signature = true, .key = k, .host = NULL,
	};

	return r;
}

/* Packs the signed data by hand (not with the codec, so that values the codec would
 * refuse, such as has-signature false, can be made too). */
static size_t put_string(uint8_t *out, size_t n, const void *p, size_t len)
{
	out[n] = (uint8_t)(len >> 24);
	out[n + 1] = (uint8_t)(len >> 16);
	out[n + 2] = (uint8_t)(len >> 8);
	out[n + 3] = (uint8_t)len;
	memcpy(out + n + 4, p, len);
	return n + 4 + len;
}

static size_t pack_req(const struct req *r, uint8_t *out)
{
	size_t n = 0;

	n = put_string(out, n, r->session_id, r->session_id_len);
	out[n++] = 50;
	n = put_string(out, n, r->user, strlen(r->user));
	n = put_string(out, n, r->service, strlen(r->service));
	n = put_string(out, n, r->method, strlen(r->method));
	out[n++] = r->has_signature;
	n = put_string(out, n, r->alg, strlen(r->alg));
	n = put_string(out, n, r->key->blob, r->key->blob_len);
	if (r->host != NULL)
		n = put_string(out, n, r->host->blob, r->host->blob_len);
	return n;
}

/* Signs the data of r with signer (its key, algorithm sig_alg), then asks the monitor
 * whether request alg/key with that signature is genuine. */
static int verify_signed(struct vt *v, const struct req *r, const struct user_key *signer,
			 enum sig_alg sig_alg, const char *req_alg, const struct user_key *req_key,
			 int corrupt_sig, size_t extra_bytes)
{
	static uint8_t data[16384], sig[SIGBLOB_MAX];
	const struct user_key *sh = v->session_host;
	size_t len = pack_req(r, data);
	int sig_len;

	memset(data + len, 0, extra_bytes);
	len += extra_bytes;
	sig_len = sigblob_sign(signer->hk, sig_alg, data, len, sig, sizeof(sig));
	assert_true(sig_len > 0);
	if (corrupt_sig)
		sig[sig_len - 5] ^= 0x10;
	return mon_auth_pubkey_verify(&v->f.cfg, &v->f.u, v->session_id, sizeof(v->session_id),
				      (const uint8_t *)req_alg, strlen(req_alg), req_key->blob,
				      req_key->blob_len, data, len, sig, (size_t)sig_len,
				      sh != NULL ? sh->blob : NULL, sh != NULL ? sh->blob_len : 0,
				      "192.0.2.1", &v->f.log, &v->f.o);
}

/* The usual case: the request names the key and algorithm it signed with. */
static int verify(struct vt *v, const struct req *r, enum sig_alg sig_alg)
{
	return verify_signed(v, r, r->key, sig_alg, r->alg, r->key, 0, 0);
}

static void test_good_signatures(void **state)
{
	struct vt *v = *state;
	struct req r;

	r = good_req(v, &v->ed, "ssh-ed25519");
	assert_int_equal(verify(v, &r, SIG_ALG_ED25519), 1);
	assert_true(v->f.o.matched);
	assert_int_equal(v->f.o.line->line_no, 1);
	assert_true(log_has(&v->f, "good ssh-ed25519 signature"));
	r = good_req(v, &v->rsa, "rsa-sha2-256");
	assert_int_equal(verify(v, &r, SIG_ALG_RSA_SHA2_256), 1);
	assert_int_equal(v->f.o.line->line_no, 2);
	r = good_req(v, &v->rsa, "rsa-sha2-512");
	assert_int_equal(verify(v, &r, SIG_ALG_RSA_SHA2_512), 1);
	r = good_req(v, &v->ec, "ecdsa-sha2-nistp384");
	assert_int_equal(verify(v, &r, SIG_ALG_ECDSA_NISTP384), 1);
	assert_int_equal(v->f.o.line->line_no, 3);
	/* hostbound, with the host key of the first exchange, whichever of ours it was */
	r = good_req(v, &v->ed, "ssh-ed25519");
	r.method = HOSTBOUND;
	r.host = &v->host;
	assert_int_equal(verify(v, &r, SIG_ALG_ED25519), 1);
	v->session_host = &v->host2;
	r.host = &v->host2;
	assert_int_equal(verify(v, &r, SIG_ALG_ED25519), 1);
}

/* "ssh-rsa" (SHA-1) signatures only when PubkeyAcceptedAlgorithms names them. */
static void test_rsa_sha1(void **state)
{
	struct vt *v = *state;
	struct req r = good_req(v, &v->rsa, "ssh-rsa");

	log_reset(&v->f);
	assert_int_equal(verify(v, &r, SIG_ALG_RSA_SHA1), 0);
	assert_true(log_has(&v->f, "not in PubkeyAcceptedAlgorithms"));
	cfg_set(&v->f, "PubkeyAcceptedAlgorithms +ssh-rsa");
	assert_int_equal(verify(v, &r, SIG_ALG_RSA_SHA1), 1);
	/* and still not a SHA-2 signature under the ssh-rsa name */
	assert_int_equal(verify_signed(v, &r, &v->rsa, SIG_ALG_RSA_SHA2_256, "ssh-rsa", &v->rsa,
				       0, 0), 0);
}

static void test_one_field_wrong(void **state)
{
	struct vt *v = *state;
	uint8_t other_id[32], short_id[20];
	struct req r;

	memcpy(other_id, v->session_id, sizeof(other_id));
	other_id[31] ^= 1;
	memcpy(short_id, v->session_id, sizeof(short_id));

#define REFUSED(field, why) do { \
		log_reset(&v->f); \
		assert_int_equal(verify_signed(v, &r, &v->ed, SIG_ALG_ED25519, "ssh-ed25519", \
					       &v->ed, 0, 0), 0); \
		assert_false(v->f.o.matched); \
		if (!log_has(&v->f, why)) \
			fail_msg("%s: log lacks \"%s\"", field, why); \
		r = good_req(v, &v->ed, "ssh-ed25519"); \
	} while (0)

	r = good_req(v, &v->ed, "ssh-ed25519");
	r.session_id = other_id;
	REFUSED("session id", "signed data's session id");
	r.session_id = short_id;
	r.session_id_len = sizeof(short_id);	/* a prefix of the right one */
	REFUSED("session id length", "signed data's session id");
	r.user = "someone-else";
	REFUSED("user", "signed data's user");
	r.user = "";
	REFUSED("empty user", "signed data's user");
	/* the client signs the name it sent, style and all: the bare account is not it */
	int n = snprintf(v->f.u.requested, sizeof(v->f.u.requested), "%s:style", v->f.u.name);
	assert_true(n > 0 && (size_t)n < sizeof(v->f.u.requested));
	REFUSED("user without its style", "signed data's user");
	snprintf(v->f.u.requested, sizeof(v->f.u.requested), "%s", v->f.u.name);
	r.service = "ssh-userauth";
	REFUSED("service", "signed data's service");
	r.method = "password";
	REFUSED("method", "malformed signed data");
	r.method = "publickeY";
	REFUSED("method case", "malformed signed data");
	r.has_signature = false;
	REFUSED("has_signature", "malformed signed data");
	r.alg = "rsa-sha2-256";
	REFUSED("algorithm", "signed data's algorithm");
	r.key = &v->rsa;
	REFUSED("key", "signed data's key");
	/* hostbound: a host key that is not ours, another of ours than the one of the
	 * first exchange (the key of a later exchange), before any exchange, or none at
	 * all */
	r.method = HOSTBOUND;
	r.host = &v->stranger;
	REFUSED("host key", "host key (not the one of the first key exchange)");
	r.method = HOSTBOUND;
	r.host = &v->host2;
	REFUSED("another of our host keys", "host key (not the one of the first key exchange)");
	r.method = HOSTBOUND;
	r.host = &v->host;
	v->session_host = NULL;
	REFUSED("no exchange yet", "host key (not the one of the first key exchange)");
	v->session_host = &v->host;
	r.method = HOSTBOUND;
	REFUSED("hostbound without host key", "malformed signed data");
	/* plain publickey with a host key appended: trailing bytes */
	r.host = &v->host;
	REFUSED("trailing host key", "malformed signed data");
#undef REFUSED
}

static void test_bad_signatures(void **state)
{
	struct vt *v = *state;
	struct req r = good_req(v, &v->ed, "ssh-ed25519");

	/* one bit of the signature */
	assert_int_equal(verify_signed(v, &r, &v->ed, SIG_ALG_ED25519, "ssh-ed25519", &v->ed, 1,
				       0), 0);
	assert_true(log_has(&v->f, "bad signature"));
	assert_false(v->f.o.matched);
	/* signed by another key than the one in the data and the request */
	assert_int_equal(verify_signed(v, &r, &v->stranger, SIG_ALG_ED25519, "ssh-ed25519",
				       &v->ed, 0, 0), 0);
	/* a request for another (authorized) key than the one signed for */
	assert_int_equal(verify_signed(v, &r, &v->ed, SIG_ALG_ED25519, "ssh-ed25519", &v->ec, 0,
				       0), 0);
	/* RSA: request and data say rsa-sha2-256, the signature is rsa-sha2-512 */
	r = good_req(v, &v->rsa, "rsa-sha2-256");
	log_reset(&v->f);
	assert_int_equal(verify_signed(v, &r, &v->rsa, SIG_ALG_RSA_SHA2_512, "rsa-sha2-256",
				       &v->rsa, 0, 0), 0);
	assert_true(log_has(&v->f, "wrong algorithm"));
	assert_int_equal(verify_signed(v, &r, &v->rsa, SIG_ALG_RSA_SHA2_256, "rsa-sha2-256",
				       &v->rsa, 1, 0), 0);
	/* trailing bytes after a correct signed blob (signed over them too) */
	r = good_req(v, &v->ed, "ssh-ed25519");
	assert_int_equal(verify_signed(v, &r, &v->ed, SIG_ALG_ED25519, "ssh-ed25519", &v->ed, 0,
				       1), 0);
	/* a key that is signed for correctly but not authorized */
	r = good_req(v, &v->stranger, "ssh-ed25519");
	log_reset(&v->f);
	assert_int_equal(verify(v, &r, SIG_ALG_ED25519), 0);
	assert_true(log_has(&v->f, "not in any authorized keys file"));
	/* an invalid user with a correct signature for a key in "their" files */
	r = good_req(v, &v->ed, "ssh-ed25519");
	v->f.u.valid = false;
	assert_int_equal(verify(v, &r, SIG_ALG_ED25519), 0);
	v->f.u.valid = true;
	assert_int_equal(verify(v, &r, SIG_ALG_ED25519), 1);
}

static void test_malformed(void **state)
{
	struct vt *v = *state;
	struct req r = good_req(v, &v->ed, "ssh-ed25519");
	uint8_t data[4096], sig[SIGBLOB_MAX];
	size_t len = pack_req(&r, data);
	int sig_len = sigblob_sign(v->ed.hk, SIG_ALG_ED25519, data, len, sig, sizeof(sig));

	assert_true(sig_len > 0);
	/* every truncation of a good blob is refused, never read past */
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut + 1);

		assert_non_null(copy);
		memcpy(copy, data, cut);
		assert_int_equal(mon_auth_pubkey_verify(&v->f.cfg, &v->f.u, v->session_id, 32,
							(const uint8_t *)"ssh-ed25519", 11,
							v->ed.blob, v->ed.blob_len, copy, cut,
							sig, (size_t)sig_len, NULL, 0,
							"::1", &v->f.log, &v->f.o), 0);
		free(copy);
	}
	/* a length that claims more than is there */
	data[3] = 0xff;
	assert_int_equal(mon_auth_pubkey_verify(&v->f.cfg, &v->f.u, v->session_id, 32,
						(const uint8_t *)"ssh-ed25519", 11, v->ed.blob,
						v->ed.blob_len, data, len, sig, (size_t)sig_len,
						NULL, 0, "::1", &v->f.log, &v->f.o), 0);
	/* a signature blob that is not one */
	data[3] = 32;
	assert_int_equal(mon_auth_pubkey_verify(&v->f.cfg, &v->f.u, v->session_id, 32,
						(const uint8_t *)"ssh-ed25519", 11, v->ed.blob,
						v->ed.blob_len, data, len, sig, 10, NULL, 0,
						"::1", &v->f.log, &v->f.o), 0);
	assert_int_equal(mon_auth_pubkey_verify(&v->f.cfg, &v->f.u, v->session_id, 32,
						(const uint8_t *)"ssh-ed25519", 11, v->ed.blob,
						v->ed.blob_len, data, len, sig, (size_t)sig_len,
						NULL, 0, "::1", &v->f.log, &v->f.o), 1);
	/* arguments */
	assert_int_equal(mon_auth_pubkey_verify(&v->f.cfg, &v->f.u, v->session_id, 0,
						(const uint8_t *)"ssh-ed25519", 11, v->ed.blob,
						v->ed.blob_len, data, len, sig, (size_t)sig_len,
						NULL, 0, "::1", &v->f.log, &v->f.o), -EINVAL);
	assert_int_equal(mon_auth_pubkey_verify(&v->f.cfg, &v->f.u, v->session_id,
						MON_AUTH_MAX_SESSION_ID + 1,
						(const uint8_t *)"ssh-ed25519", 11, v->ed.blob,
						v->ed.blob_len, data, len, sig, (size_t)sig_len,
						NULL, 0, "::1", &v->f.log, &v->f.o), -EINVAL);
}

/* The codec's own packing of the signed data is what the client signs: the two agree. */
static void test_codec_agrees(void **state)
{
	struct vt *v = *state;
	struct req r = good_req(v, &v->ed, "ssh-ed25519");
	struct userauth_signed_data sd;
	struct mpl_writer w;
	uint8_t by_hand[4096], by_codec[4096];
	size_t hand_len = pack_req(&r, by_hand), codec_len = 0;

	userauth_signed_data_init(&sd, userauth_signed_data_Publickey);
	sd.session_id = (struct mpl_bytes){ v->session_id, sizeof(v->session_id) };
	sd.user = mpl_bytes_str(v->f.u.name);
	sd.service = mpl_bytes_str("ssh-connection");
	sd.method = mpl_bytes_str("publickey");
	sd.u.Publickey.has_signature = true;
	sd.u.Publickey.algorithm = mpl_bytes_str("ssh-ed25519");
	sd.u.Publickey.key = (struct mpl_bytes){ v->ed.blob, v->ed.blob_len };
	mpl_writer_init(&w, by_codec, sizeof(by_codec), 0, 0);
	assert_int_equal(userauth_signed_data_pack(&w, &sd, NULL), 0);
	assert_int_equal(mpl_writer_finish(&w, &codec_len), 0);
	assert_int_equal(codec_len, hand_len);
	assert_memory_equal(by_codec, by_hand, hand_len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_signatures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rsa_sha1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_field_wrong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_signatures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_codec_agrees, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
