/* The SSH transport layer of the net child (transport.h). */
#include "sshd/transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/random.h"
#include "sshd/kex_derive.h"
#include "sshd/version.h"

#define TRANSPORT_MAX_HOSTKEYS 16
/* How long a key exchange message may wait for a full send queue to drain. */
#define TRANSPORT_SEND_WAIT_MS 10000
/* Largest KEXINIT we accept to keep as I_C (a real one is under 2 KiB). */
#define TRANSPORT_KEXINIT_MAX (32u * 1024u)

/* The algorithms we verify user signatures with (server-sig-algs, RFC 8308 §3.1). */
static const char server_sig_algs[] =
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	"rsa-sha2-512,rsa-sha2-256";

struct transport {
	struct kex_proposal proposal;
	char v_s[VERSION_LINE_MAX + 1], v_c[VERSION_LINE_MAX + 1];
	size_t v_s_len, v_c_len;
	struct mpl_bytes hostkey_blobs[TRANSPORT_MAX_HOSTKEYS];
	const struct pubkey *hostkeys[TRANSPORT_MAX_HOSTKEYS];
	size_t n_hostkeys;
	const struct kex_moduli *moduli;
	kex_sign_fn sign;
	void *sign_arg;

	/* The exchange under way. */
	uint8_t *i_s, *i_c;		/* the KEXINIT payloads (ours, the client's) */
	size_t i_s_len, i_c_len;
	bool sent_kexinit, got_kexinit;
	struct kex_negotiated neg;
	struct kex_exchange *x;
	const struct mpl_bytes *k_s;	/* the host key blob that signs this exchange */
	bool drop_guessed;

	unsigned kex_count;		/* exchanges completed */
	uint32_t rekey_seconds;		/* RekeyLimit's time (0: none) */
	uint64_t keys_since_ms;		/* when the current keys went in */
};

static uint64_t now_s(const struct conn *c)
{
	return c->now_ms / 1000u;
}

int transport_new(struct conn *c, const struct transport_params *p)
{
	if (c == NULL || p == NULL || p->proposal == NULL || p->v_s == NULL ||
	    p->v_s_len > VERSION_LINE_MAX || p->n_hostkeys > TRANSPORT_MAX_HOSTKEYS ||
	    (p->n_hostkeys > 0 && (p->hostkey_blobs == NULL || p->hostkeys == NULL)) ||
	    p->sign == NULL)
		return -EINVAL;
	struct transport *tr = calloc(1, sizeof(*tr));
	if (tr == NULL)
		return -ENOMEM;
	tr->proposal = *p->proposal;
	/* The copied views would still point into the caller's text: aim them at ours. */
	for (size_t i = 0; i < KEX_LIST_COUNT; i++) {
		tr->proposal.text[i][KEX_LIST_TEXT_MAX - 1] = '\0';
		tr->proposal.lists.list[i] = mpl_bytes_str(tr->proposal.text[i]);
	}
	memcpy(tr->v_s, p->v_s, p->v_s_len);
	tr->v_s_len = p->v_s_len;
	for (size_t i = 0; i < p->n_hostkeys; i++) {
		tr->hostkey_blobs[i] = p->hostkey_blobs[i];
		tr->hostkeys[i] = p->hostkeys[i];
	}
	tr->n_hostkeys = p->n_hostkeys;
	tr->moduli = p->moduli;
	tr->sign = p->sign;
	tr->sign_arg = p->sign_arg;

	c->tr = tr;
	int rc = transport_set_rekey_limits(c,
		c->cfg != NULL && c->cfg->rekey_limit > 0 ? (uint64_t)c->cfg->rekey_limit : 0,
		c->cfg != NULL && c->cfg->rekey_interval > 0 ? (uint32_t)c->cfg->rekey_interval : 0);
	if (rc < 0) {
		c->tr = NULL;
		free(tr);
		return rc;
	}
	tr->keys_since_ms = c->now_ms;
	return 0;
}

int transport_set_rekey_limits(struct conn *c, uint64_t bytes, uint32_t seconds)
{
	if (c == NULL || c->tr == NULL)
		return -EINVAL;
	/* RekeyLimit: unset or "default" (0) is 1 GiB (and the cipher's own limit); the
	 * time limit is 1 hour unless configured (PROPERTIES T5). */
	struct packet_rekey_limits lim = { .bytes = PACKET_REKEY_DEFAULT_BYTES,
					   .seconds = PACKET_REKEY_DEFAULT_SECONDS };
	if (bytes > 0)
		lim.bytes = bytes;
	if (seconds > 0)
		lim.seconds = seconds;
	int rc = packet_set_rekey_limits(c->pkt, &lim);
	if (rc == 0)
		c->tr->rekey_seconds = lim.seconds;
	return rc;
}

static void free_payload(uint8_t **p, size_t *len)
{
	if (*p != NULL)
		sodium_memzero(*p, *len);
	free(*p);
	*p = NULL;
	*len = 0;
}

void transport_free(struct conn *c)
{
	if (c == NULL || c->tr == NULL)
		return;
	struct transport *tr = c->tr;
	kex_exchange_free(tr->x);
	free_payload(&tr->i_s, &tr->i_s_len);
	free_payload(&tr->i_c, &tr->i_c_len);
	sodium_memzero(tr, sizeof(*tr));
	free(tr);
	c->tr = NULL;
}

int transport_set_peer_version(struct conn *c, const char *v_c, size_t len)
{
	if (c->tr == NULL || v_c == NULL || len > VERSION_LINE_MAX)
		return -EINVAL;
	memcpy(c->tr->v_c, v_c, len);
	c->tr->v_c[len] = '\0';
	c->tr->v_c_len = len;
	return 0;
}

unsigned transport_kex_count(const struct conn *c)
{
	return c->tr != NULL ? c->tr->kex_count : 0;
}

bool transport_drop_guessed(struct conn *c)
{
	if (c->tr == NULL || !c->tr->drop_guessed)
		return false;
	c->tr->drop_guessed = false;
	return true;
}

/* Room a KEXINIT of our proposal takes: message number, cookie, ten name-lists, the
 * boolean and the reserved word. */
static size_t kexinit_size(const struct kex_proposal *p)
{
	size_t n = 1 + 16 + 1 + 4;
	for (size_t i = 0; i < KEX_LIST_COUNT; i++)
		n += 4 + p->lists.list[i].len;
	return n;
}

/* Packs our KEXINIT straight into the send queue, keeps its payload as I_S, and
 * sends it.  A full queue (channel data) is written out first. */
static int send_kexinit(struct conn *c)
{
	struct transport *tr = c->tr;
	uint8_t cookie[16];
	struct ssh_msg m;
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t need = kexinit_size(&tr->proposal);

	random_bytes(cookie, sizeof(cookie));
	ssh_msg_init(&m, ssh_msg_Transport_KexInit);
	kex_proposal_kexinit(&tr->proposal, cookie, &m.u.Transport_KexInit);

	int rc = conn_send_begin(c, need, &w);
	if (rc == -ENOSPC) {
		rc = conn_flush(c, TRANSPORT_SEND_WAIT_MS);
		if (rc == 0)
			rc = conn_send_begin(c, need, &w);
	}
	if (rc < 0)
		return rc;
	rc = ssh_msg_pack(&w, &m, &err);
	size_t len = 0;
	uint8_t *payload = rc == 0 ? mpl_writer_payload(&w, &len) : NULL;
	if (payload == NULL) {
		conn_send_abort(c);
		return rc < 0 ? rc : -EINVAL;
	}
	free_payload(&tr->i_s, &tr->i_s_len);
	tr->i_s = malloc(len);
	if (tr->i_s == NULL) {
		conn_send_abort(c);
		return -ENOMEM;
	}
	memcpy(tr->i_s, payload, len);
	tr->i_s_len = len;
	rc = conn_send_commit(c, ssh_msg_Transport_KexInit, NULL, &w);
	if (rc < 0)
		return rc;
	tr->sent_kexinit = true;
	c->kex_active = true;
	c->tx_kex = true;
	return 0;
}

int transport_start(struct conn *c)
{
	if (c->tr == NULL || c->tr->kex_count != 0 || c->tr->sent_kexinit)
		return -EINVAL;
	return send_kexinit(c);
}

int transport_rekey(struct conn *c)
{
	struct transport *tr = c->tr;
	if (tr == NULL)
		return -EINVAL;
	if (c->closing || c->kex_active || tr->kex_count == 0 || tr->sent_kexinit)
		return 0;
	log_msg(c->log, LOG_LEVEL_DEBUG1, "starting a re-key");
	int rc = send_kexinit(c);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot send KEXINIT: %s", strerror(-rc));
	return 0;
}

int transport_tick(struct conn *c, int *next_ms)
{
	struct transport *tr = c->tr;
	/* Not before authentication, as OpenSSH (packet.c: "Don't attempt rekeying during
	 * pre-auth"): its client takes no KEXINIT while it authenticates and gives up
	 * ("bad message during authentication: type 20"); LoginGraceTime bounds that
	 * phase anyway.  The limits are looked at again once the user is in. */
	if (tr == NULL || c->closing || tr->kex_count == 0 || c->kex_active || !c->authenticated)
		return 0;
	if (packet_needs_rekey(c->pkt, now_s(c)))
		return transport_rekey(c);
	if (next_ms != NULL && tr->rekey_seconds != 0) {
		uint64_t due = tr->keys_since_ms + (uint64_t)tr->rekey_seconds * 1000u;
		/* The packet layer counts whole seconds: look again a second after the due
		 * time rather than spinning on it. */
		uint64_t left = due > c->now_ms ? due - c->now_ms : 1000u;
		if (left > (uint64_t)INT32_MAX)
			left = INT32_MAX;
		if (*next_ms < 0 || (uint64_t)*next_ms > left)
			*next_ms = (int)left;
	}
	return 0;
}

/* The host key blob of ours that signs with alg. */
static const struct mpl_bytes *hostkey_for(const struct transport *tr, enum sig_alg alg)
{
	for (size_t i = 0; i < tr->n_hostkeys; i++)
		if (tr->hostkeys[i] != NULL && pubkey_sig_alg_matches(tr->hostkeys[i], alg))
			return &tr->hostkey_blobs[i];
	return NULL;
}

static int handle_kexinit(struct conn *c, const struct ssh_msg *m, const struct packet_in *in)
{
	struct transport *tr = c->tr;
	bool initial = c->session_id_len == 0;
	int rc;

	if (tr->got_kexinit)	/* the automata refuse a second one; never trust that alone */
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "second KEXINIT in one key exchange");
	if (in->len > TRANSPORT_KEXINIT_MAX)
		return conn_disconnect(c, -EBADMSG, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "KEXINIT too large");
	tr->got_kexinit = true;
	c->kex_active = true;
	/* A re-key the client started: our KEXINIT answers it (T6). */
	if (!tr->sent_kexinit) {
		log_msg(c->log, LOG_LEVEL_DEBUG1, "client started a re-key");
		rc = send_kexinit(c);
		if (rc < 0)
			return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
					       "cannot send KEXINIT: %s", strerror(-rc));
	}
	free_payload(&tr->i_c, &tr->i_c_len);
	tr->i_c = malloc(in->len);
	if (tr->i_c == NULL)
		return conn_disconnect(c, -ENOMEM, SSH_DISCONNECT_BY_APPLICATION,
				       "out of memory");
	memcpy(tr->i_c, in->payload, in->len);
	tr->i_c_len = in->len;

	const struct ssh_msg_Transport_KexInit *ki = &m->u.Transport_KexInit;
	struct kex_lists lists;
	kex_lists_from_kexinit(ki, &lists);
	memset(&tr->neg, 0, sizeof(tr->neg));
	rc = kex_negotiate(&lists, ki->first_kex_packet_follows, &tr->proposal.lists, initial,
			   &tr->neg);
	if (rc == -ENOTSUP) {
		const char *what = kex_list_what(tr->neg.failed);
		struct mpl_bytes offer = (unsigned)tr->neg.failed < KEX_LIST_COUNT
			? lists.list[tr->neg.failed] : (struct mpl_bytes){ NULL, 0 };
		log_msg(c->log, LOG_LEVEL_INFO,
			"Unable to negotiate with %s port %d: no matching %s found. "
			"Their offer: %.*s", c->ctx != NULL ? c->ctx->peer_addr : "?",
			c->ctx != NULL ? c->ctx->peer_port : 0, what,
			offer.len > 512 ? 512 : (int)offer.len,
			offer.ptr != NULL ? (const char *)offer.ptr : "");
		return conn_disconnect(c, rc, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
				       "no matching %s found", what);
	}
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "bad KEXINIT from client");

	if (initial) {
		rc = conn_notify(c, tr->neg.strict_kex ? SSH_POLICY_Notify_StrictKex
						     : SSH_POLICY_Notify_NonStrictKex, NULL);
		if (rc < 0)
			return conn_disconnect(c, rc, SSH_DISCONNECT_PROTOCOL_ERROR,
					       "key exchange refused by policy");
		if (tr->neg.strict_kex) {
			/* T1: with strict kex nothing may precede the client's KEXINIT. */
			if (in->seqnr != 0)
				return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
					"strict KEX violation: KEXINIT was not the first packet");
			packet_set_strict_kex(c->pkt);
		}
		c->ext_info_c = tr->neg.ext_info_c;
	}
	c->mstate.kex_method = (uint64_t)tr->neg.kex->kind;
	tr->drop_guessed = tr->neg.ignore_guessed_packet;

	const struct mpl_bytes *k_s = hostkey_for(tr, tr->neg.hostkey_alg);
	if (k_s == NULL)
		return conn_disconnect(c, -ENOTSUP, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
				       "no host key for %s", sig_alg_name(tr->neg.hostkey_alg));
	tr->k_s = k_s;
	log_msg(c->log, LOG_LEVEL_DEBUG1, "kex: algorithm: %s, host key algorithm: %s%s",
		tr->neg.kex->name, sig_alg_name(tr->neg.hostkey_alg),
		tr->neg.strict_kex && initial ? ", strict" : "");

	struct kex_exchange_params xp = {
		.neg = &tr->neg,
		.v_c = tr->v_c, .v_c_len = tr->v_c_len,
		.v_s = tr->v_s, .v_s_len = tr->v_s_len,
		.i_c = tr->i_c, .i_c_len = tr->i_c_len,
		.i_s = tr->i_s, .i_s_len = tr->i_s_len,
		.hostkey_blob = k_s->ptr, .hostkey_blob_len = k_s->len,
		.session_id = initial ? NULL : c->session_id,
		.session_id_len = initial ? 0 : c->session_id_len,
		.moduli = tr->moduli,
		.sign = tr->sign, .sign_arg = tr->sign_arg,
	};
	kex_exchange_free(tr->x);
	tr->x = NULL;
	rc = kex_exchange_new(&tr->x, &xp);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
				       "cannot start %s: %s", tr->neg.kex->name, strerror(-rc));
	return 0;
}

/* RFC 8308 §2.4: what we tell the client after our first NEWKEYS. */
static int send_ext_info(struct conn *c)
{
	static const struct { const char *name, *value; } exts[] = {
		{ "server-sig-algs", server_sig_algs },
		{ "publickey-hostbound@openssh.com", "0" },
		{ "ping@openssh.com", "0" },
	};
	uint8_t buf[512];
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len;

	mpl_writer_init(&w, buf, sizeof(buf), 0, 0);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		struct ext_info_extension e;
		ext_info_extension_init(&e);
		e.name = mpl_bytes_str(exts[i].name);
		e.value = mpl_bytes_str(exts[i].value);
		(void)ext_info_extension_pack(&w, &e, &err);
	}
	int rc = mpl_writer_finish(&w, &len);
	if (rc < 0)
		return rc;
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Transport_ExtInfo);
	m.u.Transport_ExtInfo.nr_extensions = (uint32_t)(sizeof(exts) / sizeof(exts[0]));
	m.u.Transport_ExtInfo.extensions = (struct mpl_bytes){ mpl_writer_payload(&w, &len), len };
	return conn_send_now(c, &m, NULL, TRANSPORT_SEND_WAIT_MS);
}

/* The exchange is complete (our reply is queued): session id, keys, our NEWKEYS. */
static int finish_exchange(struct conn *c)
{
	struct transport *tr = c->tr;
	const uint8_t *h;
	size_t h_len;
	struct kex_keys keys;
	struct cipher_state *cs_in = NULL, *cs_out = NULL;
	bool initial = c->session_id_len == 0;

	int rc = kex_exchange_hash(tr->x, &h, &h_len);
	if (rc < 0 || h_len == 0 || h_len > sizeof(c->session_id))
		return conn_disconnect(c, rc < 0 ? rc : -EINVAL, SSH_DISCONNECT_BY_APPLICATION,
				       "no exchange hash");
	if (initial) {	/* T6: fixed by the first exchange, never changed */
		/* publickey-hostbound requests must name this key, whatever later
		 * exchanges sign with (OpenSSH's kex->initial_hostkey). */
		c->first_hostkey = malloc(tr->k_s->len > 0 ? tr->k_s->len : 1);
		if (c->first_hostkey == NULL)
			return conn_disconnect(c, -ENOMEM, SSH_DISCONNECT_BY_APPLICATION,
					       "out of memory");
		memcpy(c->first_hostkey, tr->k_s->ptr, tr->k_s->len);
		c->first_hostkey_len = tr->k_s->len;
		memcpy(c->session_id, h, h_len);
		c->session_id_len = h_len;
	}
	rc = kex_exchange_keys(tr->x, &keys);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot derive keys: %s", strerror(-rc));
	rc = kex_dir_keys_cipher_state(&keys.c2s, CIPHER_OPEN, &cs_in);
	if (rc == 0)
		rc = kex_dir_keys_cipher_state(&keys.s2c, CIPHER_SEAL, &cs_out);
	kex_keys_wipe(&keys);
	kex_exchange_free(tr->x);
	tr->x = NULL;
	if (rc < 0) {
		cipher_state_free(cs_in);
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot set up keys: %s", strerror(-rc));
	}
	/* The packet layer owns the states from here on, also on failure. */
	rc = packet_stage_keys(c->pkt, PACKET_IN, cs_in, tr->neg.c2s.comp == KEX_COMP_ZLIB_DELAYED);
	int rc2 = packet_stage_keys(c->pkt, PACKET_OUT, cs_out,
				    tr->neg.s2c.comp == KEX_COMP_ZLIB_DELAYED);
	if (rc == 0)
		rc = rc2;
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION, "cannot stage keys");

	struct ssh_msg nk;
	ssh_msg_init(&nk, ssh_msg_Transport_NewKeys);
	rc = conn_send_now(c, &nk, NULL, TRANSPORT_SEND_WAIT_MS);
	if (rc == 0)
		rc = packet_newkeys_sent(c->pkt, now_s(c));
	c->tx_kex = false;
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot send NEWKEYS: %s", strerror(-rc));
	if (initial && c->ext_info_c) {
		rc = send_ext_info(c);
		if (rc < 0)
			return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
					       "cannot send EXT_INFO: %s", strerror(-rc));
	}
	return 0;
}

static int handle_kex_method(struct conn *c, const struct ssh_msg *m)
{
	struct transport *tr = c->tr;
	struct ssh_msg reply;

	if (tr->x == NULL)
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "key exchange message outside a key exchange");
	memset(&reply, 0, sizeof(reply));
	int rc = kex_exchange_handle(tr->x, m, &reply);
	if (rc == -EBADMSG)
		return conn_disconnect(c, rc, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
				       "bad client public value in %s", tr->neg.kex->name);
	if (rc == -EPROTO)
		return conn_disconnect(c, rc, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "unexpected %s in %s", ssh_msg_kind_name(m->kind),
				       tr->neg.kex->name);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_KEY_EXCHANGE_FAILED,
				       "%s failed: %s", tr->neg.kex->name, strerror(-rc));
	int sent = conn_send_now(c, &reply, NULL, TRANSPORT_SEND_WAIT_MS);
	if (sent < 0)
		return conn_disconnect(c, sent, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot send %s: %s", ssh_msg_kind_name(reply.kind),
				       strerror(-sent));
	return rc == 1 ? finish_exchange(c) : 0;
}

static int handle_newkeys(struct conn *c)
{
	struct transport *tr = c->tr;
	int rc = packet_newkeys_received(c->pkt, now_s(c));
	if (rc < 0)
		return conn_disconnect(c, rc, packet_disconnect_reason(c->pkt, rc),
				       "%s", packet_error_cause(c->pkt, rc));
	c->kex_active = false;
	tr->sent_kexinit = tr->got_kexinit = false;
	free_payload(&tr->i_s, &tr->i_s_len);
	free_payload(&tr->i_c, &tr->i_c_len);
	tr->kex_count++;
	tr->keys_since_ms = c->now_ms;
	log_msg(c->log, LOG_LEVEL_DEBUG1, "key exchange %u done", tr->kex_count);
	/* Replies that raced the exchange (a re-key of ours crossing a request): the
	 * automata let them out only now that both NEWKEYS have passed. */
	rc = conn_send_held(c);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot send held replies: %s", strerror(-rc));
	return 0;
}

/* Text a peer sent, for a log line (log_msg escapes what is not printable). */
static int shown_len(struct mpl_bytes b)
{
	return b.len > 256 ? 256 : (int)b.len;
}

int transport_handle(struct conn *c, const struct ssh_msg *m, const struct packet_in *in)
{
	if (c->tr == NULL || m == NULL || in == NULL)
		return -EINVAL;
	switch (m->kind) {
	case ssh_msg_Transport_KexInit:
		return handle_kexinit(c, m, in);
	case ssh_msg_Transport_KexEcdhInit:
	case ssh_msg_Transport_KexDhInit:
	case ssh_msg_Transport_KexGexRequest:
	case ssh_msg_Transport_KexGexInit:
		return handle_kex_method(c, m);
	case ssh_msg_Transport_NewKeys:
		return handle_newkeys(c);
	case ssh_msg_Transport_ExtInfo:
		log_msg(c->log, LOG_LEVEL_DEBUG1, "client sent EXT_INFO with %u extensions",
			m->u.Transport_ExtInfo.nr_extensions);
		return 0;
	case ssh_msg_Transport_Ignore:
		log_msg(c->log, LOG_LEVEL_DEBUG3, "Received SSH2_MSG_IGNORE");
		return 0;
	case ssh_msg_Transport_Debug:
		log_msg(c->log, LOG_LEVEL_DEBUG1, "Remote: %.*s",
			shown_len(m->u.Transport_Debug.message),
			(const char *)m->u.Transport_Debug.message.ptr);
		return 0;
	case ssh_msg_Transport_Unimplemented:
		log_msg(c->log, LOG_LEVEL_DEBUG1, "Received SSH2_MSG_UNIMPLEMENTED for %u",
			m->u.Transport_Unimplemented.sequence_number);
		return 0;
	case ssh_msg_Transport_Ping: {
		/* A PING that crossed our re-key KEXINIT: PONG (193) is no transport message
		 * and may not go out until our NEWKEYS; like OpenSSH, no answer at all. */
		if (c->tx_kex || c->kex_active) {
			log_msg(c->log, LOG_LEVEL_DEBUG1, "Won't reply to PING during KEX");
			return 0;
		}
		struct ssh_msg pong;
		ssh_msg_init(&pong, ssh_msg_Transport_Pong);
		pong.u.Transport_Pong.data = m->u.Transport_Ping.data;
		int rc = conn_send_now(c, &pong, NULL, TRANSPORT_SEND_WAIT_MS);
		if (rc < 0)
			return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
					       "cannot send PONG: %s", strerror(-rc));
		return 0;
	}
	case ssh_msg_Transport_Disconnect: {
		const struct ssh_msg_Transport_Disconnect *d = &m->u.Transport_Disconnect;
		log_msg(c->log, LOG_LEVEL_INFO, "Received disconnect from %s port %d:%u: %.*s",
			c->ctx != NULL ? c->ctx->peer_addr : "?",
			c->ctx != NULL ? c->ctx->peer_port : 0, d->reason,
			shown_len(d->description), (const char *)d->description.ptr);
		/* T7: nothing more goes out; the loop ends. */
		c->closing = true;
		c->exit_status = 0;
		return 0;
	}
	default:
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "unexpected %s", ssh_msg_kind_name(m->kind));
	}
}
