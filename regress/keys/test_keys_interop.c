/* Cross-checks with OpenSSH's ssh-keygen: keys it makes (openssh-key-v1 and PEM) load;
 * their public blob equals ssh-keygen -y's; our fingerprint equals ssh-keygen -lf's;
 * an SSHSIG we make verifies with ssh-keygen -Y verify, and ssh-keygen -Y sign's
 * verifies with our code (and fails on other data, namespace or key). */
#include "regress/keys/keys_test_util.h"

#include <sys/stat.h>

struct keycase {
	const char *type;
	int bits;
	enum sig_alg alg;	/* what ssh-keygen -Y sign uses for this key */
};

static const struct keycase cases[] = {
	{ "ed25519", 0, SIG_ALG_ED25519 },
	{ "ecdsa", 256, SIG_ALG_ECDSA_NISTP256 },
	{ "ecdsa", 384, SIG_ALG_ECDSA_NISTP384 },
	{ "ecdsa", 521, SIG_ALG_ECDSA_NISTP521 },
	{ "rsa", 2048, SIG_ALG_RSA_SHA2_512 },
	{ "rsa", 3072, SIG_ALG_RSA_SHA2_512 },
};

static void check_one(const struct keycase *kc, int pem)
{
	char dir[256], path[400], line[8192], why[KEYFILE_REASON_SIZE], fp[64], theirs[256];
	char sigtext[8192];
	uint8_t ours[KEYBLOB_MAX], ref[KEYBLOB_MAX];
	static const uint8_t msg[] = "the data that is signed\n";
	struct hostkey *key = NULL;
	size_t ref_len, len;
	int n, rc;
	uint8_t *text;

	scratch_make(dir, sizeof(dir));
	keygen(dir, "k", kc->type, kc->bits, pem);
	snprintf(path, sizeof(path), "%s/k", dir);
	text = slurp(path, &len);
	/* -m PEM gives PKCS#1/SEC1 for RSA and ECDSA (ssh-keygen 9.2 still writes
	 * Ed25519 in its own format), so the PEM path is the one being tested */
	if (pem && strcmp(kc->type, "ed25519") != 0)
		assert_null(strstr((char *)text, "OPENSSH PRIVATE KEY"));
	free(text);

	rc = keyfile_load(path, true, &key, why, sizeof(why));
	if (rc != 0)
		fail_msg("%s %d pem=%d: %d %s", kc->type, kc->bits, pem, rc, why);

	/* public blob: ours equals ssh-keygen -y's and the .pub file's */
	n = keyblob_encode(hostkey_pubkey(key), ours, sizeof(ours));
	assert_true(n > 0);
	capture_line(line, sizeof(line), "ssh-keygen -y -f '%s'", path);
	ref_len = pub_line_blob(line, ref, sizeof(ref));
	assert_int_equal(ref_len, (size_t)n);
	assert_memory_equal(ours, ref, ref_len);
	capture_line(line, sizeof(line), "cat '%s.pub'", path);
	ref_len = pub_line_blob(line, ref, sizeof(ref));
	assert_int_equal(ref_len, (size_t)n);
	assert_memory_equal(ours, ref, ref_len);

	/* fingerprint */
	assert_int_equal(keyblob_fingerprint(hostkey_pubkey(key), fp, sizeof(fp)), 50);
	capture_line(theirs, sizeof(theirs), "ssh-keygen -lf '%s' | cut -d' ' -f2", path);
	assert_string_equal(fp, theirs);
	if (kc->bits > 0)
		assert_int_equal(pubkey_bits(hostkey_pubkey(key)), kc->bits);

	/* ours -> ssh-keygen -Y verify */
	snprintf(path, sizeof(path), "%s/data", dir);
	spill(path, msg, sizeof(msg) - 1);
	sshsig_sign(key, kc->alg, SSHSIG_NAMESPACE, msg, sizeof(msg) - 1, sigtext,
		    sizeof(sigtext));
	snprintf(path, sizeof(path), "%s/data.ours", dir);
	spill(path, sigtext, strlen(sigtext));
	run("cd '%s' && printf 'id %%s\\n' \"$(cat k.pub)\" > allowed", dir);
	run("cd '%s' && ssh-keygen -Y verify -f allowed -I id -n file -s data.ours < data "
	    ">/dev/null 2>&1", dir);
	/* and ssh-keygen refuses it over other data or for another namespace */
	assert_int_not_equal(run_status("cd '%s' && echo x | ssh-keygen -Y verify -f allowed "
					"-I id -n file -s data.ours >/dev/null 2>&1", dir), 0);
	assert_int_not_equal(run_status("cd '%s' && ssh-keygen -Y verify -f allowed -I id -n "
					"git -s data.ours < data >/dev/null 2>&1", dir), 0);

	/* ssh-keygen -Y sign -> ours */
	run("cd '%s' && ssh-keygen -q -Y sign -f k -n file data >/dev/null 2>&1", dir);
	snprintf(path, sizeof(path), "%s/data.sig", dir);
	text = slurp(path, &len);
	assert_int_equal(sshsig_verify(hostkey_pubkey(key), "file", (char *)text, msg,
				       sizeof(msg) - 1), 0);
	assert_int_equal(sshsig_verify(hostkey_pubkey(key), "file", (char *)text, msg,
				       sizeof(msg) - 2), -EACCES);
	assert_int_equal(sshsig_verify(hostkey_pubkey(key), "git", (char *)text, msg,
				       sizeof(msg) - 1), -EPERM);
	{
		/* ssh-keygen's signature names the algorithm we expect for the key */
		uint8_t blob[2 * SIGBLOB_MAX];
		size_t bl = dearmour((char *)text, blob, sizeof(blob));
		struct sshsig_blob sb;
		struct sig_parts parts;
		enum sig_alg alg;

		assert_int_equal(sshsig_blob_unpack(blob, bl, &sb, NULL), 0);
		assert_int_equal(sigblob_decode(sb.signature.ptr, sb.signature.len, &alg,
						&parts), 0);
		assert_int_equal(alg, kc->alg);
	}
	free(text);

	/* permissions: 0644 refused under StrictModes, accepted without */
	hostkey_free(key);
	key = NULL;
	snprintf(path, sizeof(path), "%s/k", dir);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(keyfile_load(path, true, &key, why, sizeof(why)), -EACCES);
	assert_null(key);
	assert_non_null(strstr(why, "UNPROTECTED PRIVATE KEY FILE"));
	assert_int_equal(keyfile_load(path, false, &key, why, sizeof(why)), 0);
	hostkey_free(key);
	scratch_remove(dir);
}

static void test_openssh_format(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_one(&cases[i], 0);
}

static void test_pem_format(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_one(&cases[i], 1);
}

/* A certificate blob is not a plain key; an encrypted key file is refused clearly. */
static void test_cert_and_encrypted(void **state)
{
	char dir[256], path[400], line[8192], why[KEYFILE_REASON_SIZE];
	uint8_t blob[KEYBLOB_MAX * 2];
	struct authkeys_line *al = malloc(sizeof(*al));
	struct pubkey *pk = NULL;
	struct hostkey *key = NULL;
	const char *b64;
	int rc;

	(void)state;
	assert_non_null(al);
	scratch_make(dir, sizeof(dir));
	keygen(dir, "ca", "ed25519", 0, 0);
	keygen(dir, "u", "ed25519", 0, 0);
	run("cd '%s' && ssh-keygen -q -s ca -I id -n user u.pub >/dev/null 2>&1", dir);
	capture_line(line, sizeof(line), "cat '%s/u-cert.pub'", dir);
	/* the authorized_keys parser refuses a certificate as a key... */
	assert_int_equal(authkeys_parse_line(line, strlen(line), al), -ENOTSUP);
	/* ...and so does the blob decoder */
	b64 = strchr(line, ' ');
	assert_non_null(b64);
	b64++;
	rc = base64_decode(b64, strcspn(b64, " "), blob, sizeof(blob));
	assert_true(rc > 0);
	assert_int_equal(keyblob_decode(blob, (size_t)rc, &pk), -ENOTSUP);
	assert_null(pk);

	run("ssh-keygen -q -t ed25519 -N secret -f '%s/enc' </dev/null", dir);
	snprintf(path, sizeof(path), "%s/enc", dir);
	assert_int_equal(keyfile_load(path, true, &key, why, sizeof(why)), -EACCES);
	assert_non_null(strstr(why, "encrypted"));
	assert_null(key);
	run("ssh-keygen -q -t ecdsa -m PEM -N secret -f '%s/encpem' </dev/null", dir);
	snprintf(path, sizeof(path), "%s/encpem", dir);
	assert_int_equal(keyfile_load(path, true, &key, why, sizeof(why)), -EACCES);
	assert_non_null(strstr(why, "encrypted"));
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(keyfile_load(path, true, &key, why, sizeof(why)), -ENOENT);
	assert_int_equal(keyfile_load(dir, false, &key, why, sizeof(why)), -EINVAL);
	free(al);
	scratch_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openssh_format),
		cmocka_unit_test(test_pem_format),
		cmocka_unit_test(test_cert_and_encrypted),
	};

	return cmocka_run_group_tests_name("keys_interop", tests, NULL, NULL);
}
