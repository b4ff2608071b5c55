/* The monitor's side of user authentication: the user lookup that fixes the account,
 * the Banner file, and the public-key checks, each decided by mon_auth.h from what the monitor itself
 * knows (the account, the session id, its host keys), never from the net child's word.
 * Password and keyboard-interactive are not implemented yet: they are answered "no". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/pubkey.h"
#include "sshd/monitor_int.h"

/* The methods offered: what the configuration enables among those implemented. */
static void offered_methods(const struct monitor_state *st, char out[MON_METHODS_MAX])
{
	out[0] = '\0';
	/* -1 (unset) is OpenSSH's default, yes */
	if (st->cfg->pubkey_authentication != 0)
		strcpy(out, "publickey");
}

static bool pubkey_enabled(const struct monitor_state *st)
{
	return st->cfg->pubkey_authentication != 0;
}

static void config_message(void *arg, enum sshd_log_level level, const char *msg)
{
	/* config.h's levels are log.h's, in the same order */
	log_msg(arg, (enum log_level)level, "%s", msg);
}

/* The Match blocks for this connection, once the user is known (as OpenSSH's
 * getpwnamallow, before the account checks, so that Match can change AllowUsers,
 * PermitRootLogin, ...), for an unknown user too.  The host is the address (UseDNS is
 * not implemented); criteria the connection lacks (RDomain) are false. */
static int apply_match(struct monitor_state *st, const uint8_t *user, size_t len)
{
	char name[MON_AUTH_USER_MAX + 1];
	const uint8_t *colon = memchr(user, ':', len);	/* "user:style": the account */
	size_t n = colon != NULL ? (size_t)(colon - user) : len;

	if (!st->cfg->has_match)	/* nothing to apply: spare the pass over the text */
		return 0;
	if (st->ctx->src == NULL || n >= sizeof(name) || memchr(user, '\0', n) != NULL)
		return -EINVAL;
	memcpy(name, user, n);
	name[n] = '\0';
	const struct sshd_conn_ctx *ctx = st->ctx;
	struct sshd_conn_info ci = {
		.user = name, .host = ctx->peer_addr, .address = ctx->peer_addr,
		.laddress = ctx->local_addr, .lport = ctx->local_port, .test = 1,
	};
	struct sshd_config_log cl = { config_message, (void *)st->log };
	int r = sshd_config_apply_match(st->cfg, ctx->src, &ci, ctx->algs, &cl);
	if (r < 0)
		return r;
	/* LogLevel: this connection's lines from now on, the monitor's own and the net
	 * child's it relays (as OpenSSH's log_change_level after the Match pass) */
	if (st->cfg->log_level >= 0 && st->cfg->log_level <= LOG_LEVEL_DEBUG3)
		st->log->level = (enum log_level)st->cfg->log_level;
	return 0;
}

static uint32_t int_or(int v, uint32_t unset)
{
	return v < 0 ? unset : (uint32_t)v;
}

/* The settings the net child enforces, as the Match pass left them: *patterns (the
 * caller frees it) holds AcceptEnv's, which must fit monitor.mpl's bounds.  0,
 * -E2BIG (logged: the configuration cannot be passed on), -ENOMEM. */
static int net_settings(struct monitor_state *st, struct monitor_net_settings *out,
			uint8_t **patterns)
{
	const struct sshd_config *cfg = st->cfg;
	const struct sshd_strlist *env = &cfg->accept_env;
	size_t cap = 0, n = 0;

	*patterns = NULL;
	monitor_net_settings_init(out);
	out->max_authtries = int_or(cfg->max_authtries, out->max_authtries);
	out->rekey_limit = cfg->rekey_limit > 0 ? (uint64_t)cfg->rekey_limit : 0;
	out->rekey_interval = int_or(cfg->rekey_interval, 0);
	out->client_alive_interval = int_or(cfg->client_alive_interval, 0);
	out->client_alive_count_max = int_or(cfg->client_alive_count_max,
					     out->client_alive_count_max);
	/* the net child's level follows the monitor's, which relays its lines */
	out->log_level = (uint8_t)st->log->level;
	/* an empty pattern matches no variable's name: it is left out */
	for (size_t i = 0; i < env->n; i++) {
		size_t len = strlen(env->v[i]);
		if (len == 0)
			continue;
		if (++n > MONITOR_MAX_ACCEPT_ENV || len > MONITOR_MAX_ENV_PATTERN_LEN) {
			log_msg(st->log, LOG_LEVEL_ERROR, "monitor: AcceptEnv: more than %d "
				"patterns, or one longer than %d bytes: the net child cannot "
				"be told", MONITOR_MAX_ACCEPT_ENV, MONITOR_MAX_ENV_PATTERN_LEN);
			return -E2BIG;
		}
		cap += 4 + len;
	}
	if ((*patterns = malloc(cap > 0 ? cap : 1)) == NULL)
		return -ENOMEM;
	struct mpl_writer w;
	size_t used = 0;
	mpl_writer_init(&w, *patterns, cap, 0, 0);
	for (size_t i = 0; i < env->n; i++) {
		struct monitor_env_pattern e = { .pattern = mpl_bytes_str(env->v[i]) };
		if (e.pattern.len > 0 && monitor_env_pattern_pack(&w, &e, NULL) < 0)
			return -E2BIG;
	}
	if (mpl_writer_finish(&w, &used) < 0)
		return -E2BIG;
	out->num_accept_env = (uint32_t)n;
	out->accept_env = (struct mpl_bytes){ *patterns, used };
	return 0;
}

int monitor_on_user(struct monitor_state *st, const struct monitor_msg *m)
{
	const struct monitor_msg_Monitor_UserRequest *q = &m->u.Monitor_UserRequest;

	if (q->user.len > sizeof(st->req_user) || q->service.len > sizeof(st->req_service)) {
		log_msg(st->log, LOG_LEVEL_ERROR,
			"monitor: protocol violation: user name or service too long");
		return -EPROTO;
	}
	/* A5: the first lookup fixes user and service (as the client sent them: a fake
	 * account's fields are mon_auth's business); OpenSSH disconnects on a change */
	if (st->have_user &&
	    (q->user.len != st->req_user_len || q->service.len != st->req_service_len ||
	     memcmp(q->user.ptr, st->req_user, q->user.len) != 0 ||
	     memcmp(q->service.ptr, st->req_service, q->service.len) != 0)) {
		log_msg(st->log, LOG_LEVEL_ERROR,
			"monitor: protocol violation: change of username or service not allowed");
		return -EPROTO;
	}
	if (!st->have_user) {
		int r = apply_match(st, q->user.ptr, q->user.len);
		if (r < 0) {
			log_msg(st->log, LOG_LEVEL_ERROR, "monitor: cannot apply the Match blocks "
				"for this connection: %s", strerror(-r));
			return r == -EINVAL ? -EPROTO : r;
		}
		r = mon_auth_lookup(st->cfg, (const char *)q->user.ptr, q->user.len,
					(const char *)q->service.ptr, q->service.len,
					st->ctx->peer_addr, st->ctx->peer_port, st->log, &st->user);
		if (r < 0) {
			log_msg(st->log, LOG_LEVEL_ERROR,
				"monitor: protocol violation: bad user name or service (%s)",
				strerror(-r));
			return -EPROTO;
		}
		st->have_user = true;
		memcpy(st->req_user, q->user.ptr, q->user.len);
		st->req_user_len = q->user.len;
		memcpy(st->req_service, q->service.ptr, q->service.len);
		st->req_service_len = q->service.len;
		offered_methods(st, st->methods);
	}
	/* The lookup fixed the user: a real account, or the stand-in for an unknown or
	 * refused one, so that both are asked and answered alike (mon_auth answers every
	 * check of a stand-in with "no", and only a real success steps AuthSucceeded). */
	int r = monitor_step(st, MONITOR_POLICY_Notify_UserValid);
	if (r < 0)
		return r;

	struct monitor_msg a;
	uint8_t *patterns;
	monitor_msg_init(&a, monitor_msg_Monitor_UserAnswer);
	a.u.Monitor_UserAnswer.valid = st->user.valid;
	a.u.Monitor_UserAnswer.methods = mpl_bytes_str(st->methods);
	r = net_settings(st, &a.u.Monitor_UserAnswer.settings, &patterns);
	if (r == 0)
		r = monitor_send(st, &a, NULL, 0);
	free(patterns);
	return r;
}

int monitor_on_pubkey_query(struct monitor_state *st, const struct monitor_msg *m)
{
	const struct monitor_msg_Monitor_PubkeyQueryRequest *q = &m->u.Monitor_PubkeyQueryRequest;
	struct mon_auth_key_opts opts = { 0 };
	bool allowed = false;

	if (pubkey_enabled(st)) {
		int r = mon_auth_key_allowed(st->cfg, &st->user, q->algorithm.ptr, q->algorithm.len,
					     q->key.ptr, q->key.len, st->ctx->peer_addr, st->log,
					     &opts);
		if (r < 0) {
			/* the user's ids may not have been put back: end the connection */
			log_msg(st->log, LOG_LEVEL_ERROR, "monitor: key check failed: %s",
				strerror(-r));
			return r;
		}
		allowed = r == 1;
		/* a query lets nobody in: what the line allows matters only after a
		 * verified signature */
		mon_auth_key_opts_clear(&opts);
	}

	struct monitor_msg a;
	monitor_msg_init(&a, monitor_msg_Monitor_PubkeyQueryAnswer);
	a.u.Monitor_PubkeyQueryAnswer.allowed = allowed;
	return monitor_send(st, &a, NULL, 0);
}

/* OpenSSH's sshkey_type() words for the Accepted line. */
static const char *key_type_word(const struct pubkey *k)
{
	switch (pubkey_type(k)) {
	case PUBKEY_ED25519:
		return "ED25519";
	case PUBKEY_ECDSA:
		return "ECDSA";
	case PUBKEY_RSA:
		return "RSA";
	}
	return "unknown";
}

static void log_accepted(struct monitor_state *st, struct mpl_bytes key)
{
	struct pubkey *pk = NULL;
	char fp[128] = "?";
	const char *type = "unknown";

	if (keyblob_decode(key.ptr, key.len, &pk) == 0) {
		type = key_type_word(pk);
		if (keyblob_fingerprint(pk, fp, sizeof(fp)) < 0)
			strcpy(fp, "?");
	}
	log_msg(st->log, LOG_LEVEL_INFO, "Accepted publickey for %s from %s port %d ssh2: %s %s",
		st->user.name, st->ctx->peer_addr, st->ctx->peer_port, type, fp);
	pubkey_free(pk);
}

int monitor_on_pubkey_verify(struct monitor_state *st, const struct monitor_msg *m)
{
	const struct monitor_msg_Monitor_PubkeyVerifyRequest *q = &m->u.Monitor_PubkeyVerifyRequest;
	struct mon_auth_key_opts opts = { 0 };
	int ok = 0;

	if (pubkey_enabled(st) && st->session_id_len > 0) {
		ok = mon_auth_pubkey_verify(st->cfg, &st->user, st->session_id, st->session_id_len,
					    q->algorithm.ptr, q->algorithm.len, q->key.ptr,
					    q->key.len, q->signed_data.ptr, q->signed_data.len,
					    q->signature.ptr, q->signature.len, st->session_hostkey,
					    st->session_hostkey_len, st->ctx->peer_addr, st->log,
					    &opts);
		if (ok < 0) {
			/* an error, not a "no": the user's ids may not have been put back
			 * (as for the key query), so nothing more is answered */
			log_msg(st->log, LOG_LEVEL_ERROR, "monitor: signature check failed: %s",
				strerror(-ok));
			mon_auth_key_opts_clear(&opts);
			return ok;
		}
	}

	struct monitor_msg a;
	monitor_msg_init(&a, monitor_msg_Monitor_PubkeyVerifyAnswer);
	if (ok == 1) {
		int r = monitor_step(st, MONITOR_POLICY_Notify_AuthSucceeded);
		if (r < 0) {
			mon_auth_key_opts_clear(&opts);
			return r;
		}
		st->authenticated = true;
		mon_auth_key_opts_clear(&st->key_opts);
		st->key_opts = opts;
		log_accepted(st, q->key);
		/* the listener counts a connection as unauthenticated (MaxStartups) until
		 * this descriptor closes */
		if (st->ctx->startup_fd >= 0 && !st->startup_closed) {
			close(st->ctx->startup_fd);
			st->startup_closed = true;
		}
		a.u.Monitor_PubkeyVerifyAnswer.authenticated = true;
		a.u.Monitor_PubkeyVerifyAnswer.methods = MPL_LIT("");
	} else {
		mon_auth_key_opts_clear(&opts);
		a.u.Monitor_PubkeyVerifyAnswer.authenticated = false;
		a.u.Monitor_PubkeyVerifyAnswer.methods = mpl_bytes_str(st->methods);
	}
	a.u.Monitor_PubkeyVerifyAnswer.partial = false;
	return monitor_send(st, &a, NULL, 0);
}

/* The Banner file's text, read here because the net child opens no file; empty when
 * there is none (the net child then sends nothing). */
int monitor_on_banner(struct monitor_state *st, const struct monitor_msg *m)
{
	char *text = NULL;
	size_t len = 0;

	(void)m;
	int r = mon_auth_read_banner(st->cfg->banner, MONITOR_MAX_BANNER_LEN, st->log, &text,
				     &len);
	if (r < 0) {
		log_msg(st->log, LOG_LEVEL_ERROR, "monitor: cannot read the banner: %s",
			strerror(-r));
		return r;
	}
	struct monitor_msg a;
	monitor_msg_init(&a, monitor_msg_Monitor_BannerAnswer);
	a.u.Monitor_BannerAnswer.text = (struct mpl_bytes){ (const uint8_t *)text, len };
	r = monitor_send(st, &a, NULL, 0);
	free(text);
	return r;
}

/* Not implemented yet: always "no", with the methods that remain. */
int monitor_on_password(struct monitor_state *st, const struct monitor_msg *m)
{
	struct monitor_msg a;

	(void)m;
	log_msg(st->log, LOG_LEVEL_VERBOSE, "monitor: password authentication not implemented");
	monitor_msg_init(&a, monitor_msg_Monitor_PasswordAnswer);
	a.u.Monitor_PasswordAnswer.methods = mpl_bytes_str(st->methods);
	return monitor_send(st, &a, NULL, 0);
}

int monitor_on_kbdint_start(struct monitor_state *st, const struct monitor_msg *m)
{
	struct monitor_msg a;

	(void)m;
	log_msg(st->log, LOG_LEVEL_VERBOSE,
		"monitor: keyboard-interactive authentication not implemented");
	monitor_msg_init(&a, monitor_msg_Monitor_KbdintStartAnswer);
	a.u.Monitor_KbdintStartAnswer.status = ENOTSUP;
	return monitor_send(st, &a, NULL, 0);
}

int monitor_on_kbdint_respond(struct monitor_state *st, const struct monitor_msg *m)
{
	struct monitor_msg a;

	(void)m;
	monitor_msg_init(&a, monitor_msg_Monitor_KbdintRespondAnswer);
	a.u.Monitor_KbdintRespondAnswer.methods = mpl_bytes_str(st->methods);
	return monitor_send(st, &a, NULL, 0);
}
