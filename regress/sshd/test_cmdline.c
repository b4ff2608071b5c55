/*
 * Unit tests of the sshd command line: every flag, bad flags and missing arguments with
 * the usage text, no permutation, and the order in which -o -p -4 -6 -d -q -h -g change
 * the configuration (they come before the file and win over it).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "sshd/cmdline.h"
#include "sshd/config.h"

#define ARGV(...) ((char *const[]){ "sshd", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *const[]){ "sshd", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cl, msg, usage, ...) \
	sshd_cmdline_parse(cl, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), msg, sizeof(msg), usage)

static void
test_flags(void **state)
{
	struct sshd_cmdline cl;
	char msg[256];
	int usage;

	(void)state;
	assert_int_equal(PARSE(&cl, msg, &usage, "-D", "-dd", "-d", "-e", "-E", "/log",
	    "-f/etc/x", "-i", "-q", "-r", "-t", "-u", "5", "-C", "user=u,lport=22",
	    "-b", "1024", "-k", "0", "-Q"), 0);
	assert_true(cl.no_daemon);
	assert_int_equal(cl.debug, 3);
	assert_true(cl.log_stderr);
	assert_string_equal(cl.log_file, "/log");
	assert_string_equal(cl.config_file, "/etc/x");
	assert_true(cl.inetd);
	assert_true(cl.quiet);
	assert_true(cl.no_reexec);
	assert_int_equal(cl.test, SSHD_TEST_CHECK);
	assert_int_equal(cl.utmp_len, 5);
	assert_int_equal(cl.nconn_spec, 1);

	assert_int_equal(PARSE(&cl, msg, &usage, "-T"), 0);
	assert_int_equal(cl.test, SSHD_TEST_DUMP);
	assert_string_equal(cl.config_file, SSHD_DEFAULT_CONFIG);
	assert_int_equal(PARSE(&cl, msg, &usage, "-G"), 0);
	assert_int_equal(cl.test, SSHD_TEST_PRINT);
	assert_int_equal(PARSE(&cl, msg, &usage, "-V"), 0);
	assert_true(cl.version);
	assert_int_equal(PARSE(&cl, msg, &usage, "-T", "--", "-x"), -EINVAL);
}

static void
test_bad_command_lines(void **state)
{
	struct sshd_cmdline cl;
	char msg[256];
	int usage;

	(void)state;
	assert_int_equal(PARSE(&cl, msg, &usage, "-Z"), -EINVAL);
	assert_string_equal(msg, "unknown option -- Z");
	assert_true(usage);
	assert_int_equal(PARSE(&cl, msg, &usage, "-T", "-f"), -EINVAL);
	assert_string_equal(msg, "option requires an argument -- f");
	assert_true(usage);
	/* like OpenSSH's getopt: no permutation, the first operand is an error */
	assert_int_equal(PARSE(&cl, msg, &usage, "extra", "-T"), -EINVAL);
	assert_string_equal(msg, "Extra argument extra.");
	assert_false(usage);
	assert_int_not_equal(PARSE(&cl, msg, &usage, "-p", "0"), 0);
	assert_string_equal(msg, "Bad port number.");
	assert_int_not_equal(PARSE(&cl, msg, &usage, "-p", "70000"), 0);
	assert_int_not_equal(PARSE(&cl, msg, &usage, "-g", "1x"), 0);
	assert_string_equal(msg, "Invalid login grace time.");
	assert_int_not_equal(PARSE(&cl, msg, &usage, "-C", "foo=1"), 0);
	assert_string_equal(msg, "Invalid test mode specification foo=1");
	assert_int_not_equal(PARSE(&cl, msg, &usage, "-C", "lport=abc"), 0);
	assert_non_null(strstr(sshd_cmdline_usage(), "[-o option] [-p port] [-u len]"));
}

static void
test_apply_order(void **state)
{
	struct sshd_cmdline cl;
	struct sshd_config c;
	char msg[256];
	int usage;

	(void)state;
	/* -o Port before -p: both; -p then disables Port lines, including later -o */
	assert_int_equal(PARSE(&cl, msg, &usage, "-o", "Port=1", "-p", "5", "-o", "Port 9",
	    "-p", "6", "-4", "-6", "-g", "1h", "-h", "/hk", "-o", "rekeylimit 1k 1h"), 0);
	sshd_config_init(&c);
	assert_int_equal(sshd_cmdline_apply(&cl, &c, NULL, msg, sizeof(msg)), 0);
	assert_int_equal(c.nports, 3);
	assert_int_equal(c.ports[0], 1);
	assert_int_equal(c.ports[1], 5);
	assert_int_equal(c.ports[2], 6);
	assert_int_equal(c.address_family, AF_INET6);
	assert_int_equal(c.login_grace_time, 3600);
	assert_string_equal(c.host_key_files.v[0], "/hk");
	assert_true(c.rekey_limit == 1024);
	/* the file's values come later and lose */
	assert_int_equal(sshd_config_parse_option(&c, "LoginGraceTime 5", NULL), 0);
	assert_int_equal(c.login_grace_time, 3600);
	sshd_config_free(&c);

	/* -d raises the level one step per flag after DEBUG1; -q after -d silences */
	assert_int_equal(PARSE(&cl, msg, &usage, "-d", "-d", "-d", "-d"), 0);
	sshd_config_init(&c);
	assert_int_equal(sshd_cmdline_apply(&cl, &c, NULL, msg, sizeof(msg)), 0);
	assert_int_equal(c.log_level, SSHD_LOG_DEBUG3);
	sshd_config_free(&c);
	assert_int_equal(PARSE(&cl, msg, &usage, "-d", "-q"), 0);
	sshd_config_init(&c);
	assert_int_equal(sshd_cmdline_apply(&cl, &c, NULL, msg, sizeof(msg)), 0);
	assert_int_equal(c.log_level, SSHD_LOG_QUIET);
	sshd_config_free(&c);

	assert_int_equal(PARSE(&cl, msg, &usage, "-o", "Junk=1"), 0);
	sshd_config_init(&c);
	assert_int_equal(sshd_cmdline_apply(&cl, &c, NULL, msg, sizeof(msg)), -EBADMSG);
	sshd_config_free(&c);
}

static void
test_conn_spec(void **state)
{
	struct sshd_cmdline cl;
	struct sshd_conn_info ci = { 0 };
	char msg[256], *spec;
	int usage;

	(void)state;
	assert_int_equal(PARSE(&cl, msg, &usage, "-T", "-C", "user=u,host=h", "-C",
	    "addr=1.2.3.4,laddr=::1,lport=2222,rdomain=r"), 0);
	assert_non_null(spec = sshd_cmdline_conn_spec(&cl));
	assert_int_equal(sshd_conn_info_parse(&ci, spec, msg, sizeof(msg)), 0);
	assert_string_equal(ci.user, "u");
	assert_string_equal(ci.host, "h");
	assert_string_equal(ci.address, "1.2.3.4");
	assert_string_equal(ci.laddress, "::1");
	assert_int_equal(ci.lport, 2222);
	assert_string_equal(ci.rdomain, "r");
	assert_true(ci.test);
	sshd_conn_info_free(&ci);
	free(spec);
	/* the spec ends at the first empty element, as OpenSSH's */
	assert_int_equal(sshd_conn_info_parse(&ci, "user=u,,host=h", msg, sizeof(msg)), 0);
	assert_null(ci.host);
	sshd_conn_info_free(&ci);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_bad_command_lines),
		cmocka_unit_test(test_apply_order),
		cmocka_unit_test(test_conn_spec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
