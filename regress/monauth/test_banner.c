/* mon_auth_read_banner: the Banner file's text as the monitor sends it; nothing for
 * "none", a missing or empty file, a directory, a FIFO (without waiting on it), or a file
 * one byte over the limit (not a truncated banner, as OpenSSH); exactly max bytes are
 * read whole, NUL-terminated. */
#include "regress/monauth/monauth_test_util.h"

#include <sys/stat.h>

static int read_banner(struct fixture *f, const char *rel, size_t max, char **text,
		       size_t *len)
{
	char path[256];

	home_path(f, rel, path, sizeof(path));
	return mon_auth_read_banner(path, max, &f->log, text, len);
}

static void test_banner_text(void **state)
{
	struct fixture *f = *state;
	char *text = NULL;
	size_t len = 0;

	write_file(f, "banner", "Welcome\nto msshd\n", 0644);
	assert_int_equal(read_banner(f, "banner", 64, &text, &len), 0);
	assert_non_null(text);
	assert_int_equal(len, 17);
	assert_string_equal(text, "Welcome\nto msshd\n");
	free(text);
	/* exactly the limit */
	assert_int_equal(read_banner(f, "banner", 17, &text, &len), 0);
	assert_int_equal(len, 17);
	free(text);
}

static void test_banner_none(void **state)
{
	struct fixture *f = *state;
	char *text = (char *)1;
	size_t len = 1;
	char path[256];

	assert_int_equal(mon_auth_read_banner(NULL, 64, &f->log, &text, &len), 0);
	assert_null(text);
	assert_int_equal(len, 0);
	assert_int_equal(mon_auth_read_banner("none", 64, &f->log, &text, &len), 0);
	assert_null(text);
	/* missing, empty, a directory */
	assert_int_equal(read_banner(f, "missing", 64, &text, &len), 0);
	assert_null(text);
	assert_true(log_has(f, "No such file or directory: not sent"));
	write_file(f, "empty", "", 0644);
	assert_int_equal(read_banner(f, "empty", 64, &text, &len), 0);
	assert_null(text);
	home_path(f, "dir", path, sizeof(path));
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(read_banner(f, "dir", 64, &text, &len), 0);
	assert_null(text);
	/* a FIFO nobody writes: refused at once, never waited on */
	home_path(f, "fifo", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(read_banner(f, "fifo", 64, &text, &len), 0);
	assert_null(text);
	assert_true(log_has(f, "not a regular file, or empty: not sent"));
	assert_int_equal(mon_auth_read_banner("x", 64, &f->log, NULL, &len), -EINVAL);
}

static void test_banner_too_large(void **state)
{
	struct fixture *f = *state;
	char *text = (char *)1;
	size_t len = 1;

	write_file(f, "banner", "0123456789abcdefX", 0644);
	assert_int_equal(read_banner(f, "banner", 16, &text, &len), 0);
	assert_null(text);
	assert_int_equal(len, 0);
	assert_true(log_has(f, "is larger than 16 bytes: not sent"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_banner_text, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_banner_none, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_banner_too_large, fixture_setup,
						fixture_teardown),
	};
	return cmocka_run_group_tests_name("monauth_banner", tests, NULL, NULL);
}
