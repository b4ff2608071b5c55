/* The monitor's authentication decisions (DESIGN §1): who the user is, which public keys
 * let them in, and whether a signed request is genuine.  Everything the net child sends
 * is re-parsed and re-checked here; nothing it claims is believed.
 *
 * Unknown users: mon_auth_lookup still succeeds with a fake account (valid false), so
 * that every later answer takes the same path and time as for a real user and is "no".
 * authorized_keys files are read as the user (the monitor's effective uid/gid switched
 * to the user's for the open and read, then back), with OpenSSH's StrictModes checks
 * on the file and every directory up to the home (or /) when StrictModes is on. */
#ifndef MSSHD_MON_AUTH_H
#define MSSHD_MON_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sshd/authkeys.h"
#include "sshd/config.h"
#include "sshd/log.h"

#define MON_AUTH_USER_MAX 256
#define MON_AUTH_PATH_MAX 4096
#define MON_AUTH_MAX_SESSION_ID 64

/* The account being authenticated, fixed by the first lookup of a connection (A5: the
 * user and service may not change afterwards; a lookup of another user is refused). */
struct mon_auth_user {
	bool valid;			/* exists, may log in (PermitRootLogin, shell, ...) */
	char name[MON_AUTH_USER_MAX + 1];	/* the account: the request's name up to ':' */
	char requested[MON_AUTH_USER_MAX + 1];	/* as the client sent it, "user[:style]" */
	char service[64];
	uid_t uid;
	gid_t gid;
	char home[MON_AUTH_PATH_MAX];
	char shell[MON_AUTH_PATH_MAX];
};

/* What a matched authorized_keys line allows; the monitor keeps it for the session
 * requests that follow (forced command, no-pty, environment=, no-port-forwarding). */
struct mon_auth_key_opts {
	bool matched;
	struct authkeys_line *line;	/* the matched line (malloc'd; its opts are what
					   applies); NULL when none.  Freed (and replaced
					   by the next match) with mon_auth_key_opts_clear */
};
void mon_auth_key_opts_clear(struct mon_auth_key_opts *o);

/* Looks the user up (getpwnam_r) and applies PermitRootLogin, the account's shell
 * (nologin-style shells still log in, as OpenSSH), AllowUsers/DenyUsers.  Fills *u
 * (a fake account with valid false for anyone refused).  Logs "Invalid user NAME from
 * ADDR port N" as OpenSSH does.  Returns 0, or -EINVAL for a name that is not a valid
 * user name (NUL, over MON_AUTH_USER_MAX). */
int mon_auth_lookup(const struct sshd_config *cfg, const char *user, size_t user_len,
		    const char *service, size_t service_len, const char *peer_addr,
		    int peer_port, const struct log_ctx *log, struct mon_auth_user *u);

/* Whether the public key blob (with algorithm name alg as the client sent it) is in
 * one of the user's AuthorizedKeysFile files (%h, %u, %%, relative to home), with
 * from= checked against peer_addr.  Sets *o when it is.  Returns 1 allowed, 0 not,
 * negative errno on an internal failure (also "not allowed" to the client).  A negative
 * return may mean that the monitor's effective ids could not be put back after reading
 * as the user: the caller ends the connection (so does mon_auth_pubkey_verify's). */
int mon_auth_key_allowed(const struct sshd_config *cfg, const struct mon_auth_user *u,
			 const uint8_t *alg, size_t alg_len, const uint8_t *key,
			 size_t key_len, const char *peer_addr, const struct log_ctx *log,
			 struct mon_auth_key_opts *o);

/* A publickey request with signature: re-parses signed_data (keys.mpl's
 * userauth_signed_data) and checks that it holds exactly session_id, u->name,
 * u->service, method "publickey" (or the hostbound method, whose host key must be
 * session_hostkey: the public blob of the host key that signed the connection's first
 * key exchange, NULL before there was one), the algorithm alg and the key key; then that
 * the key is allowed
 * (mon_auth_key_allowed) and that sig verifies over signed_data with that key and
 * algorithm (PubkeyAcceptedAlgorithms applies).  Returns 1 authenticated, 0 refused
 * (logged with the reason), negative errno on an internal failure. */
int mon_auth_pubkey_verify(const struct sshd_config *cfg, const struct mon_auth_user *u,
			   const uint8_t *session_id, size_t session_id_len,
			   const uint8_t *alg, size_t alg_len, const uint8_t *key, size_t key_len,
			   const uint8_t *signed_data, size_t signed_len,
			   const uint8_t *sig, size_t sig_len,
			   const uint8_t *session_hostkey, size_t session_hostkey_len,
			   const char *peer_addr,
			   const struct log_ctx *log, struct mon_auth_key_opts *o);

/* The Banner file's text (path: sshd_config's Banner; NULL or "none": no banner), read
 * as the caller (root).  *text is malloc'd (NUL-terminated, *len bytes) or NULL when
 * there is no banner to send: no file, unreadable, not a regular file, empty, over max
 * bytes, or shorter than its size when read (each logged, the caller goes on).  Returns
 * 0, or -ENOMEM, -EINVAL. */
int mon_auth_read_banner(const char *path, size_t max, const struct log_ctx *log,
			 char **text, size_t *len);

#endif
