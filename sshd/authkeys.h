/* authorized_keys files (sshd(8), AUTHORIZED_KEYS FILE FORMAT): one key per line,
 * optionally preceded by comma-separated options, followed by the key type, the base64
 * key blob and a comment. This is text, not an SSH message, so it is tokenised here by
 * hand, with every length bounded; the blob inside is checked by the generated codec
 * (sshd/keyblob.h).
 *
 * As in OpenSSH a line that cannot be used (junk, an unknown option, a bad blob) is
 * skipped with a reason and never makes the whole file fail. */
#ifndef MSSHD_SSHD_AUTHKEYS_H
#define MSSHD_SSHD_AUTHKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sshd/keyblob.h"

/* Longest line considered (OpenSSH's SSH_MAX_PUBKEY_BYTES); longer lines are skipped. */
#define AUTHKEYS_LINE_MAX 16384
/* Most environment=, permitopen= or permitlisten= options on one line; more is refused
 * (the line is skipped) rather than silently dropped. */
#define AUTHKEYS_LIST_MAX 64
#define AUTHKEYS_REASON_SIZE 160
/* tunnel="any" */
#define AUTHKEYS_TUNNEL_ANY (-2)

/* The options of one line, with OpenSSH's semantics: options apply left to right, so
 * "restrict,pty" allows a pty while "pty,restrict" does not. Strings point into the
 * owning struct authkeys_line and are unescaped (\" became "). */
struct authkeys_opts {
	/* What the line permits; all true by default, all cleared by "restrict", each
	 * set again by its positive option and cleared by its no- form. */
	bool port_forwarding;
	bool agent_forwarding;
	bool x11_forwarding;
	bool pty;
	bool user_rc;
	bool restricted;		/* "restrict" was given */
	bool cert_authority;		/* the key is a CA for user certificates */
	bool no_touch_required;		/* FIDO keys: user presence not required */
	bool verify_required;		/* FIDO keys: user verification required */
	const char *command;		/* command="": forced command, or NULL */
	const char *from;		/* from="": pattern-list the caller must match */
	const char *principals;		/* principals="": for cert-authority lines */
	int tunnel;			/* tunnel="n": device, AUTHKEYS_TUNNEL_ANY, or -1 */
	/* expiry-time="": seconds since the epoch after which the key is refused (the
	 * earliest if given more than once); 0 when absent. */
	int64_t expiry;
	/* environment="NAME=value": in order; a repeated NAME keeps its first value. */
	size_t n_env;
	const char *env[AUTHKEYS_LIST_MAX];
	/* permitopen="host:port" (port may be *); permitlisten="[host:]port", a bare
	 * port stored as "localhost:port" (what ssh -R listens on by default). */
	size_t n_permitopen;
	const char *permitopen[AUTHKEYS_LIST_MAX];
	size_t n_permitlisten;
	const char *permitlisten[AUTHKEYS_LIST_MAX];
};

/* One parsed line. Large (about 20 KiB): allocate it, do not put it on a small stack. */
struct authkeys_line {
	size_t line_no;			/* 1-based, set by authkeys_find */
	struct authkeys_opts opts;
	const char *key_type;		/* as written: "ssh-ed25519", ... */
	const char *comment;		/* possibly "" */
	size_t blob_len;
	uint8_t blob[KEYBLOB_MAX];	/* decoded and checked by keyblob_decode */
	char reason[AUTHKEYS_REASON_SIZE]; /* why the line was skipped */
	size_t store_used;
	char store[AUTHKEYS_LINE_MAX + 64]; /* the strings above, NUL-terminated */
};

/* Parses one line (len bytes, without its newline; NUL bytes make it junk). Returns 1
 * and fills *out for a key line; 0 for a blank or comment line; -EBADMSG with
 * out->reason for a line to skip (bad option syntax or value, unterminated quote,
 * unknown option, missing or bad base64, a blob whose type is not the one written, a
 * blob the codec or crypto/ rejects, a line over AUTHKEYS_LINE_MAX); -ENOTSUP with a
 * reason for a key type we do not accept (DSA, FIDO, certificates as keys). */
int authkeys_parse_line(const char *line, size_t len, struct authkeys_line *out);

/* Called for every skipped line, with its number and reason (log it as OpenSSH does). */
typedef void (*authkeys_log_fn)(void *ctx, size_t line_no, const char *reason);

/* Looks for the key blob in the text of an authorized_keys file.
 *   ca:  false to find the user's own key (cert-authority lines are passed over),
 *        true to find a CA key that signed the user's certificate (only cert-authority
 *        lines count);
 *   now: the current time; a matching line whose expiry-time has passed is logged and
 *        passed over, and the search goes on (OpenSSH does the same).
 * Returns 1 with the line in *out (its options for the caller to apply; from= must
 * still be matched against the client's address), 0 when no usable line holds the
 * key, -EINVAL for bad arguments. log may be NULL. */
int authkeys_find(const char *text, size_t len, const uint8_t *blob, size_t blob_len,
		  bool ca, int64_t now, struct authkeys_line *out, authkeys_log_fn log,
		  void *log_ctx);

#endif
