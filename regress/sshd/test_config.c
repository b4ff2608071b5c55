/*
 * Unit tests of the sshd_config parser: value types, errors with file and line, first
 * value wins, -o precedence, Include, Match, algorithm lists, -T dump round trip, and
 * hostile input (overlong lines, NUL bytes, quotes, huge numbers, Include loops).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sshd/config.h"
#include "sshd/config_int.h"

struct capture {
	char text[8192];
	size_t len;
};

static void
capture_fn(void *arg, enum sshd_log_level level, const char *msg)
{
	struct capture *c = arg;
	int n;

	if (level > SSHD_LOG_INFO)
		return;
	n = snprintf(c->text + c->len, sizeof(c->text) - c->len, "%s\n", msg);
	if (n > 0 && (size_t)n < sizeof(c->text) - c->len)
		c->len += (size_t)n;
}

struct fixture {
	struct sshd_config cfg;
	struct sshd_config_source src;
	struct capture cap;
	struct sshd_config_log log;
	char dir[64];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	sshd_config_init(&f->cfg);
	f->cfg.listen_numeric_only = 1;
	sshd_config_source_init(&f->src);
	f->log.fn = capture_fn;
	f->log.arg = &f->cap;
	strcpy(f->dir, "/tmp/msshd-test-config.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	sshd_config_free(&f->cfg);
	sshd_config_source_free(&f->src);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Parses text as the main file "t.conf" (global pass only). */
static int
parse(struct fixture *f, const char *text)
{
	int r = sshd_config_source_set(&f->src, "t.conf", text, strlen(text), &f->log);
	return r != 0 ? r : sshd_config_parse(&f->cfg, &f->src, &f->log);
}

/* Parses, finishes with a host key given, so that no default key is needed. */
static int
parse_finish(struct fixture *f, const char *text)
{
	int r;

	if (strcasestr(text, "hostkey ") == NULL &&
	    (r = sshd_config_parse_option(&f->cfg, "HostKey /k", &f->log)) != 0)
		return r;
	if ((r = parse(f, text)) != 0)
		return r;
	return sshd_config_finish(&f->cfg, &sshd_openssh92_algos, &f->log);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

static void
test_value_types(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f,
	    "PermitRootLogin prohibit-password\n"     /* multi */
	    "PasswordAuthentication NO\n"             /* flag, case-insensitive */
	    "MaxAuthTries 3\n"                        /* int */
	    "LoginGraceTime 1h30m\n"                  /* time */
	    "ClientAliveInterval 1w\n"
	    "PidFile /run/x.pid\n"                    /* path */
	    "ChrootDirectory %h\n"                    /* plain word, %-token raw */
	    "AuthorizedPrincipalsFile /etc/p/%u\n"    /* tilde */
	    "ForceCommand internal-sftp -d /\n"       /* rest of line */
	    "AuthorizedKeysCommand /bin/akc %u %k %t %f\n"
	    "Ciphers +3des-cbc\n"                     /* algorithms as written */
	    "AcceptEnv LANG LC_*\n"                   /* list */
	    "AuthorizedKeysFile .ssh/a %h/b\n"        /* first-line list */
	    "RekeyLimit 1G 1h\n"
	    "IPQoS af21 cs1\n"
	    "MaxStartups 10:30:60\n"
	    "Subsystem sftp /usr/lib/openssh/sftp-server -l INFO\n"
	    "PermitOpen 1.2.3.4:22 [::1]:*\n"
	    "PermitListen 8080\n"
	    "PubkeyAuthOptions touch-required\n"
	    "StreamLocalBindMask 022\n"
	    "UnusedConnectionTimeout none\n"
	    "PermitTunnel point-to-point\n"
	    "SetEnv A=1 B=\"2 3\"\n"), 0);
	assert_int_equal(f->cfg.permit_root_login, SSHD_PERMIT_NO_PASSWD);
	assert_int_equal(f->cfg.password_authentication, 0);
	assert_int_equal(f->cfg.max_authtries, 3);
	assert_int_equal(f->cfg.login_grace_time, 5400);
	assert_int_equal(f->cfg.client_alive_interval, 604800);
	assert_string_equal(f->cfg.pid_file, "/run/x.pid");
	assert_string_equal(f->cfg.chroot_directory, "%h");
	assert_string_equal(f->cfg.authorized_principals_file, "/etc/p/%u");
	assert_string_equal(f->cfg.adm_forced_command, "internal-sftp -d /");
	assert_string_equal(f->cfg.authorized_keys_command, "/bin/akc %u %k %t %f");
	assert_string_equal(f->cfg.ciphers, "+3des-cbc");
	assert_int_equal(f->cfg.accept_env.n, 2);
	assert_string_equal(f->cfg.accept_env.v[1], "LC_*");
	assert_int_equal(f->cfg.authorized_keys_files.n, 2);
	assert_string_equal(f->cfg.authorized_keys_files.v[1], "%h/b");
	assert_true(f->cfg.rekey_limit == 1073741824LL);
	assert_int_equal(f->cfg.rekey_interval, 3600);
	assert_int_equal(f->cfg.ip_qos_interactive, 0x48);
	assert_int_equal(f->cfg.ip_qos_bulk, 0x20);
	assert_int_equal(f->cfg.max_startups_begin, 10);
	assert_int_equal(f->cfg.max_startups_rate, 30);
	assert_int_equal(f->cfg.max_startups, 60);
	assert_int_equal(f->cfg.nsubsystems, 1);
	assert_string_equal(f->cfg.subsystems[0].command, "/usr/lib/openssh/sftp-server");
	assert_string_equal(f->cfg.subsystems[0].args, "/usr/lib/openssh/sftp-server -l INFO");
	assert_int_equal(f->cfg.permitted_opens.n, 2);
	assert_string_equal(f->cfg.permitted_opens.v[1], "[::1]:*");
	assert_string_equal(f->cfg.permitted_listens.v[0], "*:8080");
	assert_int_equal(f->cfg.pubkey_auth_options, SSHD_PUBKEYAUTH_TOUCH_REQUIRED);
	assert_int_equal(f->cfg.streamlocal_bind_mask, 022);
	assert_int_equal(f->cfg.unused_connection_timeout, 0);
	assert_int_equal(f->cfg.permit_tun, SSHD_TUN_P2P);
	assert_int_equal(f->cfg.setenv.n, 2);
	assert_string_equal(f->cfg.setenv.v[1], "B=2 3");
}

static void
test_syntax_forms(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f,
	    "# comment\n"
	    "\t  port\t2222   # trailing comment\n"
	    "MAXSESSIONS=4\n"
	    "MaxAuthTries = 5\n"
	    "LoginGraceTime= 7\n"
	    "Banner \"/path with space\"\n"
	    "ChrootDirectory '/single quoted'\n"
	    "AcceptEnv a\\ b \"c\"d\n"
	    "\"PermitTTY\" no\r\n"
	    "\n   \n"), 0);
	assert_int_equal(f->cfg.nports, 1);
	assert_int_equal(f->cfg.ports[0], 2222);
	assert_int_equal(f->cfg.max_sessions, 4);
	assert_int_equal(f->cfg.max_authtries, 5);
	assert_int_equal(f->cfg.login_grace_time, 7);
	assert_string_equal(f->cfg.banner, "/path with space");
	assert_string_equal(f->cfg.chroot_directory, "/single quoted");
	assert_int_equal(f->cfg.accept_env.n, 2);
	assert_string_equal(f->cfg.accept_env.v[0], "a b");
	assert_string_equal(f->cfg.accept_env.v[1], "cd");
	assert_int_equal(f->cfg.permit_tty, 0);
}

static void
test_deprecated_and_unsupported(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "UsePrivilegeSeparation sandbox\nProtocol 2\n"
	    "KerberosGetAFSToken yes\nPubkeyAcceptedKeyTypes +ssh-dss\n"
	    "ChallengeResponseAuthentication no\n"), 0);
	assert_non_null(strstr(f->cap.text, "t.conf:1: Deprecated option UsePrivilegeSeparation"));
	assert_non_null(strstr(f->cap.text, "t.conf:3: Unsupported option KerberosGetAFSToken"));
	assert_null(strstr(f->cap.text, "Protocol"));    /* logged at DEBUG2 only */
	assert_string_equal(f->cfg.pubkey_accepted_algos, "+ssh-dss");
	assert_int_equal(f->cfg.kbd_interactive_authentication, 0);
}

static void
test_errors_name_file_and_line(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "Port 22\nJunk yes\n", "t.conf:2: Bad configuration option: Junk" },
		{ "\n\nInvalidXXX=no\n", "t.conf:3: Bad configuration option: InvalidXXX" },
		{ "Junk\n", "t.conf:1: no argument after keyword \"Junk\"" },
		{ "Include\n", "t.conf:1: no argument after keyword \"Include\"" },
		{ "Port 0\n", "t.conf:1: Badly formatted port number." },
		{ "Ciphers rot13\n", "t.conf:1: Bad SSH2 cipher spec 'rot13'." },
		{ "Banner \"/x\n", "t.conf:1: invalid quotes" },
		{ "Match User x\nPort 2\n", "t.conf:2: Directive 'Port' is not allowed" },
		{ "PermitRootLogin yes no\n", "t.conf:1: keyword PermitRootLogin extra arguments" },
		{ "LoginGraceTime 1x\n", "t.conf:1: invalid time value." },
		{ "MaxAuthTries 99999999999\n", "t.conf:1: MaxAuthTries integer value too large." },
		{ "RekeyLimit 15\n", "t.conf:1: RekeyLimit too small" },
		{ "RekeyLimit 8E\n", "t.conf:1: Bad RekeyLimit number '8E'" },
		{ "Match Address 10.0.0.1/24\n", "t.conf:1: Invalid Match address argument" },
		{ "Match Foo bar\n", "t.conf:1: Unsupported Match attribute Foo" },
		{ "Match all User x\n", "t.conf:1: 'all' cannot be combined" },
		{ "Subsystem a /a\nSubsystem a /b\n", "t.conf:2: Subsystem 'a' already defined." },
		{ "AuthenticationMethods any publickey\n", "\"any\" must appear alone" },
		{ "RDomain r1\n", "setting RDomain not supported" },
		{ "ListenAddress 1.2.3.4:0\n", "t.conf:1: bad port number" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture *g;
		void *st;
		setup(&st);
		g = st;
		assert_int_not_equal(parse(g, cases[i].text), 0);
		if (strstr(g->cap.text, cases[i].msg) == NULL)
			fail_msg("case %zu: want \"%s\" in \"%s\"", i, cases[i].msg, g->cap.text);
		teardown(&st);
	}
	(void)state;
}

static void
test_bad_options_are_all_reported(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "Foo 1\nPort 22\nBar 2\n"), -EBADMSG);
	assert_non_null(strstr(f->cap.text, "t.conf:1: Bad configuration option: Foo"));
	assert_non_null(strstr(f->cap.text, "t.conf:3: Bad configuration option: Bar"));
	assert_non_null(strstr(f->cap.text, "t.conf: terminating, 2 bad configuration options"));
}

static void
test_first_value_wins(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f,
	    "Banner /first\nBanner /second\n"
	    "MaxAuthTries 2\nMaxAuthTries 9\n"
	    "Ciphers aes128-ctr\nCiphers aes256-ctr\n"
	    "AuthorizedKeysFile /a /b\nAuthorizedKeysFile /c\n"
	    "SetEnv X=1\nSetEnv Y=2\n"
	    "Port 1\nPort 2\n"
	    "HostKey /k1\nHostKey /k2\n"
	    "AcceptEnv A\nAcceptEnv B C\n"
	    "AllowUsers u1\nAllowUsers u2\n"
	    "MaxStartups 1\nMaxStartups 2\n"), 0);
	assert_string_equal(f->cfg.banner, "/first");
	assert_int_equal(f->cfg.max_authtries, 2);
	assert_string_equal(f->cfg.ciphers, "aes128-ctr");
	assert_int_equal(f->cfg.authorized_keys_files.n, 2);
	assert_int_equal(f->cfg.setenv.n, 1);
	/* list keywords accumulate */
	assert_int_equal(f->cfg.nports, 2);
	assert_int_equal(f->cfg.host_key_files.n, 2);
	assert_int_equal(f->cfg.accept_env.n, 3);
	assert_int_equal(f->cfg.allow_users.n, 2);
	/* MaxStartups is assigned on every line, as OpenSSH does */
	assert_int_equal(f->cfg.max_startups, 2);
}

static void
test_option_precedence(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sshd_config_parse_option(&f->cfg, "rekeylimit 1k 1h", &f->log), 0);
	assert_int_equal(sshd_config_parse_option(&f->cfg, "Banner=/opt", &f->log), 0);
	assert_int_equal(sshd_config_parse_option(&f->cfg, "Port 7", &f->log), 0);
	assert_int_equal(parse(f, "RekeyLimit 1G 1d\nBanner /file\nPort 8\n"), 0);
	assert_true(f->cfg.rekey_limit == 1024);
	assert_int_equal(f->cfg.rekey_interval, 3600);
	assert_string_equal(f->cfg.banner, "/opt");
	assert_int_equal(f->cfg.nports, 2);
	assert_int_equal(f->cfg.ports[0], 7);
	assert_int_equal(sshd_config_parse_option(&f->cfg, "Include /x", &f->log), -EBADMSG);
	assert_int_equal(sshd_config_parse_option(&f->cfg, "Match all", &f->log), -EBADMSG);
	assert_int_equal(sshd_config_parse_option(&f->cfg, "Junk 1", &f->log), -EBADMSG);
	assert_non_null(strstr(f->cap.text, "command-line:0: Bad configuration option: Junk"));
}

static void
test_rekeylimit_table(void **state)
{
	static const char *sizes[] = { "16", "1k", "1K", "1m", "1M", "1g", "1G", "4G", "8G" };
	static const long long bytes[] = { 16, 1024, 1024, 1048576, 1048576, 1073741824,
	    1073741824, 4294967296LL, 8589934592LL };
	static const char *times[] = { "1", "1m", "1M", "1h", "1H", "1d", "1D", "1w", "1W" };
	static const int secs[] = { 1, 60, 60, 3600, 3600, 86400, 86400, 604800, 604800 };
	char line[64];

	(void)state;
	for (size_t i = 0; i < 9; i++) {
		for (size_t j = 0; j < 9; j++) {
			struct sshd_config c;
			sshd_config_init(&c);
			snprintf(line, sizeof(line), "rekeylimit %s %s", sizes[i], times[j]);
			assert_int_equal(sshd_config_parse_option(&c, line, NULL), 0);
			assert_true(c.rekey_limit == bytes[i]);
			assert_int_equal(c.rekey_interval, secs[j]);
			sshd_config_free(&c);
		}
	}
}

static void
test_value_parsers(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(sshd_parse_time("90"), 90);
	assert_int_equal(sshd_parse_time("1h30m"), 5400);
	assert_int_equal(sshd_parse_time("1w2d3h4m5s"), 788645);
	assert_int_equal(sshd_parse_time("2147483647"), INT_MAX);
	assert_int_equal(sshd_parse_time("2147483648"), -1);
	assert_int_equal(sshd_parse_time("35791395m"), -1);
	assert_int_equal(sshd_parse_time("99999999999999999999999"), -1);
	assert_int_equal(sshd_parse_time(""), -1);
	assert_int_equal(sshd_parse_time("-1"), -1);
	assert_int_equal(sshd_parse_time("1x"), -1);
	assert_int_equal(sshd_parse_time("m"), -1);
	assert_int_equal(sshd_parse_scaled("1.5K", &v), 0);
	assert_true(v == 1536);
	assert_int_equal(sshd_parse_scaled("1.123456K", &v), 0);
	assert_true(v == 1150);
	assert_int_equal(sshd_parse_scaled("7E", &v), 0);
	assert_true(v == 8070450532247928832LL);
	assert_int_equal(sshd_parse_scaled("8E", &v), -ERANGE);
	assert_int_equal(sshd_parse_scaled("9223372036854775807", &v), 0);
	assert_int_equal(sshd_parse_scaled("9223372036854775808", &v), -ERANGE);
	assert_int_equal(sshd_parse_scaled("99999999999999999999999999", &v), -ERANGE);
	assert_int_equal(sshd_parse_scaled("1KB", &v), -EINVAL);
	assert_int_equal(sshd_parse_scaled("0x10", &v), -EINVAL);
	assert_int_equal(sshd_parse_scaled("1..5", &v), -EINVAL);
	assert_int_equal(sshd_parse_scaled("+-1", &v), -EINVAL);
	assert_int_equal(sshd_parse_scaled("-1", &v), 0);
	assert_true(v == -1);
	assert_int_equal(sshd_parse_port("65535"), 65535);
	assert_int_equal(sshd_parse_port("65536"), -1);
	assert_int_equal(sshd_parse_port("0"), 0);
	assert_int_equal(sshd_parse_port("22x"), -1);
	assert_int_equal(sshd_parse_port("+22"), 22);
	assert_int_equal(sshd_parse_port("nosuchservice-msshd"), -1);
	assert_int_equal(cfg_parse_ipqos("reliability"), 0x04);
	assert_int_equal(cfg_parse_ipqos("0x05"), 5);
	assert_int_equal(cfg_parse_ipqos("256"), -1);
}

static void
test_include(void **state)
{
	struct fixture *f = *state;
	char text[512];

	write_file(f->dir, "b.conf", "MaxAuthTries 2\nMatch User nobody\n\tBanner /inner\n");
	write_file(f->dir, "a.conf", "MaxAuthTries 1\nPort 1001\n");
	/* globs in sorted order (a before b), a Match inside does not leak out */
	snprintf(text, sizeof(text), "Include %s/*.conf\nBanner /outer\nPort 22\n", f->dir);
	assert_int_equal(parse(f, text), 0);
	assert_int_equal(f->cfg.max_authtries, 1);
	assert_string_equal(f->cfg.banner, "/outer");
	assert_int_equal(f->cfg.nports, 2);
	assert_int_equal(f->cfg.ports[0], 1001);
	assert_int_equal(f->src.ninc, 2);
	assert_non_null(strstr(f->src.inc[0].filename, "a.conf"));
}

static void
test_include_missing_relative_and_empty(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "Include msshd-test-does-not-exist-*.conf\nPort 5\n"), 0);
	assert_int_equal(f->src.ninc, 1);
	/* relative names are taken from /etc/ssh, as OpenSSH */
	assert_string_equal(f->src.inc[0].selector,
	    "/etc/ssh/msshd-test-does-not-exist-*.conf");
	assert_null(f->src.inc[0].filename);
	assert_int_equal(f->cfg.ports[0], 5);
}

static void
test_include_errors_propagate(void **state)
{
	struct fixture *f = *state;
	char text[256];

	write_file(f->dir, "bad.conf", "Banner /x\n\tJunk\n");
	snprintf(text, sizeof(text), "Include %s/bad.conf\n", f->dir);
	assert_int_not_equal(parse(f, text), 0);
	assert_non_null(strstr(f->cap.text, "bad.conf:2: no argument after keyword \"Junk\""));
}

static void
test_include_loop_is_bounded(void **state)
{
	struct fixture *f = *state;
	char text[256];

	/* a file including itself, and two files including each other */
	snprintf(text, sizeof(text), "Include %s/self.conf\n", f->dir);
	write_file(f->dir, "self.conf", text);
	assert_int_not_equal(parse(f, text), 0);
	assert_non_null(strstr(f->cap.text, "Too many recursive configuration includes"));
}

static void
test_include_fanout_is_bounded(void **state)
{
	struct fixture *f = *state;
	char text[256], name[32];

	/* every file includes all files: without a budget this is 8^16 parses */
	snprintf(text, sizeof(text), "Include %s/f*.conf\n", f->dir);
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "f%d.conf", i);
		write_file(f->dir, name, text);
	}
	assert_int_not_equal(parse(f, text), 0);
}

/* What a re-executed child parses: the listener's texts, Includes too, under their
 * names; the files may have changed or gone since, and are never read again. */
static void
test_source_pack_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct sshd_config cfg2;
	struct sshd_config_source src2;
	char text[512], inc[256], path[256], *blob = NULL, *blob2 = NULL;
	size_t len = 0, len2 = 0;

	snprintf(inc, sizeof(inc), "MaxAuthTries 3\nInclude %s/b.conf\n", f->dir);
	write_file(f->dir, "a.conf", inc);
	write_file(f->dir, "b.conf", "Banner /from-b\n");
	snprintf(text, sizeof(text), "Include %s/a.conf %s/none-*.conf\nPort 22\n", f->dir,
	    f->dir);
	assert_int_equal(parse(f, text), 0);
	assert_int_equal(f->src.ninc, 3);
	assert_int_equal(sshd_config_source_pack(&f->src, &blob, &len), 0);

	/* the files change after start-up: one goes, a new one matches the pattern that
	 * matched nothing */
	snprintf(path, sizeof(path), "%s/a.conf", f->dir);
	assert_int_equal(unlink(path), 0);
	write_file(f->dir, "b.conf", "Banner /changed\n");
	write_file(f->dir, "none-x.conf", "Port 99\n");

	sshd_config_init(&cfg2);
	sshd_config_source_init(&src2);
	assert_int_equal(sshd_config_source_unpack(&src2, blob, len, &f->log), 0);
	assert_string_equal(src2.name, "t.conf");
	assert_int_equal(src2.len, strlen(text));
	assert_int_equal(src2.ninc, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(src2.inc[i].selector, f->src.inc[i].selector);
		if (f->src.inc[i].filename == NULL) {
			assert_null(src2.inc[i].filename);
		} else {
			assert_string_equal(src2.inc[i].filename, f->src.inc[i].filename);
			assert_int_equal(src2.inc[i].len, f->src.inc[i].len);
		}
	}
	assert_int_equal(sshd_config_parse(&cfg2, &src2, &f->log), 0);
	assert_int_equal(cfg2.max_authtries, 3);
	assert_string_equal(cfg2.banner, "/from-b");
	assert_int_equal(cfg2.nports, 1);
	assert_int_equal(cfg2.ports[0], 22);
	assert_int_equal(src2.ninc, 3);		/* nothing was read */
	/* the format is canonical: packing what was unpacked gives the same bytes */
	assert_int_equal(sshd_config_source_pack(&src2, &blob2, &len2), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(blob2, blob, len);
	free(blob);
	free(blob2);
	sshd_config_free(&cfg2);
	sshd_config_source_free(&src2);
}

/* An unpacked source never reads a file: an Include it does not hold is an error with
 * the file and line, and errors in an included text name that file. */
static void
test_source_frozen_includes(void **state)
{
	struct fixture *f = *state;
	struct sshd_config_source src2;
	char text[256], *blob = NULL;
	size_t len = 0;

	write_file(f->dir, "x.conf", "Port 7\n");
	snprintf(text, sizeof(text), "Port 22\nInclude %s/x.conf\n", f->dir);
	/* as if the listener had not parsed it: the cache is empty */
	assert_int_equal(sshd_config_source_set(&f->src, "main.conf", text, strlen(text),
	    &f->log), 0);
	assert_int_equal(sshd_config_source_pack(&f->src, &blob, &len), 0);
	sshd_config_source_init(&src2);
	assert_int_equal(sshd_config_source_unpack(&src2, blob, len, &f->log), 0);
	free(blob);
	assert_int_not_equal(sshd_config_parse(&f->cfg, &src2, &f->log), 0);
	assert_non_null(strstr(f->cap.text, "main.conf:2: Include"));
	assert_non_null(strstr(f->cap.text, "was not read when the server started"));
	assert_int_equal(src2.ninc, 0);
	sshd_config_source_free(&src2);

	/* a bad line in an included text is reported under that file's name */
	sshd_config_source_free(&f->src);
	sshd_config_source_init(&f->src);
	write_file(f->dir, "x.conf", "Port 7\n");
	assert_int_equal(parse(f, text), 0);
	free(f->src.inc[0].text);
	f->src.inc[0].text = strdup("Port 7\n\tJunk\n");
	assert_non_null(f->src.inc[0].text);
	f->src.inc[0].len = strlen(f->src.inc[0].text);
	assert_int_equal(sshd_config_source_pack(&f->src, &blob, &len), 0);
	sshd_config_source_init(&src2);
	assert_int_equal(sshd_config_source_unpack(&src2, blob, len, &f->log), 0);
	free(blob);
	sshd_config_free(&f->cfg);
	sshd_config_init(&f->cfg);
	f->cap.len = 0;
	f->cap.text[0] = '\0';
	assert_int_not_equal(sshd_config_parse(&f->cfg, &src2, &f->log), 0);
	assert_non_null(strstr(f->cap.text, "x.conf:2: no argument after keyword \"Junk\""));
	sshd_config_source_free(&src2);
}

/* Bytes that are not a packed source are refused whole, the source left as it was. */
static void
test_source_unpack_malformed(void **state)
{
	struct fixture *f = *state;
	struct sshd_config_source src2;
	char text[256], *blob = NULL, *copy;
	size_t len = 0;

	write_file(f->dir, "x.conf", "Port 7\n");
	snprintf(text, sizeof(text), "Include %s/x.conf %s/no-*.conf\n", f->dir, f->dir);
	assert_int_equal(parse(f, text), 0);
	assert_int_equal(sshd_config_source_pack(&f->src, &blob, &len), 0);
	assert_non_null(copy = malloc(len + 1));

	sshd_config_source_init(&src2);
	assert_int_equal(sshd_config_source_set(&src2, "keep", "Port 1\n", 7, &f->log), 0);
	/* every truncation */
	for (size_t cut = 0; cut < len; cut++) {
		memcpy(copy, blob, cut);
		assert_int_equal(sshd_config_source_unpack(&src2, copy, cut, &f->log), -EBADMSG);
		assert_string_equal(src2.name, "keep");
	}
	/* a trailing byte */
	memcpy(copy, blob, len);
	copy[len] = 'x';
	assert_int_equal(sshd_config_source_unpack(&src2, copy, len + 1, &f->log), -EBADMSG);
	/* the magic */
	copy[0] ^= 1;
	assert_int_equal(sshd_config_source_unpack(&src2, copy, len, &f->log), -EBADMSG);
	copy[0] ^= 1;
	/* the main name's length: larger than what is left, then 0xffffffff */
	size_t name_at = strlen("msshd-config-source-1\n");
	copy[name_at + 2] = 0x7f;
	assert_int_equal(sshd_config_source_unpack(&src2, copy, len, &f->log), -EBADMSG);
	memset(copy + name_at, 0xff, 4);
	assert_int_equal(sshd_config_source_unpack(&src2, copy, len, &f->log), -EBADMSG);
	memcpy(copy, blob, len);
	/* a NUL in the name */
	copy[name_at + 4] = '\0';
	assert_int_equal(sshd_config_source_unpack(&src2, copy, len, &f->log), -EBADMSG);
	memcpy(copy, blob, len);
	/* the Include count: more than there are, and over the bound */
	size_t count_at = name_at + 4 + strlen("t.conf") + 4 + strlen(text);
	assert_int_equal((unsigned char)copy[count_at + 3], 2);
	copy[count_at + 3] = 3;
	assert_int_equal(sshd_config_source_unpack(&src2, copy, len, &f->log), -EBADMSG);
	copy[count_at + 2] = 0x10;
	assert_int_equal(sshd_config_source_unpack(&src2, copy, len, &f->log), -EBADMSG);
	memcpy(copy, blob, len);
	/* the "a file matched" byte is 0 or 1 only */
	size_t flag_at = count_at + 4 + 4 + strlen(f->src.inc[0].selector);
	assert_int_equal(copy[flag_at], 1);
	copy[flag_at] = 2;
	assert_int_equal(sshd_config_source_unpack(&src2, copy, len, &f->log), -EBADMSG);
	assert_string_equal(src2.name, "keep");
	assert_non_null(strstr(f->cap.text, "configuration from the listener: malformed"));
	/* and the bytes as packed are fine */
	assert_int_equal(sshd_config_source_unpack(&src2, blob, len, &f->log), 0);
	assert_string_equal(src2.name, "t.conf");
	free(copy);
	free(blob);
	sshd_config_source_free(&src2);
}

static void
test_match_pass(void **state)
{
	struct fixture *f = *state;
	struct sshd_conn_info ci = { 0 };
	char msg[128];

	assert_int_equal(parse_finish(f,
	    "Banner /global\nMaxAuthTries 6\nAcceptEnv G\n"
	    "Match User alice Host *.example.com\n\tBanner /alice\n\tAcceptEnv A1 A2\n"
	    "Match Address 10.0.0.0/8,!10.1.0.0/16\n\tMaxAuthTries 2\n\tBanner /net10\n"
	    "Match LocalPort 2222\n\tForceCommand /bin/lp\n"
	    "Match all\n\tClientAliveInterval 9\n"), 0);
	assert_string_equal(f->cfg.banner, "/global");
	/* "Match all" applies in the global pass too */
	assert_int_equal(f->cfg.client_alive_interval, 9);

	assert_int_equal(sshd_conn_info_parse(&ci, "user=alice,host=WWW.example.com,"
	    "addr=10.2.3.4,laddr=1.2.3.4,lport=2222", msg, sizeof(msg)), 0);
	assert_int_equal(sshd_config_apply_match(&f->cfg, &f->src, &ci, &sshd_openssh92_algos,
	    &f->log), 0);
	assert_string_equal(f->cfg.banner, "/alice");
	assert_int_equal(f->cfg.max_authtries, 2);
	assert_int_equal(f->cfg.accept_env.n, 2);
	assert_string_equal(f->cfg.adm_forced_command, "/bin/lp");
	sshd_conn_info_free(&ci);
}

static void
test_match_negated_network(void **state)
{
	struct fixture *f = *state;
	struct sshd_conn_info ci = { 0 };
	char msg[128];

	assert_int_equal(parse_finish(f, "Match Address 10.0.0.0/8,!10.1.0.0/16\n"
	    "\tMaxAuthTries 2\n"), 0);
	assert_int_equal(sshd_conn_info_parse(&ci, "addr=10.1.2.3", msg, sizeof(msg)), 0);
	assert_int_equal(sshd_config_apply_match(&f->cfg, &f->src, &ci, &sshd_openssh92_algos,
	    &f->log), 0);
	assert_int_equal(f->cfg.max_authtries, 6);
	sshd_conn_info_free(&ci);
}

static void
test_match_missing_field(void **state)
{
	struct fixture *f = *state;
	struct sshd_conn_info ci = { 0 };
	char msg[128];

	assert_int_equal(parse_finish(f, "Match LocalPort 22\n\tBanner /x\n"), 0);
	assert_int_equal(sshd_conn_info_parse(&ci, "user=x", msg, sizeof(msg)), 0);
	assert_int_not_equal(sshd_config_apply_match(&f->cfg, &f->src, &ci,
	    &sshd_openssh92_algos, &f->log), 0);
	assert_non_null(strstr(f->cap.text, "'Match LocalPort' in configuration but 'lport'"));
	sshd_conn_info_free(&ci);
}

static void
test_addr_match_list(void **state)
{
	(void)state;
	assert_int_equal(sshd_addr_match_list("192.168.0.1",
	    "192.168.0.0/16,!192.168.30.0/24,10.0.0.0/8"), 1);
	assert_int_equal(sshd_addr_match_list("192.168.30.1",
	    "192.168.0.0/16,!192.168.30.0/24,10.0.0.0/8"), -1);
	assert_int_equal(sshd_addr_match_list("19.0.0.1", "192.168.0.0/16,10.0.0.0/8"), 0);
	assert_int_equal(sshd_addr_match_list("10.255.255.254", "1.1.1.1,10.0.0.0/8"), 1);
	assert_int_equal(sshd_addr_match_list("2000::1", "1.1.1.1,::1,!::3,2000::/16"), 1);
	assert_int_equal(sshd_addr_match_list("2001::1", "1.1.1.1,::1,!::3,2000::/16"), 0);
	assert_int_equal(sshd_addr_match_list("::3", "1.1.1.1,::1,!::3,2000::/16"), -1);
	assert_int_equal(sshd_addr_match_list("::1", "::1"), 1);
	assert_int_equal(sshd_addr_match_list("10.1.2.3", "10.1.2.*"), 1);
	assert_int_equal(sshd_addr_match_list("0.0.0.0", "0.0.0.0/0"), 1);
	assert_int_equal(sshd_addr_match_list("1.2.3.4", "0.0.0.0/0"), 1);
	assert_int_equal(sshd_addr_match_list("junk", "*"), 0);
	/* syntax check only (addr NULL): host bits set or bad masks are errors */
	assert_int_equal(sshd_addr_match_list(NULL, "10.0.1.0/8"), -2);
	assert_int_equal(sshd_addr_match_list(NULL, "10.0.0.1/24"), -2);
	assert_int_equal(sshd_addr_match_list(NULL, "2000:aa:bb:01::/56"), -2);
	assert_int_equal(sshd_addr_match_list(NULL, "10.0.0.0/33"), -2);
	assert_int_equal(sshd_addr_match_list(NULL, "10.0.0.0/8,"), -2);
	assert_int_equal(sshd_addr_match_list(NULL, "!"), -2);
	assert_int_equal(sshd_addr_match_list(NULL, "10.0.0.0/8,host.example.com"), 0);
}

static void
test_patterns(void **state)
{
	(void)state;
	assert_int_equal(sshd_match_pattern("abc", "a*c"), 1);
	assert_int_equal(sshd_match_pattern("abc", "a?c"), 1);
	assert_int_equal(sshd_match_pattern("abc", "a?d"), 0);
	assert_int_equal(sshd_match_pattern("", "*"), 1);
	assert_int_equal(sshd_match_pattern("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
	    "*a*a*a*a*a*a*a*a*a*a*a*c"), 0);
	assert_int_equal(sshd_match_pattern_list("root", "!root,*", 0), -1);
	assert_int_equal(sshd_match_pattern_list("bob", "!root,*", 0), 1);
	assert_int_equal(sshd_match_pattern_list("bob", "!root", 0), 0);
	assert_int_equal(sshd_match_pattern_list("host.example.com", "*.EXAMPLE.com", 1), 1);
}

static void
test_algo_resolve(void **state)
{
	static const struct sshd_algo_set set = { "b,c", "a,b,c,d-x,d-y" };
	char *out;

	(void)state;
	assert_int_equal(sshd_algo_resolve(NULL, &set, &out), 0);
	assert_string_equal(out, "b,c");
	free(out);
	assert_int_equal(sshd_algo_resolve("+a,d-*", &set, &out), 0);
	assert_string_equal(out, "b,c,a,d-x,d-y");
	free(out);
	assert_int_equal(sshd_algo_resolve("-b", &set, &out), 0);
	assert_string_equal(out, "c");
	free(out);
	assert_int_equal(sshd_algo_resolve("^d-y,c", &set, &out), 0);
	assert_string_equal(out, "d-y,c,b");
	free(out);
	assert_int_equal(sshd_algo_resolve("*", &set, &out), 0);
	assert_string_equal(out, "a,b,c,d-x,d-y");
	free(out);
	assert_int_equal(sshd_algo_resolve("d-y,a,a", &set, &out), 0);
	assert_string_equal(out, "d-y,a");
	free(out);
	/* nothing supported left, or negation where it means nothing: errors */
	assert_int_equal(sshd_algo_resolve("zzz", &set, &out), -EINVAL);
	assert_int_equal(sshd_algo_resolve("!a", &set, &out), -EINVAL);
	assert_int_equal(sshd_algo_resolve(",", &set, &out), -EINVAL);
	assert_true(cfg_algos_valid(ALG_CIPHER, "aes128-ctr,3des-cbc"));
	assert_false(cfg_algos_valid(ALG_CIPHER, "aes*"));
	assert_true(cfg_algos_valid(ALG_KEY, "ssh-rsa*,*-cert-v01@openssh.com"));
	assert_false(cfg_algos_valid(ALG_KEY, "foo*"));
	assert_true(cfg_algos_valid(ALG_MAC, "-anything"));
}

/* The -T dump of a config is a config that dumps to itself. */
static void
dump_roundtrip(const char *text)
{
	struct fixture *f1, *f2;
	void *s1, *s2;
	char *d1 = NULL, *d2 = NULL;
	size_t l1 = 0, l2 = 0;
	struct sshd_conn_info ci = { 0 };
	char msg[64];
	FILE *fp;

	setup(&s1);
	setup(&s2);
	f1 = s1;
	f2 = s2;
	assert_int_equal(parse_finish(f1, text), 0);
	assert_int_equal(sshd_conn_info_parse(&ci, "", msg, sizeof(msg)), 0);
	assert_int_equal(sshd_config_apply_match(&f1->cfg, &f1->src, &ci,
	    &sshd_openssh92_algos, &f1->log), 0);
	assert_non_null(fp = open_memstream(&d1, &l1));
	assert_int_equal(sshd_config_dump(&f1->cfg, fp), 0);
	fclose(fp);
	assert_int_equal(parse_finish(f2, d1), 0);
	assert_int_equal(sshd_config_apply_match(&f2->cfg, &f2->src, &ci,
	    &sshd_openssh92_algos, &f2->log), 0);
	assert_non_null(fp = open_memstream(&d2, &l2));
	assert_int_equal(sshd_config_dump(&f2->cfg, fp), 0);
	fclose(fp);
	assert_non_null(strstr(d1, "\nlistenaddress "));
	assert_string_equal(d1, d2);
	sshd_conn_info_free(&ci);
	free(d1);
	free(d2);
	teardown(&s1);
	teardown(&s2);
}

static void
test_dump_roundtrip(void **state)
{
	(void)state;
	dump_roundtrip("");
	dump_roundtrip("Port 4242\nAddressFamily inet\nListenAddress 127.0.0.1\n"
	    "AuthorizedKeysFile /x/authorized_keys_%u\nLogLevel DEBUG3\n"
	    "AcceptEnv _XXX_TEST_*\nAcceptEnv _XXX_TEST\n"
	    "Subsystem sftp /usr/lib/openssh/sftp-server\nUsePAM yes\n"
	    "HostKeyAlgorithms +ssh-rsa\nPubkeyAcceptedAlgorithms +ssh-rsa\n"
	    "SetEnv B='q\"u o\\\\te'\nRekeyLimit 1.5K 1h30m\nIPQoS 0x05\n"
	    "ForceCommand echo \"a b\"\nMaxStartups 3\nPermitListen 80\n"
	    "ChannelTimeout session:*=5m\nPermitUserEnvironment LANG\n");
}

static void
test_dump_matches_openssh_format(void **state)
{
	struct fixture *f = *state;
	struct sshd_conn_info ci = { 0 };
	char msg[64], *d = NULL;
	size_t l = 0;
	FILE *fp;

	assert_int_equal(parse_finish(f, "Port 1234\nPort 5678\nAddressFamily any\n"
	    "ListenAddress 1.2.3.4\nListenAddress ::1\nRekeyLimit 4G 1W\n"), 0);
	assert_int_equal(sshd_conn_info_parse(&ci, "", msg, sizeof(msg)), 0);
	assert_int_equal(sshd_config_apply_match(&f->cfg, &f->src, &ci, &sshd_openssh92_algos,
	    &f->log), 0);
	assert_non_null(fp = open_memstream(&d, &l));
	assert_int_equal(sshd_config_dump(&f->cfg, fp), 0);
	fclose(fp);
	assert_non_null(strstr(d, "port 1234\nport 5678\naddressfamily any\n"
	    "listenaddress 1.2.3.4:1234\nlistenaddress 1.2.3.4:5678\n"
	    "listenaddress [::1]:1234\nlistenaddress [::1]:5678\nusepam no\n"));
	assert_non_null(strstr(d, "\nrekeylimit 4294967296 604800\n"));
	assert_non_null(strstr(d, "\nbanner none\n"));
	assert_non_null(strstr(d, "\nhostkey /k\n"));
	sshd_conn_info_free(&ci);
	free(d);
}

static void
test_hostile_input(void **state)
{
	struct fixture *f = *state;
	char *big;
	size_t n = SSHD_CONFIG_MAX_LINE + 100;
	static const char nul[] = "Port 22\nBanner /x\0y\n";

	assert_non_null(big = malloc(n + 8));
	memcpy(big, "Banner ", 7);
	memset(big + 7, 'a', n);
	big[n + 7] = '\0';
	assert_int_not_equal(parse(f, big), 0);
	assert_non_null(strstr(f->cap.text, "t.conf:1: line too long"));
	free(big);

	assert_int_equal(sshd_config_source_set(&f->src, "n.conf", nul, sizeof(nul) - 1,
	    &f->log), -EBADMSG);
	assert_non_null(strstr(f->cap.text, "n.conf:2: NUL byte"));

	assert_int_not_equal(parse(f, "SetEnv A=\"unterminated\n"), 0);
	assert_int_not_equal(parse(f, "\"Port 22\n"), 0);
	assert_int_not_equal(parse(f, "MaxSessions 999999999999999999999999999999\n"), 0);
	assert_int_not_equal(parse(f, "LoginGraceTime 99999999999999999999w\n"), 0);
	assert_int_not_equal(parse(f, "MaxStartups 99999999999:1:1\n"), 0);
	assert_int_not_equal(parse(f, "PerSourceNetBlockSize 99999999999:1\n"), 0);
	assert_int_not_equal(parse(f, "X11DisplayOffset -2147483649\n"), 0);
	assert_int_not_equal(parse(f, "IPQoS 99999999999999999999\n"), 0);
	assert_int_not_equal(parse(f, "StreamLocalBindMask 7777777777777777777777\n"), 0);
	assert_int_not_equal(parse(f, "Port 99999999999999999999\n"), 0);
	assert_int_not_equal(parse(f, "Match\n"), 0);
	assert_int_not_equal(parse(f, "Match User\n"), 0);
	assert_int_equal(parse(f, "=\n"), 0);     /* an empty keyword is no keyword, as OpenSSH */
}

static void
test_many_args_and_entries(void **state)
{
	struct fixture *f = *state;
	size_t n = 2 * SSHD_CONFIG_MAX_ARGS, len = 0;
	char *text = malloc(n * 3 + 32);

	assert_non_null(text);
	len += (size_t)sprintf(text, "AcceptEnv");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, " a");
	strcpy(text + len, "\n");
	assert_int_not_equal(parse(f, text), 0);
	assert_non_null(strstr(f->cap.text, "too many arguments"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_value_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deprecated_and_unsupported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_name_file_and_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_options_are_all_reported, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_first_value_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_option_precedence, setup, teardown),
		cmocka_unit_test(test_rekeylimit_table),
		cmocka_unit_test(test_value_parsers),
		cmocka_unit_test_setup_teardown(test_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_missing_relative_and_empty, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_include_errors_propagate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_loop_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_fanout_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_pack_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_frozen_includes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_unpack_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_negated_network, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_missing_field, setup, teardown),
		cmocka_unit_test(test_addr_match_list),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_algo_resolve),
		cmocka_unit_test(test_dump_roundtrip),
		cmocka_unit_test_setup_teardown(test_dump_matches_openssh_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_args_and_entries, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
