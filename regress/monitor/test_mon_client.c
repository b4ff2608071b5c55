/* mon_client against a scripted fake monitor: a forked process on the other end of an
 * fdpass socketpair that reads each request with mon_wire, checks it, and answers as
 * its script says (right answers, SessionExit in the middle of a call, wrong kinds,
 * wrong fd counts, a closed socket).  The script's own checks become its exit status,
 * which the parent asserts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "regress/monitor/mon_test_util.h"
#include "sshd/fdpass.h"
#include "sshd/mon_client.h"
#include "sshd/mon_wire.h"

/* ---- the fake monitor ---- */

struct script {
	int sock;
	uint8_t buf[MON_WIRE_RECORD_MAX];
	uint8_t scratch[MON_WIRE_BODY_MAX];
};

/* Reads the next request; it must be of kind `want`.  0 or -1. */
static int expect(struct script *s, enum monitor_msg_kind want, struct monitor_msg *m)
{
	size_t nfds;
	if (mon_wire_recv(s->sock, s->buf, sizeof(s->buf), m, NULL, 0, &nfds, 5000, NULL) < 0)
		return -1;
	return m->kind == want ? 0 : -1;
}

static int send_fds(struct script *s, const struct monitor_msg *m, const int *fds, size_t n)
{
	return mon_wire_send(s->sock, m, fds, n, s->scratch, sizeof(s->scratch), 5000, NULL) < 0
		? -1 : 0;
}

static int send_plain(struct script *s, const struct monitor_msg *m)
{
	return send_fds(s, m, NULL, 0);
}

static int send_exit(struct script *s, uint32_t id, bool exited, uint32_t status,
		     const char *sig)
{
	struct monitor_msg m;
	monitor_msg_init(&m, monitor_msg_Monitor_SessionExit);
	m.u.Monitor_SessionExit.session_id = id;
	m.u.Monitor_SessionExit.exited = exited;
	m.u.Monitor_SessionExit.exit_status = status;
	m.u.Monitor_SessionExit.signal_name = mpl_bytes_str(sig);
	return send_plain(s, &m);
}

/* Waits until the client closed its end (the script's end of the test). */
static int wait_close(struct script *s)
{
	struct monitor_msg m;
	size_t nfds;
	int r = mon_wire_recv(s->sock, s->buf, sizeof(s->buf), &m, NULL, 0, &nfds, 5000, NULL);
	return r == -EPIPE ? 0 : -1;
}

/* Sends the script's last answer, then waits for the client to close. */
static int send_last(struct script *s, const struct monitor_msg *m)
{
	return send_plain(s, m) < 0 ? -1 : wait_close(s);
}

typedef int (*script_fn)(struct script *s);

struct script_case {        /* a test's state when one test body serves several scripts */
	script_fn fn;
};

struct fake {
	pid_t pid;
	struct mon_client *mc;
	int fds_before;
};

static struct fake start(script_fn fn)
{
	struct fake f;
	int sv[2];

	f.fds_before = mon_test_count_fds();
	assert_int_equal(fdpass_socketpair(sv), 0);
	f.pid = fork();
	assert_true(f.pid >= 0);
	if (f.pid == 0) {
		close(sv[0]);
		static struct script s;
		s.sock = sv[1];
		_exit(fn(&s) == 0 ? 0 : 1);
	}
	close(sv[1]);
	assert_int_equal(mon_client_new(&f.mc, sv[0], NULL), 0);
	return f;
}

/* Frees the client (closing its socket) and checks the script ran to its end. */
static void finish(struct fake *f)
{
	int status = 0;
	mon_client_free(f->mc);
	for (int i = 0; i < 500; i++) {
		pid_t w = waitpid(f->pid, &status, WNOHANG);
		if (w == f->pid)
			break;
		assert_int_equal(w, 0);
		if (i == 499) {
			kill(f->pid, SIGKILL);
			waitpid(f->pid, &status, 0);
			fail_msg("the fake monitor did not end");
		}
		poll(NULL, 0, 10);
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(mon_test_count_fds(), f->fds_before);
}

static const uint8_t KEY1[] = { 0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9',
				0, 0, 0, 1, 'A' };
static const uint8_t KEY2[] = { 0, 0, 0, 7, 's', 's', 'h', '-', 'r', 's', 'a', 'B', 'C' };

/* ---- host keys, cached ---- */

static int script_hostkeys(struct script *s)
{
	struct monitor_msg m;
	uint8_t list[256];
	struct mpl_writer w;
	size_t len;

	if (expect(s, monitor_msg_Monitor_HostkeysRequest, &m) < 0)
		return -1;
	mpl_writer_init(&w, list, sizeof(list), 0, 0);
	mpl_write_string(&w, KEY1, sizeof(KEY1));
	mpl_write_string(&w, KEY2, sizeof(KEY2));
	if (mpl_writer_finish(&w, &len) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_HostkeysAnswer);
	m.u.Monitor_HostkeysAnswer.keys = (struct mpl_bytes){ list, len };
	if (send_plain(s, &m) < 0)
		return -1;
	/* the second mon_hostkeys asks nothing: the next request is a user lookup */
	if (expect(s, monitor_msg_Monitor_UserRequest, &m) < 0 ||
	    !mpl_bytes_eq_str(m.u.Monitor_UserRequest.user, "alice") ||
	    !mpl_bytes_eq_str(m.u.Monitor_UserRequest.service, "ssh-connection"))
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_UserAnswer);
	m.u.Monitor_UserAnswer.valid = true;
	m.u.Monitor_UserAnswer.methods = MPL_LIT("publickey");
	return send_last(s, &m);
}

static void test_hostkeys_cached(void **state)
{
	struct fake f = start(script_hostkeys);
	const struct mpl_bytes *blobs, *again;
	size_t n = 0, n2 = 0;

	assert_int_equal(mon_hostkeys(f.mc, &blobs, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(blobs[0].ptr, KEY1, sizeof(KEY1));
	assert_int_equal(blobs[0].len, sizeof(KEY1));
	assert_memory_equal(blobs[1].ptr, KEY2, sizeof(KEY2));
	assert_int_equal(mon_hostkeys(f.mc, &again, &n2), 0);
	assert_ptr_equal(again, blobs);
	assert_int_equal(n2, 2);

	bool valid = false;
	char methods[MON_METHODS_MAX];
	struct mon_net_settings set;
	assert_int_equal(mon_user(f.mc, (const uint8_t *)"alice", 5,
				  (const uint8_t *)"ssh-connection", 14, &valid, methods, &set), 0);
	assert_true(valid);
	assert_string_equal(methods, "publickey");
	/* the settings' defaults are OpenSSH's */
	assert_int_equal(set.max_authtries, 6);
	assert_int_equal(set.log_level, LOG_LEVEL_INFO);
	assert_int_equal(set.accept_env.n, 0);
	mon_net_settings_free(&set);
	finish(&f);
}

/* ---- a signature with session exits arriving during the call ---- */

static int script_sign_with_exits(struct script *s)
{
	struct monitor_msg m;
	if (expect(s, monitor_msg_Monitor_SignRequest, &m) < 0 ||
	    !mpl_bytes_eq_str(m.u.Monitor_SignRequest.algorithm, "rsa-sha2-512") ||
	    m.u.Monitor_SignRequest.data.len != 32 || m.u.Monitor_SignRequest.data.ptr[0] != 0x42)
		return -1;
	if (send_exit(s, 7, true, 3, "") < 0 || send_exit(s, 8, false, 0, "KILL") < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_SignAnswer);
	m.u.Monitor_SignAnswer.status = 0;
	m.u.Monitor_SignAnswer.signature = MPL_LIT("SIGNATURE");
	if (send_plain(s, &m) < 0)
		return -1;
	/* one more exit on its own, seen through read_events */
	if (send_exit(s, 9, false, 0, "SEGV") < 0)
		return -1;
	/* then a refused signature */
	if (expect(s, monitor_msg_Monitor_SignRequest, &m) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_SignAnswer);
	m.u.Monitor_SignAnswer.status = EACCES;
	if (send_plain(s, &m) < 0)
		return -1;
	/* and one that does not fit the caller's buffer */
	if (expect(s, monitor_msg_Monitor_SignRequest, &m) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_SignAnswer);
	m.u.Monitor_SignAnswer.signature = MPL_LIT("0123456789");
	return send_last(s, &m);
}

static void test_sign_with_exits_meanwhile(void **state)
{
	struct fake f = start(script_sign_with_exits);
	uint8_t h[32], sig[64];
	struct mon_session_exit ev;

	memset(h, 0x42, sizeof(h));
	assert_int_equal(mon_sign(f.mc, KEY2, sizeof(KEY2), "rsa-sha2-512", h, sizeof(h), sig,
				  sizeof(sig)), 9);
	assert_memory_equal(sig, "SIGNATURE", 9);

	assert_int_equal(mon_client_next_exit(f.mc, &ev), 1);
	assert_int_equal(ev.session_id, 7);
	assert_true(ev.exited);
	assert_int_equal(ev.exit_status, 3);
	assert_int_equal(mon_client_next_exit(f.mc, &ev), 1);
	assert_int_equal(ev.session_id, 8);
	assert_false(ev.exited);
	assert_string_equal(ev.signal_name, "KILL");
	assert_int_equal(mon_client_next_exit(f.mc, &ev), 0);

	struct pollfd pfd = { .fd = mon_client_fd(f.mc), .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(mon_client_read_events(f.mc), 0);
	assert_int_equal(mon_client_next_exit(f.mc, &ev), 1);
	assert_int_equal(ev.session_id, 9);
	assert_string_equal(ev.signal_name, "SEGV");
	assert_int_equal(mon_client_read_events(f.mc), 0);	/* nothing more: no wait */

	assert_int_equal(mon_sign(f.mc, KEY2, sizeof(KEY2), "rsa-sha2-512", h, sizeof(h), sig,
				  sizeof(sig)), -EACCES);
	assert_int_equal(mon_sign(f.mc, KEY2, sizeof(KEY2), "rsa-sha2-512", h, sizeof(h), sig, 4),
			 -ENOSPC);
	/* a hash of the wrong size is not even sent */
	assert_int_equal(mon_sign(f.mc, KEY2, sizeof(KEY2), "rsa-sha2-512", h, 19, sig,
				  sizeof(sig)), -EINVAL);
	finish(&f);
}

/* ---- wrong answers ---- */

static int script_wrong_kind(struct script *s)
{
	struct monitor_msg m;
	if (expect(s, monitor_msg_Monitor_PubkeyQueryRequest, &m) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_PubkeyVerifyAnswer);
	m.u.Monitor_PubkeyVerifyAnswer.authenticated = true;
	return send_last(s, &m);
}

static void test_wrong_answer_kind(void **state)
{
	struct fake f = start(script_wrong_kind);
	bool allowed = true;

	assert_int_equal(mon_pubkey_query(f.mc, (const uint8_t *)"ssh-ed25519", 11, KEY1,
					  sizeof(KEY1), &allowed), -EPROTO);
	/* the client is finished: nothing more is sent */
	struct mon_auth_result res;
	assert_int_equal(mon_pubkey_verify(f.mc, (const uint8_t *)"a", 1, KEY1, sizeof(KEY1),
					   (const uint8_t *)"d", 1, (const uint8_t *)"s", 1, &res),
			 -EPROTO);
	finish(&f);
}

static int script_unsolicited_other(struct script *s)
{
	struct monitor_msg m;
	monitor_msg_init(&m, monitor_msg_Monitor_PubkeyQueryAnswer);
	return send_last(s, &m);
}

/* The script (the test's state) sends something the client must refuse on its own,
 * outside any call: read_events reports the protocol error. */
static void test_read_events_refuses(void **state)
{
	const struct script_case *c = *state;
	struct fake f = start(c->fn);
	struct pollfd pfd = { .fd = mon_client_fd(f.mc), .events = POLLIN };

	assert_int_equal(poll(&pfd, 1, 5000), 1);
	assert_int_equal(mon_client_read_events(f.mc), -EPROTO);
	finish(&f);
}

static int script_closes(struct script *s)
{
	struct monitor_msg m;
	if (expect(s, monitor_msg_Monitor_UserRequest, &m) < 0)
		return -1;
	return 0;	/* exits without answering: the socket closes */
}

static void test_closed_socket(void **state)
{
	struct fake f = start(script_closes);
	bool valid;
	char methods[MON_METHODS_MAX];

	struct mon_net_settings set;
	assert_int_equal(mon_user(f.mc, (const uint8_t *)"bob", 3, (const uint8_t *)"ssh-connection",
				  14, &valid, methods, &set), -EPIPE);
	assert_int_equal(set.accept_env.n, 0);
	assert_int_equal(mon_client_read_events(f.mc), -EPIPE);
	assert_int_equal(mon_signal(f.mc, 1, "TERM"), -EPIPE);
	finish(&f);
}

static int script_bad_answers(struct script *s)
{
	struct monitor_msg m;
	/* methods longer than MON_METHODS_MAX */
	static char longlist[MON_METHODS_MAX + 10];
	for (size_t i = 0; i + 1 < sizeof(longlist); i++)
		longlist[i] = (i % 10 == 9) ? ',' : 'a';
	longlist[sizeof(longlist) - 2] = 'b';
	if (expect(s, monitor_msg_Monitor_UserRequest, &m) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_UserAnswer);
	m.u.Monitor_UserAnswer.methods = mpl_bytes_str(longlist);
	return send_last(s, &m);
}

static void test_method_list_too_long(void **state)
{
	struct fake f = start(script_bad_answers);
	bool valid;
	char methods[MON_METHODS_MAX];

	struct mon_net_settings set;
	assert_int_equal(mon_user(f.mc, (const uint8_t *)"bob", 3, (const uint8_t *)"ssh-connection",
				  14, &valid, methods, &set), -EPROTO);
	finish(&f);
}

/* ---- the connection's settings in the lookup's answer (Match blocks) ---- */

/* The settings of script_settings_answer: every field away from its default. */
static void settings_sample(struct monitor_net_settings *set, uint8_t *pats, size_t cap)
{
	static const char *const names[] = { "LANG", "LC_*" };
	struct mpl_writer w;
	size_t len = 0;

	monitor_net_settings_init(set);
	mpl_writer_init(&w, pats, cap, 0, 0);
	for (size_t i = 0; i < 2; i++) {
		struct monitor_env_pattern e = { .pattern = mpl_bytes_str(names[i]) };
		(void)monitor_env_pattern_pack(&w, &e, NULL);
	}
	(void)mpl_writer_finish(&w, &len);
	set->max_authtries = 1;
	set->rekey_limit = 1u << 20;
	set->rekey_interval = 30;
	set->log_level = LOG_LEVEL_DEBUG2;
	set->client_alive_interval = 15;
	set->client_alive_count_max = 0;
	set->num_accept_env = 2;
	set->accept_env = (struct mpl_bytes){ pats, len };
}

static int script_settings_answer(struct script *s)
{
	struct monitor_msg m;
	uint8_t pats[64];

	if (expect(s, monitor_msg_Monitor_UserRequest, &m) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_UserAnswer);
	m.u.Monitor_UserAnswer.valid = true;
	m.u.Monitor_UserAnswer.methods = MPL_LIT("publickey");
	settings_sample(&m.u.Monitor_UserAnswer.settings, pats, sizeof(pats));
	return send_last(s, &m);
}

static void test_settings_copied(void **state)
{
	struct fake f = start(script_settings_answer);
	bool valid = false;
	char methods[MON_METHODS_MAX];
	struct mon_net_settings set;

	assert_int_equal(mon_user(f.mc, (const uint8_t *)"alice", 5,
				  (const uint8_t *)"ssh-connection", 14, &valid, methods, &set), 0);
	assert_int_equal(set.max_authtries, 1);
	assert_true(set.rekey_bytes == 1u << 20);
	assert_int_equal(set.rekey_seconds, 30);
	assert_int_equal(set.log_level, LOG_LEVEL_DEBUG2);
	assert_int_equal(set.client_alive_interval, 15);
	assert_int_equal(set.client_alive_count_max, 0);
	assert_int_equal(set.accept_env.n, 2);
	assert_string_equal(set.accept_env.v[0], "LANG");
	assert_string_equal(set.accept_env.v[1], "LC_*");
	mon_net_settings_free(&set);
	finish(&f);
}

/* Where each setting sits in the answer's body: type, valid, methods "publickey". */
#define SET_OFF (1 + 1 + 4 + 9)
enum { OFF_TRIES = SET_OFF, OFF_REKEY = SET_OFF + 4, OFF_INTERVAL = SET_OFF + 12,
       OFF_LEVEL = SET_OFF + 16, OFF_ALIVE = SET_OFF + 17, OFF_ALIVE_MAX = SET_OFF + 21,
       OFF_NENV = SET_OFF + 25, OFF_PATTERNS = SET_OFF + 29 };

/* An answer that mon_wire would not send: a sample answer with bytes overwritten. */
struct bad_settings {
	const char *what;
	size_t off;		/* where the bytes go */
	uint8_t bytes[8];
	size_t len;
};
static const struct bad_settings *bad_case;	/* the forked script reads it */

static int script_bad_settings(struct script *s)
{
	struct monitor_msg m;
	uint8_t pats[64], body[256], rec[300];
	struct mpl_writer w;
	size_t len = 0;

	if (expect(s, monitor_msg_Monitor_UserRequest, &m) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_UserAnswer);
	m.u.Monitor_UserAnswer.valid = true;
	m.u.Monitor_UserAnswer.methods = MPL_LIT("publickey");
	settings_sample(&m.u.Monitor_UserAnswer.settings, pats, sizeof(pats));
	mpl_writer_init(&w, body, sizeof(body), 0, 0);
	if (monitor_msg_pack(&w, &m, NULL) < 0 || mpl_writer_finish(&w, &len) < 0 ||
	    bad_case->off + bad_case->len > len)
		return -1;
	memcpy(body + bad_case->off, bad_case->bytes, bad_case->len);
	size_t n = mon_test_record(rec, sizeof(rec), (uint32_t)len, 0, body, len);
	if (n == 0 || mon_test_raw_send(s->sock, rec, n, NULL, 0) < 0)
		return -1;
	return wait_close(s);
}

/* Every value out of its keyword's range is refused as a malformed answer: the codec's
 * bounds, and mon_user's own checks beyond them. */
static void test_settings_out_of_range(void **state)
{
	static const struct bad_settings cases[] = {
		{ "LogLevel past DEBUG3", OFF_LEVEL, { 8 }, 1 },
		{ "MaxAuthTries past INT_MAX", OFF_TRIES, { 0x80, 0, 0, 0 }, 4 },
		{ "RekeyLimit time past INT_MAX", OFF_INTERVAL, { 0xff, 0xff, 0xff, 0xff }, 4 },
		{ "ClientAliveInterval past INT_MAX", OFF_ALIVE, { 0x80, 0, 0, 0 }, 4 },
		{ "ClientAliveCountMax past INT_MAX", OFF_ALIVE_MAX, { 0xff, 0xff, 0xff, 0xff }, 4 },
		{ "RekeyLimit under 16 bytes", OFF_REKEY, { 0, 0, 0, 0, 0, 0, 0, 15 }, 8 },
		{ "RekeyLimit past INT64_MAX", OFF_REKEY, { 0x80, 0, 0, 0, 0, 0, 0, 0 }, 8 },
		{ "more AcceptEnv patterns than the bound", OFF_NENV, { 0, 0, 0, 129 }, 4 },
		{ "an empty AcceptEnv pattern", OFF_PATTERNS, { 0, 0, 0, 0 }, 4 },
		{ "a NUL in an AcceptEnv pattern", OFF_PATTERNS + 4 + 1, { 0 }, 1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad_case = &cases[i];
		struct fake f = start(script_bad_settings);
		bool valid = false;
		char methods[MON_METHODS_MAX];
		struct mon_net_settings set;
		int r = mon_user(f.mc, (const uint8_t *)"alice", 5,
				 (const uint8_t *)"ssh-connection", 14, &valid, methods, &set);
		if (r != -EPROTO)
			fail_msg("%s: mon_user returned %d, not -EPROTO", cases[i].what, r);
		assert_int_equal(set.accept_env.n, 0);
		assert_false(valid);
		finish(&f);
	}
}

/* ---- sessions and their descriptors ---- */

static int script_sessions(struct script *s)
{
	struct monitor_msg m;
	int p[3][2];

	/* 1: three pipes, after an exit of another session */
	if (expect(s, monitor_msg_Monitor_SessionRequest, &m) < 0 ||
	    !mpl_bytes_eq_str(m.u.Monitor_SessionRequest.command, "echo hi") ||
	    m.u.Monitor_SessionRequest.session_kind != MONITOR_SESSION_EXEC)
		return -1;
	for (int i = 0; i < 3; i++)
		if (pipe2(p[i], O_CLOEXEC) < 0)
			return -1;
	if (send_exit(s, 1, true, 0, "") < 0)
		return -1;
	int give[3] = { p[0][1], p[1][0], p[2][0] };
	monitor_msg_init(&m, monitor_msg_Monitor_SessionAnswer);
	m.u.Monitor_SessionAnswer.session_id = 2;
	if (send_fds(s, &m, give, 3) < 0)
		return -1;
	close(p[0][1]);
	close(p[1][0]);
	close(p[2][0]);
	/* the client writes to stdin; we answer on stdout and stderr */
	char c;
	if (read(p[0][0], &c, 1) != 1 || c != 'i')
		return -1;
	if (write(p[1][1], "o", 1) != 1 || write(p[2][1], "e", 1) != 1)
		return -1;
	for (int i = 0; i < 3; i++)
		close(p[i][i == 0 ? 0 : 1]);

	/* 2: refused */
	if (expect(s, monitor_msg_Monitor_SessionRequest, &m) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_SessionAnswer);
	m.u.Monitor_SessionAnswer.status = EACCES;
	if (send_plain(s, &m) < 0)
		return -1;

	/* 3: window change and signal are one-way */
	if (expect(s, monitor_msg_Monitor_WindowChangeRequest, &m) < 0 ||
	    m.u.Monitor_WindowChangeRequest.width_chars != 80 ||
	    m.u.Monitor_WindowChangeRequest.height_rows != 24)
		return -1;
	if (expect(s, monitor_msg_Monitor_SignalRequest, &m) < 0 ||
	    !mpl_bytes_eq_str(m.u.Monitor_SignalRequest.signal_name, "INT"))
		return -1;

	/* pty-req: asked, answered no then yes */
	for (int i = 0; i < 2; i++) {
		if (expect(s, monitor_msg_Monitor_PtyRequest, &m) < 0)
			return -1;
		monitor_msg_init(&m, monitor_msg_Monitor_PtyAnswer);
		m.u.Monitor_PtyAnswer.allowed = i == 1;
		if (send_plain(s, &m) < 0)
			return -1;
	}

	/* 4: success with one descriptor where three are due */
	if (expect(s, monitor_msg_Monitor_SessionRequest, &m) < 0)
		return -1;
	if (pipe2(p[0], O_CLOEXEC) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_SessionAnswer);
	m.u.Monitor_SessionAnswer.session_id = 3;
	if (send_fds(s, &m, &p[0][1], 1) < 0)
		return -1;
	close(p[0][1]);
	/* the client closed the one it got: EOF here */
	if (read(p[0][0], &c, 1) != 0)
		return -1;
	close(p[0][0]);
	return wait_close(s);
}

static void test_sessions(void **state)
{
	struct fake f = start(script_sessions);
	struct monitor_msg_Monitor_SessionRequest req;
	uint32_t id = 0;
	int fds[3] = { -1, -1, -1 };
	size_t n = 0;
	struct mon_session_exit ev;

	memset(&req, 0, sizeof(req));
	req.session_kind = MONITOR_SESSION_EXEC;
	req.command = MPL_LIT("echo hi");
	assert_int_equal(mon_session(f.mc, &req, &id, fds, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(id, 2);
	assert_int_equal(write(fds[0], "i", 1), 1);
	char c;
	assert_int_equal(read(fds[1], &c, 1), 1);
	assert_int_equal(c, 'o');
	assert_int_equal(read(fds[2], &c, 1), 1);
	assert_int_equal(c, 'e');
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	assert_int_equal(mon_client_next_exit(f.mc, &ev), 1);
	assert_int_equal(ev.session_id, 1);

	assert_int_equal(mon_session(f.mc, &req, &id, fds, &n), -EACCES);
	assert_int_equal(n, 0);
	assert_int_equal(mon_window_change(f.mc, 2, 80, 24, 0, 0), 0);
	assert_int_equal(mon_signal(f.mc, 2, "INT"), 0);
	bool allowed = true;
	assert_int_equal(mon_pty_allowed(f.mc, &allowed), 0);
	assert_false(allowed);
	assert_int_equal(mon_pty_allowed(f.mc, &allowed), 0);
	assert_true(allowed);
	assert_int_equal(mon_session(f.mc, &req, &id, fds, &n), -EPROTO);
	assert_int_equal(n, 0);
	finish(&f);
}

static int script_exit_flood(struct script *s)
{
	for (uint32_t i = 0; i < MON_MAX_PENDING_EXITS + 1; i++)
		if (send_exit(s, i, true, 0, "") < 0)
			return -1;
	return wait_close(s);
}

static void test_exit_queue_bounded(void **state)
{
	struct fake f = start(script_exit_flood);
	int r = 0;
	/* the exits arrive over time; read until the queue overflows */
	for (int i = 0; i < 1000 && r == 0; i++) {
		struct pollfd pfd = { .fd = mon_client_fd(f.mc), .events = POLLIN };
		assert_int_equal(poll(&pfd, 1, 5000), 1);
		r = mon_client_read_events(f.mc);
	}
	assert_int_equal(r, -EPROTO);
	/* the ones queued before are still handed out, oldest first */
	struct mon_session_exit ev;
	for (uint32_t i = 0; i < MON_MAX_PENDING_EXITS; i++) {
		assert_int_equal(mon_client_next_exit(f.mc, &ev), 1);
		assert_int_equal(ev.session_id, i);
	}
	assert_int_equal(mon_client_next_exit(f.mc, &ev), 0);
	finish(&f);
}

static int script_bad_exit(struct script *s)
{
	/* a signal name longer than the client's field */
	if (send_exit(s, 1, false, 0, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH") < 0)
		return -1;
	return wait_close(s);
}

static int script_verify(struct script *s)
{
	struct monitor_msg m;
	if (expect(s, monitor_msg_Monitor_PubkeyVerifyRequest, &m) < 0 ||
	    !mpl_bytes_eq_str(m.u.Monitor_PubkeyVerifyRequest.algorithm, "ssh-ed25519") ||
	    !mpl_bytes_eq_str(m.u.Monitor_PubkeyVerifyRequest.signed_data, "DATA") ||
	    !mpl_bytes_eq_str(m.u.Monitor_PubkeyVerifyRequest.signature, "SIG"))
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_PubkeyVerifyAnswer);
	m.u.Monitor_PubkeyVerifyAnswer.authenticated = false;
	m.u.Monitor_PubkeyVerifyAnswer.methods = MPL_LIT("publickey,password");
	if (send_plain(s, &m) < 0)
		return -1;
	if (expect(s, monitor_msg_Monitor_PubkeyQueryRequest, &m) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_PubkeyQueryAnswer);
	m.u.Monitor_PubkeyQueryAnswer.allowed = true;
	if (send_plain(s, &m) < 0)
		return -1;
	if (expect(s, monitor_msg_Monitor_PubkeyVerifyRequest, &m) < 0)
		return -1;
	monitor_msg_init(&m, monitor_msg_Monitor_PubkeyVerifyAnswer);
	m.u.Monitor_PubkeyVerifyAnswer.authenticated = true;
	return send_last(s, &m);
}

static void test_pubkey_verify_and_query(void **state)
{
	struct fake f = start(script_verify);
	struct mon_auth_result res;
	bool allowed = false;

	assert_int_equal(mon_pubkey_verify(f.mc, (const uint8_t *)"ssh-ed25519", 11, KEY1,
					   sizeof(KEY1), (const uint8_t *)"DATA", 4,
					   (const uint8_t *)"SIG", 3, &res), 0);
	assert_false(res.authenticated);
	assert_false(res.partial);
	assert_string_equal(res.methods, "publickey,password");
	assert_int_equal(mon_pubkey_query(f.mc, (const uint8_t *)"ssh-ed25519", 11, KEY1,
					  sizeof(KEY1), &allowed), 0);
	assert_true(allowed);
	assert_int_equal(mon_pubkey_verify(f.mc, (const uint8_t *)"ssh-ed25519", 11, KEY1,
					   sizeof(KEY1), (const uint8_t *)"DATA", 4,
					   (const uint8_t *)"SIG", 3, &res), 0);
	assert_true(res.authenticated);
	assert_string_equal(res.methods, "");
	finish(&f);
}

int main(void)
{
	struct script_case unsolicited = { script_unsolicited_other };
	struct script_case bad_exit = { script_bad_exit };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostkeys_cached),
		cmocka_unit_test(test_sign_with_exits_meanwhile),
		cmocka_unit_test(test_wrong_answer_kind),
		{ "unsolicited_answer", test_read_events_refuses, NULL, NULL, &unsolicited },
		cmocka_unit_test(test_closed_socket),
		cmocka_unit_test(test_method_list_too_long),
		cmocka_unit_test(test_settings_copied),
		cmocka_unit_test(test_settings_out_of_range),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_exit_queue_bounded),
		{ "bad_exit_refused", test_read_events_refuses, NULL, NULL, &bad_exit },
		cmocka_unit_test(test_pubkey_verify_and_query),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("mon_client", tests, NULL, NULL);
}
