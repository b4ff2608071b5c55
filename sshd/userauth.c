/* The net child's side of user authentication (userauth.h): frames the questions for the
 * monitor, answers the client, counts failures and keeps (user, service) fixed.
 *
 * The counting follows OpenSSH's auth2.c, so that clients and scripts see the same
 * limits: a request that ends in FAILURE counts, except the very first request when it
 * is "none" (clients send it to learn the methods), a partial success, and a public-key
 * query answered with PK_OK; reaching MaxAuthTries failures ends the connection with
 * PROTOCOL_ERROR ("Too many authentication failures") instead of the FAILURE, and so
 * does the 1024th request whatever the others were.  MaxAuthTries is the monitor's
 * value for this connection (a Match block may set it), known from the first request
 * on. */
#include "sshd/userauth.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"		/* generated from sshd/proto/keys.mpl */
#include "sshd/log.h"
#include "sshd/mon_client.h"
#include "sshd/net_settings.h"
#include "sshd/userauth_banner.h"

#define SERVICE_USERAUTH "ssh-userauth"
#define DEFAULT_MAX_AUTHTRIES 6
#define DEFAULT_LOGIN_GRACE_SECONDS 120
/* OpenSSH's bound on requests of any kind (PK_OK answers are not failures). */
#define MAX_REQUESTS 1024
/* RFC 4250 §4.6.1: a service name is at most 64 characters. */
#define SERVICE_NAME_MAX 64
/* How much of a peer's name a log line or DISCONNECT quotes (OpenSSH: %.100s), and the
 * room for it escaped (up to 4 bytes per byte). */
#define QUOTE_MAX 100
#define QUOTE_BUF (4 * QUOTE_MAX + 1)

struct userauth {
	uint64_t start_ms;		/* LoginGraceTime runs from here */
	bool service_accepted;
	bool fixed;			/* the first request fixed user and service (A5) */
	bool asked;			/* the monitor looked the user up: it may be asked
					   about keys (false for a name no account can have) */
	bool valid;			/* the monitor knows the user (for the log only) */
	uint8_t *user;
	size_t user_len;
	uint8_t *service;
	size_t service_len;
	char methods[MON_METHODS_MAX];	/* what FAILURE offers */
	unsigned requests;
	unsigned failures;
};

/* The parts of a USERAUTH_REQUEST this side looks at (views into the message). */
enum request_kind { REQ_NONE, REQ_PK_QUERY, REQ_PK_SIGNED, REQ_OTHER };
struct request {
	enum request_kind kind;
	bool hostbound;
	uint64_t auth_method;		/* what message 60 means while it is in progress */
	struct mpl_bytes user, service, method;
	struct mpl_bytes alg, key, hostkey, sig;
};

int userauth_new(struct userauth **out, struct conn *c)
{
	if (out == NULL || c == NULL)
		return -EINVAL;
	struct userauth *ua = calloc(1, sizeof(*ua));
	if (ua == NULL)
		return -ENOMEM;
	ua->start_ms = c->now_ms;
	*out = ua;
	return 0;
}

void userauth_free(struct userauth *ua)
{
	if (ua == NULL)
		return;
	free(ua->user);
	free(ua->service);
	free(ua);
}

static unsigned max_authtries(const struct conn *c)
{
	if (c->cfg == NULL || c->cfg->max_authtries < 0)
		return DEFAULT_MAX_AUTHTRIES;
	return (unsigned)c->cfg->max_authtries;
}

static const char *peer_addr(const struct conn *c)
{
	return c->ctx != NULL ? c->ctx->peer_addr : "UNKNOWN";
}

static int peer_port(const struct conn *c)
{
	return c->ctx != NULL ? c->ctx->peer_port : 0;
}

/* A peer's bytes made fit for a log line or a DISCONNECT description. */
static const char *quote(char out[QUOTE_BUF], const uint8_t *p, size_t len)
{
	log_escape(out, QUOTE_BUF, (const char *)p, len > QUOTE_MAX ? QUOTE_MAX : len);
	return out;
}

/* Sends m, or holds it until our NEWKEYS while our re-key runs; a failure (a queue the
 * client does not drain, or our own policy refusing the message) ends the connection. */
static int send_or_close(struct conn *c, const struct ssh_msg *m)
{
	int rc = conn_send_reply(c, m, NULL);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION, "cannot send %s: %s",
				       ssh_msg_kind_name(m->kind), strerror(-rc));
	return 0;
}

static int monitor_failed(struct conn *c, int rc)
{
	return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION, "monitor: %s",
			       strerror(-rc));
}

/* --- SERVICE_REQUEST --- */

static int handle_service(struct conn *c, struct userauth *ua,
			  const struct ssh_msg_Transport_ServiceRequest *sr)
{
	if (ua->service_accepted)	/* the transport automaton allows one request */
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "second service request");
	if (!mpl_bytes_eq_str(sr->service, SERVICE_USERAUTH)) {
		char q[QUOTE_BUF];
		/* T4: the transport automaton takes the refusal, then the DISCONNECT. */
		(void)conn_notify(c, SSH_POLICY_Notify_ServiceUnknown, NULL);
		return conn_disconnect(c, -ENOTSUP, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE,
				       "bad service request %s",
				       quote(q, sr->service.ptr, sr->service.len));
	}
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Transport_ServiceAccept);
	m.u.Transport_ServiceAccept.service = MPL_LIT(SERVICE_USERAUTH);
	int rc = send_or_close(c, &m);
	if (rc == 0)
		ua->service_accepted = true;
	return rc;
}

/* --- USERAUTH_REQUEST --- */

#define HEAD(r, v) do { (r)->user = (v).user; (r)->service = (v).service; \
			(r)->method = (v).method; } while (0)

static int parse_request(const struct ssh_msg *m, struct request *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = REQ_OTHER;
	switch (m->kind) {
	case ssh_msg_Auth_Request_None:
		HEAD(r, m->u.Auth_Request_None);
		r->kind = REQ_NONE;
		break;
	case ssh_msg_Auth_Request_PublickeyQuery: {
		const struct ssh_msg_Auth_Request_PublickeyQuery *q = &m->u.Auth_Request_PublickeyQuery;
		HEAD(r, *q);
		r->kind = REQ_PK_QUERY;
		r->alg = q->algorithm;
		r->key = q->key;
		break;
	}
	case ssh_msg_Auth_Request_PublickeySigned: {
		const struct ssh_msg_Auth_Request_PublickeySigned *s = &m->u.Auth_Request_PublickeySigned;
		HEAD(r, *s);
		r->kind = REQ_PK_SIGNED;
		r->alg = s->algorithm;
		r->key = s->key;
		r->sig = s->signature;
		break;
	}
	case ssh_msg_Auth_Request_HostboundQuery: {
		const struct ssh_msg_Auth_Request_HostboundQuery *q = &m->u.Auth_Request_HostboundQuery;
		HEAD(r, *q);
		r->kind = REQ_PK_QUERY;
		r->hostbound = true;
		r->alg = q->algorithm;
		r->key = q->key;
		r->hostkey = q->server_host_key;
		break;
	}
	case ssh_msg_Auth_Request_HostboundSigned: {
		const struct ssh_msg_Auth_Request_HostboundSigned *s = &m->u.Auth_Request_HostboundSigned;
		HEAD(r, *s);
		r->kind = REQ_PK_SIGNED;
		r->hostbound = true;
		r->alg = s->algorithm;
		r->key = s->key;
		r->hostkey = s->server_host_key;
		r->sig = s->signature;
		break;
	}
	case ssh_msg_Auth_Request_Password:
		HEAD(r, m->u.Auth_Request_Password);
		r->auth_method = SSH_AUTH_PASSWORD;
		break;
	case ssh_msg_Auth_Request_PasswordChange:
		HEAD(r, m->u.Auth_Request_PasswordChange);
		r->auth_method = SSH_AUTH_PASSWORD;
		break;
	case ssh_msg_Auth_Request_KeyboardInteractive:
		HEAD(r, m->u.Auth_Request_KeyboardInteractive);
		r->auth_method = SSH_AUTH_KBDINT;
		break;
	case ssh_msg_Auth_Request_Hostbased:
		HEAD(r, m->u.Auth_Request_Hostbased);
		break;
	case ssh_msg_Auth_Request_Unknown:
		HEAD(r, m->u.Auth_Request_Unknown);
		break;
	default:
		return -EINVAL;
	}
	if (r->kind == REQ_PK_QUERY || r->kind == REQ_PK_SIGNED)
		r->auth_method = SSH_AUTH_PUBLICKEY;
	return 0;
}

/* Whether a name could be an account's: the monitor is asked only about those (its
 * message bounds the user to CONN_USER_MAX bytes; a NUL cannot be in a C name). */
static bool name_usable(struct mpl_bytes user, struct mpl_bytes service)
{
	return user.len > 0 && user.len <= CONN_USER_MAX && memchr(user.ptr, 0, user.len) == NULL &&
	       service.len <= SERVICE_NAME_MAX && memchr(service.ptr, 0, service.len) == NULL;
}

/* The methods offered when the monitor was not asked (a name no account can have):
 * what the monitor offers everyone, by the configuration. */
static void configured_methods(const struct conn *c, char out[MON_METHODS_MAX])
{
	bool pubkey = c->cfg == NULL || c->cfg->pubkey_authentication != 0;
	snprintf(out, MON_METHODS_MAX, "%s", pubkey ? "publickey" : "");
}

static uint8_t *dup_bytes(struct mpl_bytes b)
{
	uint8_t *p = malloc(b.len > 0 ? b.len : 1);
	if (p != NULL && b.len > 0)
		memcpy(p, b.ptr, b.len);
	return p;
}

/* The first request: (user, service) fixed for the connection, the monitor's lookup. */
static int fix_user(struct conn *c, struct userauth *ua, const struct request *r)
{
	ua->user = dup_bytes(r->user);
	ua->service = dup_bytes(r->service);
	if (ua->user == NULL || ua->service == NULL)
		return conn_disconnect(c, -ENOMEM, SSH_DISCONNECT_BY_APPLICATION, "out of memory");
	ua->user_len = r->user.len;
	ua->service_len = r->service.len;
	ua->fixed = true;
	if (!name_usable(r->user, r->service)) {
		char q[QUOTE_BUF];
		log_msg(c->log, LOG_LEVEL_INFO, "Invalid user %s from %s port %d",
			quote(q, r->user.ptr, r->user.len), peer_addr(c), peer_port(c));
		configured_methods(c, ua->methods);
		return 0;
	}
	struct mon_net_settings set;
	int rc = mon_user(c->mon, r->user.ptr, r->user.len, r->service.ptr, r->service.len,
			  &ua->valid, ua->methods, &set);
	if (rc < 0)
		return monitor_failed(c, rc);
	/* Match blocks: MaxAuthTries and the rest apply from this request on */
	rc = net_settings_apply(c, &set);
	mon_net_settings_free(&set);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot apply the monitor's settings: %s", strerror(-rc));
	ua->methods[MON_METHODS_MAX - 1] = '\0';
	ua->asked = true;
	return 0;
}

static bool same_bytes(const uint8_t *p, size_t len, struct mpl_bytes b)
{
	return len == b.len && (len == 0 || memcmp(p, b.ptr, len) == 0);
}

static int tries_exceeded(struct conn *c, struct userauth *ua)
{
	char q[QUOTE_BUF];
	(void)conn_notify(c, SSH_POLICY_Notify_AuthTriesExceeded, NULL);
	log_msg(c->log, LOG_LEVEL_ERROR,
		"maximum authentication attempts exceeded for %s%s from %s port %d ssh2",
		ua->valid ? "" : "invalid user ", quote(q, ua->user, ua->user_len),
		peer_addr(c), peer_port(c));
	return conn_disconnect(c, -EACCES, SSH_DISCONNECT_PROTOCOL_ERROR,
			       "Too many authentication failures");
}

/* A hostbound request names the host key the client saw in the key exchange: it must
 * be the one that signed the first exchange (the one the signature binds; later
 * exchanges may use another).  OpenSSH's userauth_pubkey ends the connection otherwise
 * (fatal "... packet contained wrong host key", no FAILURE); we do too, with a
 * DISCONNECT PROTOCOL_ERROR saying so. */
static int check_hostkey(struct conn *c, const struct request *r)
{
	char q[QUOTE_BUF];
	if (c->first_hostkey == NULL)	/* the automata allow no request before a kex */
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_BY_APPLICATION,
				       "internal error: initial host key not recorded");
	if (same_bytes(c->first_hostkey, c->first_hostkey_len, r->hostkey))
		return 0;
	log_msg(c->log, LOG_LEVEL_ERROR, "userauth_pubkey: %s packet contained wrong host key",
		quote(q, r->method.ptr, r->method.len));
	return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
			       "%s packet contained wrong host key",
			       quote(q, r->method.ptr, r->method.len));
}

/* RFC 4252 §7: what the client signed, rebuilt from the request and our session id
 * (the monitor re-parses it and checks every field against what it knows). */
static int build_signed_data(const struct conn *c, const struct request *r, uint8_t **out,
			     size_t *out_len)
{
	struct userauth_signed_data sd;
	userauth_signed_data_init(&sd, r->hostbound ? userauth_signed_data_Hostbound
						    : userauth_signed_data_Publickey);
	sd.session_id = (struct mpl_bytes){ c->session_id, c->session_id_len };
	sd.user = r->user;
	sd.service = r->service;
	if (r->hostbound) {
		sd.u.Hostbound.algorithm = r->alg;
		sd.u.Hostbound.key = r->key;
		sd.u.Hostbound.server_host_key = r->hostkey;
	} else {
		sd.u.Publickey.algorithm = r->alg;
		sd.u.Publickey.key = r->key;
	}
	/* Seven strings (session id, user, service, method, algorithm, key, host key) and
	 * two bytes; each part is bounded by the packet that carried it, so the sum cannot
	 * overflow. */
	size_t cap = 7 * 4 + 2 + sd.session_id.len + sd.user.len + sd.service.len +
		     sd.method.len + r->alg.len + r->key.len + r->hostkey.len;
	uint8_t *buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len = 0;
	int rc = mpl_writer_init(&w, buf, cap, 0, 0);
	if (rc == 0)
		rc = userauth_signed_data_pack(&w, &sd, &err);
	if (rc == 0)
		rc = mpl_writer_finish(&w, &len);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

static int send_failure(struct conn *c, const char *methods, bool partial)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Failure);
	m.u.Auth_Failure.methods = mpl_bytes_str(methods);
	m.u.Auth_Failure.partial_success = partial;
	return send_or_close(c, &m);
}

/* A3: the monitor said yes. */
static int succeed(struct conn *c, struct userauth *ua)
{
	if (!ua->valid || ua->user_len > CONN_USER_MAX)	/* the monitor contradicts itself */
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_BY_APPLICATION,
				       "internal error: authenticated invalid user");
	int rc = conn_notify(c, SSH_POLICY_Notify_AuthAccepted, NULL);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "internal error: success refused by policy");
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Success);
	rc = send_or_close(c, &m);
	if (rc < 0)
		return rc;
	c->authenticated = true;
	memcpy(c->user, ua->user, ua->user_len);
	c->user[ua->user_len] = '\0';
	c->mstate.auth_method = 0;	/* delayed compression: conn_send_commit starts it */
	return 0;
}

/* A publickey request with a signature: 1 authenticated, 0 refused (*res says whether
 * partially), or the negative errno after the connection was ended. */
static int verify_signed(struct conn *c, struct userauth *ua, const struct request *r,
			 struct mon_auth_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!ua->asked)
		return 0;
	if (c->session_id_len == 0)	/* the automata allow no request before a kex */
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_BY_APPLICATION,
				       "internal error: no session id");
	uint8_t *sd;
	size_t sd_len;
	int rc = build_signed_data(c, r, &sd, &sd_len);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot build signed data: %s", strerror(-rc));
	rc = mon_pubkey_verify(c->mon, r->alg.ptr, r->alg.len, r->key.ptr, r->key.len, sd,
			       sd_len, r->sig.ptr, r->sig.len, res);
	free(sd);
	if (rc < 0)
		return monitor_failed(c, rc);
	res->methods[MON_METHODS_MAX - 1] = '\0';
	return res->authenticated ? 1 : 0;
}

static int handle_request(struct conn *c, struct userauth *ua, const struct ssh_msg *m)
{
	if (c->authenticated)		/* A3: later requests are read and ignored */
		return 0;
	if (!ua->service_accepted)	/* A1 (the automata refuse it first) */
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "authentication request before service accept");
	struct request r;
	int rc = parse_request(m, &r);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "unexpected message %s", ssh_msg_kind_name(m->kind));

	if (!ua->fixed) {
		rc = fix_user(c, ua, &r);
		if (rc == 0)	/* before the first answer, as OpenSSH */
			rc = userauth_banner_send(c);
		if (rc < 0)
			return rc;
	} else if (!same_bytes(ua->user, ua->user_len, r.user) ||
		   !same_bytes(ua->service, ua->service_len, r.service)) {
		/* A5 */
		char u0[QUOTE_BUF], s0[QUOTE_BUF], u1[QUOTE_BUF], s1[QUOTE_BUF];
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "Change of username or service not allowed: "
				       "(%s,%s) -> (%s,%s)",
				       quote(u0, ua->user, ua->user_len),
				       quote(s0, ua->service, ua->service_len),
				       quote(u1, r.user.ptr, r.user.len),
				       quote(s1, r.service.ptr, r.service.len));
	}
	if (ua->requests >= MAX_REQUESTS)
		return tries_exceeded(c, ua);
	ua->requests++;
	c->mstate.auth_method = r.auth_method;

	struct mon_auth_result res = {0};
	bool tried = ua->failures < max_authtries(c);
	/* Checked before anything else about the key, as OpenSSH does. */
	if (r.hostbound) {
		rc = check_hostkey(c, &r);
		if (rc < 0)
			return rc;
	}
	if (tried && r.kind == REQ_PK_QUERY && ua->asked) {
		bool allowed = false;
		rc = mon_pubkey_query(c->mon, r.alg.ptr, r.alg.len, r.key.ptr, r.key.len,
				      &allowed);
		if (rc < 0)
			return monitor_failed(c, rc);
		if (allowed) {
			struct ssh_msg ok;
			ssh_msg_init(&ok, ssh_msg_Auth_PkOk);
			ok.u.Auth_PkOk.algorithm = r.alg;
			ok.u.Auth_PkOk.key = r.key;
			return send_or_close(c, &ok);
		}
	} else if (tried && r.kind == REQ_PK_SIGNED) {
		rc = verify_signed(c, ua, &r, &res);
		if (rc < 0)
			return rc;
		if (rc == 1)
			return succeed(c, ua);
	}

	/* FAILURE, or the disconnect that replaces it once the failures reach the limit. */
	bool first_none = r.kind == REQ_NONE && ua->requests == 1;
	if (!res.partial && !first_none)
		ua->failures++;
	if (ua->failures >= max_authtries(c))
		return tries_exceeded(c, ua);
	return send_failure(c, res.partial ? res.methods : ua->methods, res.partial);
}

int userauth_handle(struct conn *c, const struct ssh_msg *m)
{
	if (c == NULL || c->ua == NULL || m == NULL)
		return -EINVAL;
	if (c->closing)
		return 0;
	if (m->kind == ssh_msg_Transport_ServiceRequest)
		return handle_service(c, c->ua, &m->u.Transport_ServiceRequest);
	return handle_request(c, c->ua, m);
}

int userauth_tick(struct conn *c, int *next_ms)
{
	if (c == NULL || c->ua == NULL)
		return -EINVAL;
	if (c->authenticated || c->closing)
		return 0;
	int grace = c->cfg != NULL && c->cfg->login_grace_time >= 0 ? c->cfg->login_grace_time
								 : DEFAULT_LOGIN_GRACE_SECONDS;
	if (grace == 0)			/* LoginGraceTime 0: no limit */
		return 0;
	uint64_t deadline = c->ua->start_ms + (uint64_t)grace * 1000;
	if (c->now_ms >= deadline) {
		log_msg(c->log, LOG_LEVEL_ERROR, "Timeout before authentication for %s port %d",
			peer_addr(c), peer_port(c));
		return conn_disconnect(c, -ETIMEDOUT, SSH_DISCONNECT_BY_APPLICATION,
				       "Timeout before authentication");
	}
	uint64_t left = deadline - c->now_ms;
	if (next_ms != NULL && (*next_ms < 0 || left < (uint64_t)*next_ms))
		*next_ms = left > INT_MAX ? INT_MAX : (int)left;
	return 0;
}
