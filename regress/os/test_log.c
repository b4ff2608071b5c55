/* log and log_relay: levels, OpenSSH line format, -E appending, escaping, names, and the
 * net child's log pipe as seen by the monitor (hostile lines included). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "regress/os/os_test_util.h"
#include "sshd/log.h"
#include "sshd/log_relay.h"

struct fx {
	char path[64];
	struct log_ctx lg;
	char text[256 * 1024];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/msshd-log-test.XXXXXX");
	int fd = mkstemp(f->path);
	if (fd < 0)
		return -1;
	close(fd);
	if (log_init(&f->lg, "sshd", LOG_LEVEL_INFO, LOG_DEST_STDERR, LOG_AUTH, -1) < 0 ||
	    log_open_file(&f->lg, f->path) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	log_close(&f->lg);
	unlink(f->path);
	free(f);
	return 0;
}

static const char *contents(struct fx *f)
{
	assert_true(os_test_read_file(f->path, f->text, sizeof(f->text)) >= 0);
	return f->text;
}

static void test_levels_and_format(void **state)
{
	struct fx *f = *state;

	log_msg(&f->lg, LOG_LEVEL_FATAL, "f %d", 1);
	log_msg(&f->lg, LOG_LEVEL_ERROR, "e %s", "x");
	log_msg(&f->lg, LOG_LEVEL_INFO, "i");
	log_msg(&f->lg, LOG_LEVEL_VERBOSE, "v");	/* above INFO: dropped */
	log_msg(&f->lg, LOG_LEVEL_DEBUG1, "d1");
	f->lg.level = LOG_LEVEL_DEBUG3;
	log_msg(&f->lg, LOG_LEVEL_VERBOSE, "v2");
	log_msg(&f->lg, LOG_LEVEL_DEBUG1, "d1");
	log_msg(&f->lg, LOG_LEVEL_DEBUG2, "d2");
	log_msg(&f->lg, LOG_LEVEL_DEBUG3, "d3");
	log_msg(&f->lg, LOG_LEVEL_QUIET, "never");	/* QUIET is not a message level */
	assert_string_equal(contents(f), "fatal: f 1\nerror: e x\ni\nv2\ndebug1: d1\n"
					 "debug2: d2\ndebug3: d3\n");
	assert_true(log_enabled(&f->lg, LOG_LEVEL_DEBUG3));
	f->lg.level = LOG_LEVEL_QUIET;
	log_msg(&f->lg, LOG_LEVEL_FATAL, "quiet");
	assert_null(strstr(contents(f), "quiet"));
	assert_false(log_enabled(&f->lg, LOG_LEVEL_FATAL));
	assert_false(log_enabled(NULL, LOG_LEVEL_FATAL));
	log_msg(NULL, LOG_LEVEL_ERROR, "no context: ignored");
}

static void test_file_appends(void **state)
{
	struct fx *f = *state;

	log_msg(&f->lg, LOG_LEVEL_INFO, "first");
	log_close(&f->lg);
	assert_int_equal(log_init(&f->lg, "sshd", LOG_LEVEL_INFO, LOG_DEST_STDERR, LOG_AUTH, -1), 0);
	assert_int_equal(log_open_file(&f->lg, f->path), 0);
	log_msg(&f->lg, LOG_LEVEL_INFO, "second");
	assert_string_equal(contents(f), "first\nsecond\n");
	assert_int_equal(log_open_file(&f->lg, "/nonexistent-dir/x/log"), -ENOENT);
	log_msg(&f->lg, LOG_LEVEL_INFO, "still to the file");
	assert_non_null(strstr(contents(f), "still to the file"));
}

static void test_escaping(void **state)
{
	struct fx *f = *state;
	char out[64];

	log_msg(&f->lg, LOG_LEVEL_INFO, "user %s", "evil\nfatal: forged\x1b[2J\xff\\");
	assert_string_equal(contents(f), "user evil\\012fatal: forged\\033[2J\\377\\\n");
	assert_int_equal(log_escape(out, sizeof(out), "a\tb", 3), 6);
	assert_string_equal(out, "a\\011b");
	/* cut at a character boundary, never in the middle of an escape */
	assert_int_equal(log_escape(out, 6, "ab\001cd", 5), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(log_escape(out, 0, "x", 1), 0);
}

static void test_long_message_cut(void **state)
{
	struct fx *f = *state;
	char big[3000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_msg(&f->lg, LOG_LEVEL_INFO, "%s", big);
	assert_int_equal(strlen(contents(f)), LOG_MSG_MAX + 1);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(log_level_from_name("debug3"), LOG_LEVEL_DEBUG3);
	assert_int_equal(log_level_from_name("DEBUG"), LOG_LEVEL_DEBUG1);
	assert_int_equal(log_level_from_name("Verbose"), LOG_LEVEL_VERBOSE);
	assert_int_equal(log_level_from_name("QUIET"), LOG_LEVEL_QUIET);
	assert_int_equal(log_level_from_name("LOUD"), -EINVAL);
	assert_int_equal(log_level_from_name(NULL), -EINVAL);
	assert_string_equal(log_level_name(LOG_LEVEL_DEBUG1), "DEBUG1");
	assert_string_equal(log_level_name(LOG_LEVEL_INFO), "INFO");
	assert_int_equal(log_facility_from_name("auth"), LOG_AUTH);
	assert_int_equal(log_facility_from_name("LOCAL7"), LOG_LOCAL7);
	assert_int_equal(log_facility_from_name("KERN"), -EINVAL);
	assert_string_equal(log_facility_name(LOG_AUTHPRIV), "AUTHPRIV");

	struct log_ctx lg;
	assert_int_equal(log_init(&lg, "sshd", (enum log_level)99, LOG_DEST_STDERR, LOG_AUTH, -1), -EINVAL);
	assert_int_equal(log_init(&lg, "sshd", LOG_LEVEL_INFO, LOG_DEST_SYSLOG, 12345, -1), -EINVAL);
	assert_int_equal(log_init(&lg, "sshd", LOG_LEVEL_INFO, LOG_DEST_PIPE, 0, -1), -EINVAL);
	assert_int_equal(log_init(&lg, "sshd", LOG_LEVEL_INFO, LOG_DEST_FILE, 0, 3), -EINVAL);
	assert_int_equal(log_init(&lg, "sshd", LOG_LEVEL_INFO, LOG_DEST_SYSLOG, LOG_LOCAL3, -1), 0);
	assert_int_equal(lg.facility, LOG_LOCAL3);
	log_close(&lg);
}

static void test_fatal_exits_255(void **state)
{
	struct fx *f = *state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		log_fatal(&f->lg, "cannot go on: %s", "reason");
	int st;
	assert_int_equal(os_test_wait(pid, 5000, &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 255);
	assert_string_equal(contents(f), "fatal: cannot go on: reason\n");
}

/* ---- the net child's pipe ---- */

struct relay_fx {
	int p[2];
	struct log_ctx child;
	struct log_relay relay;
};

static void relay_open(struct fx *f, struct relay_fx *r)
{
	assert_int_equal(pipe2(r->p, O_CLOEXEC), 0);
	assert_int_equal(log_init(&r->child, "sshd", LOG_LEVEL_DEBUG3, LOG_DEST_PIPE, 0, r->p[1]), 0);
	assert_int_equal(log_relay_init(&r->relay, r->p[0]), 0);
	f->lg.level = LOG_LEVEL_DEBUG3;
}

static void test_relay_tagged_and_escaped(void **state)
{
	struct fx *f = *state;
	struct relay_fx r;

	relay_open(f, &r);
	log_msg(&r.child, LOG_LEVEL_DEBUG1, "kex %s", "done");
	log_msg(&r.child, LOG_LEVEL_INFO, "peer said \"%s\"", "a\nerror: forged\r\x07");
	log_msg(&r.child, LOG_LEVEL_ERROR, "bad mac");
	assert_int_equal(log_relay_drain(&r.relay, &f->lg), 0);
	assert_string_equal(contents(f), "debug1: [net] kex done\n"
					 "[net] peer said \"a\\012error: forged\\015\\007\"\n"
					 "error: [net] bad mac\n");
	assert_int_equal(r.relay.lines, 3);
	close(r.p[1]);
	assert_int_equal(log_relay_drain(&r.relay, &f->lg), -EPIPE);
	log_relay_close(&r.relay, &f->lg);
}

static void test_relay_hostile_lines(void **state)
{
	struct fx *f = *state;
	struct relay_fx r;
	char *big = malloc(3 * LOG_RELAY_LINE_MAX);

	assert_non_null(big);
	relay_open(f, &r);
	/* a raw line far over the limit, then a normal one */
	big[0] = '3';
	memset(big + 1, 'A', 3 * LOG_RELAY_LINE_MAX - 2);
	big[3 * LOG_RELAY_LINE_MAX - 1] = '\n';
	assert_int_equal(write(r.p[1], big, 3 * LOG_RELAY_LINE_MAX), 3 * LOG_RELAY_LINE_MAX);
	assert_int_equal(write(r.p[1], "3after\n", 7), 7);
	/* bad level digits, a raw control byte, an empty line */
	assert_int_equal(write(r.p[1], "9nine\nXx\n4ctl\x1b]0;t\x07\n\n", 21), 21);
	assert_int_equal(log_relay_drain(&r.relay, &f->lg), 0);
	const char *t = contents(f);

	/* the cut line: the tag says so, and the text is bounded */
	const char *cut = strstr(t, "[net] (cut) AAAA");
	assert_non_null(cut);
	const char *eol = strchr(cut, '\n');
	assert_non_null(eol);
	assert_true((size_t)(eol - cut) <= LOG_RELAY_LINE_MAX + 32);
	assert_non_null(strstr(t, "\n[net] after\n"));
	/* nothing of the over-long line leaked into another line */
	assert_null(strstr(eol, "AAAA"));
	assert_non_null(strstr(t, "error: [net] (bad level) 9nine\n"));
	assert_non_null(strstr(t, "error: [net] (bad level) Xx\n"));
	assert_non_null(strstr(t, "[net] ctl\\033]0;t\\007\n"));
	assert_int_equal(r.relay.cut, 1);

	/* a partial last line is logged at the end */
	assert_int_equal(write(r.p[1], "1dying wo", 9), 9);
	close(r.p[1]);
	assert_int_equal(log_relay_drain(&r.relay, &f->lg), -EPIPE);
	if (strstr(contents(f), "fatal: [net] dying wo\n") == NULL)
		fail_msg("%s", f->text + strlen(f->text) - 200);
	log_relay_close(&r.relay, &f->lg);
	free(big);
}

static void test_relay_bounded_and_filtered(void **state)
{
	struct fx *f = *state;
	struct relay_fx r;
	char line[1000];

	relay_open(f, &r);
	/* a pipe larger than one drain's bound */
	assert_true(fcntl(r.p[1], F_SETPIPE_SZ, 4 * LOG_RELAY_READ_MAX) >= 4 * LOG_RELAY_READ_MAX);
	int fl = fcntl(r.p[1], F_GETFL);
	assert_int_equal(fcntl(r.p[1], F_SETFL, fl | O_NONBLOCK), 0);
	memset(line, 'b', sizeof(line));
	line[0] = '7';
	line[sizeof(line) - 1] = '\n';
	size_t wrote = 0;
	while (write(r.p[1], line, sizeof(line)) == (ssize_t)sizeof(line))
		wrote += sizeof(line);
	assert_true(wrote > LOG_RELAY_READ_MAX);
	/* a child that floods is read in bounded slices */
	assert_int_equal(log_relay_drain(&r.relay, &f->lg), 1);
	assert_true(r.relay.lines < wrote / sizeof(line));
	/* the monitor's own level applies to relayed lines */
	f->lg.level = LOG_LEVEL_INFO;
	size_t before = strlen(contents(f));
	while (log_relay_drain(&r.relay, &f->lg) == 1)
		;
	assert_int_equal(strlen(contents(f)), before);
	close(r.p[1]);
	log_relay_close(&r.relay, &f->lg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_levels_and_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_appends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_message_cut, setup, teardown),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_fatal_exits_255, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relay_tagged_and_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relay_hostile_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relay_bounded_and_filtered, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
