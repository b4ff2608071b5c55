/* Whether a signed publickey request is genuine.  The net child rebuilt signed_data from
 * the request; the monitor believes none of it: the blob is re-parsed with the generated
 * codec and every field compared with what the monitor itself knows (the session id of
 * its key exchange, the user and service fixed at lookup, the host key that signed the
 * first key exchange) and with
 * the algorithm and key the request names, before the key is looked up and the
 * signature checked over exactly those bytes. */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "keys.h"
#include "sshd/keyblob.h"
#include "sshd/mon_auth.h"
#include "sshd/mon_auth_int.h"

static bool bytes_eq(struct mpl_bytes b, const void *p, size_t len)
{
	return b.len == len && (len == 0 || memcmp(b.ptr, p, len) == 0);
}

/* The signed data's fields against what we know; NULL when they all agree, else what
 * differs. */
static const char *check_signed_data(const struct userauth_signed_data *sd,
				     const struct mon_auth_user *u, const uint8_t *session_id,
				     size_t session_id_len, const uint8_t *alg, size_t alg_len,
				     const uint8_t *key, size_t key_len,
				     const uint8_t *session_hostkey, size_t session_hostkey_len)
{
	struct mpl_bytes s_alg, s_key;
	bool has_signature;

	/* The session id is a secret of this connection: compared in constant time. */
	if (sd->session_id.len != session_id_len ||
	    sodium_memcmp(sd->session_id.ptr, session_id, session_id_len) != 0)
		return "session id";
	if (sd->msg != 50)	/* SSH_MSG_USERAUTH_REQUEST; the codec checks it too */
		return "message number";
	if (!bytes_eq(sd->user, u->requested, strlen(u->requested)))
		return "user";
	if (!bytes_eq(sd->service, u->service, strlen(u->service)))
		return "service";
	switch (sd->kind) {
	case userauth_signed_data_Publickey:
		if (!bytes_eq(sd->method, "publickey", 9))
			return "method";
		has_signature = sd->u.Publickey.has_signature;
		s_alg = sd->u.Publickey.algorithm;
		s_key = sd->u.Publickey.key;
		break;
	case userauth_signed_data_Hostbound:
		if (!bytes_eq(sd->method, "publickey-hostbound-v00@openssh.com", 35))
			return "method";
		/* OpenSSH binds the request to the key of the connection's first exchange:
		 * another of our keys, or the key of a re-key, is not the one the client
		 * verified when it set up the session */
		if (session_hostkey == NULL ||
		    !bytes_eq(sd->u.Hostbound.server_host_key, session_hostkey,
			      session_hostkey_len))
			return "host key (not the one of the first key exchange)";
		has_signature = sd->u.Hostbound.has_signature;
		s_alg = sd->u.Hostbound.algorithm;
		s_key = sd->u.Hostbound.key;
		break;
	default:
		return "method";
	}
	if (!has_signature)
		return "has-signature flag";
	if (!bytes_eq(s_alg, alg, alg_len))
		return "algorithm";
	if (!bytes_eq(s_key, key, key_len))
		return "key";
	return NULL;
}

int mon_auth_pubkey_verify(const struct sshd_config *cfg, const struct mon_auth_user *u,
			   const uint8_t *session_id, size_t session_id_len,
			   const uint8_t *alg, size_t alg_len, const uint8_t *key, size_t key_len,
			   const uint8_t *signed_data, size_t signed_len,
			   const uint8_t *sig, size_t sig_len,
			   const uint8_t *session_hostkey, size_t session_hostkey_len,
			   const char *peer_addr,
			   const struct log_ctx *log, struct mon_auth_key_opts *o)
{
	struct userauth_signed_data sd;
	struct mpl_error err = { 0, NULL, 0 };
	struct mon_auth_key k;
	const char *bad;
	unsigned flags;
	int rc;

	if (cfg == NULL || u == NULL || session_id == NULL || alg == NULL || key == NULL ||
	    signed_data == NULL || sig == NULL || o == NULL || session_id_len == 0 ||
	    session_id_len > MON_AUTH_MAX_SESSION_ID)
		return -EINVAL;
	mon_auth_key_opts_clear(o);
	if ((rc = userauth_signed_data_unpack(signed_data, signed_len, &sd, &err)) < 0) {
		log_msg(log, LOG_LEVEL_INFO, "publickey: refused for %s: malformed signed data "
			"(%s at offset %zu)", u->name, err.field != NULL ? err.field : "?",
			err.offset);
		return 0;
	}
	bad = check_signed_data(&sd, u, session_id, session_id_len, alg, alg_len, key, key_len,
				session_hostkey, session_hostkey_len);
	if (bad != NULL) {
		log_msg(log, LOG_LEVEL_INFO, "publickey: refused for %s: the signed data's %s "
			"is not the request's", u->name, bad);
		return 0;
	}
	if ((rc = mon_auth_key_allowed(cfg, u, alg, alg_len, key, key_len, peer_addr, log,
				       o)) != 1)
		return rc;
	if ((rc = mon_auth_key_check(cfg, alg, alg_len, key, key_len, log, &k)) != 1) {
		mon_auth_key_opts_clear(o);	/* cannot differ from the call above */
		return rc;
	}
	/* "ssh-rsa" (SHA-1) only when PubkeyAcceptedAlgorithms named it (checked above). */
	flags = k.sig_alg == SIG_ALG_RSA_SHA1 ? PUBKEY_VERIFY_ALLOW_SHA1 : 0;
	rc = sigblob_verify(k.pub, k.sig_alg, sig, sig_len, signed_data, signed_len, flags);
	if (rc != 0) {
		log_msg(log, LOG_LEVEL_INFO, "publickey: refused for %s: %s signature with %s "
			"key %s", u->name,
			rc == -EACCES ? "bad" : rc == -EPROTO ? "wrong algorithm for the" :
			rc == -ENOTSUP ? "unsupported" : "malformed", k.type_label, k.fp);
		mon_auth_key_opts_clear(o);
		mon_auth_key_free(&k);
		return rc == -ENOMEM ? rc : 0;
	}
	log_msg(log, LOG_LEVEL_VERBOSE, "publickey: good %s signature by %s key %s for %s",
		k.alg, k.type_label, k.fp, u->name);
	mon_auth_key_free(&k);
	return 1;
}
