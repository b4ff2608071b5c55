/* libFuzzer target for what the net child hands the monitor's authentication checks.
 * The first byte picks the entry point:
 *   even: the rest is the signed_data blob of mon_auth_pubkey_verify; the session id,
 *         user, service, key and host key the monitor knows are fixed (seeds hold blobs
 *         that agree with them, field by field);
 *   odd:  the next byte is an algorithm name length, then the name, then a key blob,
 *         for mon_auth_key_allowed (the algorithm and key checks before any file).
 * Nothing may fail other than with "no", and nothing may get in: the only
 * AuthorizedKeysFile is "none". */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/mon_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 8032 §7.1 test 1's public key, as an ssh-ed25519 blob. */
static const uint8_t key_blob[] = { 0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5',
	'5', '1', '9', 0, 0, 0, 32, 0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5,
	0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23,
	0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a };
/* A well-formed Ed25519 signature blob (its value does not matter: it is never
 * reached). */
static const uint8_t sig_blob[4 + 11 + 4 + 64] = { 0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd',
	'2', '5', '5', '1', '9', 0, 0, 0, 64 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sshd_config cfg;
	static bool ready;
	struct mon_auth_user u;
	struct mon_auth_key_opts o = { false, NULL };
	uint8_t session_id[32];
	int rc;

	if (!ready) {
		sshd_config_init(&cfg);
		if (sshd_config_parse_option(&cfg, "AuthorizedKeysFile none", NULL) != 0)
			abort();
		ready = true;
	}
	memset(session_id, 0x5a, sizeof(session_id));
	memset(&u, 0, sizeof(u));
	u.valid = true;
	strcpy(u.name, "fuzz");
	strcpy(u.requested, "fuzz");
	strcpy(u.service, "ssh-connection");
	u.uid = 65534;
	u.gid = 65534;
	strcpy(u.home, "/nonexistent");
	strcpy(u.shell, "/bin/sh");
	if (size == 0)
		return 0;
	if (data[0] & 1) {
		size_t alg_len = size > 1 ? data[1] : 0;

		if (size < 2 || alg_len > size - 2)
			return 0;
		rc = mon_auth_key_allowed(&cfg, &u, data + 2, alg_len, data + 2 + alg_len,
					  size - 2 - alg_len, "192.0.2.1", NULL, &o);
	} else {
		rc = mon_auth_pubkey_verify(&cfg, &u, session_id, sizeof(session_id),
					    (const uint8_t *)"ssh-ed25519", 11, key_blob,
					    sizeof(key_blob), data + 1, size - 1, sig_blob,
					    sizeof(sig_blob), key_blob, sizeof(key_blob), "192.0.2.1",
					    NULL, &o);
	}
	if (rc != 0 || o.matched || o.line != NULL)
		abort();
	return 0;
}
