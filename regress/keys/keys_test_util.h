/* Helpers for regress/keys: the crypto tests' shell/file helpers, ssh-keygen key
 * generation, openssh-key-v1 armour for the tests' own mutated files, and SSHSIG
 * (PROTOCOL.sshsig) over the generated codecs for the ssh-keygen -Y cross-check.
 * SSHSIG lives here, not in sshd/: the daemon never signs or verifies files. */
#ifndef MSSHD_REGRESS_KEYS_TEST_UTIL_H
#define MSSHD_REGRESS_KEYS_TEST_UTIL_H

#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include "crypto/base64.h"
#include "crypto/hash.h"
#include "keys.h"
#include "sshd/authkeys.h"
#include "sshd/keyblob.h"
#include "sshd/keyfile.h"

#define SSHSIG_NAMESPACE "file"
#define SSHSIG_BEGIN "-----BEGIN SSH SIGNATURE-----\n"
#define SSHSIG_END "-----END SSH SIGNATURE-----\n"

/* ssh-keygen -t type [-b bits] [-m PEM] into dir/name, no passphrase. */
static inline void keygen(const char *dir, const char *name, const char *type, int bits,
			  int pem)
{
	char bopt[32] = "";

	if (bits > 0)
		snprintf(bopt, sizeof(bopt), "-b %d", bits);
	run("ssh-keygen -q -t %s %s %s -N '' -C test-%s -f '%s/%s' </dev/null", type, bopt,
	    pem ? "-m PEM" : "", name, dir, name);
}

/* Base64 wrapped at 70 columns, as ssh-keygen writes armoured data. */
static inline size_t wrap_base64(const uint8_t *data, size_t len, char *out, size_t cap)
{
	size_t b64_size = BASE64_ENCODED_SIZE(len), n = 0;
	char *b64 = malloc(b64_size);
	int b64_len;

	assert_non_null(b64);
	b64_len = base64_encode(data, len, 0, b64, b64_size);
	assert_true(b64_len > 0);
	for (int i = 0; i < b64_len; i += 70) {
		int chunk = b64_len - i < 70 ? b64_len - i : 70;

		assert_true(n + (size_t)chunk + 2 < cap);
		memcpy(out + n, b64 + i, (size_t)chunk);
		n += (size_t)chunk;
		out[n++] = '\n';
	}
	out[n] = '\0';
	free(b64);
	return n;
}

/* The text of an openssh-key-v1 file around a (possibly mutated) body. */
static inline size_t armour_openssh(const uint8_t *body, size_t len, char *out, size_t cap)
{
	size_t n = (size_t)snprintf(out, cap, "-----BEGIN OPENSSH PRIVATE KEY-----\n");

	n += wrap_base64(body, len, out + n, cap - n);
	assert_true(n + 40 < cap);
	n += (size_t)snprintf(out + n, cap - n, "-----END OPENSSH PRIVATE KEY-----\n");
	return n;
}

/* The base64 between the first "-----BEGIN" line and the next "-----END" line,
 * decoded into out (a test-side reader of armour, for ssh-keygen's files). */
static inline size_t dearmour(const char *text, uint8_t *out, size_t cap)
{
	const char *p = strchr(text, '\n'), *end;
	char *b64 = malloc(strlen(text) + 1);
	size_t n = 0;
	int rc;

	assert_non_null(p);
	assert_non_null(b64);
	end = strstr(p, "-----END");
	assert_non_null(end);
	for (; p < end; p++)
		if (*p != '\n' && *p != '\r')
			b64[n++] = *p;
	rc = base64_decode(b64, n, out, cap);
	free(b64);
	assert_true(rc > 0);
	return (size_t)rc;
}

/* The blob of a ".pub" line (type base64 comment), through the authorized_keys
 * parser. */
static inline size_t pub_line_blob(const char *line, uint8_t *out, size_t cap)
{
	struct authkeys_line *al = malloc(sizeof(*al));
	size_t n;
	int rc;

	assert_non_null(al);
	rc = authkeys_parse_line(line, strcspn(line, "\n"), al);
	if (rc != 1)
		fail_msg("pub line not parsed (%d): %s: %s", rc, al->reason, line);
	assert_true(al->blob_len <= cap);
	memcpy(out, al->blob, al->blob_len);
	n = al->blob_len;
	free(al);
	return n;
}

/* What an SSHSIG signature covers: the sshsig_signed_data of sha512(message). */
static inline size_t sshsig_to_sign(const char *ns, const uint8_t *msg, size_t msg_len,
				    const char *hash_name, uint8_t *out, size_t cap)
{
	struct sshsig_signed_data sd;
	struct mpl_writer w;
	uint8_t h[HASH_MAX_DIGEST_LEN];
	int hl = hash_oneshot(strcmp(hash_name, "sha256") == 0 ? HASH_SHA256 : HASH_SHA512,
			      msg, msg_len, h, sizeof(h));
	size_t len = 0;

	assert_true(hl > 0);
	sshsig_signed_data_init(&sd);
	sd.namespace = mpl_bytes_str(ns);
	sd.reserved = (struct mpl_bytes){ NULL, 0 };
	sd.hash_algorithm = mpl_bytes_str(hash_name);
	sd.hash = (struct mpl_bytes){ h, (size_t)hl };
	mpl_writer_init(&w, out, cap, 0, 0);
	sshsig_signed_data_pack(&w, &sd, NULL);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	return len;
}

/* An armoured SSHSIG of msg by key with algorithm alg, into out. */
static inline void sshsig_sign(const struct hostkey *key, enum sig_alg alg, const char *ns,
			       const uint8_t *msg, size_t msg_len, char *out, size_t cap)
{
	uint8_t tbs[512], sig[SIGBLOB_MAX], pub[KEYBLOB_MAX], blob[2 * SIGBLOB_MAX];
	size_t tbs_len = sshsig_to_sign(ns, msg, msg_len, "sha512", tbs, sizeof(tbs));
	int sig_len = sigblob_sign(key, alg, tbs, tbs_len, sig, sizeof(sig));
	int pub_len = keyblob_encode(hostkey_pubkey(key), pub, sizeof(pub));
	struct sshsig_blob sb;
	struct mpl_writer w;
	size_t blob_len = 0, n;

	assert_true(sig_len > 0);
	assert_true(pub_len > 0);
	sshsig_blob_init(&sb);
	sb.public_key = (struct mpl_bytes){ pub, (size_t)pub_len };
	sb.namespace = mpl_bytes_str(ns);
	sb.reserved = (struct mpl_bytes){ NULL, 0 };
	sb.hash_algorithm = mpl_bytes_str("sha512");
	sb.signature = (struct mpl_bytes){ sig, (size_t)sig_len };
	mpl_writer_init(&w, blob, sizeof(blob), 0, 0);
	sshsig_blob_pack(&w, &sb, NULL);
	assert_int_equal(mpl_writer_finish(&w, &blob_len), 0);
	n = (size_t)snprintf(out, cap, SSHSIG_BEGIN);
	n += wrap_base64(blob, blob_len, out + n, cap - n);
	assert_true(n + sizeof(SSHSIG_END) < cap);
	snprintf(out + n, cap - n, SSHSIG_END);
}

/* Verifies an armoured SSHSIG over msg against key: 0, or the negative errno of the
 * first check that fails (-EPERM: signed by another key or for another namespace). */
static inline int sshsig_verify(const struct pubkey *key, const char *ns, const char *armoured,
				const uint8_t *msg, size_t msg_len)
{
	uint8_t blob[2 * SIGBLOB_MAX], pub[KEYBLOB_MAX], tbs[512];
	size_t blob_len = dearmour(armoured, blob, sizeof(blob)), tbs_len;
	int pub_len = keyblob_encode(key, pub, sizeof(pub)), rc;
	struct sshsig_blob sb;
	char hash_name[16];
	enum sig_alg alg;
	struct sig_parts parts;

	assert_true(pub_len > 0);
	if ((rc = sshsig_blob_unpack(blob, blob_len, &sb, NULL)) < 0)
		return rc;
	if (sb.public_key.len != (size_t)pub_len ||
	    memcmp(sb.public_key.ptr, pub, (size_t)pub_len) != 0 ||
	    !mpl_bytes_eq_str(sb.namespace, ns))
		return -EPERM;
	if (!mpl_bytes_eq_str(sb.hash_algorithm, "sha512") &&
	    !mpl_bytes_eq_str(sb.hash_algorithm, "sha256"))
		return -ENOTSUP;
	snprintf(hash_name, sizeof(hash_name), "%.*s", (int)sb.hash_algorithm.len,
		 (const char *)sb.hash_algorithm.ptr);
	/* PROTOCOL.sshsig: an RSA signature must not be ssh-rsa (SHA-1). */
	if ((rc = sigblob_decode(sb.signature.ptr, sb.signature.len, &alg, &parts)) < 0)
		return rc;
	tbs_len = sshsig_to_sign(ns, msg, msg_len, hash_name, tbs, sizeof(tbs));
	return sigblob_verify(key, alg, sb.signature.ptr, sb.signature.len, tbs, tbs_len, 0);
}

#endif
