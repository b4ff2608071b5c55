/* The test bed of regress/channels (chan_harness.h). */
#include "regress/channels/chan_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sshd/mon_wire.h"
#include "sshd/session_pty.h"

/* ---- the fake monitor (child process) ---- */

#define FM_MAX_SESSIONS 128
#define FM_LIFETIME_MS 60000

struct fm_session {
	uint32_t id;
	pid_t pid;
	int master;		/* pty sessions: the fake monitor's copy, for window-change */
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const struct {
	const char *name;
	int sig;
} fm_signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "TERM", SIGTERM },
};

static const char *fm_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(fm_signals) / sizeof(fm_signals[0]); i++)
		if (fm_signals[i].sig == sig)
			return fm_signals[i].name;
	return "";
}

static int fm_signal_number(struct mpl_bytes name)
{
	for (size_t i = 0; i < sizeof(fm_signals) / sizeof(fm_signals[0]); i++)
		if (mpl_bytes_eq_str(name, fm_signals[i].name))
			return fm_signals[i].sig;
	return 0;
}

static char *fm_strndup(struct mpl_bytes b)
{
	char *s = malloc(b.len + 1);
	if (s == NULL)
		_exit(90);
	memcpy(s, b.ptr, b.len);
	s[b.len] = '\0';
	return s;
}

/* In the session's child: IN, OUT and ERR become 0, 1 and 2, every other fd is closed,
 * and /bin/sh runs CMD (or reads its stdin when CMD is NULL).  Never returns. */
static _Noreturn void fm_exec_sh(int in, int out, int err, char *cmd, char **envp)
{
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(94);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	signal(SIGPIPE, SIG_DFL);
	char *argv[] = { "sh", cmd != NULL ? "-c" : NULL, cmd, NULL };
	execve("/bin/sh", argv, envp);
	_exit(127);
}

/* Starts the session's process; fds gets stdin (write end), stdout, stderr (read). */
static pid_t fm_spawn(const struct monitor_msg_Monitor_SessionRequest *r, int fds[3])
{
	char *envp[300];
	size_t ne = 0;
	envp[ne++] = "PATH=/usr/bin:/bin";
	struct mpl_reader rd;
	mpl_reader_init(&rd, r->env.ptr, r->env.len);
	for (uint32_t i = 0; i < r->num_env && ne + 1 < 300; i++) {
		struct monitor_env e;
		if (monitor_env_read(&rd, &e, NULL) < 0)
			_exit(91);
		char *kv = malloc(e.name.len + e.value.len + 2);
		if (kv == NULL)
			_exit(90);
		memcpy(kv, e.name.ptr, e.name.len);
		kv[e.name.len] = '=';
		memcpy(kv + e.name.len + 1, e.value.ptr, e.value.len);
		kv[e.name.len + 1 + e.value.len] = '\0';
		envp[ne++] = kv;
	}
	envp[ne] = NULL;

	char *cmd = NULL;
	if (r->session_kind == MONITOR_SESSION_EXEC) {
		cmd = fm_strndup(r->command);
	} else if (r->session_kind == MONITOR_SESSION_SUBSYSTEM) {
		char *name = fm_strndup(r->command);
		cmd = malloc(strlen(name) + 32);
		if (cmd == NULL)
			_exit(90);
		sprintf(cmd, "echo subsystem:%s", name);
		free(name);
	}

	if (r->want_pty) {
		/* the real pty code of the monitor; the child takes the slave as its
		 * controlling terminal; fds[0] is the master, fds[1], fds[2] unused */
		struct session_pty p;
		struct session_winsize ws = { r->width_chars, r->height_rows, r->width_pixels,
					      r->height_pixels };
		if (session_pty_open(&p) < 0 || session_pty_set_winsize(p.slave, &ws) < 0 ||
		    session_pty_apply_modes(p.slave, r->modes.ptr, r->modes.len, NULL) < 0)
			_exit(96);
		pid_t pid = fork();
		if (pid < 0)
			_exit(93);
		if (pid == 0) {
			if (setsid() < 0 || ioctl(p.slave, TIOCSCTTY, 0) < 0)
				_exit(94);
			fm_exec_sh(p.slave, p.slave, p.slave, cmd, envp);
		}
		close(p.slave);
		fds[0] = p.master;
		fds[1] = fds[2] = -1;
		free(cmd);
		for (size_t i = 1; i < ne; i++)
			free(envp[i]);
		return pid;
	}

	int in[2], out[2], err[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, in) < 0 || pipe(out) < 0 || pipe(err) < 0)
		_exit(92);
	pid_t pid = fork();
	if (pid < 0)
		_exit(93);
	if (pid == 0) {
		fm_exec_sh(in[1], out[1], err[1], cmd, envp);
	}
	close(in[1]);
	close(out[1]);
	close(err[1]);
	fds[0] = in[0];
	fds[1] = out[0];
	fds[2] = err[0];
	free(cmd);
	for (size_t i = 1; i < ne; i++)
		free(envp[i]);
	return pid;
}

static void fm_send(int ipc, const struct monitor_msg *m, const int *fds, size_t nfds,
		    uint8_t *scratch, size_t cap)
{
	if (mon_wire_send(ipc, m, fds, nfds, scratch, cap, 5000, NULL) < 0)
		_exit(95);
}

static void fake_monitor(int ipc)
{
	struct fm_session s[FM_MAX_SESSIONS];
	size_t ns = 0;
	uint32_t next_id = 100;
	size_t cap = MON_WIRE_RECORD_MAX;
	uint8_t *buf = malloc(cap), *scratch = malloc(cap);
	if (buf == NULL || scratch == NULL)
		_exit(90);
	uint64_t end = now_ms() + FM_LIFETIME_MS;
	bool peer_gone = false;
	while (!peer_gone && now_ms() < end) {
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			for (size_t i = 0; i < ns; i++) {
				if (s[i].pid != pid)
					continue;
				struct monitor_msg x;
				monitor_msg_init(&x, monitor_msg_Monitor_SessionExit);
				struct monitor_msg_Monitor_SessionExit *e = &x.u.Monitor_SessionExit;
				e->session_id = s[i].id;
				e->exited = WIFEXITED(st);
				e->exit_status = WIFEXITED(st) ? (uint32_t)WEXITSTATUS(st) : 0;
				e->signal_name = mpl_bytes_str(
					WIFSIGNALED(st) ? fm_signal_name(WTERMSIG(st)) : "");
				e->core_dumped = WIFSIGNALED(st) && WCOREDUMP(st);
				fm_send(ipc, &x, NULL, 0, scratch, cap);
				s[i].pid = 0;
				if (s[i].master >= 0)
					close(s[i].master);
				s[i].master = -1;
			}
		}
		struct pollfd pfd = { .fd = ipc, .events = POLLIN };
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		struct monitor_msg m;
		int fds[MON_WIRE_MAX_FDS];
		size_t nfds = 0;
		int r = mon_wire_recv(ipc, buf, cap, &m, fds, MON_WIRE_MAX_FDS, &nfds, 0, NULL);
		if (r == -EAGAIN)
			continue;
		if (r < 0)
			break;
		mon_wire_close_fds(fds, nfds);
		if (m.kind == monitor_msg_Monitor_SessionRequest) {
			const struct monitor_msg_Monitor_SessionRequest *q =
				&m.u.Monitor_SessionRequest;
			struct monitor_msg a;
			monitor_msg_init(&a, monitor_msg_Monitor_SessionAnswer);
			if ((q->session_kind == MONITOR_SESSION_EXEC && q->command.len >= 6 &&
			     memcmp(q->command.ptr, "REFUSE", 6) == 0) || ns == FM_MAX_SESSIONS) {
				a.u.Monitor_SessionAnswer.status = EACCES;
				fm_send(ipc, &a, NULL, 0, scratch, cap);
				continue;
			}
			if (q->session_kind == MONITOR_SESSION_EXEC && q->command.len >= 4 &&
			    memcmp(q->command.ptr, "BUSY", 4) == 0) {
				a.u.Monitor_SessionAnswer.status = EAGAIN;	/* MaxSessions */
				fm_send(ipc, &a, NULL, 0, scratch, cap);
				continue;
			}
			if (q->session_kind == MONITOR_SESSION_EXEC && q->command.len >= 4 &&
			    memcmp(q->command.ptr, "FAIL", 4) == 0) {
				a.u.Monitor_SessionAnswer.status = ENOSPC;
				fm_send(ipc, &a, NULL, 0, scratch, cap);
				continue;
			}
			int sfds[3];
			pid_t child = fm_spawn(q, sfds);
			s[ns].id = next_id++;
			s[ns].pid = child;
			s[ns].master = q->want_pty ? sfds[0] : -1;
			a.u.Monitor_SessionAnswer.session_id = s[ns].id;
			ns++;
			fm_send(ipc, &a, sfds, q->want_pty ? 1 : 3, scratch, cap);
			for (int i = 0; i < 3 && !q->want_pty; i++)
				close(sfds[i]);
		} else if (m.kind == monitor_msg_Monitor_PtyRequest) {
			struct monitor_msg a;
			monitor_msg_init(&a, monitor_msg_Monitor_PtyAnswer);
			a.u.Monitor_PtyAnswer.allowed = true;
			fm_send(ipc, &a, NULL, 0, scratch, cap);
		} else if (m.kind == monitor_msg_Monitor_SignalRequest) {
			int sig = fm_signal_number(m.u.Monitor_SignalRequest.signal_name);
			for (size_t i = 0; i < ns; i++)
				if (s[i].id == m.u.Monitor_SignalRequest.session_id && s[i].pid > 0 &&
				    sig != 0)
					kill(s[i].pid, sig);
		} else if (m.kind == monitor_msg_Monitor_WindowChangeRequest) {
			const struct monitor_msg_Monitor_WindowChangeRequest *w =
				&m.u.Monitor_WindowChangeRequest;
			struct session_winsize ws = { w->width_chars, w->height_rows,
						      w->width_pixels, w->height_pixels };
			for (size_t i = 0; i < ns; i++)
				if (s[i].id == w->session_id && s[i].master >= 0)
					(void)session_pty_set_winsize(s[i].master, &ws);
		} else if (m.kind == monitor_msg_Monitor_SessionClose) {
			/* as the monitor: its copy of the master goes */
			for (size_t i = 0; i < ns; i++)
				if (s[i].id == m.u.Monitor_SessionClose.session_id &&
				    s[i].master >= 0) {
					close(s[i].master);
					s[i].master = -1;
				}
		} else {
			break;
		}
	}
	for (size_t i = 0; i < ns; i++) {
		if (s[i].pid > 0)
			kill(s[i].pid, SIGKILL);
		if (s[i].master >= 0)
			close(s[i].master);
	}
	while (waitpid(-1, NULL, 0) > 0)
		;
	_exit(0);
}

/* ---- the net child's side ---- */

static const unsigned login_statecalls[] = {
	Transmit_Transport_KexInit,
	Receive_Transport_KexInit,
	SSH_POLICY_Notify_StrictKex,
	Receive_Transport_KexEcdhInit,
	Transmit_Transport_KexEcdhReply,
	Transmit_Transport_NewKeys,
	Receive_Transport_NewKeys,
	Receive_Transport_ServiceRequest,
	Transmit_Transport_ServiceAccept,
	Receive_Auth_Request_PublickeySigned,
	SSH_POLICY_Notify_AuthAccepted,
	Transmit_Auth_Success,
};

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	assert_true(fl >= 0);
	assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

void h_setup(struct harness *h, const char *const *config_lines)
{
	memset(h, 0, sizeof(*h));
	signal(SIGPIPE, SIG_IGN);
	const char *dbg = getenv("CHAN_TEST_DEBUG");
	assert_int_equal(log_init(&h->log, "chan-test",
				  dbg != NULL ? LOG_LEVEL_DEBUG2 : LOG_LEVEL_ERROR,
				  LOG_DEST_STDERR, 0, 2), 0);
	sshd_config_init(&h->cfg);
	for (size_t i = 0; config_lines != NULL && config_lines[i] != NULL; i++)
		assert_int_equal(sshd_config_parse_option(&h->cfg, config_lines[i], NULL), 0);
	h->ctx.cfg = &h->cfg;
	h->ctx.log = &h->log;
	snprintf(h->ctx.peer_addr, sizeof(h->ctx.peer_addr), "127.0.0.1");
	h->ctx.peer_port = 40000;

	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	set_nonblock(sv[0]);
	set_nonblock(sv[1]);
	h->srv_fd = sv[0];
	h->cli_fd = sv[1];
	assert_int_equal(conn_init(&h->c, &h->ctx, &h->log, sv[0], sv[0], 0), 0);
	for (size_t i = 0; i < sizeof(login_statecalls) / sizeof(login_statecalls[0]); i++)
		assert_int_equal(conn_notify(&h->c, login_statecalls[i], NULL), 0);
	h->c.authenticated = true;
	snprintf(h->c.user, sizeof(h->c.user), "tester");
	assert_int_equal(packet_new(&h->cli, 0, 0), 0);

	int mv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, mv), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(mv[0]);
		close(sv[0]);
		close(sv[1]);
		fake_monitor(mv[1]);
	}
	close(mv[1]);
	h->monitor_pid = pid;
	set_nonblock(mv[0]);
	assert_int_equal(mon_client_new(&h->mon, mv[0], &h->log), 0);
	h->c.mon = h->mon;
	assert_int_equal(channels_new(&h->chs, &h->c), 0);
	h->c.chans = h->chs;
}

void h_teardown(struct harness *h)
{
	channels_free(h->chs);
	mon_client_free(h->mon);
	/* The fake monitor ends when its socket closes; bound the wait anyway. */
	int st;
	for (int i = 0; i < 300; i++) {
		if (waitpid(h->monitor_pid, &st, WNOHANG) == h->monitor_pid) {
			h->monitor_pid = 0;
			break;
		}
		usleep(10000);
	}
	if (h->monitor_pid > 0) {
		kill(h->monitor_pid, SIGKILL);
		waitpid(h->monitor_pid, &st, 0);
	}
	conn_fini(&h->c);
	packet_free(h->cli);
	close(h->srv_fd);
	close(h->cli_fd);
	sshd_config_free(&h->cfg);
}

static void server_fail(struct harness *h, int err)
{
	if (!h->server_failed) {
		h->server_failed = true;
		h->server_err = err;
	}
}

static void server_read(struct harness *h)
{
	uint8_t *buf;
	size_t room;
	if (packet_rx_space(h->c.pkt, &buf, &room) < 0)
		return;
	ssize_t got = read(h->srv_fd, buf, room);
	if (got <= 0)
		return;
	assert_int_equal(packet_rx_commit(h->c.pkt, (size_t)got), 0);
	for (int i = 0; i < 10000 && !h->c.closing; i++) {
		struct packet_in in;
		int r = packet_next(h->c.pkt, &in);
		if (r <= 0) {
			if (r < 0)
				server_fail(h, r);
			return;
		}
		struct ssh_msg m;
		struct ssh_policy_channel *ch;
		r = conn_recv(&h->c, &in, &m, channels_lookup, h->chs, &ch);
		if (r == -EBADMSG || r == -EPROTO) {
			conn_disconnect(&h->c, r, SSH_DISCONNECT_PROTOCOL_ERROR, "protocol error");
			server_fail(h, r);
			return;
		}
		if (r < 0)
			continue;
		r = channels_handle(&h->c, &m, ch);
		if (r < 0) {
			server_fail(h, r);
			return;
		}
	}
}

static void server_write(struct harness *h)
{
	for (int i = 0; i < 64; i++) {
		size_t len;
		const uint8_t *p = packet_tx_peek(h->c.pkt, &len);
		if (p == NULL || len == 0)
			return;
		ssize_t w = write(h->srv_fd, p, len);
		if (w <= 0)
			return;
		assert_int_equal(packet_tx_consume(h->c.pkt, (size_t)w), 0);
	}
}

void h_pump(struct harness *h, int timeout_ms)
{
	struct pollfd pfds[2 + CHANNEL_MAX_POLLFDS];
	pfds[0] = (struct pollfd){ .fd = h->srv_fd,
				   .events = POLLIN | (packet_tx_pending(h->c.pkt) ? POLLOUT : 0) };
	pfds[1] = (struct pollfd){ .fd = mon_client_fd(h->mon), .events = POLLIN };
	size_t n = h->c.closing ? 0 : channels_pollfds(h->chs, pfds + 2, CHANNEL_MAX_POLLFDS);
	if (poll(pfds, 2 + n, timeout_ms) < 0)
		return;
	if (pfds[0].revents & (POLLIN | POLLHUP))
		server_read(h);
	if (!h->c.closing && (pfds[1].revents & POLLIN)) {
		assert_int_equal(mon_client_read_events(h->mon), 0);
		struct mon_session_exit ev;
		while (mon_client_next_exit(h->mon, &ev) == 1) {
			int r = channels_session_exit(&h->c, &ev);
			if (r < 0)
				server_fail(h, r);
		}
	}
	if (!h->c.closing) {
		int r = channels_io(&h->c, pfds + 2, n);
		if (r < 0)
			server_fail(h, r);
	}
	server_write(h);
}

/* ---- the client's side ---- */

static void client_flush(struct harness *h)
{
	uint64_t end = now_ms() + 10000;
	while (packet_tx_pending(h->cli) > 0) {
		assert_true(now_ms() < end);
		size_t len;
		const uint8_t *p = packet_tx_peek(h->cli, &len);
		ssize_t w = write(h->cli_fd, p, len);
		if (w > 0) {
			assert_int_equal(packet_tx_consume(h->cli, (size_t)w), 0);
			continue;
		}
		assert_true(w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
		h_pump(h, 5);
		if (h->c.closing) {
			/* The server stopped reading: what is left will never be taken. */
			return;
		}
	}
}

void h_send(struct harness *h, const struct ssh_msg *m)
{
	struct mpl_writer w;
	uint64_t end = now_ms() + 10000;
	int rc;
	while ((rc = packet_begin(h->cli, 1, &w)) == -ENOSPC) {
		assert_true(now_ms() < end);
		client_flush(h);
		if (h->c.closing)
			return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(ssh_msg_pack(&w, m, NULL), 0);
	assert_int_equal(packet_commit(h->cli, &w, NULL), 0);
	client_flush(h);
}

int h_recv(struct harness *h, struct ssh_msg *m, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	for (;;) {
		struct packet_in in;
		int r = packet_next(h->cli, &in);
		assert_true(r >= 0);
		if (r == 1) {
			struct ssh_msg_state st = { 0 };
			struct mpl_error err = { 0 };
			assert_int_equal(ssh_msg_unpack(in.payload, in.len, &st, m, &err), 0);
			return 1;
		}
		uint8_t *buf;
		size_t room;
		assert_int_equal(packet_rx_space(h->cli, &buf, &room), 0);
		ssize_t got = read(h->cli_fd, buf, room);
		if (got > 0) {
			assert_int_equal(packet_rx_commit(h->cli, (size_t)got), 0);
			continue;
		}
		if (got == 0 || now_ms() >= end)
			return 0;
		h_pump(h, 5);
	}
}

void h_open_session(struct harness *h, uint32_t client_id, uint32_t window, uint32_t max_packet)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Open_Session);
	m.u.Channel_Open_Session.channel_type = mpl_bytes_str("session");
	m.u.Channel_Open_Session.sender_channel = client_id;
	m.u.Channel_Open_Session.initial_window_size = window;
	m.u.Channel_Open_Session.maximum_packet_size = max_packet;
	h_send(h, &m);
}

void h_exec(struct harness *h, uint32_t server_id, const char *command, bool want_reply)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Request_Exec);
	m.u.Channel_Request_Exec.recipient_channel = server_id;
	m.u.Channel_Request_Exec.request = mpl_bytes_str("exec");
	m.u.Channel_Request_Exec.want_reply = want_reply;
	m.u.Channel_Request_Exec.command = mpl_bytes_str(command);
	h_send(h, &m);
}

void h_env(struct harness *h, uint32_t server_id, const char *name, const char *value,
	   bool want_reply)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Request_Env);
	m.u.Channel_Request_Env.recipient_channel = server_id;
	m.u.Channel_Request_Env.request = mpl_bytes_str("env");
	m.u.Channel_Request_Env.want_reply = want_reply;
	m.u.Channel_Request_Env.name = mpl_bytes_str(name);
	m.u.Channel_Request_Env.value = mpl_bytes_str(value);
	h_send(h, &m);
}

void h_data(struct harness *h, uint32_t server_id, const void *p, size_t n)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Data);
	m.u.Channel_Data.recipient_channel = server_id;
	m.u.Channel_Data.data = (struct mpl_bytes){ p, n };
	h_send(h, &m);
}

void h_eof(struct harness *h, uint32_t server_id)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Eof);
	m.u.Channel_Eof.recipient_channel = server_id;
	h_send(h, &m);
}

void h_close(struct harness *h, uint32_t server_id)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_Close);
	m.u.Channel_Close.recipient_channel = server_id;
	h_send(h, &m);
}

void h_window_adjust(struct harness *h, uint32_t server_id, uint32_t add)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_WindowAdjust);
	m.u.Channel_WindowAdjust.recipient_channel = server_id;
	m.u.Channel_WindowAdjust.bytes_to_add = add;
	h_send(h, &m);
}

uint32_t h_expect_confirm(struct harness *h, uint32_t client_id)
{
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, 5000), 1);
	assert_int_equal(m.kind, ssh_msg_Channel_OpenConfirmation);
	assert_int_equal(m.u.Channel_OpenConfirmation.recipient_channel, client_id);
	assert_int_equal(m.u.Channel_OpenConfirmation.initial_window_size, CHANNEL_WINDOW);
	assert_int_equal(m.u.Channel_OpenConfirmation.maximum_packet_size, CHANNEL_MAX_PACKET);
	return m.u.Channel_OpenConfirmation.sender_channel;
}

static void append(uint8_t **buf, size_t *len, struct mpl_bytes d)
{
	uint8_t *p = realloc(*buf, *len + d.len + 1);
	assert_non_null(p);
	memcpy(p + *len, d.ptr, d.len);
	*buf = p;
	*len += d.len;
}

static void note(struct session_result *r, char letter)
{
	if (r->norder + 1 < sizeof(r->order)) {
		r->order[r->norder++] = letter;
		r->order[r->norder] = '\0';
	}
}

void h_collect(struct harness *h, uint32_t client_id, uint32_t server_id,
	       struct session_result *r, bool adjust, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;
	while (!r->got_close && now_ms() < end) {
		struct ssh_msg m;
		if (h_recv(h, &m, (int)(end - now_ms())) != 1)
			break;
		switch (m.kind) {
		case ssh_msg_Channel_Data:
			if (m.u.Channel_Data.recipient_channel != client_id)
				break;
			assert_true(m.u.Channel_Data.data.len <= CHANNEL_MAX_PACKET);
			append(&r->out, &r->out_len, m.u.Channel_Data.data);
			note(r, 'D');
			if (adjust)
				h_window_adjust(h, server_id, (uint32_t)m.u.Channel_Data.data.len);
			break;
		case ssh_msg_Channel_ExtendedData:
			if (m.u.Channel_ExtendedData.recipient_channel != client_id)
				break;
			assert_int_equal(m.u.Channel_ExtendedData.data_type, 1);
			append(&r->err, &r->err_len, m.u.Channel_ExtendedData.data);
			note(r, 'X');
			if (adjust)
				h_window_adjust(h, server_id,
						(uint32_t)m.u.Channel_ExtendedData.data.len);
			break;
		case ssh_msg_Channel_Request_ExitStatus:
			if (m.u.Channel_Request_ExitStatus.recipient_channel != client_id)
				break;
			assert_false(m.u.Channel_Request_ExitStatus.want_reply);
			r->got_exit_status = true;
			r->exit_status = m.u.Channel_Request_ExitStatus.exit_status;
			note(r, 'S');
			break;
		case ssh_msg_Channel_Request_ExitSignal: {
			const struct ssh_msg_Channel_Request_ExitSignal *x =
				&m.u.Channel_Request_ExitSignal;
			if (x->recipient_channel != client_id)
				break;
			assert_false(x->want_reply);
			r->got_exit_signal = true;
			snprintf(r->signal_name, sizeof(r->signal_name), "%.*s",
				 (int)x->signal_name.len, (const char *)x->signal_name.ptr);
			r->core_dumped = x->core_dumped;
			assert_int_equal(x->error_message.len, 0);
			note(r, 'G');
			break;
		}
		case ssh_msg_Channel_Eof:
			if (m.u.Channel_Eof.recipient_channel == client_id) {
				r->got_eof = true;
				note(r, 'E');
			}
			break;
		case ssh_msg_Channel_Close:
			if (m.u.Channel_Close.recipient_channel == client_id) {
				r->got_close = true;
				note(r, 'C');
			}
			break;
		case ssh_msg_Channel_Success:
			if (m.u.Channel_Success.recipient_channel == client_id)
				note(r, 'Y');
			break;
		case ssh_msg_Channel_Failure:
			if (m.u.Channel_Failure.recipient_channel == client_id)
				note(r, 'N');
			break;
		case ssh_msg_Transport_Disconnect:
			r->disconnected = true;
			return;
		default:
			break;
		}
	}
}

const char *h_order(struct session_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->norder; i++)
		if (n == 0 || r->squeezed[n - 1] != r->order[i])
			r->squeezed[n++] = r->order[i];
	r->squeezed[n] = '\0';
	return r->squeezed;
}

void h_result_free(struct session_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}
