/* Internal pieces of the monitor's authentication decisions (mon_auth.h), shared by
 * mon_auth_user.c, mon_auth_path.c, mon_auth_keys.c and mon_auth_verify.c, and exposed
 * to regress/monauth so that each check can be tested on its own. */
#ifndef MSSHD_MON_AUTH_INT_H
#define MSSHD_MON_AUTH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "crypto/pubkey.h"
#include "crypto/sig.h"
#include "sshd/mon_auth.h"

/* The fake account given to anyone refused: nobody's ids, a home that cannot exist. */
#define MON_AUTH_FAKE_ID ((uid_t)65534)
#define MON_AUTH_FAKE_HOME "/nonexistent"

/* The most of one authorized_keys file that is read; the rest is ignored (logged). */
#define MON_AUTH_KEYS_FILE_MAX (1u << 20)

/* OpenSSH's match_host_and_ip with the host name taken to be the address (UseDNS no):
 * 1 when the pattern list allows addr, 0 when it does not (also a negated match), -1
 * for a malformed list. */
int mon_auth_match_host_and_ip(const char *addr, const char *patterns);

/* One AuthorizedKeysFile entry with %h, %u, %U and %% expanded, made absolute by
 * prefixing the home directory.  Returns the length, -EINVAL for an unknown %
 * sequence, -ENOSPC when it does not fit in cap. */
int mon_auth_expand_path(const char *pattern, const struct mon_auth_user *u, char *out,
			 size_t cap);

/* OpenSSH's auth_secure_path: st is the opened file's fstat; the file must be regular,
 * owned by root or uid and not group or world writable, and so must every directory
 * above it up to home (included), or up to / when the file is outside home.  Returns 0,
 * or -EACCES with the reason (naming the path) in err. */
int mon_auth_secure_path(const char *path, const struct stat *st, const char *home,
			 uid_t uid, char *err, size_t errlen);

/* Reads the file at path as the user (the effective ids switched to the user's when the
 * process is root, and back), with the StrictModes check when strict is set; at most
 * max bytes, cut after the last whole line (logged).  Returns 1 with *text (malloc'd,
 * NUL-terminated) and *len; 0 when the file is absent or refused (logged with the
 * reason); a negative errno when the ids could not be switched or restored (the caller
 * must treat that as fatal to the connection). */
int mon_auth_read_user_file(const struct mon_auth_user *u, const char *path, bool strict,
			    size_t max, const struct log_ctx *log, char **text, size_t *len);

/* A key the client offered, checked against the configuration: the algorithm name
 * (NUL-terminated copy), its signature algorithm, the decoded key and its fingerprint. */
struct mon_auth_key {
	char alg[65];
	enum sig_alg sig_alg;
	struct pubkey *pub;
	const char *type_label;		/* "ED25519", "ECDSA", "RSA" as OpenSSH logs */
	char fp[128];
};

/* Decodes the key and checks the algorithm: a known signature algorithm that suits the
 * key, listed in PubkeyAcceptedAlgorithms, RSA keys not under RequiredRSASize.  Returns
 * 1 with *k filled (free with mon_auth_key_free), 0 when refused (logged), a negative
 * errno on an internal failure. */
int mon_auth_key_check(const struct sshd_config *cfg, const uint8_t *alg, size_t alg_len,
		       const uint8_t *key, size_t key_len, const struct log_ctx *log,
		       struct mon_auth_key *k);
void mon_auth_key_free(struct mon_auth_key *k);

/* The PermitRootLogin value in force (OpenSSH's default when unset). */
int mon_auth_permit_root(const struct sshd_config *cfg);

#endif
