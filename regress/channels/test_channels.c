/* The connection protocol of the net child (sshd/channel.c, sshd/session.c) against a
 * test client and a fake monitor that runs real /bin/sh commands (chan_harness.h). */
#include <errno.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "regress/channels/chan_harness.h"

#define CLIENT_ID 7
#define BIG_WINDOW (16u << 20)

static const char *const default_config[] = {
	"AcceptEnv LANG LC_*",
	"Subsystem sftp /usr/lib/openssh/sftp-server",
	NULL,
};

static int setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -1;
	h_setup(h, default_config);
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	struct harness *h = *state;
	h_teardown(h);
	free(h);
	return 0;
}

/* Opens a session for CLIENT_ID with a big window and returns our number. */
static uint32_t open_session(struct harness *h)
{
	h_open_session(h, CLIENT_ID, BIG_WINDOW, 32768);
	return h_expect_confirm(h, CLIENT_ID);
}

static void expect_reply(struct harness *h, enum ssh_msg_kind kind)
{
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, 5000), 1);
	assert_int_equal(m.kind, kind);
}

/* The next message must be a DISCONNECT with PROTOCOL_ERROR, and the server closing. */
static void expect_disconnect(struct harness *h)
{
	struct ssh_msg m;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(h_recv(h, &m, 5000), 1);
		if (m.kind == ssh_msg_Transport_Disconnect)
			break;
	}
	assert_int_equal(m.kind, ssh_msg_Transport_Disconnect);
	assert_int_equal(m.u.Transport_Disconnect.reason, SSH_DISCONNECT_PROTOCOL_ERROR);
	assert_true(h->c.closing);
	assert_true(h->server_failed);
}

static void test_exec_echo(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	assert_int_equal(id, 0);
	h_exec(h, id, "echo hi", true);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_string_equal(h_order(&r), "YDESC");
	assert_int_equal(r.out_len, 3);
	assert_memory_equal(r.out, "hi\n", 3);
	assert_true(r.got_exit_status);
	assert_int_equal(r.exit_status, 0);
	assert_false(h->server_failed);
	h_result_free(&r);
}

static void test_stderr_and_status(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_exec(h, id, "echo out; echo err >&2; exit 3", false);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_int_equal(r.out_len, 4);
	assert_memory_equal(r.out, "out\n", 4);
	assert_int_equal(r.err_len, 4);
	assert_memory_equal(r.err, "err\n", 4);
	assert_true(r.got_exit_status);
	assert_int_equal(r.exit_status, 3);
	/* No reply without want_reply; data of both kinds before EOF, exit-status, CLOSE
	 * (OpenSSH's order). */
	assert_null(strchr(r.order, 'Y'));
	assert_non_null(strstr(r.order, "ESC"));
	assert_int_equal(strlen(strstr(r.order, "ESC")), 3);
	h_result_free(&r);
}

static void test_stdin_cat_1mib(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_exec(h, id, "cat", true);
	expect_reply(h, ssh_msg_Channel_Success);
	const size_t total = 1u << 20;
	uint8_t *in = malloc(total);
	assert_non_null(in);
	for (size_t i = 0; i < total; i++)
		in[i] = (uint8_t)(i * 7 + (i >> 11));
	for (size_t off = 0; off < total; off += 32768)
		h_data(h, id, in + off, 32768);
	h_eof(h, id);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, true, 30000);
	assert_true(r.got_close);
	assert_int_equal(r.out_len, total);
	assert_memory_equal(r.out, in, total);
	assert_true(r.got_exit_status);
	assert_int_equal(r.exit_status, 0);
	assert_string_equal(h_order(&r), "DESC");
	free(in);
	h_result_free(&r);
}

/* Our window is given back as the process takes the data: more than the whole window
 * passes through when the client keeps to the adjusts. */
static void test_window_adjust_from_server(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_exec(h, id, "cat > /dev/null; echo done", true);
	expect_reply(h, ssh_msg_Channel_Success);
	uint64_t window = CHANNEL_WINDOW, sent = 0, adjusted = 0;
	static uint8_t chunk[32768];
	memset(chunk, 'x', sizeof(chunk));
	const uint64_t goal = 3ull * CHANNEL_WINDOW;
	for (int guard = 0; sent < goal && guard < 100000; guard++) {
		if (window >= sizeof(chunk)) {
			h_data(h, id, chunk, sizeof(chunk));
			window -= sizeof(chunk);
			sent += sizeof(chunk);
			continue;
		}
		struct ssh_msg m;
		assert_int_equal(h_recv(h, &m, 10000), 1);
		if (m.kind == ssh_msg_Channel_WindowAdjust) {
			assert_int_equal(m.u.Channel_WindowAdjust.recipient_channel, CLIENT_ID);
			/* Once half the window is consumed, not before. */
			assert_true(m.u.Channel_WindowAdjust.bytes_to_add >= CHANNEL_WINDOW / 2);
			window += m.u.Channel_WindowAdjust.bytes_to_add;
			adjusted += m.u.Channel_WindowAdjust.bytes_to_add;
			assert_true(window <= CHANNEL_WINDOW);
		}
	}
	assert_true(sent >= goal);
	assert_true(adjusted >= sent - CHANNEL_WINDOW);
	h_eof(h, id);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_int_equal(r.out_len, 5);
	assert_memory_equal(r.out, "done\n", 5);
	assert_false(h->server_failed);
	h_result_free(&r);
}

/* C5: a client window of 1000 bytes gets at most 1000 bytes until it adjusts, and no
 * packet carries more than the client's maximum packet. */
static void test_window_respected(void **state)
{
	struct harness *h = *state;
	h_open_session(h, CLIENT_ID, 1000, 300);
	uint32_t id = h_expect_confirm(h, CLIENT_ID);
	h_exec(h, id, "head -c 5000 /dev/zero", false);
	size_t got = 0;
	struct ssh_msg m;
	while (h_recv(h, &m, 400) == 1) {
		assert_int_equal(m.kind, ssh_msg_Channel_Data);
		assert_true(m.u.Channel_Data.data.len <= 300);
		got += m.u.Channel_Data.data.len;
	}
	assert_int_equal(got, 1000);
	h_window_adjust(h, id, 1500);
	while (h_recv(h, &m, 400) == 1) {
		assert_int_equal(m.kind, ssh_msg_Channel_Data);
		assert_true(m.u.Channel_Data.data.len <= 300);
		got += m.u.Channel_Data.data.len;
	}
	assert_int_equal(got, 2500);
	h_window_adjust(h, id, 1000000);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_int_equal(got + r.out_len, 5000);
	assert_true(r.got_exit_status);
	assert_string_equal(h_order(&r), "DESC");
	h_result_free(&r);
}

/* The peer's maximum packet is clamped to what one packet can carry. */
static void test_huge_max_packet_clamped(void **state)
{
	struct harness *h = *state;
	h_open_session(h, CLIENT_ID, UINT32_MAX, UINT32_MAX);
	uint32_t id = h_expect_confirm(h, CLIENT_ID);
	h_exec(h, id, "head -c 600000 /dev/zero", false);
	size_t total = 0, largest = 0;
	bool closed = false;
	for (int i = 0; i < 10000 && !closed; i++) {
		struct ssh_msg m;
		assert_int_equal(h_recv(h, &m, 10000), 1);
		if (m.kind == ssh_msg_Channel_Data) {
			total += m.u.Channel_Data.data.len;
			if (m.u.Channel_Data.data.len > largest)
				largest = m.u.Channel_Data.data.len;
		}
		closed = m.kind == ssh_msg_Channel_Close;
	}
	assert_true(closed);
	assert_int_equal(total, 600000);
	assert_true(largest <= PACKET_MAX_PAYLOAD - 9);
}

static void test_data_beyond_window(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	/* The process never reads: everything stays with the server. */
	h_exec(h, id, "sleep 20", true);
	expect_reply(h, ssh_msg_Channel_Success);
	static uint8_t chunk[32768];
	uint64_t window = CHANNEL_WINDOW;
	while (window >= sizeof(chunk)) {
		h_data(h, id, chunk, sizeof(chunk));
		window -= sizeof(chunk);
	}
	/* A WINDOW_ADJUST would be legitimate only for bytes the process took. */
	struct ssh_msg m;
	while (h_recv(h, &m, 200) == 1)
		if (m.kind == ssh_msg_Channel_WindowAdjust)
			window += m.u.Channel_WindowAdjust.bytes_to_add;
	assert_false(h->c.closing);
	while (window > 0) {
		size_t n = window < sizeof(chunk) ? (size_t)window : sizeof(chunk);
		h_data(h, id, chunk, n);
		window -= n;
	}
	assert_false(h->c.closing);
	h_data(h, id, chunk, 1);
	expect_disconnect(h);
}

static void test_env_accept_env(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_env(h, id, "LANG", "C.test", true);
	expect_reply(h, ssh_msg_Channel_Success);
	h_env(h, id, "SECRET", "leak", true);
	expect_reply(h, ssh_msg_Channel_Failure);
	h_env(h, id, "LC_FOO", "bar", false);
	h_env(h, id, "LD_PRELOAD", "/x.so", false);
	h_env(h, id, "LC_=", "bad", true);
	expect_reply(h, ssh_msg_Channel_Failure);
	h_exec(h, id, "echo \"$LANG|$SECRET|$LC_FOO|$LD_PRELOAD\"", true);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_string_equal(h_order(&r), "YDESC");
	const char *want = "C.test||bar|\n";
	assert_int_equal(r.out_len, strlen(want));
	assert_memory_equal(r.out, want, strlen(want));
	h_result_free(&r);
}

static void send_request_unknown(struct harness *h, uint32_t id, const char *name, bool want)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Request_Unknown);
	m.u.Channel_Request_Unknown.recipient_channel = id;
	m.u.Channel_Request_Unknown.request = mpl_bytes_str(name);
	m.u.Channel_Request_Unknown.want_reply = want;
	m.u.Channel_Request_Unknown.request_data = mpl_bytes_str("");
	h_send(h, &m);
}

static void test_want_reply(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Request_PtyReq);
	m.u.Channel_Request_PtyReq.recipient_channel = id;
	m.u.Channel_Request_PtyReq.request = mpl_bytes_str("pty-req");
	m.u.Channel_Request_PtyReq.want_reply = true;
	m.u.Channel_Request_PtyReq.term = mpl_bytes_str("xterm");
	m.u.Channel_Request_PtyReq.width_chars = 80;
	m.u.Channel_Request_PtyReq.height_rows = 24;
	m.u.Channel_Request_PtyReq.modes = mpl_bytes_str("");
	h_send(h, &m);
	expect_reply(h, ssh_msg_Channel_Success);
	/* a second pty-req on the channel is refused */
	h_send(h, &m);
	expect_reply(h, ssh_msg_Channel_Failure);
	/* Without want_reply, nothing comes back: the next reply is the next request's. */
	send_request_unknown(h, id, "nothing@example.com", false);
	send_request_unknown(h, id, "something@example.com", true);
	expect_reply(h, ssh_msg_Channel_Failure);
	/* A refused start: FAILURE (and the channel stays until the client closes it). */
	h_exec(h, id, "REFUSE me", true);
	expect_reply(h, ssh_msg_Channel_Failure);
	/* A start the monitor answers with a failure (no pty left, ...) fails this
	 * request only; the connection goes on. */
	uint32_t idf = open_session(h);
	h_exec(h, idf, "FAIL", true);
	expect_reply(h, ssh_msg_Channel_Failure);
	assert_false(h->server_failed);
	h_close(h, idf);
	expect_reply(h, ssh_msg_Channel_Close);
	h_close(h, id);
	expect_reply(h, ssh_msg_Channel_Close);
	/* Any refusal by the monitor (MaxSessions reached: EAGAIN) is one: the
	 * connection goes on. */
	uint32_t busy = open_session(h);
	h_exec(h, busy, "BUSY me", true);
	expect_reply(h, ssh_msg_Channel_Failure);
	assert_false(h->c.closing);
	h_close(h, busy);
	expect_reply(h, ssh_msg_Channel_Close);

	/* Subsystems: unknown refused here, known ones started by the monitor. */
	uint32_t id2 = open_session(h);
	ssh_msg_init(&m, ssh_msg_Channel_Request_Subsystem);
	m.u.Channel_Request_Subsystem.recipient_channel = id2;
	m.u.Channel_Request_Subsystem.request = mpl_bytes_str("subsystem");
	m.u.Channel_Request_Subsystem.want_reply = true;
	m.u.Channel_Request_Subsystem.name = mpl_bytes_str("nosuch");
	h_send(h, &m);
	expect_reply(h, ssh_msg_Channel_Failure);
	h_close(h, id2);
	expect_reply(h, ssh_msg_Channel_Close);

	uint32_t id3 = open_session(h);
	m.u.Channel_Request_Subsystem.recipient_channel = id3;
	m.u.Channel_Request_Subsystem.name = mpl_bytes_str("sftp");
	h_send(h, &m);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id3, &r, false, 10000);
	assert_string_equal(h_order(&r), "YDESC");
	assert_int_equal(r.out_len, strlen("subsystem:sftp\n"));
	assert_memory_equal(r.out, "subsystem:sftp\n", r.out_len);
	assert_false(h->server_failed);
	h_result_free(&r);
}

/* C7: a second exec on a channel is a protocol error (channel.spl). */
static void test_second_exec_refused(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_exec(h, id, "sleep 5", true);
	expect_reply(h, ssh_msg_Channel_Success);
	h_exec(h, id, "echo again", true);
	expect_disconnect(h);
}

static void test_exit_signal(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_exec(h, id, "kill -TERM $$", false);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_string_equal(h_order(&r), "EGC");
	assert_true(r.got_exit_signal);
	assert_string_equal(r.signal_name, "TERM");
	assert_false(r.core_dumped);
	h_result_free(&r);
}

static void test_signal_request(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_exec(h, id, "echo started; exec sleep 20", false);
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, 5000), 1);
	assert_int_equal(m.kind, ssh_msg_Channel_Data);
	ssh_msg_init(&m, ssh_msg_Channel_Request_Signal);
	m.u.Channel_Request_Signal.recipient_channel = id;
	m.u.Channel_Request_Signal.request = mpl_bytes_str("signal");
	m.u.Channel_Request_Signal.want_reply = false;
	m.u.Channel_Request_Signal.signal_name = mpl_bytes_str("USR1");
	h_send(h, &m);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_string_equal(h_order(&r), "EGC");
	assert_string_equal(r.signal_name, "USR1");
	h_result_free(&r);
}

static void test_unknown_channel_number(void **state)
{
	struct harness *h = *state;
	(void)open_session(h);
	h_data(h, 5, "x", 1);
	expect_disconnect(h);
}

static void test_huge_channel_number(void **state)
{
	struct harness *h = *state;
	h_eof(h, UINT32_MAX);
	expect_disconnect(h);
}

/* C3: a number is reused only after CLOSE went both ways, whoever closed first. */
static void test_reuse_after_close(void **state)
{
	struct harness *h = *state;
	/* The server closes first (the process ended), then the client. */
	uint32_t id = open_session(h);
	assert_int_equal(id, 0);
	h_exec(h, id, "true", false);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_true(r.got_close);
	h_result_free(&r);
	/* Only half closed: a new open gets another number. */
	h_open_session(h, 8, BIG_WINDOW, 32768);
	assert_int_equal(h_expect_confirm(h, 8), 1);
	h_close(h, id);
	/* Now both ways: number 0 is free again. */
	h_open_session(h, 9, BIG_WINDOW, 32768);
	assert_int_equal(h_expect_confirm(h, 9), 0);

	/* The client closes first: our CLOSE answers it, and the number is free. */
	h_close(h, 1);
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, 5000), 1);
	assert_int_equal(m.kind, ssh_msg_Channel_Close);
	assert_int_equal(m.u.Channel_Close.recipient_channel, 8);
	h_open_session(h, 10, BIG_WINDOW, 32768);
	assert_int_equal(h_expect_confirm(h, 10), 1);

	/* A message naming a closed number is a protocol error. */
	h_close(h, 0);
	assert_int_equal(h_recv(h, &m, 5000), 1);
	assert_int_equal(m.kind, ssh_msg_Channel_Close);
	h_eof(h, 0);
	expect_disconnect(h);
}

static void test_table_full(void **state)
{
	struct harness *h = *state;
	for (uint32_t i = 0; i < CHANNEL_MAX_CHANNELS; i++) {
		h_open_session(h, 1000 + i, BIG_WINDOW, 32768);
		assert_int_equal(h_expect_confirm(h, 1000 + i), i);
	}
	h_open_session(h, 5000, BIG_WINDOW, 32768);
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, 5000), 1);
	assert_int_equal(m.kind, ssh_msg_Channel_OpenFailure);
	assert_int_equal(m.u.Channel_OpenFailure.recipient_channel, 5000);
	assert_int_equal(m.u.Channel_OpenFailure.reason, 4);	/* RESOURCE_SHORTAGE */
	/* One closed both ways makes room again. */
	h_close(h, 17);
	assert_int_equal(h_recv(h, &m, 5000), 1);
	assert_int_equal(m.kind, ssh_msg_Channel_Close);
	assert_int_equal(m.u.Channel_Close.recipient_channel, 1017);
	h_open_session(h, 5001, BIG_WINDOW, 32768);
	assert_int_equal(h_expect_confirm(h, 5001), 17);
	assert_false(h->server_failed);
}

/* The next message must be OPEN_FAILURE for the client's channel id, with reason and
 * OpenSSH's description. */
static void expect_open_failure(struct harness *h, uint32_t id, uint32_t reason)
{
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, 5000), 1);
	assert_int_equal(m.kind, ssh_msg_Channel_OpenFailure);
	assert_int_equal(m.u.Channel_OpenFailure.recipient_channel, id);
	assert_int_equal(m.u.Channel_OpenFailure.reason, reason);
	assert_true(mpl_bytes_eq_str(m.u.Channel_OpenFailure.description, "open failed"));
}

/* Refusals as OpenSSH's serverloop.c sends them: a local forward it does not allow is
 * ADMINISTRATIVELY_PROHIBITED (1); any other type it does not serve, unknown ones
 * included, keeps its default CONNECT_FAILED (2), never UNKNOWN_CHANNEL_TYPE (3). */
static void test_open_other_types(void **state)
{
	struct harness *h = *state;
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Open_DirectTcpip);
	m.u.Channel_Open_DirectTcpip.channel_type = mpl_bytes_str("direct-tcpip");
	m.u.Channel_Open_DirectTcpip.sender_channel = 3;
	m.u.Channel_Open_DirectTcpip.initial_window_size = 1000;
	m.u.Channel_Open_DirectTcpip.maximum_packet_size = 1000;
	m.u.Channel_Open_DirectTcpip.host_to_connect = mpl_bytes_str("127.0.0.1");
	m.u.Channel_Open_DirectTcpip.port_to_connect = 22;
	m.u.Channel_Open_DirectTcpip.originator_address = mpl_bytes_str("127.0.0.1");
	m.u.Channel_Open_DirectTcpip.originator_port = 4000;
	h_send(h, &m);
	expect_open_failure(h, 3, 1);

	ssh_msg_init(&m, ssh_msg_Channel_Open_Unknown);
	m.u.Channel_Open_Unknown.channel_type = mpl_bytes_str("frobnicate@example.com");
	m.u.Channel_Open_Unknown.sender_channel = 4;
	m.u.Channel_Open_Unknown.initial_window_size = 1000;
	m.u.Channel_Open_Unknown.maximum_packet_size = 1000;
	m.u.Channel_Open_Unknown.type_data = mpl_bytes_str("");
	h_send(h, &m);
	expect_open_failure(h, 4, 2);

	ssh_msg_init(&m, ssh_msg_Channel_Open_DirectStreamlocal);
	struct ssh_msg_Channel_Open_DirectStreamlocal *sl = &m.u.Channel_Open_DirectStreamlocal;
	sl->channel_type = mpl_bytes_str("direct-streamlocal@openssh.com");
	sl->sender_channel = 5;
	sl->initial_window_size = sl->maximum_packet_size = 1000;
	sl->socket_path = mpl_bytes_str("/tmp/x.sock");
	sl->reserved_string = mpl_bytes_str("");
	h_send(h, &m);
	expect_open_failure(h, 5, 2);

	/* The refused slots are free again: the first session gets number 0. */
	assert_int_equal(open_session(h), 0);
	assert_false(h->server_failed);
}

static void send_global(struct harness *h, enum ssh_msg_kind kind, const char *name, bool want)
{
	struct ssh_msg m;
	ssh_msg_init(&m, kind);
	switch (kind) {
	case ssh_msg_Global_Request_Keepalive:
		m.u.Global_Request_Keepalive.request = mpl_bytes_str(name);
		m.u.Global_Request_Keepalive.want_reply = want;
		break;
	case ssh_msg_Global_Request_NoMoreSessions:
		m.u.Global_Request_NoMoreSessions.request = mpl_bytes_str(name);
		m.u.Global_Request_NoMoreSessions.want_reply = want;
		break;
	default:
		m.u.Global_Request_Unknown.request = mpl_bytes_str(name);
		m.u.Global_Request_Unknown.want_reply = want;
		m.u.Global_Request_Unknown.request_data = mpl_bytes_str("");
		break;
	}
	h_send(h, &m);
}

static void test_global_requests(void **state)
{
	struct harness *h = *state;
	send_global(h, ssh_msg_Global_Request_Keepalive, "keepalive@openssh.com", true);
	expect_reply(h, ssh_msg_Global_RequestFailure);
	send_global(h, ssh_msg_Global_Request_Unknown, "x@example.com", false);
	send_global(h, ssh_msg_Global_Request_Unknown, "y@example.com", true);
	expect_reply(h, ssh_msg_Global_RequestFailure);
	send_global(h, ssh_msg_Global_Request_NoMoreSessions, "no-more-sessions@openssh.com",
		    true);
	expect_reply(h, ssh_msg_Global_RequestSuccess);
	/* After no-more-sessions a session open ends the connection, as OpenSSH does. */
	h_open_session(h, CLIENT_ID, BIG_WINDOW, 32768);
	expect_disconnect(h);
}

/* We start a re-key: our KEXINIT is out (the transport sets both flags), the
 * client's not yet in. */
static void our_rekey_starts(struct harness *h)
{
	assert_int_equal(conn_notify(&h->c, Transmit_Transport_KexInit, NULL), 0);
	h->c.kex_active = true;
	h->c.tx_kex = true;
}

/* The rest of the exchange as transport.c steps it, then one turn of the channels. */
static void rekey_ends(struct harness *h)
{
	static const unsigned finish[] = {
		Receive_Transport_KexInit, Receive_Transport_KexEcdhInit,
		Transmit_Transport_KexEcdhReply, Transmit_Transport_NewKeys,
		Receive_Transport_NewKeys,
	};
	for (size_t i = 0; i < sizeof(finish) / sizeof(finish[0]); i++) {
		assert_int_equal(conn_notify(&h->c, finish[i], NULL), 0);
		if (finish[i] == Transmit_Transport_NewKeys)
			h->c.tx_kex = false;
	}
	h->c.kex_active = false;
	assert_int_equal(channels_io(&h->c, NULL, 0), 0);
}

/* Output and replies wait while a key exchange runs, and go out in order after it. */
static void test_kex_defers_output(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	our_rekey_starts(h);
	h_exec(h, id, "echo during-kex", true);
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, 300), 0);
	rekey_ends(h);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_string_equal(h_order(&r), "YDESC");
	assert_int_equal(r.out_len, strlen("during-kex\n"));
	assert_false(h->server_failed);
	h_result_free(&r);
}

/* A global request's reply raced by our re-key waits for the exchange's end too. */
static void test_kex_defers_global_reply(void **state)
{
	struct harness *h = *state;
	our_rekey_starts(h);
	send_global(h, ssh_msg_Global_Request_Keepalive, "keepalive@openssh.com", true);
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, 300), 0);
	rekey_ends(h);
	expect_reply(h, ssh_msg_Global_RequestFailure);
	assert_false(h->c.closing);
	assert_false(h->server_failed);
}

/* EOF goes out as soon as stdout and stderr have ended, while the process still runs;
 * exit-status and CLOSE follow its end (OpenSSH's order: channels.c sends EOF once the
 * output has drained, session.c the exit message when the child is reaped). */
static void test_eof_before_exit(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_exec(h, id, "echo out; echo err >&2; exec >&- 2>&-; sleep 2; exit 4", false);
	struct ssh_msg m;
	bool eof = false;
	/* Within 1.5 s (the process sleeps 2 s): data, then EOF, and no exit report. */
	for (int i = 0; i < 100 && !eof; i++) {
		assert_int_equal(h_recv(h, &m, 1500), 1);
		assert_true(m.kind == ssh_msg_Channel_Data ||
			    m.kind == ssh_msg_Channel_ExtendedData || m.kind == ssh_msg_Channel_Eof);
		eof = m.kind == ssh_msg_Channel_Eof;
	}
	assert_true(eof);
	assert_int_equal(h_recv(h, &m, 300), 0);	/* the process is still running */
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_string_equal(h_order(&r), "SC");
	assert_true(r.got_exit_status);
	assert_int_equal(r.exit_status, 4);
	assert_false(h->server_failed);
	h_result_free(&r);
}

/* C4: data after the client's EOF is a protocol error. */
static void test_data_after_eof(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_exec(h, id, "cat >/dev/null; sleep 5", true);
	expect_reply(h, ssh_msg_Channel_Success);
	h_eof(h, id);
	h_data(h, id, "late", 4);
	expect_disconnect(h);
}

/* C5: a WINDOW_ADJUST past 2^32-1 is a protocol error. */
static void test_window_overflow(void **state)
{
	struct harness *h = *state;
	h_open_session(h, CLIENT_ID, UINT32_MAX - 10, 32768);
	uint32_t id = h_expect_confirm(h, CLIENT_ID);
	h_window_adjust(h, id, 11);
	expect_disconnect(h);
}

/* Data and EOF the client sends before the session starts reach the process. */
static void test_stdin_before_start(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	h_data(h, id, "early\n", 6);
	h_eof(h, id);
	h_exec(h, id, "cat", true);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_string_equal(h_order(&r), "YDESC");
	assert_int_equal(r.out_len, 6);
	assert_memory_equal(r.out, "early\n", 6);
	h_result_free(&r);
}

static void send_pty_req(struct harness *h, uint32_t id, uint32_t cols, uint32_t rows,
			 struct mpl_bytes modes)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Request_PtyReq);
	m.u.Channel_Request_PtyReq.recipient_channel = id;
	m.u.Channel_Request_PtyReq.request = mpl_bytes_str("pty-req");
	m.u.Channel_Request_PtyReq.want_reply = true;
	m.u.Channel_Request_PtyReq.term = mpl_bytes_str("xterm-256color");
	m.u.Channel_Request_PtyReq.width_chars = cols;
	m.u.Channel_Request_PtyReq.height_rows = rows;
	m.u.Channel_Request_PtyReq.modes = modes;
	h_send(h, &m);
	expect_reply(h, ssh_msg_Channel_Success);
}

static void send_window_change(struct harness *h, uint32_t id, uint32_t cols, uint32_t rows)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Request_WindowChange);
	m.u.Channel_Request_WindowChange.recipient_channel = id;
	m.u.Channel_Request_WindowChange.request = mpl_bytes_str("window-change");
	m.u.Channel_Request_WindowChange.want_reply = false;
	m.u.Channel_Request_WindowChange.width_chars = cols;
	m.u.Channel_Request_WindowChange.height_rows = rows;
	h_send(h, &m);
}

/* With a pty the session's one fd carries the output (CRLF from the terminal's
 * ONLCR, stderr merged, no extended data) and takes the client's data (the
 * terminal echoes it); a window-change before the start gives the size the
 * process sees; the output ends (EIO on the master) before exit-status and CLOSE. */
static void test_pty_exec(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	send_pty_req(h, id, 80, 24, mpl_bytes_str(""));
	send_window_change(h, id, 120, 40);
	h_exec(h, id, "read x; echo \"got:$x\"; stty size; echo err >&2; exit 5",
	       true);
	h_data(h, id, "hi\n", 3);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_string_equal(h_order(&r), "YDESC");
	const char *want = "hi\r\ngot:hi\r\n40 120\r\nerr\r\n";
	assert_int_equal(r.out_len, strlen(want));
	assert_memory_equal(r.out, want, r.out_len);
	assert_int_equal(r.err_len, 0);
	assert_true(r.got_exit_status);
	assert_int_equal(r.exit_status, 5);
	assert_false(h->server_failed);
	h_result_free(&r);
}

/* Much output through the pty: every line arrives, then the end. */
static void test_pty_bulk_output(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	/* ECHO (53) and ONLCR (72) off, encoded as RFC 4254 §8 modes */
	static const uint8_t modes[] = { 53, 0, 0, 0, 0, 72, 0, 0, 0, 0, 0 };
	send_pty_req(h, id, 80, 24, (struct mpl_bytes){ modes, sizeof(modes) });
	h_exec(h, id, "seq 1 20000", true);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, true, 20000);
	assert_string_equal(h_order(&r), "YDESC");
	size_t lines = 0;
	for (size_t i = 0; i < r.out_len; i++)
		lines += r.out[i] == '\n';
	assert_int_equal(lines, 20000);
	assert_null(memchr(r.out, '\r', r.out_len));
	assert_true(r.out_len >= 6);
	assert_memory_equal(r.out + r.out_len - 6, "20000\n", 6);
	assert_int_equal(r.exit_status, 0);
	h_result_free(&r);
}

/* A window-change on a running pty session reaches the terminal (the process reads
 * the new size). */
static void test_pty_window_change_running(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	static const uint8_t modes[] = { 53, 0, 0, 0, 0, 0 };	/* ECHO off */
	send_pty_req(h, id, 80, 24, (struct mpl_bytes){ modes, sizeof(modes) });
	h_exec(h, id, "stty size; read x; stty size", true);
	expect_reply(h, ssh_msg_Channel_Success);
	/* the first size, before the change */
	char first[64];
	size_t n = 0;
	while (n < 7) {
		struct ssh_msg m;
		assert_int_equal(h_recv(h, &m, 10000), 1);
		assert_int_equal(m.kind, ssh_msg_Channel_Data);
		assert_true(n + m.u.Channel_Data.data.len < sizeof(first));
		memcpy(first + n, m.u.Channel_Data.data.ptr, m.u.Channel_Data.data.len);
		n += m.u.Channel_Data.data.len;
	}
	assert_int_equal(n, 7);
	assert_memory_equal(first, "24 80\r\n", 7);
	send_window_change(h, id, 132, 50);
	/* A pty-req on another channel goes through the fake monitor, which takes its
	 * messages in order: once it is answered, the resize is done. */
	uint32_t other = open_session(h);
	send_pty_req(h, other, 80, 24, mpl_bytes_str(""));
	h_data(h, id, "\n", 1);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_int_equal(r.out_len, 8);
	assert_memory_equal(r.out, "50 132\r\n", 8);
	assert_int_equal(r.exit_status, 0);
	h_result_free(&r);
}

/* The client closes a pty session's channel while the process runs: the net child tells
 * the monitor, which closes its copy of the master, and the terminal hangs up: the
 * process ends (SIGHUP) instead of running on until the connection ends. */
static void test_pty_close_hangs_up(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	send_pty_req(h, id, 80, 24, mpl_bytes_str(""));
	h_exec(h, id, "echo $$; exec sleep 60", true);
	expect_reply(h, ssh_msg_Channel_Success);
	char line[64];
	size_t n = 0;
	while (n == 0 || line[n - 1] != '\n') {
		struct ssh_msg m;
		assert_int_equal(h_recv(h, &m, 10000), 1);
		assert_int_equal(m.kind, ssh_msg_Channel_Data);
		assert_true(n + m.u.Channel_Data.data.len < sizeof(line));
		memcpy(line + n, m.u.Channel_Data.data.ptr, m.u.Channel_Data.data.len);
		n += m.u.Channel_Data.data.len;
	}
	line[n] = '\0';
	long pid = strtol(line, NULL, 10);
	assert_true(pid > 1);
	assert_int_equal(kill((pid_t)pid, 0), 0);
	h_close(h, id);
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_true(r.got_close);
	h_result_free(&r);
	/* the fake monitor reaps it once it is gone: bounded, 10 s at most */
	bool gone = false;
	for (int i = 0; i < 100 && !gone; i++) {
		h_pump(h, 100);
		gone = kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	}
	assert_true(gone);
	assert_false(h->server_failed);
}

/* A shell reads its commands from stdin. */
static void test_shell(void **state)
{
	struct harness *h = *state;
	uint32_t id = open_session(h);
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Request_Shell);
	m.u.Channel_Request_Shell.recipient_channel = id;
	m.u.Channel_Request_Shell.request = mpl_bytes_str("shell");
	m.u.Channel_Request_Shell.want_reply = true;
	h_send(h, &m);
	expect_reply(h, ssh_msg_Channel_Success);
	const char *script = "echo from-shell\nexit 7\n";
	h_data(h, id, script, strlen(script));
	struct session_result r = { 0 };
	h_collect(h, CLIENT_ID, id, &r, false, 10000);
	assert_string_equal(h_order(&r), "DESC");
	assert_int_equal(r.out_len, strlen("from-shell\n"));
	assert_memory_equal(r.out, "from-shell\n", r.out_len);
	assert_int_equal(r.exit_status, 7);
	h_result_free(&r);
}

/* Several sessions at once, their outputs kept apart. */
static void test_concurrent_sessions(void **state)
{
	struct harness *h = *state;
	enum { N = 8 };
	uint32_t ids[N];
	for (uint32_t i = 0; i < N; i++) {
		h_open_session(h, 100 + i, BIG_WINDOW, 32768);
		ids[i] = h_expect_confirm(h, 100 + i);
	}
	for (uint32_t i = 0; i < N; i++) {
		char cmd[64];
		snprintf(cmd, sizeof(cmd), "head -c %u /dev/zero | tr '\\0' '%c'", 20000 + i,
			 'a' + i);
		h_exec(h, ids[i], cmd, false);
	}
	size_t got[N] = { 0 };
	unsigned closed = 0;
	for (int guard = 0; guard < 100000 && closed < N; guard++) {
		struct ssh_msg m;
		assert_int_equal(h_recv(h, &m, 10000), 1);
		if (m.kind == ssh_msg_Channel_Data) {
			uint32_t k = m.u.Channel_Data.recipient_channel - 100;
			assert_true(k < N);
			for (size_t j = 0; j < m.u.Channel_Data.data.len; j++)
				assert_int_equal(m.u.Channel_Data.data.ptr[j], 'a' + k);
			got[k] += m.u.Channel_Data.data.len;
		} else if (m.kind == ssh_msg_Channel_Close) {
			closed++;
		}
	}
	assert_int_equal(closed, N);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(got[i], 20000 + i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exec_echo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stderr_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin_cat_1mib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_adjust_from_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_respected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_max_packet_clamped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_beyond_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_accept_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_want_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_exec_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_channel_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_channel_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_after_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_other_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_global_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kex_defers_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kex_defers_global_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof_before_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_after_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin_before_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pty_exec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pty_bulk_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pty_close_hangs_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pty_window_change_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_sessions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
