/* monitor_loop driven from the net child's side: the loop runs in a forked process on
 * one end of an fdpass socketpair (as privsep would run it, minus the fork of a real net
 * child), and this process plays the net child through mon_client (and raw records for
 * what mon_client would never send).  Host keys are generated into a scratch
 * directory; the user is the one running the tests, with an authorized_keys file there.
 * Each case checks the loop's exit (0, or the errno it ended with) and its log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/base64.h"
#include "crypto/hostkey.h"
#include "keys.h"
#include "regress/monitor/mon_test_util.h"
#include "regress/os/os_test_util.h"
#include "sshd/conn_ctx.h"
#include "sshd/fdpass.h"
#include "sshd/keyblob.h"
#include "sshd/mon_client.h"
#include "sshd/mon_wire.h"
#include "sshd/monitor.h"
#include "sshd/privsep.h"
#include "sshd/sandbox.h"

struct fx {
	char dir[64];
	char log_path[128];
	char hostkey_path[2][128];
	char ak_path[128];
	char user[256];
	struct hostkey *hostkeys[2];
	struct hostkey *userkey;
	uint8_t user_blob[KEYBLOB_MAX];
	size_t user_blob_len;
	char user_line[BASE64_ENCODED_SIZE(KEYBLOB_MAX) + 64];
	pid_t pid;
	struct mon_client *mc;
	int status;		/* the loop's process, once reaped */
	char logtext[1 << 16];
	uint8_t h[32];		/* the exchange hash this "connection" signs */
	bool no_setid_caps;	/* the monitor runs without CAP_SETUID/CAP_SETGID */
	const char *conf_text;	/* a configuration file's text after the lines (Match
				   blocks), or NULL */
};

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* The fixture's user key in the AuthorizedKeysFile, alone. */
static void authorize_user_key(const struct fx *f)
{
	char line[sizeof(f->user_line) + 2];

	snprintf(line, sizeof(line), "%s\n", f->user_line);
	write_text(f->ak_path, line, 0600);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	static char pem[HOSTKEY_PEM_MAX];
	char b64[BASE64_ENCODED_SIZE(KEYBLOB_MAX)];

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/msshd-monitor.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->log_path, sizeof(f->log_path), "%s/log", f->dir);
	snprintf(f->ak_path, sizeof(f->ak_path), "%s/authorized_keys", f->dir);
	const enum pubkey_type types[2] = { PUBKEY_ED25519, PUBKEY_ECDSA };
	for (int i = 0; i < 2; i++) {
		snprintf(f->hostkey_path[i], sizeof(f->hostkey_path[i]), "%s/hostkey%d", f->dir, i);
		if (hostkey_generate(&f->hostkeys[i], types[i], 256) < 0 ||
		    hostkey_to_pem(f->hostkeys[i], pem, sizeof(pem)) < 0)
			return -1;
		write_text(f->hostkey_path[i], pem, 0600);
	}
	if (hostkey_generate(&f->userkey, PUBKEY_ED25519, 0) < 0)
		return -1;
	int n = keyblob_encode(hostkey_pubkey(f->userkey), f->user_blob, sizeof(f->user_blob));
	if (n <= 0 || base64_encode(f->user_blob, (size_t)n, 0, b64, sizeof(b64)) <= 0)
		return -1;
	f->user_blob_len = (size_t)n;
	snprintf(f->user_line, sizeof(f->user_line), "ssh-ed25519 %s test@monitor", b64);
	struct passwd *pw = getpwuid(getuid());
	if (pw == NULL)
		return -1;
	snprintf(f->user, sizeof(f->user), "%s", pw->pw_name);
	memset(f->h, 0x5a, sizeof(f->h));
	f->pid = -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[256];

	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	mon_client_free(f->mc);
	for (int i = 0; i < 2; i++)
		hostkey_free(f->hostkeys[i]);
	hostkey_free(f->userkey);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Takes CAP_SETUID and CAP_SETGID out of this (root) process's effective set: it stays
 * root, but taking a user's ids to read their authorized_keys fails, the one internal
 * error of a key check a test can cause from outside. */
static int drop_setid_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return -errno;
	data[0].effective &= ~((1u << CAP_SETUID) | (1u << CAP_SETGID));
	return syscall(SYS_capset, &hdr, data) != 0 ? -errno : 0;
}

/* Runs monitor_loop in a child process with a configuration made of `lines` (sshd_config
 * lines, NULL-terminated), the HostKeys and the AuthorizedKeysFile of the fixture
 * added unless no_keys. */
static void start_monitor(struct fx *f, const char *const *lines, bool no_keys)
{
	int sv[2];

	assert_int_equal(fdpass_socketpair(sv), 0);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		static struct sshd_config cfg;
		static struct log_ctx lg;
		static struct sshd_conn_ctx ctx;
		static struct privsep_monitor mon;
		char line[512];

		close(sv[1]);
		if (log_init(&lg, "monitor-test", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR, 0, 2) < 0 ||
		    log_open_file(&lg, f->log_path) < 0)
			_exit(100);
		sshd_config_init(&cfg);
		if (!no_keys) {
			for (int i = 0; i < 2; i++) {
				snprintf(line, sizeof(line), "HostKey %s", f->hostkey_path[i]);
				if (sshd_config_parse_option(&cfg, line, NULL) != 0)
					_exit(101);
			}
		}
		snprintf(line, sizeof(line), "AuthorizedKeysFile %s", f->ak_path);
		if (sshd_config_parse_option(&cfg, line, NULL) != 0 ||
		    sshd_config_parse_option(&cfg, "StrictModes no", NULL) != 0)
			_exit(102);
		for (size_t i = 0; lines != NULL && lines[i] != NULL; i++)
			if (sshd_config_parse_option(&cfg, lines[i], NULL) != 0)
				_exit(103);
		if (f->conf_text != NULL) {
			static struct sshd_config_source src;
			sshd_config_source_init(&src);
			if (sshd_config_source_set(&src, "test_config", f->conf_text,
						   strlen(f->conf_text), NULL) != 0 ||
			    sshd_config_parse(&cfg, &src, NULL) != 0)
				_exit(105);
			ctx.src = &src;
			ctx.algs = &sshd_openssh92_algos;
		}
		if (f->no_setid_caps && drop_setid_caps() < 0)
			_exit(104);
		ctx.cfg = &cfg;
		ctx.log = &lg;
		snprintf(ctx.peer_addr, sizeof(ctx.peer_addr), "127.0.0.1");
		ctx.peer_port = 40000;
		snprintf(ctx.local_addr, sizeof(ctx.local_addr), "127.0.0.1");
		ctx.local_port = 2222;
		ctx.privileged = false;
		ctx.startup_fd = -1;
		mon.child = getppid();
		mon.ipc_fd = sv[0];
		mon.pidfd = -1;
		mon.log = &lg;
		mon.relay.fd = -1;
		mon.arg = &ctx;
		int r = monitor_loop(&mon);
		_exit(r == 0 ? 0 : (-r) & 0x7f);
	}
	close(sv[0]);
	assert_int_equal(mon_client_new(&f->mc, sv[1], NULL), 0);
}

/* Closes the net side and waits (bounded) for the loop's end; returns its exit code
 * (0, or the errno it returned) and reads its log into f->logtext. */
static int stop_monitor(struct fx *f)
{
	int status = 0;

	mon_client_free(f->mc);
	f->mc = NULL;
	for (int i = 0;; i++) {
		pid_t w = waitpid(f->pid, &status, WNOHANG);
		if (w == f->pid)
			break;
		assert_int_equal(w, 0);
		if (i == 1000)
			fail_msg("the monitor loop did not end");
		poll(NULL, 0, 10);
	}
	f->pid = -1;
	int fd = open(f->log_path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	ssize_t n = read(fd, f->logtext, sizeof(f->logtext) - 1);
	close(fd);
	f->logtext[n > 0 ? n : 0] = '\0';
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void assert_log(const struct fx *f, const char *s)
{
	if (strstr(f->logtext, s) == NULL)
		fail_msg("log lacks \"%s\":\n%s", s, f->logtext);
}

static void host_blobs(struct fx *f, const struct mpl_bytes **blobs)
{
	size_t n = 0;
	assert_int_equal(mon_hostkeys(f->mc, blobs, &n), 0);
	assert_int_equal(n, 2);
}

static int sign(struct fx *f, const struct mpl_bytes *blob, const char *alg)
{
	uint8_t sig[SIGBLOB_MAX];
	return mon_sign(f->mc, blob->ptr, blob->len, alg, f->h, sizeof(f->h), sig, sizeof(sig));
}

static int user(struct fx *f, const char *name, bool *valid)
{
	char methods[MON_METHODS_MAX];
	struct mon_net_settings set;
	int r = mon_user(f->mc, (const uint8_t *)name, strlen(name),
			 (const uint8_t *)"ssh-connection", 14, valid, methods, &set);
	mon_net_settings_free(&set);
	return r;
}

/* The userauth_signed_data of a publickey request for the user key; with a host key
 * blob, of a publickey-hostbound-v00@openssh.com request naming that key. */
static size_t signed_data_for(struct fx *f, const char *name, const struct mpl_bytes *host,
			      uint8_t *out, size_t cap)
{
	struct userauth_signed_data sd;
	struct mpl_writer w;
	size_t len = 0;
	struct mpl_bytes key = { f->user_blob, f->user_blob_len };

	userauth_signed_data_init(&sd, host != NULL ? userauth_signed_data_Hostbound
						    : userauth_signed_data_Publickey);
	sd.session_id = (struct mpl_bytes){ f->h, sizeof(f->h) };
	sd.msg = 50;
	sd.user = mpl_bytes_str(name);
	sd.service = MPL_LIT("ssh-connection");
	if (host != NULL) {
		sd.method = MPL_LIT("publickey-hostbound-v00@openssh.com");
		sd.u.Hostbound.has_signature = true;
		sd.u.Hostbound.algorithm = MPL_LIT("ssh-ed25519");
		sd.u.Hostbound.key = key;
		sd.u.Hostbound.server_host_key = *host;
	} else {
		sd.method = MPL_LIT("publickey");
		sd.u.Publickey.has_signature = true;
		sd.u.Publickey.algorithm = MPL_LIT("ssh-ed25519");
		sd.u.Publickey.key = key;
	}
	mpl_writer_init(&w, out, cap, 0, 0);
	assert_int_equal(userauth_signed_data_pack(&w, &sd, NULL), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	return len;
}

static size_t signed_data(struct fx *f, const char *name, uint8_t *out, size_t cap)
{
	return signed_data_for(f, name, NULL, out, cap);
}

static int verify(struct fx *f, const uint8_t *data, size_t len, const uint8_t *signed_over,
		  size_t signed_len, struct mon_auth_result *res)
{
	uint8_t sig[SIGBLOB_MAX];
	int n = sigblob_sign(f->userkey, SIG_ALG_ED25519, signed_over, signed_len, sig,
			     sizeof(sig));
	assert_true(n > 0);
	return mon_pubkey_verify(f->mc, (const uint8_t *)"ssh-ed25519", 11, f->user_blob,
				 f->user_blob_len, data, len, sig, (size_t)n, res);
}

/* Up to the authenticated state: host keys, signature, user, good signature. */
static void authenticate(struct fx *f)
{
	const struct mpl_bytes *blobs;
	bool valid = false;
	uint8_t sd[1024];
	struct mon_auth_result res;

	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(user(f, f->user, &valid), 0);
	assert_true(valid);
	size_t n = signed_data(f, f->user, sd, sizeof(sd));
	assert_int_equal(verify(f, sd, n, sd, n, &res), 0);
	assert_true(res.authenticated);
}

/* ---- refusals by the policy ---- */

static void test_sign_before_hostkeys(void **state)
{
	struct fx *f = *state;
	uint8_t sig[SIGBLOB_MAX];
	static uint8_t blob[KEYBLOB_MAX];

	start_monitor(f, NULL, false);
	/* the blob is known without asking (the net child loaded nothing, but a signature
	 * names its key by blob; the policy does not demand HostkeysRequest first) */
	int n = keyblob_encode(hostkey_pubkey(f->hostkeys[0]), blob, sizeof(blob));
	assert_true(n > 0);
	int len = mon_sign(f->mc, blob, (size_t)n, "ssh-ed25519", f->h, sizeof(f->h), sig,
			   sizeof(sig));
	assert_true(len > 0);
	assert_int_equal(sigblob_verify(hostkey_pubkey(f->hostkeys[0]), SIG_ALG_ED25519, sig,
					(size_t)len, f->h, sizeof(f->h), 0), 0);
	assert_int_equal(stop_monitor(f), 0);
}

static void test_two_signatures_before_user(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;

	start_monitor(f, NULL, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(sign(f, &blobs[1], "ecdsa-sha2-nistp256"), -EPIPE);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "Receive_Monitor_SignRequest refused by automaton monitor in state ");
}

static void test_verify_before_user(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;
	uint8_t sd[1024];
	struct mon_auth_result res;

	start_monitor(f, NULL, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	size_t n = signed_data(f, f->user, sd, sizeof(sd));
	assert_int_equal(verify(f, sd, n, sd, n, &res), -EPIPE);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "Receive_Monitor_PubkeyVerifyRequest refused by automaton monitor in state ");
}

static void test_user_before_signature(void **state)
{
	struct fx *f = *state;
	bool valid;

	start_monitor(f, NULL, false);
	assert_int_equal(user(f, f->user, &valid), -EPIPE);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "Receive_Monitor_UserRequest refused by automaton monitor in state ");
}

static void test_session_before_auth(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;
	struct monitor_msg_Monitor_SessionRequest req;
	uint32_t id;
	int fds[3];
	size_t nfds;
	bool valid;

	start_monitor(f, NULL, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(user(f, f->user, &valid), 0);
	memset(&req, 0, sizeof(req));
	req.session_kind = MONITOR_SESSION_EXEC;
	req.command = MPL_LIT("id");
	assert_int_equal(mon_session(f->mc, &req, &id, fds, &nfds), -EPIPE);
	assert_int_equal(nfds, 0);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "Receive_Monitor_SessionRequest refused by automaton monitor in state ");
}

static void test_user_change_refused(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;
	bool valid;

	start_monitor(f, NULL, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(user(f, f->user, &valid), 0);
	assert_int_equal(user(f, f->user, &valid), 0);	/* the same again is fine */
	assert_int_equal(user(f, "nobody-else", &valid), -EPIPE);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "change of username or service not allowed");
}

/* ---- refusals of malformed requests ---- */

static void test_unknown_type_refused(void **state)
{
	struct fx *f = *state;
	uint8_t rec[16];
	const uint8_t body[] = { 99, 1, 2, 3 };

	start_monitor(f, NULL, false);
	size_t n = mon_test_record(rec, sizeof(rec), sizeof(body), 0, body, sizeof(body));
	assert_int_equal(mon_test_raw_send(mon_client_fd(f->mc), rec, n, NULL, 0), 0);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "Receive_Monitor_Unknown refused by automaton monitor");
}

static void test_answer_kind_from_net_refused(void **state)
{
	struct fx *f = *state;
	uint8_t rec[32];
	/* SessionExit: the monitor's own message */
	const uint8_t body[] = { 34, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	start_monitor(f, NULL, false);
	size_t n = mon_test_record(rec, sizeof(rec), sizeof(body), 0, body, sizeof(body));
	assert_int_equal(mon_test_raw_send(mon_client_fd(f->mc), rec, n, NULL, 0), 0);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "Receive_Monitor_SessionExit refused by automaton monitor");
}

static void test_request_with_fd_refused(void **state)
{
	struct fx *f = *state;
	uint8_t rec[16];
	const uint8_t body[] = { 1 };	/* HostkeysRequest */
	int p[2];

	start_monitor(f, NULL, false);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	size_t n = mon_test_record(rec, sizeof(rec), sizeof(body), 1, body, sizeof(body));
	assert_int_equal(mon_test_raw_send(mon_client_fd(f->mc), rec, n, &p[1], 1), 0);
	close(p[1]);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "malformed request from the net child");
	/* the monitor closed what it got: nothing holds the write end any more */
	char c;
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
}

static void test_truncated_request_refused(void **state)
{
	struct fx *f = *state;
	uint8_t rec[16];
	const uint8_t body[] = { 3, 0, 0, 0, 40, 'x' };	/* SignRequest cut short */

	start_monitor(f, NULL, false);
	size_t n = mon_test_record(rec, sizeof(rec), sizeof(body), 0, body, sizeof(body));
	assert_int_equal(mon_test_raw_send(mon_client_fd(f->mc), rec, n, NULL, 0), 0);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "malformed request from the net child");
}

static void test_no_hostkeys(void **state)
{
	struct fx *f = *state;
	const char *lines[] = { NULL, NULL };
	char line[256];

	/* one key file that is not a key */
	snprintf(line, sizeof(line), "HostKey %s/authorized_keys", f->dir);
	write_text(f->ak_path, "not a key\n", 0600);
	lines[0] = line;
	start_monitor(f, lines, true);
	assert_int_equal(stop_monitor(f), ENOENT);
	assert_log(f, "Unable to load host key");
	assert_log(f, "no hostkeys available");
}

static void test_sign_refusals(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;
	uint8_t sig[SIGBLOB_MAX];

	start_monitor(f, NULL, false);
	host_blobs(f, &blobs);
	/* an algorithm that does not suit the key: refused, the connection goes on */
	assert_int_equal(sign(f, &blobs[0], "rsa-sha2-256"), -EACCES);
	/* (and since a signature was asked, the next one before a user is refused) */
	assert_int_equal(mon_sign(f->mc, f->user_blob, f->user_blob_len, "ssh-ed25519", f->h,
				  sizeof(f->h), sig, sizeof(sig)), -EPIPE);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "algorithm does not suit the key");

	/* a key we do not hold */
	start_monitor(f, NULL, false);
	assert_int_equal(mon_sign(f->mc, f->user_blob, f->user_blob_len, "ssh-ed25519", f->h,
				  sizeof(f->h), sig, sizeof(sig)), -EACCES);
	assert_int_equal(stop_monitor(f), 0);
	assert_log(f, "signature asked with a host key we do not hold");
}

/* ---- the good flow ---- */

static int wait_exit(struct fx *f, struct mon_session_exit *ev)
{
	for (int i = 0; i < 100; i++) {
		int r = mon_client_next_exit(f->mc, ev);
		if (r != 0)
			return r;
		struct pollfd pfd = { .fd = mon_client_fd(f->mc), .events = POLLIN };
		if (poll(&pfd, 1, 100) == 1 && (r = mon_client_read_events(f->mc)) < 0)
			return r;
	}
	return 0;
}

static size_t read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	for (int i = 0; i < 1000 && n + 1 < cap; i++) {
		ssize_t k = read(fd, buf + n, cap - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	return n;
}

static void test_full_flow(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;
	uint8_t sig[SIGBLOB_MAX], sd[1024];
	bool valid = false, allowed = true;
	char methods[MON_METHODS_MAX];
	struct mon_auth_result res;
	char line[8192];

	authorize_user_key(f);
	start_monitor(f, NULL, false);

	host_blobs(f, &blobs);
	int len = mon_sign(f->mc, blobs[1].ptr, blobs[1].len, "ecdsa-sha2-nistp256", f->h,
			   sizeof(f->h), sig, sizeof(sig));
	assert_true(len > 0);
	assert_int_equal(sigblob_verify(hostkey_pubkey(f->hostkeys[1]), SIG_ALG_ECDSA_NISTP256,
					sig, (size_t)len, f->h, sizeof(f->h), 0), 0);

	struct mon_net_settings set;
	assert_int_equal(mon_user(f->mc, (const uint8_t *)f->user, strlen(f->user),
				  (const uint8_t *)"ssh-connection", 14, &valid, methods, &set), 0);
	assert_true(valid);
	assert_string_equal(methods, "publickey");
	mon_net_settings_free(&set);

	/* a key that is not listed, then the one that is */
	uint8_t other[KEYBLOB_MAX];
	int on = keyblob_encode(hostkey_pubkey(f->hostkeys[0]), other, sizeof(other));
	assert_int_equal(mon_pubkey_query(f->mc, (const uint8_t *)"ssh-ed25519", 11, other,
					  (size_t)on, &allowed), 0);
	assert_false(allowed);
	assert_int_equal(mon_pubkey_query(f->mc, (const uint8_t *)"ssh-ed25519", 11, f->user_blob,
					  f->user_blob_len, &allowed), 0);
	assert_true(allowed);

	/* a signature over other bytes than the signed data: no */
	size_t n = signed_data(f, f->user, sd, sizeof(sd));
	assert_int_equal(verify(f, sd, n, sd, n - 1, &res), 0);
	assert_false(res.authenticated);
	assert_string_equal(res.methods, "publickey");
	/* the right one */
	assert_int_equal(verify(f, sd, n, sd, n, &res), 0);
	assert_true(res.authenticated);

	/* an exec session: output on stdout and stderr, exit status 3 */
	struct monitor_msg_Monitor_SessionRequest req;
	uint32_t id = 0;
	int fds[3];
	size_t nfds = 0;
	char out[256];
	struct mon_session_exit ev;
	memset(&req, 0, sizeof(req));
	req.session_kind = MONITOR_SESSION_EXEC;
	req.command = MPL_LIT("read x; echo \"out $x\"; echo err >&2; exit 3");
	assert_int_equal(mon_session(f->mc, &req, &id, fds, &nfds), 0);
	assert_int_equal(nfds, 3);
	assert_int_equal(write(fds[0], "in\n", 3), 3);
	close(fds[0]);
	read_all(fds[1], out, sizeof(out));
	assert_string_equal(out, "out in\n");
	read_all(fds[2], out, sizeof(out));
	assert_string_equal(out, "err\n");
	close(fds[1]);
	close(fds[2]);
	assert_int_equal(wait_exit(f, &ev), 1);
	assert_int_equal(ev.session_id, id);
	assert_true(ev.exited);
	assert_int_equal(ev.exit_status, 3);

	/* a signal, then the exit it causes */
	uint32_t id2 = 0;
	req.command = MPL_LIT("exec sleep 30");
	assert_int_equal(mon_session(f->mc, &req, &id2, fds, &nfds), 0);
	assert_true(id2 != id);
	assert_int_equal(mon_window_change(f->mc, id2, 80, 24, 0, 0), 0);
	assert_int_equal(mon_signal(f->mc, id2, "TERM"), 0);
	assert_int_equal(wait_exit(f, &ev), 1);
	assert_int_equal(ev.session_id, id2);
	assert_false(ev.exited);
	assert_string_equal(ev.signal_name, "TERM");
	for (int i = 0; i < 3; i++)
		close(fds[i]);

	assert_int_equal(stop_monitor(f), 0);
	snprintf(line, sizeof(line), "Accepted publickey for %s from 127.0.0.1 port 40000 ssh2: "
		 "ED25519 SHA256:", f->user);
	assert_log(f, line);
	assert_log(f, "window change 80x24");
}

/* A pty session: the one fd is the master, the process has the slave as its terminal
 * with the size, TERM and modes asked (ECHO off, ONLCR off), window-change resizes it,
 * and the output ends with EIO once the process is gone. */
static void test_pty_session(void **state)
{
	struct fx *f = *state;
	static const uint8_t modes[] = { 53, 0, 0, 0, 0, 72, 0, 0, 0, 0, 0 };
	struct monitor_msg_Monitor_SessionRequest req;
	struct mon_session_exit ev;
	uint32_t id = 0;
	int fds[3] = { -1, -1, -1 };
	size_t nfds = 0;
	bool allowed = false;
	char out[1024], want[512], tty[64];

	authorize_user_key(f);
	start_monitor(f, NULL, false);
	authenticate(f);
	assert_int_equal(mon_pty_allowed(f->mc, &allowed), 0);
	assert_true(allowed);

	memset(&req, 0, sizeof(req));
	req.session_kind = MONITOR_SESSION_EXEC;
	req.want_pty = true;
	req.term = MPL_LIT("vt100");
	req.width_chars = 100;
	req.height_rows = 30;
	req.modes = (struct mpl_bytes){ modes, sizeof(modes) };
	/* stty size once at the start, again after the resize (the line read is not
	 * echoed: ECHO is off) */
	req.command = MPL_LIT("tty; stty size; echo \"$TERM:$SSH_TTY\"; read x; stty size");
	assert_int_equal(mon_session(f->mc, &req, &id, fds, &nfds), 0);
	assert_int_equal(nfds, 1);
	assert_true(isatty(fds[0]));
	/* the slave's name and size, in the first three lines: ONLCR off, so no \r */
	size_t n = 0;
	int lines = 0;
	for (int i = 0; i < 200 && lines < 3 && n + 1 < sizeof(out); i++) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		assert_int_equal(poll(&pfd, 1, 10000), 1);
		ssize_t k = read(fds[0], out + n, 1);
		assert_int_equal(k, 1);
		lines += out[n++] == '\n';
	}
	out[n] = '\0';
	assert_true(sscanf(out, "%63s", tty) == 1);
	snprintf(want, sizeof(want), "%s\n30 100\nvt100:%s\n", tty, tty);
	assert_string_equal(out, want);
	struct stat st;
	assert_int_equal(stat(tty, &st), 0);
	assert_int_equal(st.st_uid, getuid());
	assert_int_equal(st.st_mode & 0777, getgrnam("tty") != NULL ? 0620 : 0600);

	assert_int_equal(mon_window_change(f->mc, id, 90, 20, 0, 0), 0);
	/* the monitor handles its messages in order: a session request after the
	 * window-change is answered after the resize, so the resize is done when it is */
	assert_int_equal(mon_pty_allowed(f->mc, &allowed), 0);
	assert_int_equal(write(fds[0], "go\n", 3), 3);
	read_all(fds[0], out, sizeof(out));	/* to EIO: the process ended */
	assert_string_equal(out, "20 90\n");
	assert_int_equal(wait_exit(f, &ev), 1);
	assert_int_equal(ev.session_id, id);
	assert_true(ev.exited);
	assert_int_equal(ev.exit_status, 0);
	close(fds[0]);

	/* a malformed mode list: the session is refused, nothing runs */
	static const uint8_t bad[] = { 53, 0, 0 };
	req.modes = (struct mpl_bytes){ bad, sizeof(bad) };
	assert_int_equal(mon_session(f->mc, &req, &id, fds, &nfds), -EBADMSG);
	assert_int_equal(nfds, 0);

	assert_int_equal(stop_monitor(f), 0);
	snprintf(want, sizeof(want), "window change 90x20 for session");
	assert_log(f, want);
	assert_log(f, "terminal modes: Bad message");
}

/* The net child closes a pty session's channel while the process runs: with its copy of
 * the master gone too the terminal hangs up, and the process (the session leader) ends
 * by SIGHUP, reaped and reported.  A close naming no session of this connection is
 * ignored and the connection goes on. */
static void test_pty_session_close(void **state)
{
	struct fx *f = *state;
	struct monitor_msg_Monitor_SessionRequest req;
	struct mon_session_exit ev;
	uint32_t id = 0;
	int fds[3] = { -1, -1, -1 };
	size_t nfds = 0;
	bool allowed = false;

	authorize_user_key(f);
	start_monitor(f, NULL, false);
	authenticate(f);

	memset(&req, 0, sizeof(req));
	req.session_kind = MONITOR_SESSION_EXEC;
	req.want_pty = true;
	req.term = MPL_LIT("vt100");
	req.width_chars = 80;
	req.height_rows = 24;
	req.command = MPL_LIT("exec sleep 60");
	assert_int_equal(mon_session(f->mc, &req, &id, fds, &nfds), 0);
	assert_int_equal(nfds, 1);

	/* a made-up id: nothing happens, the next request is still answered */
	assert_int_equal(mon_session_close(f->mc, id + 1000), 0);
	assert_int_equal(mon_pty_allowed(f->mc, &allowed), 0);
	assert_true(allowed);

	close(fds[0]);
	assert_int_equal(mon_session_close(f->mc, id), 0);
	assert_int_equal(wait_exit(f, &ev), 1);
	assert_int_equal(ev.session_id, id);
	assert_false(ev.exited);
	assert_string_equal(ev.signal_name, "HUP");

	assert_int_equal(stop_monitor(f), 0);
	assert_log(f, "which is gone");
}

/* PermitTTY no: PtyRequest answers no, and a pty session is refused. */
static void test_permit_tty_no(void **state)
{
	struct fx *f = *state;
	const char *const lines[] = { "PermitTTY no", NULL };
	struct monitor_msg_Monitor_SessionRequest req;
	uint32_t id = 0;
	int fds[3];
	size_t nfds = 0;
	bool allowed = true;

	authorize_user_key(f);
	start_monitor(f, lines, false);
	authenticate(f);
	assert_int_equal(mon_pty_allowed(f->mc, &allowed), 0);
	assert_false(allowed);
	memset(&req, 0, sizeof(req));
	req.session_kind = MONITOR_SESSION_SHELL;
	req.want_pty = true;
	assert_int_equal(mon_session(f->mc, &req, &id, fds, &nfds), -EACCES);
	assert_int_equal(stop_monitor(f), 0);
	assert_log(f, "pty refused");
}

static void test_forced_command_and_no_pty(void **state)
{
	struct fx *f = *state;
	char line[8192];

	snprintf(line, sizeof(line),
		 "command=\"read x; echo forced:$SSH_ORIGINAL_COMMAND\",no-pty %s\n", f->user_line);
	write_text(f->ak_path, line, 0600);
	start_monitor(f, NULL, false);
	authenticate(f);

	struct monitor_msg_Monitor_SessionRequest req;
	uint32_t id = 0;
	int fds[3];
	size_t nfds = 0;
	char out[256];
	struct mon_session_exit ev;
	memset(&req, 0, sizeof(req));
	bool allowed = true;
	assert_int_equal(mon_pty_allowed(f->mc, &allowed), 0);
	assert_false(allowed);
	req.want_pty = true;
	req.session_kind = MONITOR_SESSION_SHELL;
	assert_int_equal(mon_session(f->mc, &req, &id, fds, &nfds), -EACCES);

	req.want_pty = false;
	req.session_kind = MONITOR_SESSION_EXEC;
	req.command = MPL_LIT("echo client");
	assert_int_equal(mon_session(f->mc, &req, &id, fds, &nfds), 0);
	close(fds[0]);
	read_all(fds[1], out, sizeof(out));
	assert_string_equal(out, "forced:echo client\n");
	close(fds[1]);
	close(fds[2]);
	assert_int_equal(wait_exit(f, &ev), 1);
	assert_true(ev.exited);
	assert_int_equal(ev.exit_status, 0);
	/* signals are not for forced commands (OpenSSH): the session runs on */
	req.command = MPL_LIT("");
	assert_int_equal(mon_session(f->mc, &req, &id, fds, &nfds), 0);
	assert_int_equal(mon_signal(f->mc, id, "TERM"), 0);
	close(fds[0]);
	read_all(fds[1], out, sizeof(out));
	assert_string_equal(out, "forced:\n");
	close(fds[1]);
	close(fds[2]);
	assert_int_equal(wait_exit(f, &ev), 1);
	assert_true(ev.exited);
	assert_int_equal(stop_monitor(f), 0);
	assert_log(f, "pty refused");
	assert_log(f, "refusing to send signal TERM to forced-command session");
}

static void test_invalid_user(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;
	bool valid = true;

	start_monitor(f, NULL, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(user(f, "no-such-user-msshd", &valid), 0);
	assert_false(valid);
	/* an unknown user is asked and answered like a known one whose key does not
	 * match: the query is answered "no" and the monitor goes on serving */
	bool allowed = true;
	assert_int_equal(mon_pubkey_query(f->mc, (const uint8_t *)"ssh-ed25519", 11,
					  f->user_blob, f->user_blob_len, &allowed), 0);
	assert_false(allowed);
	allowed = true;
	assert_int_equal(mon_pubkey_query(f->mc, (const uint8_t *)"ssh-ed25519", 11,
					  f->user_blob, f->user_blob_len, &allowed), 0);
	assert_false(allowed);
	assert_int_equal(stop_monitor(f), 0);
	assert_log(f, "Invalid user no-such-user-msshd from 127.0.0.1 port 40000");
}

/* An internal failure of a key check (here: the monitor cannot take the user's ids to
 * read authorized_keys) is not a "no": the connection ends, for a signed request as
 * for a query, since the monitor's ids may not have been put back. */
static void test_key_check_error_ends_connection(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;
	bool valid = false, allowed = true;
	uint8_t sd[1024];
	struct mon_auth_result res;

	if (geteuid() != 0)
		skip();	/* only root switches ids to read the file */
	authorize_user_key(f);
	f->no_setid_caps = true;

	start_monitor(f, NULL, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(user(f, f->user, &valid), 0);
	size_t n = signed_data(f, f->user, sd, sizeof(sd));
	assert_int_equal(verify(f, sd, n, sd, n, &res), -EPIPE);
	assert_int_not_equal(stop_monitor(f), 0);
	assert_log(f, "Could not take the ids of user");
	assert_log(f, "monitor: signature check failed");
	assert_true(strstr(f->logtext, "Accepted publickey") == NULL);

	unlink(f->log_path);
	start_monitor(f, NULL, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(user(f, f->user, &valid), 0);
	assert_int_equal(mon_pubkey_query(f->mc, (const uint8_t *)"ssh-ed25519", 11,
					  f->user_blob, f->user_blob_len, &allowed), -EPIPE);
	assert_int_not_equal(stop_monitor(f), 0);
	assert_log(f, "monitor: key check failed");
}

/* publickey-hostbound: the request must name the host key that signed the first key
 * exchange (OpenSSH's initial_hostkey), not another of ours, even one that signed a
 * later exchange. */
static void test_hostbound_first_exchange_key(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;
	bool valid = false;
	uint8_t sd[2048];
	struct mon_auth_result res;
	char line[8192];

	authorize_user_key(f);
	start_monitor(f, NULL, false);
	host_blobs(f, &blobs);
	/* the first exchange is signed by the second key (ECDSA) */
	assert_true(sign(f, &blobs[1], "ecdsa-sha2-nistp256") > 0);
	assert_int_equal(user(f, f->user, &valid), 0);
	/* the other one of ours: refused, and the monitor goes on */
	size_t n = signed_data_for(f, f->user, &blobs[0], sd, sizeof(sd));
	assert_int_equal(verify(f, sd, n, sd, n, &res), 0);
	assert_false(res.authenticated);
	/* a re-key signed by that other key does not make it the session's */
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(verify(f, sd, n, sd, n, &res), 0);
	assert_false(res.authenticated);
	/* the key of the first exchange */
	n = signed_data_for(f, f->user, &blobs[1], sd, sizeof(sd));
	assert_int_equal(verify(f, sd, n, sd, n, &res), 0);
	assert_true(res.authenticated);
	assert_int_equal(stop_monitor(f), 0);
	assert_log(f, "host key (not the one of the first key exchange)");
	snprintf(line, sizeof(line), "Accepted publickey for %s from 127.0.0.1", f->user);
	assert_log(f, line);
}

/* Banner: the monitor reads the file for the net child, once, after the exchange is
 * signed and before authentication; "none" is answered with an empty text. */
static void test_banner(void **state)
{
	struct fx *f = *state;
	const struct mpl_bytes *blobs;
	char path[256], line[512], *text = NULL;
	const char *lines[] = { line, NULL };
	size_t len = 0;
	bool valid;

	snprintf(path, sizeof(path), "%s/banner", f->dir);
	write_text(path, "Authorized uses only.\n", 0644);
	snprintf(line, sizeof(line), "Banner %s", path);

	/* before the signature: refused */
	start_monitor(f, lines, false);
	assert_int_equal(mon_banner(f->mc, &text, &len), -EPIPE);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "Receive_Monitor_BannerRequest refused by automaton monitor");

	/* after it: the text, once */
	unlink(f->log_path);
	start_monitor(f, lines, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(user(f, f->user, &valid), 0);
	assert_int_equal(mon_banner(f->mc, &text, &len), 0);
	assert_non_null(text);
	assert_int_equal(len, 22);
	assert_string_equal(text, "Authorized uses only.\n");
	free(text);
	assert_int_equal(mon_banner(f->mc, &text, &len), -EPIPE);
	assert_null(text);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "Receive_Monitor_BannerRequest refused by automaton monitor");

	/* Banner none: an empty answer */
	unlink(f->log_path);
	snprintf(line, sizeof(line), "Banner none");
	start_monitor(f, lines, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	text = (char *)1;
	assert_int_equal(mon_banner(f->mc, &text, &len), 0);
	assert_null(text);
	assert_int_equal(len, 0);
	assert_int_equal(stop_monitor(f), 0);
}

/* After authentication the banner is no longer asked for (A4). */
static void test_banner_after_auth_refused(void **state)
{
	struct fx *f = *state;
	char path[256], line[8192], *text = NULL;
	const char *lines[] = { line, NULL };
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/banner", f->dir);
	write_text(path, "hello\n", 0644);
	authorize_user_key(f);
	snprintf(line, sizeof(line), "Banner %s", path);
	start_monitor(f, lines, false);
	authenticate(f);
	assert_int_equal(mon_banner(f->mc, &text, &len), -EPIPE);
	assert_int_equal(stop_monitor(f), EPROTO);
	assert_log(f, "Receive_Monitor_BannerRequest refused by automaton monitor");
}

/* ---- Match blocks: the settings the net child enforces, and the monitor's log ---- */

/* The lookup's answer carries what the Match pass left (MaxAuthTries, RekeyLimit,
 * AcceptEnv replace the global values), and LogLevel in the Match changes the level of
 * the monitor's own log from then on (the harness logs at DEBUG3: the VERBOSE line of a
 * key found would be there otherwise). */
static void test_match_settings(void **state)
{
	struct fx *f = *state;
	const char *const lines[] = { "MaxAuthTries 5", "AcceptEnv LANG", NULL };
	const struct mpl_bytes *blobs;
	char text[512], methods[MON_METHODS_MAX];
	bool valid = false, allowed = false;
	struct mon_net_settings set;

	snprintf(text, sizeof(text), "Match User %s\n MaxAuthTries 1\n RekeyLimit 64K 10\n"
		 " LogLevel INFO\n AcceptEnv MATCHED_* OTHER\n ClientAliveInterval 7\n"
		 " ClientAliveCountMax 0\n", f->user);
	f->conf_text = text;
	authorize_user_key(f);
	start_monitor(f, lines, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(mon_user(f->mc, (const uint8_t *)f->user, strlen(f->user),
				  (const uint8_t *)"ssh-connection", 14, &valid, methods, &set), 0);
	assert_true(valid);
	assert_int_equal(set.max_authtries, 1);
	assert_true(set.rekey_bytes == 64u << 10);
	assert_int_equal(set.rekey_seconds, 10);
	assert_int_equal(set.client_alive_interval, 7);
	assert_int_equal(set.client_alive_count_max, 0);
	assert_int_equal(set.log_level, LOG_LEVEL_INFO);
	assert_int_equal(set.accept_env.n, 2);
	assert_string_equal(set.accept_env.v[0], "MATCHED_*");
	assert_string_equal(set.accept_env.v[1], "OTHER");
	mon_net_settings_free(&set);
	assert_int_equal(mon_pubkey_query(f->mc, (const uint8_t *)"ssh-ed25519", 11, f->user_blob,
					  f->user_blob_len, &allowed), 0);
	assert_true(allowed);
	assert_int_equal(stop_monitor(f), 0);
	if (strstr(f->logtext, "Accepted key") != NULL)
		fail_msg("a VERBOSE line after LogLevel INFO:\n%s", f->logtext);
}

/* Without a Match for the user, the global values go out, and the log keeps its level. */
static void test_global_settings(void **state)
{
	struct fx *f = *state;
	const char *const lines[] = { "MaxAuthTries 5", "AcceptEnv LANG", NULL };
	const struct mpl_bytes *blobs;
	char methods[MON_METHODS_MAX];
	bool valid = false, allowed = false;
	struct mon_net_settings set;

	f->conf_text = "Match User someone-else\n MaxAuthTries 1\n LogLevel INFO\n";
	authorize_user_key(f);
	start_monitor(f, lines, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(mon_user(f->mc, (const uint8_t *)f->user, strlen(f->user),
				  (const uint8_t *)"ssh-connection", 14, &valid, methods, &set), 0);
	assert_int_equal(set.max_authtries, 5);
	assert_true(set.rekey_bytes == 0);
	assert_int_equal(set.rekey_seconds, 0);
	assert_int_equal(set.client_alive_interval, 0);
	assert_int_equal(set.client_alive_count_max, 3);
	assert_int_equal(set.log_level, LOG_LEVEL_DEBUG3);
	assert_int_equal(set.accept_env.n, 1);
	assert_string_equal(set.accept_env.v[0], "LANG");
	mon_net_settings_free(&set);
	assert_int_equal(mon_pubkey_query(f->mc, (const uint8_t *)"ssh-ed25519", 11, f->user_blob,
					  f->user_blob_len, &allowed), 0);
	assert_true(allowed);
	assert_int_equal(stop_monitor(f), 0);
	assert_log(f, "Accepted key");
}

/* More AcceptEnv patterns than one answer takes: the lookup ends the connection,
 * saying why, rather than let the net child refuse what the configuration accepts. */
static void test_accept_env_too_long(void **state)
{
	struct fx *f = *state;
	static char line[129 * 8 + 16];
	const char *const lines[] = { line, NULL };
	const struct mpl_bytes *blobs;
	bool valid = false;

	size_t n = (size_t)snprintf(line, sizeof(line), "AcceptEnv");
	for (int i = 0; i < 129; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " V%03d", i);
	start_monitor(f, lines, false);
	host_blobs(f, &blobs);
	assert_true(sign(f, &blobs[0], "ssh-ed25519") > 0);
	assert_int_equal(user(f, f->user, &valid), -EPIPE);
	assert_int_equal(stop_monitor(f), E2BIG);
	assert_log(f, "AcceptEnv: more than 128 patterns");
}

/* ---- through privsep: a confined net child speaking to the real loop ---- */

/* The net child's script (in the sandbox): log in and run one command.  Its exit code
 * says how far it got (0: all of it). */
static int net_script(struct privsep_net *net)
{
	const struct sshd_conn_ctx *ctx = net->arg;
	struct fx *f = ctx->net_private;
	struct mon_client *mc = NULL;
	const struct mpl_bytes *blobs;
	size_t n = 0, nfds = 0;
	uint8_t sig[SIGBLOB_MAX], sd[1024];
	char methods[MON_METHODS_MAX], out[64];
	bool valid = false;
	struct mon_auth_result res;

	if (mon_client_new(&mc, net->ipc_fd, &net->log) < 0)
		return 10;
	if (mon_hostkeys(mc, &blobs, &n) < 0 || n != 2)
		return 11;
	if (mon_sign(mc, blobs[0].ptr, blobs[0].len, "ssh-ed25519", f->h, sizeof(f->h), sig,
		     sizeof(sig)) <= 0)
		return 12;
	struct mon_net_settings set;
	int ru = mon_user(mc, (const uint8_t *)f->user, strlen(f->user),
			  (const uint8_t *)"ssh-connection", 14, &valid, methods, &set);
	mon_net_settings_free(&set);
	if (ru < 0 || !valid)
		return 13;
	size_t len = signed_data(f, f->user, sd, sizeof(sd));
	int sl = sigblob_sign(f->userkey, SIG_ALG_ED25519, sd, len, sig, sizeof(sig));
	if (sl <= 0 || mon_pubkey_verify(mc, (const uint8_t *)"ssh-ed25519", 11, f->user_blob,
					 f->user_blob_len, sd, len, sig, (size_t)sl, &res) < 0 ||
	    !res.authenticated)
		return 14;
	struct monitor_msg_Monitor_SessionRequest req;
	uint32_t id = 0;
	int fds[3];
	memset(&req, 0, sizeof(req));
	req.session_kind = MONITOR_SESSION_EXEC;
	req.command = MPL_LIT("echo hi; exit 7");
	if (mon_session(mc, &req, &id, fds, &nfds) < 0 || nfds != 3)
		return 15;
	close(fds[0]);
	if (read_all(fds[1], out, sizeof(out)) != 3 || strcmp(out, "hi\n") != 0)
		return 16;
	close(fds[1]);
	close(fds[2]);
	struct mon_session_exit ev;
	int r = 0;
	for (int i = 0; i < 100 && r == 0; i++) {
		struct pollfd pfd = { .fd = mon_client_fd(mc), .events = POLLIN };
		if (poll(&pfd, 1, 100) == 1 && mon_client_read_events(mc) < 0)
			return 17;
		r = mon_client_next_exit(mc, &ev);
	}
	if (r != 1 || ev.session_id != id || !ev.exited || ev.exit_status != 7)
		return 18;
	mon_client_free(mc);
	return 0;
}

static void test_through_privsep(void **state)
{
	struct fx *f = *state;
	struct sandbox_opts o = { .nofile = 32 };
	struct sandbox_plan plan;
	char chroot_dir[128], line[8192];
	struct log_ctx lg;
	struct sshd_config cfg;
	struct sshd_conn_ctx ctx;
	int conn[2];

	if (geteuid() == 0) {
		assert_int_equal(os_test_ensure_user(), 0);
		assert_int_equal(os_test_make_chroot(chroot_dir, sizeof(chroot_dir)), 0);
		o.chroot_dir = chroot_dir;
		o.user = OS_TEST_USER;
	}
	authorize_user_key(f);
	assert_int_equal(log_init(&lg, "sshd", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR, 0, -1), 0);
	assert_int_equal(log_open_file(&lg, f->log_path), 0);
	assert_int_equal(sandbox_prepare(&o, &plan, &lg), 0);
	sshd_config_init(&cfg);
	for (int i = 0; i < 2; i++) {
		snprintf(line, sizeof(line), "HostKey %s", f->hostkey_path[i]);
		assert_int_equal(sshd_config_parse_option(&cfg, line, NULL), 0);
	}
	snprintf(line, sizeof(line), "AuthorizedKeysFile %s", f->ak_path);
	assert_int_equal(sshd_config_parse_option(&cfg, line, NULL), 0);
	assert_int_equal(sshd_config_parse_option(&cfg, "StrictModes no", NULL), 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.log = &lg;
	strcpy(ctx.peer_addr, "127.0.0.1");
	ctx.peer_port = 40001;
	strcpy(ctx.local_addr, "127.0.0.1");
	ctx.local_port = 2222;
	ctx.privileged = geteuid() == 0;
	ctx.startup_fd = -1;
	ctx.net_private = f;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, conn), 0);

	struct privsep_params p;
	struct privsep_result res;
	memset(&p, 0, sizeof(p));
	p.conn_in = p.conn_out = conn[0];
	p.sandbox = &plan;
	p.log = &lg;
	p.net_main = net_script;
	p.monitor_loop = monitor_loop;
	p.arg = &ctx;
	assert_int_equal(privsep_run(&p, &res), 0);
	close(conn[1]);
	sshd_config_free(&cfg);
	log_close(&lg);
	if (geteuid() == 0)
		rmdir(chroot_dir);

	int fd = open(f->log_path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	ssize_t n = read(fd, f->logtext, sizeof(f->logtext) - 1);
	close(fd);
	f->logtext[n > 0 ? n : 0] = '\0';
	assert_int_equal(res.loop_rc, 0);
	assert_false(res.child_killed);
	assert_true(WIFEXITED(res.child_status));
	if (WEXITSTATUS(res.child_status) != 0)
		fail_msg("net child stopped at step %d:\n%s", WEXITSTATUS(res.child_status),
			 f->logtext);
	snprintf(line, sizeof(line), "Accepted publickey for %s from 127.0.0.1 port 40001", f->user);
	assert_log(f, line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sign_before_hostkeys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_signatures_before_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_before_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_before_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_before_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_change_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_type_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer_kind_from_net_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_with_fd_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_request_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_hostkeys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forced_command_and_no_pty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pty_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pty_session_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_permit_tty_no, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_check_error_ends_connection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hostbound_first_exchange_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_banner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_global_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_env_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_banner_after_auth_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_through_privsep, setup, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("monitor_loop", tests, NULL, NULL);
}
