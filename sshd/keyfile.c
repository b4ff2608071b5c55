/* Private key files: armour and base64 here, the openssh-key-v1 structure in the
 * generated codec, the key's own consistency in crypto/hostkey. */
#include "sshd/keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/base64.h"
#include "keys.h"
#include "sshd/keyblob.h"

#define OPENSSH_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define OPENSSH_END "-----END OPENSSH PRIVATE KEY-----"
#define PEM_BEGIN "-----BEGIN "
/* PROTOCOL.key: without a cipher the private section is padded to 8 bytes. */
#define NONE_BLOCK_SIZE 8

static int fail(int rc, char *why, size_t why_size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(int rc, char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && why_size > 0) {
		va_start(ap, fmt);
		vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static bool starts_with(const uint8_t *text, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(text, prefix, n) == 0;
}

/* Collects the base64 body between the armour lines into b64 (without line breaks).
 * Returns its length or -EBADMSG. Nothing but line breaks and base64 characters may
 * stand between the markers, and only whitespace after the end marker. */
static int openssh_armour(const uint8_t *text, size_t len, char *b64, size_t cap,
			  char *why, size_t why_size)
{
	size_t i = strlen(OPENSSH_BEGIN), n = 0, end_len = strlen(OPENSSH_END);

	if (i < len && text[i] == '\r')
		i++;
	if (i >= len || text[i] != '\n')
		return fail(-EBADMSG, why, why_size, "openssh-key-v1: no line break after the "
			    "begin marker");
	for (i++; i < len; i++) {
		uint8_t c = text[i];

		if (c == '\n' || c == '\r')
			continue;
		if (c == '-') {
			if (len - i < end_len || memcmp(text + i, OPENSSH_END, end_len) != 0)
				break;
			for (i += end_len; i < len; i++)
				if (text[i] != '\n' && text[i] != '\r' && text[i] != ' ' &&
				    text[i] != '\t')
					return fail(-EBADMSG, why, why_size, "openssh-key-v1: "
						    "text after the end marker");
			return (int)n;
		}
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
			return fail(-EBADMSG, why, why_size, "openssh-key-v1: character 0x%02x "
				    "in the base64 body", c);
		if (n >= cap)
			return fail(-EBADMSG, why, why_size, "openssh-key-v1: body too long");
		b64[n++] = (char)c;
	}
	return fail(-EBADMSG, why, why_size, "openssh-key-v1: no end marker");
}

/* The host key from the private section's components. */
static int key_from_section(const struct openssh_private_keys *k, struct hostkey **out)
{
	switch (k->kind) {
	case openssh_private_keys_Ed25519:
		return hostkey_from_ed25519(out, k->u.Ed25519.sk.ptr, k->u.Ed25519.sk.len,
					    k->u.Ed25519.pk.ptr, k->u.Ed25519.pk.len);
	case openssh_private_keys_EcdsaP256:
		return hostkey_from_ecdsa(out, EC_CURVE_NISTP256, k->u.EcdsaP256.q.ptr,
					  k->u.EcdsaP256.q.len, k->u.EcdsaP256.d.ptr,
					  k->u.EcdsaP256.d.len);
	case openssh_private_keys_EcdsaP384:
		return hostkey_from_ecdsa(out, EC_CURVE_NISTP384, k->u.EcdsaP384.q.ptr,
					  k->u.EcdsaP384.q.len, k->u.EcdsaP384.d.ptr,
					  k->u.EcdsaP384.d.len);
	case openssh_private_keys_EcdsaP521:
		return hostkey_from_ecdsa(out, EC_CURVE_NISTP521, k->u.EcdsaP521.q.ptr,
					  k->u.EcdsaP521.q.len, k->u.EcdsaP521.d.ptr,
					  k->u.EcdsaP521.d.len);
	case openssh_private_keys_Rsa: {
		const struct openssh_private_keys_Rsa *r = &k->u.Rsa;
		struct hostkey_rsa_parts parts = {
			.n = r->n.ptr, .n_len = r->n.len, .e = r->e.ptr, .e_len = r->e.len,
			.d = r->d.ptr, .d_len = r->d.len, .iqmp = r->iqmp.ptr,
			.iqmp_len = r->iqmp.len, .p = r->p.ptr, .p_len = r->p.len,
			.q = r->q.ptr, .q_len = r->q.len,
		};

		return hostkey_from_rsa(out, &parts);
	}
	}
	return -ENOTSUP;
}

/* The decoded openssh-key-v1 body (secret: the caller wipes it). */
static int openssh_body(const uint8_t *body, size_t len, struct hostkey **out, char *why,
			size_t why_size)
{
	struct openssh_key_v1 f;
	struct openssh_private_keys k;
	struct mpl_error err = { 0 };
	struct hostkey *key = NULL;
	uint8_t blob[KEYBLOB_MAX];
	int rc, blob_len;

	rc = openssh_key_v1_unpack(body, len, &f, &err);
	if (rc < 0) {
		const char *field = err.field != NULL ? err.field : "?";

		if (strstr(field, ".num_keys") != NULL)
			return fail(-EBADMSG, why, why_size, "openssh-key-v1: the file must hold "
				    "exactly one key");
		if (strstr(field, ".magic") != NULL)
			return fail(-EBADMSG, why, why_size, "openssh-key-v1: bad magic");
		return fail(-EBADMSG, why, why_size, "openssh-key-v1: malformed (%s at offset "
			    "%zu)", field, err.offset);
	}
	if (!mpl_bytes_eq_str(f.cipher_name, "none")) {
		int n = f.cipher_name.len > 64 ? 64 : (int)f.cipher_name.len;

		return fail(-EACCES, why, why_size, "openssh-key-v1: the key is encrypted "
			    "(cipher %.*s); passphrase-protected keys are not supported", n,
			    (const char *)f.cipher_name.ptr);
	}
	if (!mpl_bytes_eq_str(f.kdf_name, "none") || f.kdf_options.len != 0)
		return fail(-EBADMSG, why, why_size, "openssh-key-v1: a key derivation "
			    "without a cipher");
	if (f.private_section.len < NONE_BLOCK_SIZE ||
	    f.private_section.len % NONE_BLOCK_SIZE != 0)
		return fail(-EBADMSG, why, why_size, "openssh-key-v1: private section of %zu "
			    "bytes is not a whole number of %d-byte blocks",
			    f.private_section.len, NONE_BLOCK_SIZE);
	memset(&err, 0, sizeof(err));
	rc = openssh_private_keys_unpack(f.private_section.ptr, f.private_section.len, &k,
					 &err);
	if (rc == -ENOTSUP)
		return fail(-ENOTSUP, why, why_size, "openssh-key-v1: unsupported key type");
	if (rc < 0)
		return fail(-EBADMSG, why, why_size, "openssh-key-v1: private section "
			    "malformed (%s at offset %zu)", err.field ? err.field : "?",
			    err.offset);
	/* With no cipher the check-ints prove nothing about a passphrase, but a file whose
	 * check-ints differ was not written by ssh-keygen: OpenSSH refuses it too. */
	if (k.check1 != k.check2)
		return fail(-EBADMSG, why, why_size, "openssh-key-v1: check-ints differ");
	if (k.padding.len >= NONE_BLOCK_SIZE)
		return fail(-EBADMSG, why, why_size, "openssh-key-v1: %zu bytes of padding",
			    k.padding.len);
	for (size_t i = 0; i < k.padding.len; i++)
		if (k.padding.ptr[i] != (uint8_t)(i + 1))
			return fail(-EBADMSG, why, why_size, "openssh-key-v1: padding byte %zu "
				    "is %u, not %zu", i, k.padding.ptr[i], i + 1);
	rc = key_from_section(&k, &key);
	if (rc < 0)
		return fail(rc == -ENOTSUP || rc == -ERANGE || rc == -ENOMEM ? rc : -EBADMSG,
			    why, why_size, "openssh-key-v1: the private key is invalid (%s)",
			    rc == -ERANGE ? "size out of bounds" : "inconsistent components");
	/* The unencrypted public copy must be the private key's own public half: compare
	 * the blob we would send with the one the file carries. */
	blob_len = keyblob_encode(hostkey_pubkey(key), blob, sizeof(blob));
	if (blob_len < 0 || (size_t)blob_len != f.public_key.len ||
	    memcmp(blob, f.public_key.ptr, f.public_key.len) != 0) {
		hostkey_free(key);
		return fail(-EBADMSG, why, why_size, "openssh-key-v1: the public key does not "
			    "match the private key");
	}
	*out = key;
	return 0;
}

int keyfile_parse(const uint8_t *text, size_t len, struct hostkey **out, char *why,
		  size_t why_size)
{
	char *b64;
	uint8_t *body;
	int n, rc;

	if (text == NULL || out == NULL)
		return -EINVAL;
	*out = NULL;
	if (why != NULL && why_size > 0)
		why[0] = '\0';
	if (len > KEYFILE_MAX)
		return fail(-EFBIG, why, why_size, "key file larger than %d bytes", KEYFILE_MAX);
	if (!starts_with(text, len, OPENSSH_BEGIN)) {
		if (!starts_with(text, len, PEM_BEGIN))
			return fail(-EBADMSG, why, why_size, "not a private key file (no "
				    "OPENSSH or PEM begin marker)");
		rc = hostkey_from_pem(out, text, len);
		if (rc == -EACCES)
			return fail(rc, why, why_size, "PEM: the key is encrypted; "
				    "passphrase-protected keys are not supported");
		if (rc == -ENOTSUP)
			return fail(rc, why, why_size, "PEM: unsupported key type or curve");
		if (rc == -ERANGE)
			return fail(rc, why, why_size, "PEM: key size out of bounds");
		if (rc < 0)
			return fail(rc == -ENOMEM ? rc : -EBADMSG, why, why_size,
				    "PEM: not a valid private key");
		return 0;
	}
	b64 = malloc(len + 1);
	body = malloc(len + 1);
	if (b64 == NULL || body == NULL) {
		free(b64);
		free(body);
		return fail(-ENOMEM, why, why_size, "out of memory");
	}
	n = openssh_armour(text, len, b64, len, why, why_size);
	if (n >= 0) {
		rc = base64_decode(b64, (size_t)n, body, len);
		if (rc < 0)
			rc = fail(-EBADMSG, why, why_size, "openssh-key-v1: bad base64");
		else
			rc = openssh_body(body, (size_t)rc, out, why, why_size);
	} else {
		rc = n;
	}
	sodium_memzero(b64, len + 1);
	sodium_memzero(body, len + 1);
	free(b64);
	free(body);
	return rc;
}

int keyfile_load(const char *path, bool check_modes, struct hostkey **out, char *why,
		 size_t why_size)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, rc;

	if (path == NULL || out == NULL)
		return -EINVAL;
	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		return fail(rc, why, why_size, "%s: %s", path, strerror(-rc));
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return fail(rc, why, why_size, "%s: %s", path, strerror(-rc));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(-EINVAL, why, why_size, "%s: not a regular file", path);
	}
	if (check_modes && (st.st_mode & 077) != 0) {
		close(fd);
		return fail(-EACCES, why, why_size, "UNPROTECTED PRIVATE KEY FILE: permissions "
			    "0%03o for '%s' are too open", (unsigned)(st.st_mode & 0777), path);
	}
	if (st.st_size > KEYFILE_MAX) {
		close(fd);
		return fail(-EFBIG, why, why_size, "%s: larger than %d bytes", path,
			    KEYFILE_MAX);
	}
	buf = malloc(KEYFILE_MAX + 1);
	if (buf == NULL) {
		close(fd);
		return fail(-ENOMEM, why, why_size, "out of memory");
	}
	/* Read up to one byte past the limit, so a file that grew since fstat is caught. */
	while (got <= KEYFILE_MAX) {
		ssize_t r = read(fd, buf + got, KEYFILE_MAX + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			close(fd);
			sodium_memzero(buf, KEYFILE_MAX + 1);
			free(buf);
			return fail(rc, why, why_size, "%s: %s", path, strerror(-rc));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got > KEYFILE_MAX)
		rc = fail(-EFBIG, why, why_size, "%s: larger than %d bytes", path, KEYFILE_MAX);
	else
		rc = keyfile_parse(buf, got, out, why, why_size);
	sodium_memzero(buf, KEYFILE_MAX + 1);
	free(buf);
	return rc;
}
