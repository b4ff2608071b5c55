/* Which public keys let the user in: the offered key and algorithm checked against the
 * configuration, then looked up in each AuthorizedKeysFile, with the options of the
 * matching line that decide at authentication time (from=, and command= when root may
 * log in only with forced commands).  expiry-time is applied by authkeys_find. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sshd/keyblob.h"
#include "sshd/mon_auth.h"
#include "sshd/mon_auth_int.h"

void mon_auth_key_opts_clear(struct mon_auth_key_opts *o)
{
	if (o == NULL)
		return;
	free(o->line);
	o->line = NULL;
	o->matched = false;
}

void mon_auth_key_free(struct mon_auth_key *k)
{
	if (k == NULL)
		return;
	pubkey_free(k->pub);
	k->pub = NULL;
}

static const char *type_label(const struct pubkey *pub)
{
	switch (pubkey_type(pub)) {
	case PUBKEY_ED25519: return "ED25519";
	case PUBKEY_ECDSA: return "ECDSA";
	case PUBKEY_RSA: return "RSA";
	}
	return "UNKNOWN";
}

/* Whether alg is in PubkeyAcceptedAlgorithms (OpenSSH's default list when unset, and a
 * list still written relative to the defaults resolved here). 1, 0, or -ENOMEM. */
static int alg_accepted(const struct sshd_config *cfg, const char *alg)
{
	const char *list = cfg->pubkey_accepted_algos;
	char *resolved = NULL;
	int r;

	if (list == NULL) {
		list = sshd_openssh92_algos.key.defaults;
	} else if (list[0] == '+' || list[0] == '-' || list[0] == '^') {
		if ((r = sshd_algo_resolve(list, &sshd_openssh92_algos.key, &resolved)) < 0)
			return r == -ENOMEM ? r : 0;
		list = resolved;
	}
	r = sshd_match_pattern_list(alg, list, 0) == 1;
	free(resolved);
	return r;
}

int mon_auth_key_check(const struct sshd_config *cfg, const uint8_t *alg, size_t alg_len,
		       const uint8_t *key, size_t key_len, const struct log_ctx *log,
		       struct mon_auth_key *k)
{
	char safe[64];
	int rc;

	if (cfg == NULL || alg == NULL || key == NULL || k == NULL)
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	if (alg_len == 0 || alg_len >= sizeof(k->alg) || memchr(alg, '\0', alg_len) != NULL) {
		log_escape(safe, sizeof(safe), (const char *)alg, alg_len < 48 ? alg_len : 48);
		log_msg(log, LOG_LEVEL_VERBOSE, "publickey: refused: malformed algorithm name "
			"\"%s\"", safe);
		return 0;
	}
	memcpy(k->alg, alg, alg_len);
	if (cfg->pubkey_authentication == 0) {
		log_msg(log, LOG_LEVEL_VERBOSE, "publickey: refused: PubkeyAuthentication no");
		return 0;
	}
	if ((rc = alg_accepted(cfg, k->alg)) <= 0) {
		if (rc == 0)
			log_msg(log, LOG_LEVEL_VERBOSE, "publickey: refused: key type %s not in "
				"PubkeyAcceptedAlgorithms", k->alg);
		return rc;
	}
	if ((rc = sig_alg_from_name(k->alg, alg_len)) < 0) {
		log_msg(log, LOG_LEVEL_VERBOSE, "publickey: refused: unsupported algorithm %s",
			k->alg);
		return 0;
	}
	k->sig_alg = (enum sig_alg)rc;
	if (key_len > KEYBLOB_MAX || (rc = keyblob_decode(key, key_len, &k->pub)) < 0) {
		log_msg(log, LOG_LEVEL_VERBOSE, "publickey: refused: %s key blob for %s",
			key_len > KEYBLOB_MAX ? "oversized" :
			rc == -ENOTSUP ? "unsupported (certificate or unknown type)" :
			rc == -ERANGE ? "out of range RSA" : "malformed", k->alg);
		return rc == -ENOMEM ? rc : 0;
	}
	k->type_label = type_label(k->pub);
	if (keyblob_fingerprint(k->pub, k->fp, sizeof(k->fp)) < 0)
		strcpy(k->fp, "(no fingerprint)");
	if (!pubkey_sig_alg_matches(k->pub, k->sig_alg)) {
		log_msg(log, LOG_LEVEL_VERBOSE, "publickey: refused: algorithm %s does not fit "
			"the %s key %s", k->alg, pubkey_type_name(k->pub), k->fp);
		mon_auth_key_free(k);
		return 0;
	}
	if (pubkey_type(k->pub) == PUBKEY_RSA) {
		int min = cfg->required_rsa_size > 0 ? cfg->required_rsa_size : PUBKEY_RSA_MIN_BITS;

		if (pubkey_bits(k->pub) < min) {
			log_msg(log, LOG_LEVEL_VERBOSE, "publickey: refused: RSA key %s is %d bits, "
				"under RequiredRSASize %d", k->fp, pubkey_bits(k->pub), min);
			mon_auth_key_free(k);
			return 0;
		}
	}
	return 1;
}

struct skip_log {
	const struct log_ctx *log;
	const char *path;
	size_t base_line;	/* lines before the text authkeys_find was given */
};

static void log_skipped_line(void *arg, size_t line_no, const char *reason)
{
	const struct skip_log *s = arg;
	/* an expired key is a refusal worth seeing; junk lines only when debugging */
	enum log_level lvl = strstr(reason, "expired") != NULL ? LOG_LEVEL_VERBOSE :
			     LOG_LEVEL_DEBUG1;

	log_msg(s->log, lvl, "%s:%zu: %s", s->path, s->base_line + line_no, reason);
}

/* The byte offset just after line `lines` (1-based count) of text. */
static size_t skip_lines(const char *text, size_t len, size_t lines)
{
	size_t pos = 0;

	while (lines-- > 0 && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);

		pos = nl == NULL ? len : (size_t)(nl - text) + 1;
	}
	return pos;
}

/* Looks for the key in one file's text; as OpenSSH, a matching line whose options refuse
 * this client (from=) is passed over and the search goes on.  1 with *line, or 0. */
static int search_file(const char *text, size_t len, const char *path,
		       const struct mon_auth_key *k, const uint8_t *key, size_t key_len,
		       const char *peer_addr, const struct log_ctx *log,
		       struct authkeys_line *line)
{
	struct skip_log sl = { log, path, 0 };
	size_t pos = 0;
	int64_t now = (int64_t)time(NULL);

	while (pos < len) {
		int rc = authkeys_find(text + pos, len - pos, key, key_len, false, now, line,
				       log_skipped_line, &sl);
		size_t at = sl.base_line + (rc == 1 ? line->line_no : 0);

		if (rc != 1)
			return 0;
		if (line->opts.from != NULL) {
			int m = mon_auth_match_host_and_ip(peer_addr, line->opts.from);

			if (m != 1) {
				log_msg(log, LOG_LEVEL_INFO, "%s:%zu: Authentication tried for "
					"%s key %s from %.100s %s", path, at, k->type_label, k->fp,
					peer_addr != NULL ? peer_addr : "UNKNOWN",
					m < 0 ? "with an invalid from= pattern: refused" :
						"not permitted by from= option");
				pos += skip_lines(text + pos, len - pos, line->line_no);
				sl.base_line = at;
				continue;
			}
		}
		line->line_no = at;
		return 1;
	}
	return 0;
}

int mon_auth_key_allowed(const struct sshd_config *cfg, const struct mon_auth_user *u,
			 const uint8_t *alg, size_t alg_len, const uint8_t *key,
			 size_t key_len, const char *peer_addr, const struct log_ctx *log,
			 struct mon_auth_key_opts *o)
{
	struct mon_auth_key k;
	struct authkeys_line *line = NULL;
	const char *dflt[] = { ".ssh/authorized_keys", ".ssh/authorized_keys2" };
	const char *const *files;
	size_t nfiles;
	char path[MON_AUTH_PATH_MAX];
	int rc, found = 0;
	bool said = false;	/* the refusal's reason is already logged */

	if (cfg == NULL || u == NULL || alg == NULL || key == NULL || o == NULL)
		return -EINVAL;
	mon_auth_key_opts_clear(o);
	if ((rc = mon_auth_key_check(cfg, alg, alg_len, key, key_len, log, &k)) <= 0)
		return rc;
	if ((line = malloc(sizeof(*line))) == NULL) {
		mon_auth_key_free(&k);
		return -ENOMEM;
	}
	/* Fails closed: a configuration that relies on the command lets nobody in. */
	if (cfg->authorized_keys_command != NULL &&
	    strcasecmp(cfg->authorized_keys_command, "none") != 0)
		log_msg(log, LOG_LEVEL_VERBOSE, "AuthorizedKeysCommand %s is not supported: not "
			"run, only AuthorizedKeysFile is searched", cfg->authorized_keys_command);
	if (cfg->authorized_keys_files.n > 0) {
		files = (const char *const *)cfg->authorized_keys_files.v;
		nfiles = cfg->authorized_keys_files.n;
	} else {
		files = dflt;
		nfiles = sizeof(dflt) / sizeof(dflt[0]);
	}
	/* An invalid user's (fake) account goes through the same steps; only the answer
	 * differs. */
	for (size_t i = 0; i < nfiles && found == 0; i++) {
		char *text = NULL;
		size_t len = 0;

		if (strcasecmp(files[i], "none") == 0)
			continue;
		if ((rc = mon_auth_expand_path(files[i], u, path, sizeof(path))) < 0) {
			log_msg(log, LOG_LEVEL_ERROR, "AuthorizedKeysFile %s for user %s: %s",
				files[i], u->name, rc == -ENOSPC ? "path too long" :
				"unknown % sequence or bad user name");
			continue;
		}
		rc = mon_auth_read_user_file(u, path, cfg->strict_modes != 0,
					     MON_AUTH_KEYS_FILE_MAX, log, &text, &len);
		if (rc < 0) {
			found = rc;
			break;
		}
		if (rc == 1)
			found = search_file(text, len, path, &k, key, key_len, peer_addr, log, line);
		free(text);
	}
	if (found == 1 && !u->valid) {
		log_msg(log, LOG_LEVEL_VERBOSE, "publickey: refused: %s key %s for invalid user %s",
			k.type_label, k.fp, u->name);
		found = 0;
		said = true;
	} else if (found == 1 && u->uid == 0) {
		int permit = mon_auth_permit_root(cfg);

		if (permit == SSHD_PERMIT_NO ||
		    (permit == SSHD_PERMIT_FORCED_ONLY && line->opts.command == NULL)) {
			log_msg(log, LOG_LEVEL_INFO, "%s:%zu: root login refused with %s key %s: "
				"PermitRootLogin %s", path, line->line_no, k.type_label, k.fp,
				permit == SSHD_PERMIT_NO ? "no" :
				"forced-commands-only and the key has no command=");
			found = 0;
			said = true;
		}
	}
	if (found == 1) {
		log_msg(log, LOG_LEVEL_VERBOSE, "Accepted key %s %s found at %s:%zu", k.type_label,
			k.fp, path, line->line_no);
		o->matched = true;
		o->line = line;
		line = NULL;
	} else if (found == 0 && !said) {
		log_msg(log, LOG_LEVEL_VERBOSE, "publickey: %s key %s of user %s not in any "
			"authorized keys file", k.type_label, k.fp, u->name);
	}
	free(line);
	mon_auth_key_free(&k);
	return found;
}
