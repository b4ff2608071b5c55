/* The transport layer (sshd/transport.c) against a client written here with the
 * generated codecs and crypto/: KEXINIT both ways, curve25519-sha256 (exchange hash
 * packed with keys.mpl's kex_hash_ecdh, host-key signature verified, keys derived with
 * kex_derive), NEWKEYS both ways, EXT_INFO, then traffic under the new keys; strict kex
 * and Terrapin's injected IGNORE; re-keys from both sides; PING; DISCONNECT; a wrong
 * guessed kex packet; no common algorithm. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "keys.h"
#include "ssh.h"

#include "crypto/hash.h"
#include "crypto/hostkey.h"
#include "crypto/kex_x25519.h"
#include "regress/netloop/client_kex_util.h"
#include "regress/netloop/netloop_test_util.h"
#include "regress/transport/transport_test_util.h"
#include "sshd/conn.h"
#include "sshd/kex_derive.h"
#include "sshd/kex_negotiate.h"
#include "sshd/keyblob.h"
#include "sshd/transport.h"
#include "sshd/userauth.h"

#define V_C "SSH-2.0-netloop_test_client"
#define V_S "SSH-2.0-msshd_test"

struct client {
	struct packet *pkt;
	uint8_t i_c[2048], i_s[2048];
	size_t i_c_len, i_s_len;
	struct kex_lists server_lists;	/* views into i_s */
	struct kex_lists my_lists;	/* views into i_c */
	uint8_t session_id[64];
	size_t session_id_len;
	const char *kex;		/* our kex list */
	bool strict;
};

struct fixture {
	struct nt_log log;
	struct nt_ctx t;
	struct conn c;
	struct hostkey *hk;
	uint8_t blob[KEYBLOB_MAX];
	struct mpl_bytes blobs[1];
	const struct pubkey *keys[1];
	struct client cl;
	int signs;
};

static int sign_cb(void *arg, const uint8_t *key_blob, size_t key_len, const char *alg,
		   const uint8_t *h, size_t h_len, uint8_t *sig, size_t sig_cap)
{
	struct fixture *f = arg;
	assert_true(key_len == f->blobs[0].len && memcmp(key_blob, f->blob, key_len) == 0);
	int a = sig_alg_from_name(alg, strlen(alg));
	assert_true(a > 0);
	f->signs++;
	return sigblob_sign(f->hk, (enum sig_alg)a, h, h_len, sig, sig_cap);
}

static void server_up(struct fixture *f, const char *server_kex)
{
	struct kex_proposal prop;
	enum kex_list_id failed;
	struct kex_server_config ksc = {
		.kex_algorithms = server_kex,
		.hostkeys = f->keys,
		.n_hostkeys = 1,
	};
	assert_int_equal(kex_proposal_build(&prop, &ksc, &failed), 0);
	assert_int_equal(conn_init(&f->c, &f->t.ctx, &f->log.lg, -1, -1, 5000), 0);
	struct transport_params tp = {
		.proposal = &prop,
		.v_s = V_S, .v_s_len = strlen(V_S),
		.hostkey_blobs = f->blobs, .hostkeys = f->keys, .n_hostkeys = 1,
		.sign = sign_cb, .sign_arg = f,
	};
	assert_int_equal(transport_new(&f->c, &tp), 0);
	/* the proposal was copied: clobbering ours must not matter */
	memset(&prop, 0x55, sizeof(prop));
	assert_int_equal(transport_set_peer_version(&f->c, V_C, strlen(V_C)), 0);
	assert_int_equal(transport_start(&f->c), 0);
	assert_true(f->c.kex_active);
}

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));
	nt_log_open(&f->log);
	nt_ctx_init(&f->t);
	assert_int_equal(hostkey_generate(&f->hk, PUBKEY_ED25519, 0), 0);
	f->keys[0] = hostkey_pubkey(f->hk);
	int n = keyblob_encode(f->keys[0], f->blob, sizeof(f->blob));
	assert_true(n > 0);
	f->blobs[0] = (struct mpl_bytes){ f->blob, (size_t)n };
	assert_int_equal(packet_new(&f->cl.pkt, 0, 5), 0);
	f->cl.kex = "curve25519-sha256,ext-info-c,kex-strict-c-v00@openssh.com";
	f->cl.strict = true;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	userauth_free(f->c.ua);
	transport_free(&f->c);
	assert_null(f->c.tr);
	conn_fini(&f->c);
	packet_free(f->cl.pkt);
	hostkey_free(f->hk);
	nt_ctx_fini(&f->t);
	nt_log_close(&f->log);
	test_free(f);
	return 0;
}

/* ---- the client ---- */

static void cl_send(struct fixture *f, const struct ssh_msg *m)
{
	struct mpl_writer w;
	struct mpl_error err = {0};
	assert_int_equal(packet_begin(f->cl.pkt, 0, &w), 0);
	assert_int_equal(ssh_msg_pack(&w, m, &err), 0);
	assert_int_equal(packet_commit(f->cl.pkt, &w, NULL), 0);
}

/* The next message from the server (1), or 0 when none is waiting. */
static int cl_recv(struct fixture *f, struct ssh_msg *m, uint8_t *copy, size_t *copy_len)
{
	struct packet_in in;
	struct mpl_error err = {0};
	struct ssh_msg_state st = { .kex_method = SSH_KEX_ECDH };
	tu_transfer(f->c.pkt, f->cl.pkt, 0, 0);
	int rc = packet_next(f->cl.pkt, &in);
	assert_true(rc >= 0);
	if (rc == 0)
		return 0;
	assert_int_equal(ssh_msg_unpack(in.payload, in.len, &st, m, &err), 0);
	if (copy != NULL) {
		assert_true(in.len <= 2048);
		memcpy(copy, in.payload, in.len);
		*copy_len = in.len;
	}
	return 1;
}

static void cl_expect(struct fixture *f, enum ssh_msg_kind kind, struct ssh_msg *m)
{
	assert_int_equal(cl_recv(f, m, NULL, NULL), 1);
	assert_string_equal(ssh_msg_kind_name(m->kind), ssh_msg_kind_name(kind));
}

static void cl_send_kexinit(struct fixture *f, bool guess_follows)
{
	struct ssh_msg m;
	static const uint8_t cookie[16] = { 1, 2, 3 };
	ssh_msg_init(&m, ssh_msg_Transport_KexInit);
	struct ssh_msg_Transport_KexInit *k = &m.u.Transport_KexInit;
	k->cookie = (struct mpl_bytes){ cookie, 16 };
	k->kex_algorithms = mpl_bytes_str(f->cl.kex);
	k->server_host_key_algorithms = mpl_bytes_str("ssh-ed25519");
	k->encryption_algorithms_client_to_server = mpl_bytes_str("aes256-gcm@openssh.com");
	k->encryption_algorithms_server_to_client = mpl_bytes_str("chacha20-poly1305@openssh.com");
	k->mac_algorithms_client_to_server = mpl_bytes_str("hmac-sha2-256");
	k->mac_algorithms_server_to_client = mpl_bytes_str("hmac-sha2-256");
	k->compression_algorithms_client_to_server = mpl_bytes_str("none");
	k->compression_algorithms_server_to_client = mpl_bytes_str("none");
	k->first_kex_packet_follows = guess_follows;
	f->cl.i_c_len = nt_pack(&m, f->cl.i_c, sizeof(f->cl.i_c));
	struct ssh_msg back;
	struct mpl_error err = {0};
	struct ssh_msg_state st = {0};
	assert_int_equal(ssh_msg_unpack(f->cl.i_c, f->cl.i_c_len, &st, &back, &err), 0);
	kex_lists_from_kexinit(&back.u.Transport_KexInit, &f->cl.my_lists);
	cl_send(f, &m);
}

static void cl_recv_kexinit(struct fixture *f)
{
	struct ssh_msg m;
	assert_int_equal(cl_recv(f, &m, f->cl.i_s, &f->cl.i_s_len), 1);
	assert_int_equal(m.kind, ssh_msg_Transport_KexInit);
	struct ssh_msg back;
	struct mpl_error err = {0};
	struct ssh_msg_state st = {0};
	assert_int_equal(ssh_msg_unpack(f->cl.i_s, f->cl.i_s_len, &st, &back, &err), 0);
	kex_lists_from_kexinit(&back.u.Transport_KexInit, &f->cl.server_lists);
	assert_true(mpl_namelist_contains(f->cl.server_lists.list[KEX_LIST_KEX],
					  "kex-strict-s-v00@openssh.com"));
}

/* ---- the server, as the event loop drives it ---- */

/* Everything the client sent, through the gate and the transport; the first error. */
static int srv_step(struct fixture *f)
{
	struct packet_in in;
	int rc = 0;
	tu_transfer(f->cl.pkt, f->c.pkt, 0, 0);
	while (!f->c.closing && (rc = packet_next(f->c.pkt, &in)) == 1) {
		if (transport_drop_guessed(&f->c))
			continue;
		struct ssh_msg m;
		struct ssh_policy_channel *ch;
		rc = conn_recv(&f->c, &in, &m, NULL, NULL, &ch);
		if (rc < 0)
			return rc;
		/* SERVICE_REQUEST goes to the auth layer, as netchild.c routes it */
		if (m.kind == ssh_msg_Transport_ServiceRequest && f->c.ua != NULL)
			rc = userauth_handle(&f->c, &m);
		else
			rc = transport_handle(&f->c, &m, &in);
		if (rc < 0)
			return rc;
	}
	return f->c.closing ? 0 : rc;
}

/* ---- one curve25519-sha256 exchange from the client's side ---- */

enum inject { INJECT_NONE, INJECT_IGNORE_AFTER_INIT, INJECT_IGNORE_BEFORE_INIT };

/* The client's ECDH_INIT after both KEXINITs crossed; then the reply, the keys, NEWKEYS
 * both ways.  Returns srv_step's result at the first failure (the exchange stops). */
static int cl_finish_kex(struct fixture *f, bool initial, enum inject inject)
{
	struct ssh_msg m;
	struct kex_x25519 *x;
	uint8_t q_c[32], k_mag[32], kenc[64], h[32];
	int rc;

	if (inject == INJECT_IGNORE_BEFORE_INIT) {
		ssh_msg_init(&m, ssh_msg_Transport_Ignore);
		cl_send(f, &m);
	}
	assert_int_equal(kex_x25519_new(&x), 0);
	assert_int_equal(kex_x25519_public(x, q_c, sizeof(q_c)), 32);
	ssh_msg_init(&m, ssh_msg_Transport_KexEcdhInit);
	m.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ q_c, 32 };
	cl_send(f, &m);
	if (inject == INJECT_IGNORE_AFTER_INIT) {
		ssh_msg_init(&m, ssh_msg_Transport_Ignore);
		m.u.Transport_Ignore.data = mpl_bytes_str("terrapin");
		cl_send(f, &m);
	}
	rc = srv_step(f);
	if (rc < 0) {
		kex_x25519_free(x);
		return rc;
	}

	/* The reply: K_S is our host key, the signature verifies over H. */
	cl_expect(f, ssh_msg_Transport_KexEcdhReply, &m);
	const struct ssh_msg_Transport_KexEcdhReply *r = &m.u.Transport_KexEcdhReply;
	assert_true(mpl_bytes_eq(r->k_s, f->blobs[0]));
	assert_int_equal(r->q_s.len, 32);
	int n = kex_x25519_shared(x, r->q_s.ptr, r->q_s.len, k_mag, sizeof(k_mag));
	assert_true(n > 0);
	kex_x25519_free(x);
	int klen = kex_derive_encode_mpint(k_mag, (size_t)n, kenc, sizeof(kenc));
	assert_true(klen > 4);
	struct kex_hash_ecdh hin = {
		.v_c = mpl_bytes_str(V_C), .v_s = mpl_bytes_str(V_S),
		.i_c = { f->cl.i_c, f->cl.i_c_len }, .i_s = { f->cl.i_s, f->cl.i_s_len },
		.k_s = r->k_s, .q_c = { q_c, 32 }, .q_s = r->q_s,
	};
	assert_int_equal(ck_exchange_hash_sha256(&hin, kenc, (size_t)klen, h), 0);
	struct pubkey *hostkey;
	assert_int_equal(keyblob_decode(r->k_s.ptr, r->k_s.len, &hostkey), 0);
	assert_int_equal(sigblob_verify(hostkey, SIG_ALG_ED25519, r->signature.ptr,
					r->signature.len, h, sizeof(h), 0), 0);
	pubkey_free(hostkey);
	if (initial) {
		memcpy(f->cl.session_id, h, 32);
		f->cl.session_id_len = 32;
	}

	/* The keys of the negotiated algorithms, each direction from the client's side. */
	struct kex_negotiated neg;
	assert_int_equal(kex_negotiate(&f->cl.my_lists, false, &f->cl.server_lists, initial,
				       &neg), 0);
	assert_int_equal(neg.strict_kex, initial && f->cl.strict);
	struct kex_derive_algs c2s = { neg.c2s.cipher, neg.c2s.mac };
	struct kex_derive_algs s2c = { neg.s2c.cipher, neg.s2c.mac };
	struct kex_keys keys;
	assert_int_equal(kex_derive_keys(HASH_SHA256, kenc, (size_t)klen, h, 32,
					 f->cl.session_id, f->cl.session_id_len, &c2s, &s2c,
					 &keys), 0);
	struct cipher_state *seal, *open;
	assert_int_equal(kex_dir_keys_cipher_state(&keys.c2s, CIPHER_SEAL, &seal), 0);
	assert_int_equal(kex_dir_keys_cipher_state(&keys.s2c, CIPHER_OPEN, &open), 0);
	kex_keys_wipe(&keys);
	if (initial && f->cl.strict)
		packet_set_strict_kex(f->cl.pkt);
	assert_int_equal(packet_stage_keys(f->cl.pkt, PACKET_OUT, seal, false), 0);
	assert_int_equal(packet_stage_keys(f->cl.pkt, PACKET_IN, open, false), 0);

	/* The server's NEWKEYS, then what it sends under the new keys. */
	cl_expect(f, ssh_msg_Transport_NewKeys, &m);
	assert_int_equal(packet_newkeys_received(f->cl.pkt, 5), 0);
	if (initial && strstr(f->cl.kex, "ext-info-c") != NULL) {
		cl_expect(f, ssh_msg_Transport_ExtInfo, &m);
		assert_int_equal(m.u.Transport_ExtInfo.nr_extensions, 3);
		struct mpl_reader rd;
		struct ext_info_extension e;
		struct mpl_error err = {0};
		mpl_reader_init(&rd, m.u.Transport_ExtInfo.extensions.ptr,
				m.u.Transport_ExtInfo.extensions.len);
		assert_int_equal(ext_info_extension_read(&rd, &e, &err), 0);
		assert_true(mpl_bytes_eq_str(e.name, "server-sig-algs"));
		assert_true(mpl_namelist_contains(e.value, "rsa-sha2-512"));
		assert_true(mpl_namelist_contains(e.value, "ssh-ed25519"));
		assert_false(mpl_namelist_contains(e.value, "ssh-rsa"));
		assert_int_equal(ext_info_extension_read(&rd, &e, &err), 0);
		assert_true(mpl_bytes_eq_str(e.name, "publickey-hostbound@openssh.com"));
		assert_true(mpl_bytes_eq_str(e.value, "0"));
		assert_int_equal(ext_info_extension_read(&rd, &e, &err), 0);
		assert_true(mpl_bytes_eq_str(e.name, "ping@openssh.com"));
	}
	assert_int_equal(cl_recv(f, &m, NULL, NULL), 0);
	assert_true(f->c.kex_active);	/* until the client's NEWKEYS */

	ssh_msg_init(&m, ssh_msg_Transport_NewKeys);
	cl_send(f, &m);
	assert_int_equal(packet_newkeys_sent(f->cl.pkt, 5), 0);
	rc = srv_step(f);
	if (rc < 0)
		return rc;
	assert_false(f->c.kex_active);
	/* The session id is the first exchange's hash, whatever came after. */
	assert_int_equal(f->c.session_id_len, 32);
	assert_memory_equal(f->c.session_id, f->cl.session_id, 32);
	return 0;
}

/* An IGNORE under the newest keys reaches the transport (and nothing comes back). */
static void check_traffic(struct fixture *f)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Transport_Ignore);
	m.u.Transport_Ignore.data = mpl_bytes_str("after newkeys");
	cl_send(f, &m);
	assert_int_equal(srv_step(f), 0);
	assert_false(f->c.closing);
	assert_true(nt_log_contains(&f->log, "Received SSH2_MSG_IGNORE"));
	assert_int_equal(cl_recv(f, &m, NULL, NULL), 0);
}

static void initial_kex(struct fixture *f, enum inject inject)
{
	server_up(f, NULL);
	cl_send_kexinit(f, false);
	cl_recv_kexinit(f);
	assert_int_equal(cl_finish_kex(f, true, inject), 0);
	assert_int_equal(transport_kex_count(&f->c), 1);
}

/* The initial exchange with strict kex and ext-info, then traffic under the keys. */
static void test_initial_kex_strict(void **state)
{
	struct fixture *f = *state;
	initial_kex(f, INJECT_NONE);
	assert_true(f->c.ext_info_c);
	assert_int_equal(f->signs, 1);
	/* strict kex: both sequence numbers restarted at NEWKEYS */
	assert_int_equal(packet_seqnr(f->c.pkt, PACKET_IN), 0);
	assert_int_equal(packet_seqnr(f->c.pkt, PACKET_OUT), 1);	/* EXT_INFO */
	check_traffic(f);
}

/* Without strict kex an IGNORE may come between the messages of the exchange. */
static void test_initial_kex_nonstrict_ignore(void **state)
{
	struct fixture *f = *state;
	f->cl.kex = "curve25519-sha256";
	f->cl.strict = false;
	initial_kex(f, INJECT_IGNORE_AFTER_INIT);
	assert_false(f->c.ext_info_c);
	/* not strict: sequence numbers go on counting */
	assert_int_equal(packet_seqnr(f->c.pkt, PACKET_IN), 4);
	check_traffic(f);
}

/* Terrapin (CVE-2023-48795): with strict kex an IGNORE before the client's NEWKEYS is a
 * protocol violation. */
static void test_strict_ignore_refused(void **state)
{
	struct fixture *f = *state;
	server_up(f, NULL);
	cl_send_kexinit(f, false);
	cl_recv_kexinit(f);
	assert_int_equal(cl_finish_kex(f, true, INJECT_IGNORE_AFTER_INIT), -EPROTO);
	assert_true(nt_log_contains(&f->log, "Receive_Transport_Ignore refused"));
}

static void test_strict_ignore_before_init_refused(void **state)
{
	struct fixture *f = *state;
	server_up(f, NULL);
	cl_send_kexinit(f, false);
	cl_recv_kexinit(f);
	assert_int_equal(cl_finish_kex(f, true, INJECT_IGNORE_BEFORE_INIT), -EPROTO);
}

/* T1: nothing before the client's KEXINIT. */
static void test_ignore_before_kexinit_refused(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	server_up(f, NULL);
	ssh_msg_init(&m, ssh_msg_Transport_Ignore);
	cl_send(f, &m);
	cl_send_kexinit(f, false);
	assert_int_equal(srv_step(f), -EPROTO);
}

/* A re-key the client starts: our KEXINIT answers, the session id stays. */
static void test_rekey_by_client(void **state)
{
	struct fixture *f = *state;
	initial_kex(f, INJECT_NONE);
	cl_send_kexinit(f, false);
	assert_int_equal(srv_step(f), 0);
	assert_true(f->c.kex_active);
	cl_recv_kexinit(f);
	assert_int_equal(cl_finish_kex(f, false, INJECT_NONE), 0);
	assert_int_equal(transport_kex_count(&f->c), 2);
	assert_int_equal(f->signs, 2);
	check_traffic(f);
}

/* A re-key we start: by hand, and when RekeyLimit's data limit is passed. */
static void test_rekey_by_server(void **state)
{
	struct fixture *f = *state;
	f->t.cfg.rekey_limit = 64;	/* bytes */
	initial_kex(f, INJECT_NONE);
	/* not during an exchange, and only once */
	assert_int_equal(transport_rekey(&f->c), 0);
	assert_true(f->c.kex_active);
	size_t queued = packet_tx_pending(f->c.pkt);
	assert_int_equal(transport_rekey(&f->c), 0);
	assert_int_equal(packet_tx_pending(f->c.pkt), queued);
	/* T3: an upper-layer message waits for our NEWKEYS ("no room now") */
	struct ssh_msg fail;
	ssh_msg_init(&fail, ssh_msg_Auth_Failure);
	fail.u.Auth_Failure.methods = mpl_bytes_str("publickey");
	assert_int_equal(conn_send(&f->c, &fail, NULL), -ENOSPC);
	assert_int_equal(packet_tx_pending(f->c.pkt), queued);
	cl_recv_kexinit(f);
	cl_send_kexinit(f, false);
	assert_int_equal(cl_finish_kex(f, false, INJECT_NONE), 0);
	assert_int_equal(transport_kex_count(&f->c), 2);

	/* 64 bytes pass quickly: once the user is in, the next tick starts a re-key by
	 * itself; before, it does not (OpenSSH's client refuses a KEXINIT while it
	 * authenticates) */
	check_traffic(f);
	assert_false(f->c.kex_active);
	struct ssh_msg m;
	static const uint8_t big[200];
	ssh_msg_init(&m, ssh_msg_Transport_Ignore);
	m.u.Transport_Ignore.data = (struct mpl_bytes){ big, sizeof(big) };
	cl_send(f, &m);
	assert_int_equal(srv_step(f), 0);
	f->c.now_ms += 1000;
	int next = 60000;
	assert_int_equal(transport_tick(&f->c, &next), 0);
	assert_false(f->c.kex_active);
	f->c.authenticated = true;
	assert_int_equal(transport_tick(&f->c, &next), 0);
	assert_true(f->c.kex_active);
	cl_recv_kexinit(f);
	cl_send_kexinit(f, false);
	assert_int_equal(cl_finish_kex(f, false, INJECT_NONE), 0);
	assert_int_equal(transport_kex_count(&f->c), 3);
}

/* RekeyLimit's time: the tick says when to look again, and re-keys once it passed. */
static void test_rekey_by_time(void **state)
{
	struct fixture *f = *state;
	f->t.cfg.rekey_interval = 10;
	initial_kex(f, INJECT_NONE);
	int next = 60000;
	f->c.now_ms += 11000;
	assert_int_equal(transport_tick(&f->c, &next), 0);
	assert_false(f->c.kex_active);		/* not before authentication */
	f->c.now_ms -= 11000;
	f->c.authenticated = true;
	assert_int_equal(transport_tick(&f->c, &next), 0);
	assert_false(f->c.kex_active);
	assert_true(next > 9000 && next <= 10000);
	f->c.now_ms += 11000;
	assert_int_equal(transport_tick(&f->c, &next), 0);
	assert_true(f->c.kex_active);
}

static void cl_send_service_request(struct fixture *f)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Transport_ServiceRequest);
	m.u.Transport_ServiceRequest.service = mpl_bytes_str("ssh-userauth");
	cl_send(f, &m);
}

/* RFC 4253 §7.1 binds a party from its own KEXINIT on: a client that has not seen our
 * re-key KEXINIT yet may send SERVICE_REQUEST (RekeyLimit tiny: our re-key starts right
 * after the first exchange).  It is taken, SERVICE_ACCEPT follows the client's NEWKEYS;
 * a PING in the same window gets no PONG (not a transport message), as in OpenSSH. */
static void test_service_request_crosses_our_rekey(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	initial_kex(f, INJECT_NONE);
	assert_int_equal(userauth_new(&f->c.ua, &f->c), 0);
	assert_int_equal(transport_rekey(&f->c), 0);
	assert_true(f->c.tx_kex);
	cl_send_service_request(f);
	ssh_msg_init(&m, ssh_msg_Transport_Ping);
	m.u.Transport_Ping.data = mpl_bytes_str("crossed");
	cl_send(f, &m);
	assert_int_equal(srv_step(f), 0);
	assert_false(f->c.closing);
	/* only our KEXINIT went out: no SERVICE_ACCEPT, no PONG inside our exchange */
	cl_recv_kexinit(f);
	assert_int_equal(cl_recv(f, &m, NULL, NULL), 0);
	cl_send_kexinit(f, false);
	assert_int_equal(cl_finish_kex(f, false, INJECT_NONE), 0);
	assert_int_equal(transport_kex_count(&f->c), 2);
	cl_expect(f, ssh_msg_Transport_ServiceAccept, &m);
	assert_true(mpl_bytes_eq_str(m.u.Transport_ServiceAccept.service, "ssh-userauth"));
	assert_int_equal(cl_recv(f, &m, NULL, NULL), 0);
	assert_false(nt_log_contains(&f->log, "protocol violation"));
	/* once the exchange is over, PING is answered again */
	ssh_msg_init(&m, ssh_msg_Transport_Ping);
	m.u.Transport_Ping.data = mpl_bytes_str("after");
	cl_send(f, &m);
	assert_int_equal(srv_step(f), 0);
	cl_expect(f, ssh_msg_Transport_Pong, &m);
}

/* After the client's KEXINIT it may send only transport messages until its NEWKEYS: a
 * SERVICE_REQUEST there still ends the connection, in a re-key of ours as well. */
static void test_service_request_in_client_rekey_refused(void **state)
{
	struct fixture *f = *state;
	initial_kex(f, INJECT_NONE);
	assert_int_equal(userauth_new(&f->c.ua, &f->c), 0);
	assert_int_equal(transport_rekey(&f->c), 0);
	cl_recv_kexinit(f);
	cl_send_kexinit(f, false);
	cl_send_service_request(f);
	assert_int_equal(srv_step(f), -EPROTO);
	assert_true(nt_log_contains(&f->log,
		"protocol violation: received Receive_Transport_ServiceRequest refused by transport"));
}

/* publickey-hostbound binds the host key of the FIRST exchange: the transport records
 * it then, and a re-key does not change it. */
static void test_first_hostkey_recorded(void **state)
{
	struct fixture *f = *state;
	server_up(f, NULL);
	assert_null(f->c.first_hostkey);
	cl_send_kexinit(f, false);
	cl_recv_kexinit(f);
	assert_int_equal(cl_finish_kex(f, true, INJECT_NONE), 0);
	assert_int_equal(f->c.first_hostkey_len, f->blobs[0].len);
	assert_memory_equal(f->c.first_hostkey, f->blobs[0].ptr, f->blobs[0].len);
	const uint8_t *kept = f->c.first_hostkey;
	assert_int_equal(transport_rekey(&f->c), 0);
	cl_recv_kexinit(f);
	cl_send_kexinit(f, false);
	assert_int_equal(cl_finish_kex(f, false, INJECT_NONE), 0);
	assert_ptr_equal(f->c.first_hostkey, kept);
	assert_memory_equal(f->c.first_hostkey, f->blobs[0].ptr, f->blobs[0].len);
}

/* ping@openssh.com: PONG with the same data. */
static void test_ping(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	initial_kex(f, INJECT_NONE);
	ssh_msg_init(&m, ssh_msg_Transport_Ping);
	m.u.Transport_Ping.data = mpl_bytes_str("are you there");
	cl_send(f, &m);
	assert_int_equal(srv_step(f), 0);
	cl_expect(f, ssh_msg_Transport_Pong, &m);
	assert_true(mpl_bytes_eq_str(m.u.Transport_Pong.data, "are you there"));
}

/* The client's DISCONNECT: logged as OpenSSH, the connection ends with status 0. */
static void test_disconnect_received(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	initial_kex(f, INJECT_NONE);
	ssh_msg_init(&m, ssh_msg_Transport_Disconnect);
	m.u.Transport_Disconnect.reason = 11;
	m.u.Transport_Disconnect.description = mpl_bytes_str("disconnected by user");
	cl_send(f, &m);
	assert_int_equal(srv_step(f), 0);
	assert_true(f->c.closing);
	assert_int_equal(f->c.exit_status, 0);
	assert_true(nt_log_contains(&f->log,
		"Received disconnect from 127.0.0.1 port 4242:11: disconnected by user"));
	/* T7: nothing more goes out */
	assert_int_equal(packet_tx_pending(f->c.pkt), 0);
}

/* RFC 4253 §7.1: the client guessed another method than ours first: the packet after
 * its KEXINIT is dropped unread. */
static void test_wrong_guess_dropped(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	f->cl.kex = "curve25519-sha256,ecdh-sha2-nistp256,kex-strict-c-v00@openssh.com";
	server_up(f, "ecdh-sha2-nistp256,curve25519-sha256");
	cl_send_kexinit(f, true);
	/* the guess: garbage that would fail as an ECDH_INIT */
	ssh_msg_init(&m, ssh_msg_Transport_KexEcdhInit);
	m.u.Transport_KexEcdhInit.q_c = mpl_bytes_str("not a point");
	cl_send(f, &m);
	cl_recv_kexinit(f);
	assert_int_equal(cl_finish_kex(f, true, INJECT_NONE), 0);
	assert_false(f->c.closing);
}

/* No common key exchange method: KEY_EXCHANGE_FAILED with OpenSSH's wording. */
static void test_no_matching_kex(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	f->cl.kex = "diffie-hellman-group1-sha1,kex-strict-c-v00@openssh.com";
	server_up(f, NULL);
	cl_send_kexinit(f, false);
	assert_int_equal(srv_step(f), -ENOTSUP);
	assert_true(f->c.closing);
	assert_int_equal(f->c.exit_status, 255);
	assert_true(nt_log_contains(&f->log, "Unable to negotiate with 127.0.0.1 port 4242: "
				    "no matching key exchange method found. Their offer: "
				    "diffie-hellman-group1-sha1"));
	cl_recv_kexinit(f);
	cl_expect(f, ssh_msg_Transport_Disconnect, &m);
	assert_int_equal(m.u.Transport_Disconnect.reason, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
	assert_true(mpl_bytes_eq_str(m.u.Transport_Disconnect.description,
				     "no matching key exchange method found"));
}

/* A bad client public value: KEY_EXCHANGE_FAILED. */
static void test_bad_client_value(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	static const uint8_t zero[32];
	server_up(f, NULL);
	cl_send_kexinit(f, false);
	ssh_msg_init(&m, ssh_msg_Transport_KexEcdhInit);
	m.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ zero, 32 };	/* low order */
	cl_send(f, &m);
	assert_true(srv_step(f) < 0);
	assert_true(f->c.closing);
	assert_int_equal(f->signs, 0);
	cl_recv_kexinit(f);
	cl_expect(f, ssh_msg_Transport_Disconnect, &m);
	assert_int_equal(m.u.Transport_Disconnect.reason, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_initial_kex_strict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initial_kex_nonstrict_ignore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strict_ignore_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strict_ignore_before_init_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ignore_before_kexinit_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rekey_by_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rekey_by_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rekey_by_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_request_crosses_our_rekey, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_service_request_in_client_rekey_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_first_hostkey_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect_received, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_guess_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_matching_kex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_client_value, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
