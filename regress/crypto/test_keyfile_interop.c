/* Cross-checks of crypto/hostkey, crypto/pubkey and crypto/fingerprint against the
 * OpenSSH and OpenSSL command-line tools, on keys they make at test time:
 *   - `ssh-keygen -t rsa -m PEM` keys load; rsa-sha2-256/512 signatures we make verify
 *     with `openssl dgst -verify`, and ones `openssl dgst -sign` makes verify with us;
 *     ssh-rsa (SHA-1) only when the caller allows it;
 *   - `ssh-keygen -t ecdsa -b 256|384|521 -m PEM` keys load and their Q matches the
 *     public key `ssh-keygen -y` prints;
 *   - PKCS#8 files (`openssl pkcs8 -topk8`, `openssl genpkey -algorithm ed25519`) load;
 *   - SHA256 fingerprints equal what `ssh-keygen -lf` prints;
 *   - keys we write with hostkey_to_pem are read back by `ssh-keygen -y`. */
#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include "crypto/base64.h"
#include "crypto/fingerprint.h"
#include "crypto/hostkey.h"
#include "crypto/pubkey.h"
#include "sshd/keyblob.h"

static char dir[256];

static int setup(void **state)
{
	scratch_make(dir, sizeof(dir));
	run("ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C rsa -f %s/rsa", dir);
	run("ssh-keygen -q -t ecdsa -b 256 -m PEM -N '' -C p256 -f %s/ecdsa256", dir);
	run("ssh-keygen -q -t ecdsa -b 384 -m PEM -N '' -C p384 -f %s/ecdsa384", dir);
	run("ssh-keygen -q -t ecdsa -b 521 -m PEM -N '' -C p521 -f %s/ecdsa521", dir);
	run("ssh-keygen -q -t ed25519 -N '' -C ed -f %s/ed25519", dir);
	return 0;
}

static int teardown(void **state)
{
	scratch_remove(dir);
	return 0;
}

/* The public-key blob of our components, through the generated codec (sshd/keyblob),
 * to compare bytes with what ssh-keygen prints. */
static void codec_key_blob(const struct pubkey *key, struct test_blob *t)
{
	int n = keyblob_encode(key, t->b, sizeof(t->b));

	assert_true(n > 0);
	t->len = (size_t)n;
}

/* TEST-ONLY: the blob of an OpenSSH public-key line ("type base64 comment"), decoded
 * with our base64 helper, into t. */
static void test_only_blob_from_line(const char *line, struct test_blob *t)
{
	const char *b64 = strchr(line, ' '), *end;
	int n;

	assert_non_null(b64);
	b64++;
	end = strchr(b64, ' ');
	if (end == NULL)
		end = b64 + strlen(b64);
	n = base64_decode(b64, (size_t)(end - b64), t->b, sizeof(t->b));
	assert_true(n > 0);
	t->len = (size_t)n;
}

/* The key's blob equals the one `ssh-keygen -y -f file` derives from the private key. */
static void assert_matches_ssh_keygen(const struct pubkey *key, const char *file)
{
	char line[4096];
	struct test_blob ours, theirs;

	capture_line(line, sizeof(line), "ssh-keygen -y -f %s", file);
	test_only_blob_from_line(line, &theirs);
	codec_key_blob(key, &ours);
	assert_int_equal(ours.len, theirs.len);
	assert_memory_equal(ours.b, theirs.b, ours.len);
}

/* The fingerprint of the key's blob equals the SHA256:... field of `ssh-keygen -lf`. */
static void assert_fingerprint_matches(const struct pubkey *key, const char *pub_file)
{
	char line[1024], fp[FINGERPRINT_SHA256_SIZE], bits[16];
	struct test_blob blob;
	const char *field;

	capture_line(line, sizeof(line), "ssh-keygen -E sha256 -lf %s", pub_file);
	field = strchr(line, ' ');
	assert_non_null(field);
	field++;
	codec_key_blob(key, &blob);
	assert_int_equal(fingerprint_sha256(blob.b, blob.len, fp, sizeof(fp)), 50);
	assert_memory_equal(fp, field, 50);
	assert_int_equal(field[50], ' ');
	/* and the size ssh-keygen prints first */
	snprintf(bits, sizeof(bits), "%d ", pubkey_bits(key));
	assert_memory_equal(line, bits, strlen(bits));
}

static void sign_to_file(const struct hostkey *key, enum sig_alg alg, const uint8_t *data,
			 size_t len, const char *path)
{
	struct sig_out out;

	assert_int_equal(hostkey_sign(key, alg, data, len, &out), 0);
	spill(path, out.sig, out.sig_len);
}

static int verify_file(const struct pubkey *key, enum sig_alg alg, const char *sig_path,
		       const uint8_t *data, size_t len, unsigned flags)
{
	size_t sig_len;
	uint8_t *sig = slurp(sig_path, &sig_len);
	struct sig_parts parts = { .sig = sig, .sig_len = sig_len };
	int rc = pubkey_verify(key, alg, &parts, data, len, flags);

	free(sig);
	return rc;
}

static void test_rsa_ssh_keygen_pem(void **state)
{
	static const uint8_t data[] = "data the client signs, RFC 4252 section 7";
	char path[512], sigp[512], datap[512], pubp[512];
	struct hostkey *key = NULL;
	const struct pubkey *pub;
	size_t pem_len;
	uint8_t *pem;

	snprintf(path, sizeof(path), "%s/rsa", dir);
	pem = slurp(path, &pem_len);
	assert_non_null(strstr((char *)pem, "-----BEGIN RSA PRIVATE KEY-----"));
	free(pem);
	assert_int_equal(hostkey_load_pem_file(&key, path), 0);
	pub = hostkey_pubkey(key);
	assert_int_equal(pubkey_type(pub), PUBKEY_RSA);
	assert_int_equal(pubkey_bits(pub), 2048);
	assert_int_equal(pubkey_sig_alg(pub, SIG_ALG_RSA_SHA2_512), SIG_ALG_RSA_SHA2_512);
	assert_int_equal(pubkey_sig_alg(pub, SIG_ALG_RSA_SHA2_256), SIG_ALG_RSA_SHA2_256);
	assert_int_equal(pubkey_sig_alg(pub, SIG_ALG_RSA_SHA1), -EINVAL);
	assert_matches_ssh_keygen(pub, path);
	snprintf(pubp, sizeof(pubp), "%s/rsa.pub", dir);
	assert_fingerprint_matches(pub, pubp);

	snprintf(datap, sizeof(datap), "%s/data", dir);
	spill(datap, data, sizeof(data));
	run("openssl pkey -in %s/rsa -pubout -out %s/rsa.spki.pem 2>/dev/null", dir, dir);

	/* ours -> openssl dgst -verify, and ours -> ours; then openssl's -> ours */
	for (int i = 0; i < 2; i++) {
		enum sig_alg alg = i == 0 ? SIG_ALG_RSA_SHA2_256 : SIG_ALG_RSA_SHA2_512;
		const char *md = i == 0 ? "sha256" : "sha512";

		snprintf(sigp, sizeof(sigp), "%s/ours.%s", dir, md);
		sign_to_file(key, alg, data, sizeof(data), sigp);
		assert_int_equal(verify_file(pub, alg, sigp, data, sizeof(data), 0), 0);
		run("openssl dgst -%s -verify %s/rsa.spki.pem -signature %s %s >/dev/null", md, dir,
		    sigp, datap);
		/* the other hash's algorithm does not accept it */
		assert_int_equal(verify_file(pub, i == 0 ? SIG_ALG_RSA_SHA2_512 : SIG_ALG_RSA_SHA2_256,
					     sigp, data, sizeof(data), 0),
				 -EACCES);

		snprintf(sigp, sizeof(sigp), "%s/openssl.%s", dir, md);
		run("openssl dgst -%s -sign %s/rsa -out %s %s", md, dir, sigp, datap);
		assert_int_equal(verify_file(pub, alg, sigp, data, sizeof(data), 0), 0);
		assert_int_equal(verify_file(pub, alg, sigp, data, sizeof(data) - 1, 0), -EACCES);
	}
	/* a tampered signature of ours fails openssl's check too (the check can fail) */
	{
		size_t n;
		uint8_t *sig;

		snprintf(sigp, sizeof(sigp), "%s/ours.sha256", dir);
		sig = slurp(sigp, &n);
		sig[n / 2] ^= 0x10;
		spill(sigp, sig, n);
		free(sig);
		assert_int_not_equal(run_status("openssl dgst -sha256 -verify %s/rsa.spki.pem "
						"-signature %s %s >/dev/null 2>&1",
						dir, sigp, datap),
				     0);
	}
	/* ssh-rsa (SHA-1): refused unless the caller asks for it */
	snprintf(sigp, sizeof(sigp), "%s/openssl.sha1", dir);
	run("openssl dgst -sha1 -sign %s/rsa -out %s %s", dir, sigp, datap);
	assert_int_equal(verify_file(pub, SIG_ALG_RSA_SHA1, sigp, data, sizeof(data), 0), -ENOTSUP);
	assert_int_equal(verify_file(pub, SIG_ALG_RSA_SHA1, sigp, data, sizeof(data),
				     PUBKEY_VERIFY_ALLOW_SHA1),
			 0);
	hostkey_free(key);
}

/* A signature shorter than the modulus (its leading zero bytes dropped) is padded
 * back, as OpenSSH does; one longer than the modulus is malformed. */
static void test_rsa_signature_lengths(void **state)
{
	static const uint8_t data[] = "x";
	char path[512];
	struct hostkey *key = NULL;
	struct sig_out out;
	struct sig_parts parts;
	uint8_t longer[SIG_BYTES_MAX + 1];
	int found = 0;

	snprintf(path, sizeof(path), "%s/rsa", dir);
	assert_int_equal(hostkey_load_pem_file(&key, path), 0);
	/* sign varying data until a signature starts with a zero byte (1 in 256) */
	for (int i = 0; i < 4096 && !found; i++) {
		uint8_t msg[4] = { (uint8_t)i, (uint8_t)(i >> 8), 0, 0 };

		assert_int_equal(hostkey_sign(key, SIG_ALG_RSA_SHA2_256, msg, 4, &out), 0);
		assert_int_equal(out.sig_len, 256);
		if (out.sig[0] == 0) {
			found = 1;
			parts = (struct sig_parts){ .sig = out.sig + 1, .sig_len = 255 };
			assert_int_equal(pubkey_verify(hostkey_pubkey(key), SIG_ALG_RSA_SHA2_256,
						       &parts, msg, 4, 0),
					 0);
		}
	}
	assert_true(found);
	assert_int_equal(hostkey_sign(key, SIG_ALG_RSA_SHA2_512, data, 1, &out), 0);
	longer[0] = 0;
	memcpy(longer + 1, out.sig, out.sig_len);
	parts = (struct sig_parts){ .sig = longer, .sig_len = out.sig_len + 1 };
	assert_int_equal(pubkey_verify(hostkey_pubkey(key), SIG_ALG_RSA_SHA2_512, &parts, data, 1, 0),
			 -EBADMSG);
	parts = (struct sig_parts){ .sig = out.sig, .sig_len = 0 };
	assert_int_equal(pubkey_verify(hostkey_pubkey(key), SIG_ALG_RSA_SHA2_512, &parts, data, 1, 0),
			 -EBADMSG);
	hostkey_free(key);
}

static void test_ecdsa_ssh_keygen_pem(void **state)
{
	static const int bits[] = { 256, 384, 521 };
	static const enum sig_alg algs[] = { SIG_ALG_ECDSA_NISTP256, SIG_ALG_ECDSA_NISTP384,
					     SIG_ALG_ECDSA_NISTP521 };

	for (int i = 0; i < 3; i++) {
		char path[512], pubp[512];
		struct hostkey *key = NULL;
		const struct pubkey *pub;
		struct sig_out out;
		struct sig_parts parts;
		size_t pem_len;
		uint8_t *pem;

		snprintf(path, sizeof(path), "%s/ecdsa%d", dir, bits[i]);
		snprintf(pubp, sizeof(pubp), "%s/ecdsa%d.pub", dir, bits[i]);
		pem = slurp(path, &pem_len);
		assert_non_null(strstr((char *)pem, "-----BEGIN EC PRIVATE KEY-----"));
		assert_int_equal(hostkey_from_pem(&key, pem, pem_len), 0);
		free(pem);
		pub = hostkey_pubkey(key);
		assert_int_equal(pubkey_type(pub), PUBKEY_ECDSA);
		assert_int_equal(pubkey_bits(pub), bits[i]);
		assert_int_equal(pubkey_sig_alg(pub, SIG_ALG_RSA_SHA2_512), algs[i]);
		assert_matches_ssh_keygen(pub, path);
		assert_fingerprint_matches(pub, pubp);
		assert_int_equal(hostkey_sign(key, algs[i], (const uint8_t *)"H", 1, &out), 0);
		sig_out_parts(&out, &parts);
		assert_int_equal(pubkey_verify(pub, algs[i], &parts, (const uint8_t *)"H", 1, 0), 0);

		/* the same key as PKCS#8 "PRIVATE KEY" loads to the same public key */
		{
			struct hostkey *p8 = NULL;

			run("openssl pkcs8 -topk8 -nocrypt -in %s -out %s.p8", path, path);
			snprintf(path, sizeof(path), "%s/ecdsa%d.p8", dir, bits[i]);
			pem = slurp(path, &pem_len);
			assert_non_null(strstr((char *)pem, "-----BEGIN PRIVATE KEY-----"));
			free(pem);
			assert_int_equal(hostkey_load_pem_file(&p8, path), 0);
			assert_true(pubkey_equal(hostkey_pubkey(p8), pub));
			hostkey_free(p8);
		}
		hostkey_free(key);
	}
}

/* An Ed25519 key ssh-keygen wrote (openssh-key-v1, which is not ours to read yet): its
 * public line gives the 32-byte key; our fingerprint of it equals ssh-keygen's. */
static void test_ed25519_fingerprint(void **state)
{
	char path[512], line[1024];
	struct test_blob blob;
	struct pubkey *pub = NULL;

	snprintf(path, sizeof(path), "%s/ed25519.pub", dir);
	{
		size_t n;
		uint8_t *text = slurp(path, &n);

		snprintf(line, sizeof(line), "%s", (char *)text);
		free(text);
	}
	test_only_blob_from_line(line, &blob);
	/* TEST-ONLY: string "ssh-ed25519" (4 + 11 bytes), then string pk (4 + 32) */
	assert_int_equal(blob.len, 4 + 11 + 4 + 32);
	assert_int_equal(pubkey_from_ed25519(&pub, blob.b + 19, 32), 0);
	assert_int_equal(pubkey_sig_alg(pub, SIG_ALG_RSA_SHA2_512), SIG_ALG_ED25519);
	assert_int_equal(pubkey_sig_alg(NULL, SIG_ALG_RSA_SHA2_512), -EINVAL);
	assert_fingerprint_matches(pub, path);
	pubkey_free(pub);
}

/* Ed25519 in PKCS#8 from `openssl genpkey`: loads, signs, and its public key is the
 * last 32 bytes of the SubjectPublicKeyInfo openssl prints. */
static void test_ed25519_pkcs8(void **state)
{
	char path[512];
	struct hostkey *key = NULL;
	const uint8_t *pk;
	uint8_t *spki;
	size_t spki_len;
	struct sig_out out;
	struct sig_parts parts;

	run("openssl genpkey -algorithm ed25519 -out %s/ed.p8", dir);
	run("openssl pkey -in %s/ed.p8 -pubout -outform DER -out %s/ed.spki", dir, dir);
	snprintf(path, sizeof(path), "%s/ed.p8", dir);
	assert_int_equal(hostkey_load_pem_file(&key, path), 0);
	assert_int_equal(pubkey_ed25519(hostkey_pubkey(key), &pk), 0);
	snprintf(path, sizeof(path), "%s/ed.spki", dir);
	spki = slurp(path, &spki_len);
	assert_int_equal(spki_len, 44);
	assert_memory_equal(spki + 12, pk, 32);
	free(spki);
	assert_int_equal(hostkey_sign(key, SIG_ALG_ED25519, (const uint8_t *)"m", 1, &out), 0);
	sig_out_parts(&out, &parts);
	assert_int_equal(pubkey_verify(hostkey_pubkey(key), SIG_ALG_ED25519, &parts,
				       (const uint8_t *)"m", 1, 0),
			 0);
	hostkey_free(key);
}

/* Keys we generate and write as PEM are read by ssh-keygen, which derives the same
 * public key, and by us again. */
static void test_generated_to_pem(void **state)
{
	static const struct {
		enum pubkey_type type;
		int bits;
	} kinds[] = { { PUBKEY_RSA, 2048 }, { PUBKEY_ECDSA, 384 }, { PUBKEY_ED25519, 0 } };

	for (size_t i = 0; i < 3; i++) {
		static char pem[16384];
		char path[512];
		struct hostkey *key = NULL, *again = NULL;
		int len;

		assert_int_equal(hostkey_generate(&key, kinds[i].type, kinds[i].bits), 0);
		len = hostkey_to_pem(key, pem, sizeof(pem));
		assert_true(len > 0);
		assert_int_equal(hostkey_to_pem(key, pem, 10), -ENOSPC);
		len = hostkey_to_pem(key, pem, sizeof(pem));
		snprintf(path, sizeof(path), "%s/gen%zu", dir, i);
		spill(path, pem, (size_t)len);
		run("chmod 600 %s", path);
		assert_int_equal(hostkey_load_pem_file(&again, path), 0);
		assert_true(pubkey_equal(hostkey_pubkey(key), hostkey_pubkey(again)));
		/* OpenSSH 9.2 reads PKCS#8 RSA and ECDSA keys; Ed25519 in PKCS#8 it does not */
		if (kinds[i].type != PUBKEY_ED25519)
			assert_matches_ssh_keygen(hostkey_pubkey(key), path);
		/* the public line written here (codec-built blob) is one ssh-keygen -l reads, and
		 * the fingerprint it prints is ours */
		{
			static char line[8192];
			struct test_blob blob;
			int n;

			codec_key_blob(hostkey_pubkey(key), &blob);
			n = snprintf(line, sizeof(line), "%s ", pubkey_type_name(hostkey_pubkey(key)));
			assert_true(base64_encode(blob.b, blob.len, 0, line + n, sizeof(line) - (size_t)n) >
				    0);
			strcat(line, " generated\n");
			snprintf(path, sizeof(path), "%s/gen%zu.pub", dir, i);
			spill(path, line, strlen(line));
			assert_fingerprint_matches(hostkey_pubkey(key), path);
		}
		hostkey_free(key);
		hostkey_free(again);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_ssh_keygen_pem),
		cmocka_unit_test(test_rsa_signature_lengths),
		cmocka_unit_test(test_ecdsa_ssh_keygen_pem),
		cmocka_unit_test(test_ed25519_fingerprint),
		cmocka_unit_test(test_ed25519_pkcs8),
		cmocka_unit_test(test_generated_to_pem),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
