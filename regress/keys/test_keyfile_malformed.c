/* Malformed openssh-key-v1 files are refused with a reason: every truncation of the
 * body and of the text, check-ints that differ, bad padding, a cipher, a kdf without a
 * cipher, two keys, a bad magic, a public copy of another key; and junk text. Each
 * mutation starts from a file ssh-keygen wrote, taken apart and rebuilt with the
 * generated codec, and the unmutated rebuild is checked to load (so a rejection is
 * due to the mutation). */
#include "regress/keys/keys_test_util.h"

#define BODY_MAX 8192

struct fixture {
	char dir[256];
	uint8_t body[BODY_MAX];		/* ssh-keygen's ed25519 file, decoded */
	size_t body_len;
	uint8_t other_pub[KEYBLOB_MAX];	/* another key's public blob */
	size_t other_pub_len;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct openssh_key_v1 v1;
	char path[400];
	uint8_t *text;
	size_t len;

	assert_non_null(f);
	scratch_make(f->dir, sizeof(f->dir));
	keygen(f->dir, "k", "ed25519", 0, 0);
	keygen(f->dir, "other", "ed25519", 0, 0);
	snprintf(path, sizeof(path), "%s/k", f->dir);
	text = slurp(path, &len);
	f->body_len = dearmour((char *)text, f->body, sizeof(f->body));
	free(text);
	snprintf(path, sizeof(path), "%s/other", f->dir);
	text = slurp(path, &len);
	{
		uint8_t other[BODY_MAX];
		size_t n = dearmour((char *)text, other, sizeof(other));

		assert_int_equal(openssh_key_v1_unpack(other, n, &v1, NULL), 0);
		memcpy(f->other_pub, v1.public_key.ptr, v1.public_key.len);
		f->other_pub_len = v1.public_key.len;
	}
	free(text);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	scratch_remove(f->dir);
	free(f);
	return 0;
}

/* Parses a body (armoured as ssh-keygen would) and returns the result; *why gets the
 * reason. */
static int parse_body(const uint8_t *body, size_t len, char *why, size_t why_size)
{
	static char text[4 * BODY_MAX];
	struct hostkey *key = NULL;
	size_t n = armour_openssh(body, len, text, sizeof(text));
	int rc = keyfile_parse((const uint8_t *)text, n, &key, why, why_size);

	if (rc == 0) {
		assert_non_null(key);
		hostkey_free(key);
	} else {
		assert_null(key);
		assert_true(why[0] != '\0');
	}
	return rc;
}

static void expect(const uint8_t *body, size_t len, int want_rc, const char *want_reason)
{
	char why[KEYFILE_REASON_SIZE] = "";
	int rc = parse_body(body, len, why, sizeof(why));

	if (rc != want_rc || (want_reason != NULL && strstr(why, want_reason) == NULL))
		fail_msg("got %d \"%s\", wanted %d \"%s\"", rc, why, want_rc,
			 want_reason ? want_reason : "");
}

/* Rebuilds a body from (possibly changed) parts with the codecs. */
static size_t rebuild(const struct openssh_key_v1 *v1, const struct openssh_private_keys *pk,
		      uint8_t *out, size_t cap)
{
	uint8_t section[BODY_MAX];
	struct openssh_key_v1 copy = *v1;
	struct mpl_writer w;
	size_t len = 0;

	if (pk != NULL) {
		mpl_writer_init(&w, section, sizeof(section), 0, 0);
		assert_int_equal(openssh_private_keys_pack(&w, pk, NULL), 0);
		assert_int_equal(mpl_writer_finish(&w, &len), 0);
		copy.private_section = (struct mpl_bytes){ section, len };
	}
	mpl_writer_init(&w, out, cap, 0, 0);
	assert_int_equal(openssh_key_v1_pack(&w, &copy, NULL), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	return len;
}

static void unpack(struct fixture *f, struct openssh_key_v1 *v1, struct openssh_private_keys *pk)
{
	assert_int_equal(openssh_key_v1_unpack(f->body, f->body_len, v1, NULL), 0);
	assert_int_equal(openssh_private_keys_unpack(v1->private_section.ptr,
						     v1->private_section.len, pk, NULL), 0);
}

static void test_original_loads(void **state)
{
	struct fixture *f = *state;
	struct openssh_key_v1 v1;
	struct openssh_private_keys pk;
	uint8_t out[BODY_MAX];

	expect(f->body, f->body_len, 0, NULL);
	unpack(f, &v1, &pk);
	/* the codec's rebuild is byte-identical to ssh-keygen's file */
	assert_int_equal(rebuild(&v1, &pk, out, sizeof(out)), f->body_len);
	assert_memory_equal(out, f->body, f->body_len);
}

static void test_every_truncation(void **state)
{
	struct fixture *f = *state;
	static char text[4 * BODY_MAX];
	char why[KEYFILE_REASON_SIZE];
	size_t n, end;

	for (size_t len = 0; len < f->body_len; len++) {
		if (len == 0)
			continue;	/* base64 of nothing: an empty body, refused below */
		assert_int_equal(parse_body(f->body, len, why, sizeof(why)), -EBADMSG);
	}
	/* the text itself, cut anywhere before its end marker is complete */
	n = armour_openssh(f->body, f->body_len, text, sizeof(text));
	end = (size_t)(strstr(text, "-----END OPENSSH PRIVATE KEY-----") - text) +
	      strlen("-----END OPENSSH PRIVATE KEY-----");
	for (size_t len = 0; len < end; len++) {
		struct hostkey *key = NULL;
		int rc = keyfile_parse((const uint8_t *)text, len, &key, why, sizeof(why));

		if (rc != -EBADMSG)
			fail_msg("text cut at %zu of %zu: %d %s", len, n, rc, why);
		assert_null(key);
	}
}

/* The same for ECDSA and RSA files: every cut of the body is refused, the whole loads. */
static void test_every_truncation_ecdsa_rsa(void **state)
{
	static const struct {
		const char *type;
		int bits;
	} kinds[] = { { "ecdsa", 384 }, { "rsa", 2048 } };
	struct fixture *f = *state;
	char path[400], why[KEYFILE_REASON_SIZE];

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		static uint8_t body[BODY_MAX];
		uint8_t *text;
		size_t len, body_len;

		keygen(f->dir, kinds[k].type, kinds[k].type, kinds[k].bits, 0);
		snprintf(path, sizeof(path), "%s/%s", f->dir, kinds[k].type);
		text = slurp(path, &len);
		body_len = dearmour((char *)text, body, sizeof(body));
		free(text);
		assert_int_equal(parse_body(body, body_len, why, sizeof(why)), 0);
		for (size_t n = 1; n < body_len; n++)
			assert_int_equal(parse_body(body, n, why, sizeof(why)), -EBADMSG);
	}
}

static void test_check_ints(void **state)
{
	struct fixture *f = *state;
	struct openssh_key_v1 v1;
	struct openssh_private_keys pk;
	uint8_t out[BODY_MAX];

	unpack(f, &v1, &pk);
	pk.check2 ^= 1;
	expect(out, rebuild(&v1, &pk, out, sizeof(out)), -EBADMSG, "check-ints differ");
}

static void test_padding(void **state)
{
	struct fixture *f = *state;
	struct openssh_key_v1 v1;
	struct openssh_private_keys pk;
	uint8_t out[BODY_MAX], pad[16];
	size_t orig;

	unpack(f, &v1, &pk);
	orig = pk.padding.len;
	assert_true(orig >= 1 && orig < 8);
	/* a wrong padding byte */
	for (size_t i = 0; i < orig; i++)
		pad[i] = (uint8_t)(i + 1);
	pad[orig - 1] ^= 0x40;
	pk.padding = (struct mpl_bytes){ pad, orig };
	expect(out, rebuild(&v1, &pk, out, sizeof(out)), -EBADMSG, "padding byte");
	/* a whole block more of correct-looking padding */
	for (size_t i = 0; i < orig + 8; i++)
		pad[i] = (uint8_t)(i + 1);
	pk.padding = (struct mpl_bytes){ pad, orig + 8 };
	expect(out, rebuild(&v1, &pk, out, sizeof(out)), -EBADMSG, "bytes of padding");
	/* no padding: the section is no longer a multiple of the block size */
	pk.padding = (struct mpl_bytes){ pad, 0 };
	expect(out, rebuild(&v1, &pk, out, sizeof(out)), -EBADMSG, "blocks");
}

static void test_cipher_and_kdf(void **state)
{
	struct fixture *f = *state;
	struct openssh_key_v1 v1;
	struct openssh_private_keys pk;
	struct openssh_kdf_bcrypt kdf;
	struct mpl_writer w;
	uint8_t out[BODY_MAX], kdf_buf[128], salt[16] = { 1, 2, 3 };
	size_t kdf_len = 0;

	unpack(f, &v1, &pk);
	openssh_kdf_bcrypt_init(&kdf);
	kdf.salt = (struct mpl_bytes){ salt, sizeof(salt) };
	kdf.rounds = 16;
	mpl_writer_init(&w, kdf_buf, sizeof(kdf_buf), 0, 0);
	assert_int_equal(openssh_kdf_bcrypt_pack(&w, &kdf, NULL), 0);
	assert_int_equal(mpl_writer_finish(&w, &kdf_len), 0);

	v1.cipher_name = mpl_bytes_str("aes256-ctr");
	v1.kdf_name = mpl_bytes_str("bcrypt");
	v1.kdf_options = (struct mpl_bytes){ kdf_buf, kdf_len };
	expect(out, rebuild(&v1, NULL, out, sizeof(out)), -EACCES, "aes256-ctr");
	/* a kdf, or kdf options, without a cipher */
	v1.cipher_name = mpl_bytes_str("none");
	expect(out, rebuild(&v1, NULL, out, sizeof(out)), -EBADMSG, "key derivation");
	v1.kdf_name = mpl_bytes_str("none");
	expect(out, rebuild(&v1, NULL, out, sizeof(out)), -EBADMSG, "key derivation");
}

static void test_two_keys_and_magic(void **state)
{
	struct fixture *f = *state;
	struct openssh_key_v1 v1;
	uint8_t copy[BODY_MAX];
	size_t at;

	assert_int_equal(openssh_key_v1_unpack(f->body, f->body_len, &v1, NULL), 0);
	/* num_keys is the uint32 right before public_key's length prefix */
	at = (size_t)(v1.public_key.ptr - f->body) - 8;
	memcpy(copy, f->body, f->body_len);
	assert_int_equal(copy[at + 3], 1);
	copy[at + 3] = 2;
	expect(copy, f->body_len, -EBADMSG, "exactly one key");
	memcpy(copy, f->body, f->body_len);
	copy[0] ^= 0x20;
	expect(copy, f->body_len, -EBADMSG, "bad magic");
}

static void test_public_copy_mismatch(void **state)
{
	struct fixture *f = *state;
	struct openssh_key_v1 v1;
	struct openssh_private_keys pk;
	uint8_t out[BODY_MAX], pub[32];

	unpack(f, &v1, &pk);
	v1.public_key = (struct mpl_bytes){ f->other_pub, f->other_pub_len };
	expect(out, rebuild(&v1, &pk, out, sizeof(out)), -EBADMSG, "does not match");
	/* the private section's own public key differs from its secret half */
	unpack(f, &v1, &pk);
	memcpy(pub, pk.u.Ed25519.pk.ptr, sizeof(pub));
	pub[5] ^= 1;
	pk.u.Ed25519.pk = (struct mpl_bytes){ pub, sizeof(pub) };
	expect(out, rebuild(&v1, &pk, out, sizeof(out)), -EBADMSG, "invalid");
}

static void test_junk_text(void **state)
{
	static const char *const junk[] = {
		"",
		"hello",
		"-----BEGIN OPENSSH PRIVATE KEY-----",
		"-----BEGIN OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----\n",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn!zaC1rZXktdjEA\n"
		"-----END OPENSSH PRIVATE KEY-----\n",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n"
		"-----END OPENSSH PRIVATE KEY-----\n",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n"
		"-----END OPENSSH PRIVATE KEY-----\ntrailing\n",
		"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
	};
	char why[KEYFILE_REASON_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		struct hostkey *key = NULL;

		why[0] = '\0';
		assert_int_equal(keyfile_parse((const uint8_t *)junk[i], strlen(junk[i]), &key,
					       why, sizeof(why)), -EBADMSG);
		assert_null(key);
		assert_true(why[0] != '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_original_loads),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_every_truncation_ecdsa_rsa),
		cmocka_unit_test(test_check_ints),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_cipher_and_kdf),
		cmocka_unit_test(test_two_keys_and_magic),
		cmocka_unit_test(test_public_copy_mismatch),
		cmocka_unit_test(test_junk_text),
	};

	return cmocka_run_group_tests_name("keys_keyfile_malformed", tests, setup, teardown);
}
