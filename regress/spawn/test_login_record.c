/* Login records (sshd/login_record.c): the entries built for a login and a logout, and
 * their writing into a utmp and a wtmp file of the test's own (utmpxname, updwtmpx),
 * read back as `who` and `last` read them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utmpx.h>

#include <cmocka.h>

#include "sshd/login_record.h"

struct fx {
	char dir[64];
	char utmp[128];
	char wtmp[128];
};

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/msshd-loginrec-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->utmp, sizeof(f->utmp), "%s/utmp", f->dir);
	snprintf(f->wtmp, sizeof(f->wtmp), "%s/wtmp", f->dir);
	touch(f->utmp);
	touch(f->wtmp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unlink(f->utmp);
	unlink(f->wtmp);
	rmdir(f->dir);
	free(f);
	/* back to the system's file for anything after us */
	utmpxname(_PATH_UTMPX);
	return 0;
}

/* The entries of a wtmp file, at most cap. */
static size_t read_wtmp(const char *path, struct utmpx *out, size_t cap)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	size_t n = fread(out, sizeof(*out), cap, fp);
	fclose(fp);
	return n;
}

static void test_build_login(void **state)
{
	(void)state;
	struct utmpx ut;
	struct timeval tv = { 1700000000, 42 };
	assert_int_equal(login_record_build(&ut, true, "/dev/pts/17", "alice", "192.0.2.5", 4321,
					    &tv), 0);
	assert_int_equal(ut.ut_type, USER_PROCESS);
	assert_int_equal(ut.ut_pid, 4321);
	assert_string_equal(ut.ut_line, "pts/17");
	assert_memory_equal(ut.ut_id, "s/17", 4);
	assert_string_equal(ut.ut_user, "alice");
	assert_string_equal(ut.ut_host, "192.0.2.5");
	assert_int_equal(ut.ut_tv.tv_sec, 1700000000);
	assert_int_equal(ut.ut_tv.tv_usec, 42);
	const uint8_t a4[4] = { 192, 0, 2, 5 };
	assert_memory_equal(ut.ut_addr_v6, a4, 4);

	/* an IPv6 address, a line given without /dev/, a short line's id */
	assert_int_equal(login_record_build(&ut, true, "pts/3", "bob", "2001:db8::1", 7, &tv), 0);
	assert_string_equal(ut.ut_line, "pts/3");
	assert_memory_equal(ut.ut_id, "ts/3", 4);
	assert_int_equal(((const uint8_t *)ut.ut_addr_v6)[0], 0x20);
	assert_int_equal(((const uint8_t *)ut.ut_addr_v6)[15], 1);

	/* a user name longer than the field is cut to it */
	char longname[sizeof(ut.ut_user) + 10];
	memset(longname, 'u', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(login_record_build(&ut, true, "pts/3", longname, "h", 7, &tv), 0);
	assert_memory_equal(ut.ut_user, longname, sizeof(ut.ut_user));
}

static void test_build_logout_and_refusals(void **state)
{
	(void)state;
	struct utmpx ut;
	struct timeval tv = { 1700000001, 0 };
	assert_int_equal(login_record_build(&ut, false, "/dev/pts/17", NULL, NULL, 4321, &tv), 0);
	assert_int_equal(ut.ut_type, DEAD_PROCESS);
	assert_string_equal(ut.ut_line, "pts/17");
	assert_memory_equal(ut.ut_id, "s/17", 4);
	assert_string_equal(ut.ut_user, "");
	assert_string_equal(ut.ut_host, "");

	char longline[sizeof(ut.ut_line) + 2];
	memset(longline, 'p', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	assert_int_equal(login_record_build(&ut, false, longline, NULL, NULL, 1, &tv), -EINVAL);
	assert_int_equal(login_record_build(&ut, false, "/dev/", NULL, NULL, 1, &tv), -EINVAL);
	assert_int_equal(login_record_build(&ut, true, "pts/1", NULL, "h", 1, &tv), -EINVAL);
	assert_int_equal(login_record_build(NULL, true, "pts/1", "u", "h", 1, &tv), -EINVAL);
}

/* A login then a logout: utmp holds one entry for the line, first USER_PROCESS then
 * DEAD_PROCESS; wtmp has both, in order. */
static void test_write_login_logout(void **state)
{
	struct fx *f = *state;
	struct login_record_files files = { f->utmp, f->wtmp };
	struct utmpx ut, want, got[4];
	struct timeval tv = { 1700000000, 0 };

	assert_int_equal(login_record_build(&want, true, "/dev/pts/9", "alice", "192.0.2.5", 555,
					    &tv), 0);
	assert_int_equal(login_record_write(&files, &want), 0);

	assert_int_equal(utmpxname(f->utmp), 0);
	setutxent();
	memset(&ut, 0, sizeof(ut));
	strncpy(ut.ut_line, "pts/9", sizeof(ut.ut_line));
	struct utmpx *e = getutxline(&ut);
	assert_non_null(e);
	assert_int_equal(e->ut_type, USER_PROCESS);
	assert_string_equal(e->ut_user, "alice");
	assert_string_equal(e->ut_host, "192.0.2.5");
	assert_int_equal(e->ut_pid, 555);
	endutxent();
	assert_int_equal(read_wtmp(f->wtmp, got, 4), 1);
	assert_memory_equal(&got[0], &want, sizeof(want));

	tv.tv_sec++;
	assert_int_equal(login_record_build(&want, false, "/dev/pts/9", NULL, NULL, 555, &tv), 0);
	assert_int_equal(login_record_write(&files, &want), 0);
	struct stat st;
	assert_int_equal(stat(f->utmp, &st), 0);
	assert_int_equal(st.st_size, sizeof(struct utmpx));	/* the same entry, replaced */
	assert_int_equal(utmpxname(f->utmp), 0);
	setutxent();
	e = getutxid(&want);
	assert_non_null(e);
	assert_int_equal(e->ut_type, DEAD_PROCESS);
	endutxent();
	assert_int_equal(read_wtmp(f->wtmp, got, 4), 2);
	assert_int_equal(got[0].ut_type, USER_PROCESS);
	assert_memory_equal(&got[1], &want, sizeof(want));
}

/* A wtmp that cannot be written: the error comes back, utmp is written all the same. */
static void test_write_missing_wtmp(void **state)
{
	struct fx *f = *state;
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/none/wtmp", f->dir);
	struct login_record_files files = { f->utmp, missing };
	struct utmpx ut;
	struct timeval tv = { 1700000000, 0 };
	assert_int_equal(login_record_build(&ut, true, "pts/4", "carol", "::1", 9, &tv), 0);
	assert_int_equal(login_record_write(&files, &ut), -ENOENT);
	struct stat st;
	assert_int_equal(stat(f->utmp, &st), 0);
	assert_int_equal(st.st_size, sizeof(struct utmpx));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_login),
		cmocka_unit_test(test_build_logout_and_refusals),
		cmocka_unit_test_setup_teardown(test_write_login_logout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_missing_wtmp, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
