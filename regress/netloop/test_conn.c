/* The receive and send gates of the net child (sshd/conn.c): every payload is
 * classified and unpacked by the generated codec and stepped through the SPL automata
 * before a handler sees it; refusals are -EPROTO with a log line naming the automaton,
 * unknown message numbers -ENOENT (for UNIMPLEMENTED), malformed payloads -EBADMSG. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "regress/netloop/netloop_test_util.h"
#include "regress/transport/transport_test_util.h"
#include "sshd/conn.h"

struct fixture {
	struct nt_log log;
	struct nt_ctx t;
	struct conn c;
	uint8_t buf[4096];
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));
	nt_log_open(&f->log);
	nt_ctx_init(&f->t);
	assert_int_equal(conn_init(&f->c, &f->t.ctx, &f->log.lg, -1, -1, 1000), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	conn_fini(&f->c);
	nt_ctx_fini(&f->t);
	nt_log_close(&f->log);
	test_free(f);
	return 0;
}

/* Receives the payload of m through the gate. */
static int recv_msg(struct fixture *f, const struct ssh_msg *m, struct ssh_msg *out)
{
	struct packet_in in = { .payload = f->buf, .len = nt_pack(m, f->buf, sizeof(f->buf)),
				.seqnr = 0 };
	struct ssh_policy_channel *ch = (void *)1;
	int rc = conn_recv(&f->c, &in, out, NULL, NULL, &ch);
	assert_null(ch);
	return rc;
}

static int recv_raw(struct fixture *f, const uint8_t *p, size_t len)
{
	struct packet_in in = { .payload = p, .len = len, .seqnr = 7 };
	struct ssh_msg out;
	struct ssh_policy_channel *ch;
	return conn_recv(&f->c, &in, &out, NULL, NULL, &ch);
}

static void kexinit(struct ssh_msg *m, const char *kex)
{
	static const uint8_t cookie[16];
	ssh_msg_init(m, ssh_msg_Transport_KexInit);
	struct ssh_msg_Transport_KexInit *k = &m->u.Transport_KexInit;
	k->cookie = (struct mpl_bytes){ cookie, sizeof(cookie) };
	k->kex_algorithms = mpl_bytes_str(kex);
	k->server_host_key_algorithms = mpl_bytes_str("ssh-ed25519");
	k->encryption_algorithms_client_to_server = mpl_bytes_str("aes128-ctr");
	k->encryption_algorithms_server_to_client = mpl_bytes_str("aes128-ctr");
	k->mac_algorithms_client_to_server = mpl_bytes_str("hmac-sha2-256");
	k->mac_algorithms_server_to_client = mpl_bytes_str("hmac-sha2-256");
	k->compression_algorithms_client_to_server = mpl_bytes_str("none");
	k->compression_algorithms_server_to_client = mpl_bytes_str("none");
}

/* Our KEXINIT out, the client's in, and the strict-kex decision: the state in which
 * the method's messages are expected. */
static void start_kex(struct fixture *f, bool strict)
{
	struct ssh_msg m, got;
	kexinit(&m, "curve25519-sha256,kex-strict-s-v00@openssh.com");
	assert_int_equal(conn_send(&f->c, &m, NULL), 0);
	kexinit(&m, "curve25519-sha256");
	assert_int_equal(recv_msg(f, &m, &got), 0);
	assert_int_equal(got.kind, ssh_msg_Transport_KexInit);
	assert_int_equal(conn_notify(&f->c, strict ? SSH_POLICY_Notify_StrictKex
						   : SSH_POLICY_Notify_NonStrictKex, NULL), 0);
}

/* T4 via SPL: SERVICE_REQUEST as the first message is refused, with a log line. */
static void test_out_of_order_refused(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m, got;
	ssh_msg_init(&m, ssh_msg_Transport_ServiceRequest);
	m.u.Transport_ServiceRequest.service = mpl_bytes_str("ssh-userauth");
	assert_int_equal(recv_msg(f, &m, &got), -EPROTO);
	assert_true(nt_log_contains(&f->log, "protocol violation"));
	assert_true(nt_log_contains(&f->log, "Receive_Transport_ServiceRequest"));
}

/* T1: the client's KEXINIT before ours went out is refused. */
static void test_kexinit_before_ours_refused(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m, got;
	kexinit(&m, "curve25519-sha256");
	assert_int_equal(recv_msg(f, &m, &got), -EPROTO);
	assert_true(nt_log_contains(&f->log, "Receive_Transport_KexInit refused by"));
}

/* T8: an unknown message number is -ENOENT once the policy allows UNIMPLEMENTED. */
static void test_unknown_message(void **state)
{
	struct fixture *f = *state;
	start_kex(f, false);
	static const uint8_t unknown[] = { 200, 1, 2, 3 };
	assert_int_equal(recv_raw(f, unknown, sizeof(unknown)), -ENOENT);
	struct ssh_msg u;
	ssh_msg_init(&u, ssh_msg_Transport_Unimplemented);
	u.u.Transport_Unimplemented.sequence_number = 7;
	assert_int_equal(conn_send(&f->c, &u, NULL), 0);
}

/* T8/T2: in a strict initial exchange an unknown message is a violation. */
static void test_unknown_message_strict(void **state)
{
	struct fixture *f = *state;
	start_kex(f, true);
	static const uint8_t unknown[] = { 200 };
	assert_int_equal(recv_raw(f, unknown, sizeof(unknown)), -EPROTO);
	assert_true(nt_log_contains(&f->log, "Receive_Unknown"));
}

/* T2 (Terrapin): IGNORE inside a strict initial exchange is refused, and accepted in
 * a non-strict one. */
static void test_ignore_strict_refused(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m, got;
	start_kex(f, true);
	ssh_msg_init(&m, ssh_msg_Transport_Ignore);
	assert_int_equal(recv_msg(f, &m, &got), -EPROTO);
	assert_true(nt_log_contains(&f->log, "Receive_Transport_Ignore"));
}

static void test_ignore_nonstrict_accepted(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m, got;
	start_kex(f, false);
	ssh_msg_init(&m, ssh_msg_Transport_Ignore);
	m.u.Transport_Ignore.data = mpl_bytes_str("padding");
	assert_int_equal(recv_msg(f, &m, &got), 0);
	assert_int_equal(got.kind, ssh_msg_Transport_Ignore);
	assert_true(mpl_bytes_eq_str(got.u.Transport_Ignore.data, "padding"));
}

/* Malformed payloads: a string running past the end, trailing bytes, nothing at all. */
static void test_malformed(void **state)
{
	struct fixture *f = *state;
	static const uint8_t long_string[] = { 2, 0, 0, 0, 9, 'a', 'b' };
	static const uint8_t trailing[] = { 21, 0 };	/* NEWKEYS with a byte more */
	static const uint8_t bad_bool[] = { 1, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0 };
	assert_int_equal(recv_raw(f, long_string, sizeof(long_string)), -EBADMSG);
	assert_true(nt_log_contains(&f->log, "malformed message 2"));
	assert_int_equal(recv_raw(f, trailing, sizeof(trailing)), -EBADMSG);
	assert_true(nt_log_contains(&f->log, "malformed message 21"));
	assert_int_equal(recv_raw(f, bad_bool, sizeof(bad_bool)), -EBADMSG);
	assert_int_equal(recv_raw(f, NULL, 0), -EBADMSG);
}

/* A channel message that names no channel is a violation before SPL is asked. */
static void test_channel_unknown(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m, got;
	ssh_msg_init(&m, ssh_msg_Channel_Eof);
	m.u.Channel_Eof.recipient_channel = 3;
	assert_int_equal(recv_msg(f, &m, &got), -EPROTO);
	assert_true(nt_log_contains(&f->log, "names no open channel"));
}

/* The send gate: a message our policy forbids is not queued. */
static void test_send_refused(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Auth_Success);
	assert_int_equal(conn_send(&f->c, &m, NULL), -EPROTO);
	assert_int_equal(packet_tx_pending(f->c.pkt), 0);
	assert_true(nt_log_contains(&f->log, "sending Transmit_Auth_Success refused"));
}

/* conn_disconnect: logs as OpenSSH, queues DISCONNECT once, sets closing and 255. */
static void test_disconnect(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	kexinit(&m, "curve25519-sha256");
	assert_int_equal(conn_send(&f->c, &m, NULL), 0);
	size_t before = packet_tx_pending(f->c.pkt);
	assert_int_equal(conn_disconnect(&f->c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
					 "cause %d", 42), -EPROTO);
	assert_true(f->c.closing);
	assert_int_equal(f->c.exit_status, 255);
	size_t after = packet_tx_pending(f->c.pkt);
	assert_true(after > before);
	assert_true(nt_log_contains(&f->log, "Disconnecting 127.0.0.1 port 4242: cause 42"));
	assert_int_equal(conn_disconnect(&f->c, -EIO, SSH_DISCONNECT_PROTOCOL_ERROR, "again"),
			 -EIO);
	assert_int_equal(packet_tx_pending(f->c.pkt), after);
	assert_false(nt_log_contains(&f->log, "again"));
}

/* conn_flush writes the whole queue to the socket; conn_send_now flushes a full queue
 * before giving up. */
static void test_flush(void **state)
{
	struct fixture *f = *state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f->c.sock_in = f->c.sock_out = sv[0];
	struct ssh_msg m;
	kexinit(&m, "curve25519-sha256");
	assert_int_equal(conn_send(&f->c, &m, NULL), 0);
	size_t queued = packet_tx_pending(f->c.pkt);
	assert_true(queued > 0);
	assert_int_equal(conn_flush(&f->c, 1000), 0);
	assert_int_equal(packet_tx_pending(f->c.pkt), 0);
	uint8_t got[4096];
	ssize_t n = read(sv[1], got, sizeof(got));
	assert_int_equal((size_t)n, queued);
	/* the peer gone: the next flush reports it */
	close(sv[1]);
	ssh_msg_init(&m, ssh_msg_Transport_Ignore);
	assert_int_equal(conn_send(&f->c, &m, NULL), -EPROTO);	/* not allowed yet */
	assert_int_equal(conn_disconnect(&f->c, -EPIPE, SSH_DISCONNECT_BY_APPLICATION, "x"),
			 -EPIPE);
	assert_int_equal(conn_flush(&f->c, 1000), -EPIPE);
	close(sv[0]);
}

/* A bad packet from the client still gets our DISCONNECT naming the cause: the packet
 * layer's receive fault leaves its send side working. */
static void test_disconnect_after_bad_packet(void **state)
{
	struct fixture *f = *state;
	struct ssh_msg m;
	static const uint8_t len0[16];
	struct packet_in in;
	kexinit(&m, "curve25519-sha256");
	assert_int_equal(conn_send(&f->c, &m, NULL), 0);
	size_t before = packet_tx_pending(f->c.pkt);
	tu_inject(f->c.pkt, len0, sizeof(len0));
	int rc = packet_next(f->c.pkt, &in);
	assert_int_equal(rc, -EBADMSG);
	conn_disconnect(&f->c, rc, packet_disconnect_reason(f->c.pkt, rc), "%s",
			packet_error_cause(f->c.pkt, rc));
	assert_true(packet_tx_pending(f->c.pkt) > before);
	assert_true(nt_log_contains(&f->log, "Disconnecting 127.0.0.1 port 4242: bad packet length"));
	/* the receive side stays failed */
	assert_int_equal(packet_next(f->c.pkt, &in), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_out_of_order_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kexinit_before_ours_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_message_strict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ignore_strict_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ignore_nonstrict_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect_after_bad_packet, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
