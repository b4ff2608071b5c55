/* sshd/userauth.c against a scripted monitor and a client that reads the wire.
 *
 * The connection is a real struct conn (conn_init: none cipher, the SPL automata) over a
 * socketpair; the automata are stepped through a strict key exchange by hand so that the
 * auth layer is open.  Client messages go in through conn_recv (classified, unpacked
 * and checked by SPL as in the daemon), then userauth_handle.  What the server sends is
 * written to the socket, read back on the client's end and framed by a second packet
 * layer, then unpacked with the generated codec.
 *
 * The monitor is the other end of a SEQPACKET socketpair: its answers are queued before
 * the call that needs them (mon_client's calls are blocking round trips; the answer is
 * already there), and the requests userauth made are read afterwards and checked. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <monitor.h>		/* generated from sshd/proto/monitor.mpl */
#include "sshd/config.h"
#include "sshd/conn.h"
#include "sshd/conn_ctx.h"
#include "sshd/log.h"
#include "sshd/mon_client.h"
#include "sshd/packet.h"
#include "sshd/userauth.h"
#include "ssh.h"
#include "ssh_policy.h"

#define PEER_ADDR "192.0.2.7"
#define PEER_PORT 50022
#define T0_MS 5000

static const uint8_t SESSION_ID[32] = {
	0x5e, 0x55, 0x10, 0x4e, 0x1d, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
	0x17, 0x18, 0x19, 0xff,
};
/* Opaque to userauth: it only passes these bytes on. */
#define USER_ALG "ssh-ed25519"
static const uint8_t USER_KEY[] = "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
static const uint8_t HOST_KEY[] = "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"
				  "hosthosthosthosthosthosthosthost";
static const uint8_t OTHER_HOST_KEY[] = "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"
					"otherotherotherotherotherotherot";
static const uint8_t SIGNATURE[] = "\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x40"
				   "sigsigsigsigsigsigsigsigsigsigsigsigsigsigsigsigsigsigsigsigsig!";

struct fx {
	struct sshd_config cfg;
	struct sshd_conn_ctx ctx;
	struct log_ctx log;
	char log_path[64];
	struct conn c;
	int ssh[2];		/* [0] the server's socket, [1] the client's */
	int mon[2];		/* [0] mon_client's, [1] the scripted monitor's */
	struct packet *client_rx;
	struct ssh_msg_state client_st;
	uint8_t rec[MONITOR_MONITOR_MAX_BODY + 5];
};

/* --- set-up --- */

static void step(struct fx *f, unsigned sc)
{
	assert_int_equal(conn_notify(&f->c, sc, NULL), 0);
}

/* The automata through a strict initial key exchange: the auth layer opens next. */
static void kex_done(struct fx *f)
{
	step(f, Transmit_Transport_KexInit);
	step(f, Receive_Transport_KexInit);
	step(f, SSH_POLICY_Notify_StrictKex);
	step(f, Receive_Transport_KexEcdhInit);
	step(f, Transmit_Transport_KexEcdhReply);
	step(f, Transmit_Transport_NewKeys);
	step(f, Receive_Transport_NewKeys);
	memcpy(f->c.session_id, SESSION_ID, sizeof(SESSION_ID));
	f->c.session_id_len = sizeof(SESSION_ID);
	/* as transport.c records it when the first exchange ends; conn_fini frees it */
	f->c.first_hostkey = malloc(sizeof(HOST_KEY) - 1);
	assert_non_null(f->c.first_hostkey);
	memcpy(f->c.first_hostkey, HOST_KEY, sizeof(HOST_KEY) - 1);
	f->c.first_hostkey_len = sizeof(HOST_KEY) - 1;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	sshd_config_init(&f->cfg);
	f->ctx.cfg = &f->cfg;
	snprintf(f->ctx.peer_addr, sizeof(f->ctx.peer_addr), "%s", PEER_ADDR);
	f->ctx.peer_port = PEER_PORT;
	snprintf(f->ctx.local_addr, sizeof(f->ctx.local_addr), "127.0.0.1");
	f->ctx.local_port = 22;
	f->ctx.startup_fd = -1;

	snprintf(f->log_path, sizeof(f->log_path), "/tmp/msshd-userauth-log.XXXXXX");
	int lfd = mkstemp(f->log_path);
	assert_true(lfd >= 0);
	close(lfd);
	assert_int_equal(log_init(&f->log, "test", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR, 0, -1), 0);
	assert_int_equal(log_open_file(&f->log, f->log_path), 0);
	f->ctx.log = &f->log;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->ssh), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, f->mon), 0);
	assert_int_equal(fcntl(f->ssh[1], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(conn_init(&f->c, &f->ctx, &f->log, f->ssh[0], f->ssh[0], T0_MS), 0);
	assert_int_equal(mon_client_new(&f->c.mon, f->mon[0], &f->log), 0);
	assert_int_equal(userauth_new(&f->c.ua, &f->c), 0);
	assert_int_equal(packet_new(&f->client_rx, 0, 0), 0);
	kex_done(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	userauth_free(f->c.ua);
	mon_client_free(f->c.mon);	/* closes mon[0] */
	conn_fini(&f->c);
	packet_free(f->client_rx);
	close(f->ssh[0]);
	close(f->ssh[1]);
	close(f->mon[1]);
	log_close(&f->log);
	unlink(f->log_path);
	sshd_config_free(&f->cfg);
	free(f);
	return 0;
}

/* --- the client's side of the SSH connection --- */

/* A client message through the receive gate, then to userauth; returns the latter. */
static int client_send(struct fx *f, const struct ssh_msg *m)
{
	static uint8_t buf[65536];
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len;
	assert_int_equal(mpl_writer_init(&w, buf, sizeof(buf), 0, 0), 0);
	assert_int_equal(ssh_msg_pack(&w, m, &err), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	struct packet_in in = { .payload = buf, .len = len, .seqnr = 3 };
	struct ssh_msg got;
	struct ssh_policy_channel *ch = NULL;
	assert_int_equal(conn_recv(&f->c, &in, &got, NULL, NULL, &ch), 0);
	assert_int_equal(got.kind, m->kind);
	return userauth_handle(&f->c, &got);
}

/* The next message the server sent: 1 with *m (views valid until the next call) and,
 * when raw is not NULL, the payload's bytes; 0 when it sent nothing more. */
static int server_next(struct fx *f, struct ssh_msg *m, struct mpl_bytes *raw)
{
	size_t n;
	const uint8_t *p;
	while ((p = packet_tx_peek(f->c.pkt, &n)) != NULL && n > 0) {
		ssize_t w = write(f->ssh[0], p, n);
		assert_true(w > 0);
		assert_int_equal(packet_tx_consume(f->c.pkt, (size_t)w), 0);
	}
	for (int rounds = 0; rounds < 64; rounds++) {
		struct packet_in in;
		int rc = packet_next(f->client_rx, &in);
		assert_true(rc >= 0);
		if (rc == 1) {
			struct mpl_error err = {0};
			assert_int_equal(ssh_msg_unpack(in.payload, in.len, &f->client_st, m, &err), 0);
			if (raw != NULL)
				*raw = (struct mpl_bytes){ in.payload, in.len };
			return 1;
		}
		uint8_t *room;
		size_t cap;
		assert_int_equal(packet_rx_space(f->client_rx, &room, &cap), 0);
		ssize_t r = read(f->ssh[1], room, cap);
		if (r < 0 && errno == EAGAIN)
			return 0;
		assert_true(r > 0);
		assert_int_equal(packet_rx_commit(f->client_rx, (size_t)r), 0);
	}
	fail_msg("server output never framed");
	return 0;
}

static bool log_has(struct fx *f, const char *words)
{
	static char text[65536];
	FILE *fp = fopen(f->log_path, "r");
	assert_non_null(fp);
	size_t n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	return strstr(text, words) != NULL;
}

static void expect_nothing_more(struct fx *f)
{
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 0);
}

static void expect_failure(struct fx *f, const char *methods, bool partial)
{
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Auth_Failure);
	assert_true(mpl_bytes_eq_str(m.u.Auth_Failure.methods, methods));
	assert_int_equal(m.u.Auth_Failure.partial_success, partial);
}

static void expect_disconnect(struct fx *f, uint32_t reason, const char *words)
{
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Transport_Disconnect);
	assert_int_equal(m.u.Transport_Disconnect.reason, reason);
	char desc[512];
	size_t n = m.u.Transport_Disconnect.description.len;
	assert_true(n < sizeof(desc));
	memcpy(desc, m.u.Transport_Disconnect.description.ptr, n);
	desc[n] = '\0';
	if (strstr(desc, words) == NULL)
		fail_msg("DISCONNECT \"%s\" lacks \"%s\"", desc, words);
	assert_true(f->c.closing);
	expect_nothing_more(f);
	/* Every statecall on the way (Notify_*, the DISCONNECT) was one SPL allows. */
	assert_false(log_has(f, "protocol violation"));
}

/* --- the scripted monitor --- */

static void mon_answer(struct fx *f, const struct monitor_msg *m)
{
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len;
	assert_int_equal(mpl_writer_init(&w, f->rec, sizeof(f->rec), 5, 0), 0);
	assert_int_equal(monitor_msg_pack(&w, m, &err), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	struct monitor_frame fr = { .body_len = (uint32_t)len, .fd_count = 0 };
	struct mpl_writer hw;
	assert_int_equal(mpl_writer_init(&hw, f->rec, 5, 0, 0), 0);
	assert_int_equal(monitor_frame_pack(&hw, &fr, &err), 0);
	assert_int_equal(send(f->mon[1], f->rec, len + 5, 0), (ssize_t)(len + 5));
}

/* The lookup's answer with the settings sent as given. */
static void mon_user_answer_with(struct fx *f, bool valid, const char *methods,
				 const struct monitor_net_settings *set)
{
	struct monitor_msg m;
	monitor_msg_init(&m, monitor_msg_Monitor_UserAnswer);
	m.u.Monitor_UserAnswer.valid = valid;
	m.u.Monitor_UserAnswer.methods = mpl_bytes_str(methods);
	m.u.Monitor_UserAnswer.settings = *set;
	mon_answer(f, &m);
}

/* The answer of a monitor without Match blocks: the settings are the global ones. */
static void mon_user_answer(struct fx *f, bool valid, const char *methods)
{
	struct monitor_net_settings set;
	monitor_net_settings_init(&set);
	if (f->cfg.max_authtries >= 0)
		set.max_authtries = (uint32_t)f->cfg.max_authtries;
	set.log_level = (uint8_t)f->log.level;
	mon_user_answer_with(f, valid, methods, &set);
}

static void mon_query_answer(struct fx *f, bool allowed)
{
	struct monitor_msg m;
	monitor_msg_init(&m, monitor_msg_Monitor_PubkeyQueryAnswer);
	m.u.Monitor_PubkeyQueryAnswer.allowed = allowed;
	mon_answer(f, &m);
}

static void mon_verify_answer(struct fx *f, bool ok, bool partial, const char *methods)
{
	struct monitor_msg m;
	monitor_msg_init(&m, monitor_msg_Monitor_PubkeyVerifyAnswer);
	m.u.Monitor_PubkeyVerifyAnswer.authenticated = ok;
	m.u.Monitor_PubkeyVerifyAnswer.partial = partial;
	m.u.Monitor_PubkeyVerifyAnswer.methods = mpl_bytes_str(methods);
	mon_answer(f, &m);
}

/* Our host keys, as the monitor lists them: the first exchange's and another one. */
static void mon_hostkeys_answer(struct fx *f)
{
	uint8_t list[256];
	struct mpl_writer w;
	size_t len;
	assert_int_equal(mpl_writer_init(&w, list, sizeof(list), 0, 0), 0);
	assert_int_equal(mpl_write_string(&w, HOST_KEY, sizeof(HOST_KEY) - 1), 0);
	assert_int_equal(mpl_write_string(&w, OTHER_HOST_KEY, sizeof(OTHER_HOST_KEY) - 1), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	struct monitor_msg m;
	monitor_msg_init(&m, monitor_msg_Monitor_HostkeysAnswer);
	m.u.Monitor_HostkeysAnswer.keys = (struct mpl_bytes){ list, len };
	mon_answer(f, &m);
}

/* The next request userauth sent the monitor: 1 with *m (views into f->rec), 0 none. */
static int mon_take(struct fx *f, struct monitor_msg *m)
{
	ssize_t n = recv(f->mon[1], f->rec, sizeof(f->rec), MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return 0;
	assert_true(n >= 5);
	struct monitor_frame fr;
	assert_int_equal(monitor_frame_unpack(f->rec, 5, &fr, NULL), 0);
	assert_int_equal(fr.body_len, (size_t)n - 5);
	assert_int_equal(fr.fd_count, 0);
	assert_int_equal(monitor_msg_unpack(f->rec + 5, (size_t)n - 5, m, NULL), 0);
	return 1;
}

static void mon_expect(struct fx *f, enum monitor_msg_kind kind, struct monitor_msg *m)
{
	assert_int_equal(mon_take(f, m), 1);
	assert_int_equal(m->kind, kind);
}

static void mon_expect_nothing(struct fx *f)
{
	struct monitor_msg m;
	assert_int_equal(mon_take(f, &m), 0);
}

/* --- client messages --- */

static int send_service(struct fx *f, const char *service)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Transport_ServiceRequest);
	m.u.Transport_ServiceRequest.service = mpl_bytes_str(service);
	return client_send(f, &m);
}

static void open_service(struct fx *f)
{
	assert_int_equal(send_service(f, "ssh-userauth"), 0);
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Transport_ServiceAccept);
	assert_true(mpl_bytes_eq_str(m.u.Transport_ServiceAccept.service, "ssh-userauth"));
	expect_nothing_more(f);
}

static int send_none_as(struct fx *f, struct mpl_bytes user, const char *service)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Request_None);
	m.u.Auth_Request_None.user = user;
	m.u.Auth_Request_None.service = mpl_bytes_str(service);
	return client_send(f, &m);
}

static int send_none(struct fx *f, const char *user)
{
	return send_none_as(f, mpl_bytes_str(user), "ssh-connection");
}

static int send_query(struct fx *f, const char *user)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Request_PublickeyQuery);
	m.u.Auth_Request_PublickeyQuery.user = mpl_bytes_str(user);
	m.u.Auth_Request_PublickeyQuery.service = mpl_bytes_str("ssh-connection");
	m.u.Auth_Request_PublickeyQuery.algorithm = mpl_bytes_str(USER_ALG);
	m.u.Auth_Request_PublickeyQuery.key = (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 };
	return client_send(f, &m);
}

static int send_signed(struct fx *f, const char *user)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Request_PublickeySigned);
	m.u.Auth_Request_PublickeySigned.user = mpl_bytes_str(user);
	m.u.Auth_Request_PublickeySigned.service = mpl_bytes_str("ssh-connection");
	m.u.Auth_Request_PublickeySigned.algorithm = mpl_bytes_str(USER_ALG);
	m.u.Auth_Request_PublickeySigned.key = (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 };
	m.u.Auth_Request_PublickeySigned.signature =
		(struct mpl_bytes){ SIGNATURE, sizeof(SIGNATURE) - 1 };
	return client_send(f, &m);
}

static int send_hostbound_query(struct fx *f, const char *user, const uint8_t *hostkey,
				size_t hostkey_len)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Request_HostboundQuery);
	m.u.Auth_Request_HostboundQuery.user = mpl_bytes_str(user);
	m.u.Auth_Request_HostboundQuery.service = mpl_bytes_str("ssh-connection");
	m.u.Auth_Request_HostboundQuery.algorithm = mpl_bytes_str(USER_ALG);
	m.u.Auth_Request_HostboundQuery.key = (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 };
	m.u.Auth_Request_HostboundQuery.server_host_key = (struct mpl_bytes){ hostkey, hostkey_len };
	return client_send(f, &m);
}

static int send_hostbound_signed(struct fx *f, const char *user, const uint8_t *hostkey,
				 size_t hostkey_len)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Request_HostboundSigned);
	m.u.Auth_Request_HostboundSigned.user = mpl_bytes_str(user);
	m.u.Auth_Request_HostboundSigned.service = mpl_bytes_str("ssh-connection");
	m.u.Auth_Request_HostboundSigned.algorithm = mpl_bytes_str(USER_ALG);
	m.u.Auth_Request_HostboundSigned.key = (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 };
	m.u.Auth_Request_HostboundSigned.server_host_key = (struct mpl_bytes){ hostkey, hostkey_len };
	m.u.Auth_Request_HostboundSigned.signature =
		(struct mpl_bytes){ SIGNATURE, sizeof(SIGNATURE) - 1 };
	return client_send(f, &m);
}

/* RFC 4252 §7's signed data written out byte by byte, independently of the codec. */
static size_t put_string(uint8_t *out, const void *p, size_t len)
{
	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	memcpy(out + 4, p, len);
	return 4 + len;
}

static size_t expected_signed_data(uint8_t *out, const char *user, const char *method,
				   const uint8_t *hostkey, size_t hostkey_len)
{
	size_t n = 0;
	n += put_string(out + n, SESSION_ID, sizeof(SESSION_ID));
	out[n++] = 50;
	n += put_string(out + n, user, strlen(user));
	n += put_string(out + n, "ssh-connection", 14);
	n += put_string(out + n, method, strlen(method));
	out[n++] = 1;
	n += put_string(out + n, USER_ALG, strlen(USER_ALG));
	n += put_string(out + n, USER_KEY, sizeof(USER_KEY) - 1);
	if (hostkey != NULL)
		n += put_string(out + n, hostkey, hostkey_len);
	return n;
}

/* --- the cases --- */

/* T4: a service other than ssh-userauth ends the connection with SERVICE_NOT_AVAILABLE. */
static void test_service_unknown(void **state)
{
	struct fx *f = *state;
	assert_true(send_service(f, "ssh-connection") < 0);
	expect_disconnect(f, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE,
			  "bad service request ssh-connection");
	mon_expect_nothing(f);
	assert_true(log_has(f, "bad service request ssh-connection"));
}

/* "none" asks the monitor about the user and answers with its list; A1's order. */
static void test_none_lists_methods(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	assert_int_equal(send_none(f, "alice"), 0);
	expect_failure(f, "publickey", false);
	expect_nothing_more(f);
	struct monitor_msg m;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &m);
	assert_true(mpl_bytes_eq_str(m.u.Monitor_UserRequest.user, "alice"));
	assert_true(mpl_bytes_eq_str(m.u.Monitor_UserRequest.service, "ssh-connection"));
	mon_expect_nothing(f);
	assert_false(f->c.authenticated);
	/* The lookup happens once per connection. */
	assert_int_equal(send_none(f, "alice"), 0);
	expect_failure(f, "publickey", false);
	mon_expect_nothing(f);
}

/* A1: the automata refuse a request before SERVICE_ACCEPT, before userauth sees it. */
static void test_request_before_service_refused(void **state)
{
	struct fx *f = *state;
	uint8_t buf[256];
	struct mpl_writer w;
	size_t len;
	struct ssh_msg m, got;
	ssh_msg_init(&m, ssh_msg_Auth_Request_None);
	m.u.Auth_Request_None.user = mpl_bytes_str("alice");
	m.u.Auth_Request_None.service = mpl_bytes_str("ssh-connection");
	assert_int_equal(mpl_writer_init(&w, buf, sizeof(buf), 0, 0), 0);
	assert_int_equal(ssh_msg_pack(&w, &m, NULL), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	struct packet_in in = { .payload = buf, .len = len };
	struct ssh_policy_channel *ch;
	assert_int_equal(conn_recv(&f->c, &in, &got, NULL, NULL, &ch), -EPROTO);
}

/* A public-key query the monitor allows gets PK_OK echoing algorithm and key. */
static void test_query_allowed(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	mon_query_answer(f, true);
	assert_int_equal(send_query(f, "alice"), 0);
	assert_int_equal(f->c.mstate.auth_method, SSH_AUTH_PUBLICKEY);
	f->client_st.auth_method = SSH_AUTH_PUBLICKEY;	/* how the client reads 60 */
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Auth_PkOk);
	assert_true(mpl_bytes_eq_str(m.u.Auth_PkOk.algorithm, USER_ALG));
	assert_true(mpl_bytes_eq(m.u.Auth_PkOk.key,
				 (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 }));
	expect_nothing_more(f);
	struct monitor_msg q;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
	mon_expect(f, monitor_msg_Monitor_PubkeyQueryRequest, &q);
	assert_true(mpl_bytes_eq_str(q.u.Monitor_PubkeyQueryRequest.algorithm, USER_ALG));
	assert_true(mpl_bytes_eq(q.u.Monitor_PubkeyQueryRequest.key,
				 (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 }));
	mon_expect_nothing(f);
	assert_false(f->c.authenticated);
}

static void test_query_refused(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	mon_query_answer(f, false);
	assert_int_equal(send_query(f, "alice"), 0);
	expect_failure(f, "publickey", false);
	expect_nothing_more(f);
	struct monitor_msg q;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
	mon_expect(f, monitor_msg_Monitor_PubkeyQueryRequest, &q);
	mon_expect_nothing(f);
}

/* A signed request: the monitor gets exactly the RFC 4252 §7 data, the algorithm, key
 * and signature; its yes gives SUCCESS, the user, and later requests are ignored (A3). */
static void test_signed_success(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	mon_verify_answer(f, true, false, "");
	assert_int_equal(send_signed(f, "alice"), 0);
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Auth_Success);
	expect_nothing_more(f);
	assert_true(f->c.authenticated);
	assert_string_equal(f->c.user, "alice");
	assert_int_equal(f->c.mstate.auth_method, 0);
	assert_false(f->c.closing);
	assert_false(log_has(f, "protocol violation"));

	struct monitor_msg q;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
	mon_expect(f, monitor_msg_Monitor_PubkeyVerifyRequest, &q);
	const struct monitor_msg_Monitor_PubkeyVerifyRequest *v = &q.u.Monitor_PubkeyVerifyRequest;
	uint8_t want[512];
	size_t want_len = expected_signed_data(want, "alice", "publickey", NULL, 0);
	assert_int_equal(v->signed_data.len, want_len);
	assert_memory_equal(v->signed_data.ptr, want, want_len);
	assert_true(mpl_bytes_eq_str(v->algorithm, USER_ALG));
	assert_true(mpl_bytes_eq(v->key, (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 }));
	assert_true(mpl_bytes_eq(v->signature,
				 (struct mpl_bytes){ SIGNATURE, sizeof(SIGNATURE) - 1 }));
	mon_expect_nothing(f);

	/* A3: read and ignored, whatever they say; nothing asked, nothing answered. */
	assert_int_equal(send_signed(f, "alice"), 0);
	assert_int_equal(send_none(f, "mallory"), 0);
	expect_nothing_more(f);
	mon_expect_nothing(f);
	assert_string_equal(f->c.user, "alice");
	assert_false(f->c.closing);
	/* LoginGraceTime no longer applies. */
	f->c.now_ms += 3600 * 1000;
	assert_int_equal(userauth_tick(&f->c, NULL), 0);
	assert_false(f->c.closing);
}

/* publickey-hostbound-v00@openssh.com: our host key is checked, then signed over too. */
static void test_hostbound_signed(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	mon_verify_answer(f, true, false, "");
	assert_int_equal(send_hostbound_signed(f, "alice", HOST_KEY, sizeof(HOST_KEY) - 1), 0);
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Auth_Success);
	assert_true(f->c.authenticated);

	struct monitor_msg q;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
	mon_expect(f, monitor_msg_Monitor_PubkeyVerifyRequest, &q);
	uint8_t want[512];
	size_t want_len = expected_signed_data(want, "alice", "publickey-hostbound-v00@openssh.com",
					       HOST_KEY, sizeof(HOST_KEY) - 1);
	assert_int_equal(q.u.Monitor_PubkeyVerifyRequest.signed_data.len, want_len);
	assert_memory_equal(q.u.Monitor_PubkeyVerifyRequest.signed_data.ptr, want, want_len);
	mon_expect_nothing(f);
}

static void test_hostbound_query(void **state)
{
	struct fx *f = *state;
	open_service(f);
	f->client_st.auth_method = SSH_AUTH_PUBLICKEY;
	mon_user_answer(f, true, "publickey");
	mon_query_answer(f, true);
	assert_int_equal(send_hostbound_query(f, "alice", HOST_KEY, sizeof(HOST_KEY) - 1), 0);
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Auth_PkOk);
	assert_true(mpl_bytes_eq(m.u.Auth_PkOk.key,
				 (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 }));
	struct monitor_msg q;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
	mon_expect(f, monitor_msg_Monitor_PubkeyQueryRequest, &q);
	mon_expect_nothing(f);
	assert_false(log_has(f, "protocol violation"));
}

/* A hostbound request naming another of our host keys than the one that signed the
 * first exchange ends the connection, as OpenSSH's userauth_pubkey does ("... packet
 * contained wrong host key"); the monitor is never asked to verify.  The scripted
 * monitor would list both keys as ours: the check is against the first exchange's key,
 * not against the list. */
static void test_hostbound_wrong_hostkey(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	mon_hostkeys_answer(f);
	mon_verify_answer(f, true, false, "");
	assert_true(send_hostbound_signed(f, "alice", OTHER_HOST_KEY,
					  sizeof(OTHER_HOST_KEY) - 1) < 0);
	expect_disconnect(f, SSH_DISCONNECT_PROTOCOL_ERROR,
			  "publickey-hostbound-v00@openssh.com packet contained wrong host key");
	assert_true(log_has(f, "userauth_pubkey: publickey-hostbound-v00@openssh.com packet "
			       "contained wrong host key"));
	struct monitor_msg q;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
	mon_expect_nothing(f);	/* never asked to verify */
	assert_false(f->c.authenticated);
}

/* The same for a query (no signature): no PK_OK, no FAILURE, the connection ends. */
static void test_hostbound_query_wrong_hostkey(void **state)
{
	struct fx *f = *state;
	open_service(f);
	f->client_st.auth_method = SSH_AUTH_PUBLICKEY;
	mon_user_answer(f, true, "publickey");
	mon_hostkeys_answer(f);
	mon_query_answer(f, true);
	assert_true(send_hostbound_query(f, "alice", OTHER_HOST_KEY,
					 sizeof(OTHER_HOST_KEY) - 1) < 0);
	expect_disconnect(f, SSH_DISCONNECT_PROTOCOL_ERROR, "packet contained wrong host key");
	struct monitor_msg q;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
	mon_expect_nothing(f);	/* never asked about the key */
}

/* The monitor's no to a signature is FAILURE; a partial success carries its list. */
static void test_signed_refused_and_partial(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey,keyboard-interactive");
	mon_verify_answer(f, false, false, "");
	assert_int_equal(send_signed(f, "alice"), 0);
	expect_failure(f, "publickey,keyboard-interactive", false);
	mon_verify_answer(f, false, true, "keyboard-interactive");
	assert_int_equal(send_signed(f, "alice"), 0);
	expect_failure(f, "keyboard-interactive", true);
	expect_nothing_more(f);
	assert_false(f->c.authenticated);
	assert_false(f->c.closing);
}

/* Methods this side does not run yet answer FAILURE with the list; message 60 is read
 * by the method in progress. */
static void test_other_methods_fail(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Request_Password);
	m.u.Auth_Request_Password.user = mpl_bytes_str("alice");
	m.u.Auth_Request_Password.service = mpl_bytes_str("ssh-connection");
	m.u.Auth_Request_Password.password = mpl_bytes_str("hunter2");
	assert_int_equal(client_send(f, &m), 0);
	assert_int_equal(f->c.mstate.auth_method, SSH_AUTH_PASSWORD);
	expect_failure(f, "publickey", false);

	ssh_msg_init(&m, ssh_msg_Auth_Request_KeyboardInteractive);
	m.u.Auth_Request_KeyboardInteractive.user = mpl_bytes_str("alice");
	m.u.Auth_Request_KeyboardInteractive.service = mpl_bytes_str("ssh-connection");
	assert_int_equal(client_send(f, &m), 0);
	assert_int_equal(f->c.mstate.auth_method, SSH_AUTH_KBDINT);
	expect_failure(f, "publickey", false);

	ssh_msg_init(&m, ssh_msg_Auth_Request_Unknown);
	m.u.Auth_Request_Unknown.user = mpl_bytes_str("alice");
	m.u.Auth_Request_Unknown.service = mpl_bytes_str("ssh-connection");
	m.u.Auth_Request_Unknown.method = mpl_bytes_str("gssapi-with-mic");
	m.u.Auth_Request_Unknown.method_data = mpl_bytes_str("\x00\x00\x00\x00");
	assert_int_equal(client_send(f, &m), 0);
	assert_int_equal(f->c.mstate.auth_method, 0);
	expect_failure(f, "publickey", false);

	ssh_msg_init(&m, ssh_msg_Auth_Request_Hostbased);
	m.u.Auth_Request_Hostbased.user = mpl_bytes_str("alice");
	m.u.Auth_Request_Hostbased.service = mpl_bytes_str("ssh-connection");
	m.u.Auth_Request_Hostbased.algorithm = mpl_bytes_str(USER_ALG);
	m.u.Auth_Request_Hostbased.key = (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 };
	m.u.Auth_Request_Hostbased.client_host = mpl_bytes_str("client.example.");
	m.u.Auth_Request_Hostbased.client_user = mpl_bytes_str("alice");
	m.u.Auth_Request_Hostbased.signature = (struct mpl_bytes){ SIGNATURE, sizeof(SIGNATURE) - 1 };
	assert_int_equal(client_send(f, &m), 0);
	expect_failure(f, "publickey", false);
	expect_nothing_more(f);

	struct monitor_msg q;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
	mon_expect_nothing(f);
}

/* A5: another user, or another service, ends the connection as OpenSSH does. */
static void test_user_change(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	assert_int_equal(send_none(f, "alice"), 0);
	expect_failure(f, "publickey", false);
	assert_true(send_query(f, "bob") < 0);
	expect_disconnect(f, SSH_DISCONNECT_PROTOCOL_ERROR,
			  "Change of username or service not allowed: "
			  "(alice,ssh-connection) -> (bob,ssh-connection)");
	struct monitor_msg q;
	mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
	mon_expect_nothing(f);	/* bob's key is never asked about */
}

static void test_service_change(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	assert_int_equal(send_none(f, "alice"), 0);
	expect_failure(f, "publickey", false);
	assert_true(send_none_as(f, mpl_bytes_str("alice"), "ssh-connectioN") < 0);
	expect_disconnect(f, SSH_DISCONNECT_PROTOCOL_ERROR,
			  "(alice,ssh-connection) -> (alice,ssh-connectioN)");
}

/* A4: MaxAuthTries counts as OpenSSH: the first "none" is free, PK_OK is free, every
 * other FAILURE counts; the one that reaches the limit is a DISCONNECT instead. */
static void run_maxtries(struct fx *f, bool valid, const char *log_line)
{
	f->cfg.max_authtries = 3;
	open_service(f);
	mon_user_answer(f, valid, "publickey");
	assert_int_equal(send_none(f, "alice"), 0);		/* free */
	expect_failure(f, "publickey", false);
	mon_query_answer(f, true);
	f->client_st.auth_method = SSH_AUTH_PUBLICKEY;
	assert_int_equal(send_query(f, "alice"), 0);		/* PK_OK: free */
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Auth_PkOk);
	mon_query_answer(f, false);
	assert_int_equal(send_query(f, "alice"), 0);		/* 1 */
	expect_failure(f, "publickey", false);
	assert_int_equal(send_none(f, "alice"), 0);		/* 2: not the first */
	expect_failure(f, "publickey", false);
	assert_false(log_has(f, "maximum authentication attempts"));
	mon_verify_answer(f, false, false, "");
	assert_int_equal(send_signed(f, "alice"), -EACCES);	/* 3 */
	expect_disconnect(f, SSH_DISCONNECT_PROTOCOL_ERROR, "Too many authentication failures");
	assert_true(log_has(f, log_line));
	assert_false(f->c.authenticated);
}

static void test_maxtries(void **state)
{
	run_maxtries(*state, true,
		     "maximum authentication attempts exceeded for alice from " PEER_ADDR
		     " port 50022 ssh2");
}

static void test_maxtries_invalid_user(void **state)
{
	run_maxtries(*state, false,
		     "maximum authentication attempts exceeded for invalid user alice from "
		     PEER_ADDR " port 50022 ssh2");
}

/* The default is OpenSSH's 6. */
static void test_maxtries_default(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	for (int i = 0; i < 5; i++) {
		mon_query_answer(f, false);
		assert_int_equal(send_query(f, "alice"), 0);
		expect_failure(f, "publickey", false);
	}
	mon_query_answer(f, false);
	assert_int_equal(send_query(f, "alice"), -EACCES);
	expect_disconnect(f, SSH_DISCONNECT_PROTOCOL_ERROR, "Too many authentication failures");
}

/* A Match block's MaxAuthTries, LogLevel and AcceptEnv (the monitor's answer to the
 * lookup) replace the global values at once: the request that asked is counted against
 * the new limit. */
static void test_match_settings_apply_at_once(void **state)
{
	struct fx *f = *state;
	uint8_t pats[64];
	struct mpl_writer w;
	size_t len = 0;
	struct monitor_env_pattern p = { .pattern = MPL_LIT("MATCHED_*") };

	f->cfg.max_authtries = 6;
	assert_int_equal(sshd_strlist_add(&f->cfg.accept_env, "LANG"), 0);
	mpl_writer_init(&w, pats, sizeof(pats), 0, 0);
	assert_int_equal(monitor_env_pattern_pack(&w, &p, NULL), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	struct monitor_net_settings set;
	monitor_net_settings_init(&set);
	set.max_authtries = 1;
	set.log_level = LOG_LEVEL_VERBOSE;
	set.num_accept_env = 1;
	set.accept_env = (struct mpl_bytes){ pats, len };
	open_service(f);
	mon_user_answer_with(f, true, "publickey", &set);
	mon_query_answer(f, false);
	f->client_st.auth_method = SSH_AUTH_PUBLICKEY;
	assert_int_equal(send_query(f, "alice"), -EACCES);	/* 1: the limit */
	expect_disconnect(f, SSH_DISCONNECT_PROTOCOL_ERROR, "Too many authentication failures");
	assert_int_equal(f->c.cfg->max_authtries, 1);
	assert_int_equal(f->log.level, LOG_LEVEL_VERBOSE);
	assert_int_equal(f->cfg.accept_env.n, 1);
	assert_string_equal(f->cfg.accept_env.v[0], "MATCHED_*");
}

/* Requests that never fail (PK_OK) are still bounded, at 1024 as in OpenSSH. */
static void test_request_bound(void **state)
{
	struct fx *f = *state;
	open_service(f);
	f->client_st.auth_method = SSH_AUTH_PUBLICKEY;
	mon_user_answer(f, true, "publickey");
	struct monitor_msg q;
	struct ssh_msg m;
	for (int i = 0; i < 1024; i++) {
		mon_query_answer(f, true);
		assert_int_equal(send_query(f, "alice"), 0);
		assert_int_equal(server_next(f, &m, NULL), 1);
		assert_int_equal(m.kind, ssh_msg_Auth_PkOk);
		if (i == 0)
			mon_expect(f, monitor_msg_Monitor_UserRequest, &q);
		mon_expect(f, monitor_msg_Monitor_PubkeyQueryRequest, &q);
	}
	assert_int_equal(send_query(f, "alice"), -EACCES);
	expect_disconnect(f, SSH_DISCONNECT_PROTOCOL_ERROR, "Too many authentication failures");
	mon_expect_nothing(f);
}

/* A4: LoginGraceTime from userauth_new, on the event loop's clock. */
static void test_login_grace(void **state)
{
	struct fx *f = *state;
	f->cfg.login_grace_time = 10;
	open_service(f);
	int next = -1;
	f->c.now_ms = T0_MS + 9999;
	assert_int_equal(userauth_tick(&f->c, &next), 0);
	assert_int_equal(next, 1);
	next = 50;
	f->c.now_ms = T0_MS + 4000;
	assert_int_equal(userauth_tick(&f->c, &next), 0);
	assert_int_equal(next, 50);	/* only lowered */
	assert_int_equal(userauth_tick(&f->c, NULL), 0);
	expect_nothing_more(f);
	f->c.now_ms = T0_MS + 10000;
	assert_true(userauth_tick(&f->c, &next) < 0);
	expect_disconnect(f, SSH_DISCONNECT_BY_APPLICATION, "Timeout before authentication");
	assert_true(log_has(f, "Timeout before authentication for " PEER_ADDR " port 50022"));
}

static void test_login_grace_default_and_off(void **state)
{
	struct fx *f = *state;
	int next = -1;
	f->c.now_ms = T0_MS + 119999;
	assert_int_equal(userauth_tick(&f->c, &next), 0);
	assert_int_equal(next, 1);
	f->cfg.login_grace_time = 0;	/* no limit */
	f->c.now_ms = T0_MS + 7 * 86400 * 1000ull;
	next = -1;
	assert_int_equal(userauth_tick(&f->c, &next), 0);
	assert_int_equal(next, -1);
	assert_false(f->c.closing);
	f->cfg.login_grace_time = -1;	/* unset: 120 s */
	assert_true(userauth_tick(&f->c, &next) < 0);
	assert_true(f->c.closing);
}

/* Every message the server sends for one scripted client, as raw payloads, and the
 * kinds of the monitor requests; the monitor answers "no" to everything and says
 * whether the user exists. */
struct transcript {
	uint8_t bytes[4096];
	size_t len;
	enum monitor_msg_kind asked[16];
	size_t n_asked;
};

static void record(struct fx *f, struct transcript *t)
{
	struct ssh_msg m;
	struct mpl_bytes raw;
	while (server_next(f, &m, &raw) == 1) {
		assert_true(t->len + 4 + raw.len <= sizeof(t->bytes));
		t->len += put_string(t->bytes + t->len, raw.ptr, raw.len);
	}
	struct monitor_msg q;
	while (mon_take(f, &q) == 1) {
		assert_true(t->n_asked < 16);
		t->asked[t->n_asked++] = q.kind;
	}
}

static void run_script(struct fx *f, const char *user, bool valid, struct transcript *t)
{
	f->cfg.max_authtries = 4;
	assert_int_equal(send_service(f, "ssh-userauth"), 0);
	record(f, t);
	mon_user_answer(f, valid, "publickey");
	assert_int_equal(send_none(f, user), 0);
	record(f, t);
	mon_query_answer(f, false);
	assert_int_equal(send_query(f, user), 0);
	record(f, t);
	mon_verify_answer(f, false, false, "");
	assert_int_equal(send_signed(f, user), 0);
	record(f, t);
	assert_int_equal(send_none(f, user), 0);
	record(f, t);
	mon_query_answer(f, false);
	assert_true(send_query(f, user) < 0);
	record(f, t);
}

static void test_unknown_user_same_sequence(void **state)
{
	struct fx *known = *state;
	void *s = NULL;
	setup(&s);
	struct fx *unknown = s;
	struct transcript a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	run_script(known, "alice", true, &a);
	run_script(unknown, "nosuchuser", false, &b);
	assert_true(a.len > 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.bytes, b.bytes, a.len);
	assert_int_equal(a.n_asked, 4);	/* user, query, verify, query */
	assert_int_equal(a.n_asked, b.n_asked);
	assert_memory_equal(a.asked, b.asked, sizeof(a.asked[0]) * a.n_asked);
	teardown(&s);
}

/* A name no account can have (a NUL, or longer than any) is refused here without
 * asking the monitor, with the same replies as for an unknown user. */
static void test_unusable_user_name(void **state)
{
	struct fx *f = *state;
	open_service(f);
	assert_int_equal(send_none_as(f, MPL_LIT("ali\0ce"), "ssh-connection"), 0);
	expect_failure(f, "publickey", false);
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Request_PublickeyQuery);
	m.u.Auth_Request_PublickeyQuery.user = MPL_LIT("ali\0ce");
	m.u.Auth_Request_PublickeyQuery.service = mpl_bytes_str("ssh-connection");
	m.u.Auth_Request_PublickeyQuery.algorithm = mpl_bytes_str(USER_ALG);
	m.u.Auth_Request_PublickeyQuery.key = (struct mpl_bytes){ USER_KEY, sizeof(USER_KEY) - 1 };
	assert_int_equal(client_send(f, &m), 0);
	expect_failure(f, "publickey", false);
	mon_expect_nothing(f);
	assert_true(log_has(f, "Invalid user ali\\000ce from " PEER_ADDR));
	/* ... and stays fixed: "alice" is another user. */
	assert_true(send_none(f, "alice") < 0);
	expect_disconnect(f, SSH_DISCONNECT_PROTOCOL_ERROR, "Change of username");
}

static void test_long_user_name(void **state)
{
	struct fx *f = *state;
	open_service(f);
	char name[CONN_USER_MAX + 2];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(send_none(f, name), 0);
	expect_failure(f, "publickey", false);
	mon_expect_nothing(f);
	/* One byte shorter is a name the monitor is asked about. */
	void *s = NULL;
	setup(&s);
	struct fx *g = s;
	open_service(g);
	name[CONN_USER_MAX] = '\0';
	mon_user_answer(g, false, "publickey");
	assert_int_equal(send_none(g, name), 0);
	expect_failure(g, "publickey", false);
	struct monitor_msg q;
	mon_expect(g, monitor_msg_Monitor_UserRequest, &q);
	assert_int_equal(q.u.Monitor_UserRequest.user.len, CONN_USER_MAX);
	teardown(&s);
}

/* A monitor that answers the wrong kind ends the connection, never authenticates. */
static void test_monitor_wrong_answer(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	assert_int_equal(send_none(f, "alice"), 0);
	expect_failure(f, "publickey", false);
	mon_query_answer(f, true);	/* a query answer to a verify request */
	assert_true(send_signed(f, "alice") < 0);
	expect_disconnect(f, SSH_DISCONNECT_BY_APPLICATION, "monitor");
	assert_false(f->c.authenticated);
}

/* --- replies racing our re-key --- */

/* Our KEXINIT of a re-key is out (the transport sets both flags); the client's request
 * crossed it. */
static void our_rekey_starts(struct fx *f)
{
	step(f, Transmit_Transport_KexInit);
	f->c.kex_active = true;
	f->c.tx_kex = true;
}

/* The rest of the exchange, as transport.c steps it; held replies go out only once the
 * client's NEWKEYS is in (the automata allow nothing else after our NEWKEYS). */
static void rekey_ends(struct fx *f)
{
	step(f, Receive_Transport_KexInit);
	step(f, Receive_Transport_KexEcdhInit);
	step(f, Transmit_Transport_KexEcdhReply);
	step(f, Transmit_Transport_NewKeys);
	f->c.tx_kex = false;
	assert_int_equal(conn_send_held(&f->c), 0);
	expect_nothing_more(f);
	step(f, Receive_Transport_NewKeys);
	f->c.kex_active = false;
	assert_int_equal(conn_send_held(&f->c), 0);
}

/* A FAILURE owed while our re-key runs waits for its end instead of ending the
 * connection. */
static void test_failure_held_through_rekey(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	our_rekey_starts(f);
	assert_int_equal(send_none(f, "alice"), 0);
	assert_false(f->c.closing);
	expect_nothing_more(f);
	rekey_ends(f);
	expect_failure(f, "publickey", false);
	expect_nothing_more(f);
	/* and the next one goes straight out */
	assert_int_equal(send_none(f, "alice"), 0);
	expect_failure(f, "publickey", false);
	assert_false(f->c.closing);
	assert_false(log_has(f, "protocol violation"));
}

/* SUCCESS held the same way; the user is fixed at once, the reply follows the kex. */
static void test_success_held_through_rekey(void **state)
{
	struct fx *f = *state;
	open_service(f);
	mon_user_answer(f, true, "publickey");
	mon_verify_answer(f, true, false, "");
	our_rekey_starts(f);
	assert_int_equal(send_signed(f, "alice"), 0);
	assert_true(f->c.authenticated);
	expect_nothing_more(f);
	rekey_ends(f);
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Auth_Success);
	expect_nothing_more(f);
	assert_false(f->c.closing);
	assert_false(log_has(f, "protocol violation"));
}

/* A SERVICE_REQUEST the client sent before it saw our re-key KEXINIT (RFC 4253 §7.1
 * binds a party only from its own KEXINIT on) is taken, and SERVICE_ACCEPT follows the
 * exchange; before, the transport automaton refused it and the connection ended. */
static void test_service_request_crosses_rekey(void **state)
{
	struct fx *f = *state;
	our_rekey_starts(f);
	assert_int_equal(send_service(f, "ssh-userauth"), 0);
	assert_false(f->c.closing);
	expect_nothing_more(f);
	rekey_ends(f);
	struct ssh_msg m;
	assert_int_equal(server_next(f, &m, NULL), 1);
	assert_int_equal(m.kind, ssh_msg_Transport_ServiceAccept);
	expect_nothing_more(f);
	/* the auth layer is open as after an undisturbed SERVICE_ACCEPT */
	mon_user_answer(f, true, "publickey");
	assert_int_equal(send_none(f, "alice"), 0);
	expect_failure(f, "publickey", false);
	assert_false(log_has(f, "protocol violation"));
}

/* Once the client's KEXINIT is in, it may send only transport messages until its
 * NEWKEYS: a SERVICE_REQUEST there is still refused, in a re-key of ours as well. */
static void test_service_request_in_client_kex_refused(void **state)
{
	struct fx *f = *state;
	our_rekey_starts(f);
	step(f, Receive_Transport_KexInit);
	struct ssh_msg m, got;
	ssh_msg_init(&m, ssh_msg_Transport_ServiceRequest);
	m.u.Transport_ServiceRequest.service = mpl_bytes_str("ssh-userauth");
	uint8_t buf[64];
	struct mpl_writer w;
	size_t len;
	assert_int_equal(mpl_writer_init(&w, buf, sizeof(buf), 0, 0), 0);
	assert_int_equal(ssh_msg_pack(&w, &m, NULL), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	struct packet_in in = { .payload = buf, .len = len, .seqnr = 3 };
	struct ssh_policy_channel *ch = NULL;
	assert_int_equal(conn_recv(&f->c, &in, &got, NULL, NULL, &ch), -EPROTO);
	assert_true(log_has(f, "Receive_Transport_ServiceRequest refused by transport"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_service_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none_lists_methods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_before_service_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signed_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostbound_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostbound_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostbound_wrong_hostkey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostbound_query_wrong_hostkey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signed_refused_and_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_methods_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maxtries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maxtries_invalid_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maxtries_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_settings_apply_at_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_request_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_grace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_grace_default_and_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_user_same_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unusable_user_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_user_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_wrong_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_held_through_rekey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_held_through_rekey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_request_crosses_rekey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_service_request_in_client_kex_refused, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
