/* fdpass: frames and descriptors over a SEQPACKET pair, with honest and hostile peers.
 * Hostile frames are written with raw sendmsg, bypassing fdpass_send's own checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "regress/os/os_test_util.h"
#include "sshd/fdpass.h"

struct pair {
	int sv[2];
	int fds_before;
};

static int setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));
	if (p == NULL || fdpass_socketpair(p->sv) < 0)
		return -1;
	p->fds_before = os_test_count_fds();
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;
	close(p->sv[0]);
	close(p->sv[1]);
	free(p);
	return 0;
}

/* Raw frame: arbitrary bytes (header included) and any number of descriptors. */
static void raw_send(int s, const void *buf, size_t len, const int *fds, size_t nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(8 * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	assert_true(nfds <= 8);
	if (nfds > 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	assert_int_equal(sendmsg(s, &msg, MSG_NOSIGNAL), (ssize_t)len);
}

static void test_roundtrip(void **state)
{
	struct pair *p = *state;
	char buf[64];

	assert_int_equal(fdpass_send(p->sv[0], "hello", 5, -1, 1000), 0);
	assert_int_equal(fdpass_send(p->sv[0], "", 0, -1, 1000), 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), 5);
	assert_memory_equal(buf, "hello", 5);
	/* an empty payload is a frame, not an end of stream */
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), 0);
	/* and the other way */
	assert_int_equal(fdpass_send(p->sv[1], "back", 4, -1, 1000), 0);
	assert_int_equal(fdpass_recv(p->sv[0], buf, sizeof(buf), NULL, 1000), 4);
}

static void test_largest_frame(void **state)
{
	struct pair *p = *state;
	size_t n = FDPASS_PAYLOAD_MAX;
	char *out = malloc(n), *in = malloc(n);
	assert_non_null(out);
	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(i * 7);
	assert_int_equal(fdpass_send(p->sv[0], out, n, -1, 1000), 0);
	assert_int_equal(fdpass_recv(p->sv[1], in, n, NULL, 1000), (int)n);
	assert_memory_equal(in, out, n);
	/* one byte more is refused by the sender */
	assert_int_equal(fdpass_send(p->sv[0], out, n + 1, -1, 1000), -EMSGSIZE);
	/* and a frame larger than the reader's buffer is refused by the reader */
	assert_int_equal(fdpass_send(p->sv[0], out, 100, -1, 1000), 0);
	assert_int_equal(fdpass_recv(p->sv[1], in, 99, NULL, 1000), -EMSGSIZE);
	free(out);
	free(in);
}

static void test_fd_passing(void **state)
{
	struct pair *p = *state;
	int pfd[2], got = -1;
	char buf[16];

	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(fdpass_send(p->sv[0], "fd", 2, pfd[1], 1000), 0);
	close(pfd[1]);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), &got, 1000), 2);
	assert_true(got >= 0);
	assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(got, "x", 1), 1);
	assert_int_equal(read(pfd[0], buf, 1), 1);
	assert_int_equal(buf[0], 'x');
	close(got);
	close(pfd[0]);
	/* a frame without fd, read by a caller ready for one, gives -1 */
	assert_int_equal(fdpass_send(p->sv[0], "no", 2, -1, 1000), 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), &got, 1000), 2);
	assert_int_equal(got, -1);
	assert_int_equal(os_test_count_fds(), p->fds_before);
}

static void test_fd_where_none_expected(void **state)
{
	struct pair *p = *state;
	int pfd[2];
	char buf[16];

	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(fdpass_send(p->sv[0], "fd", 2, pfd[1], 1000), 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), -EPROTO);
	close(pfd[1]);
	/* the copy we received was closed: the pipe's write side is fully gone */
	assert_int_equal(read(pfd[0], buf, 1), 0);
	close(pfd[0]);
	assert_int_equal(os_test_count_fds(), p->fds_before);
}

static void test_two_fds(void **state)
{
	struct pair *p = *state;
	int a[2], b[2], got = 7;
	char buf[16];
	uint8_t frame[] = { 0, 0, 0, 1, 'x' };

	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	int two[2] = { a[1], b[1] };
	raw_send(p->sv[0], frame, sizeof(frame), two, 2);
	close(a[1]);
	close(b[1]);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), &got, 1000), -EPROTO);
	assert_int_equal(got, -1);
	assert_int_equal(read(a[0], buf, 1), 0);
	assert_int_equal(read(b[0], buf, 1), 0);
	close(a[0]);
	close(b[0]);
	assert_int_equal(os_test_count_fds(), p->fds_before);
}

static void test_many_fds_ctrunc(void **state)
{
	struct pair *p = *state;
	int fds[8], got;
	char buf[16];
	uint8_t frame[] = { 0, 0, 0, 0 };

	for (int i = 0; i < 8; i++)
		fds[i] = dup(0);
	raw_send(p->sv[0], frame, sizeof(frame), fds, 8);
	for (int i = 0; i < 8; i++)
		close(fds[i]);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), &got, 1000), -EPROTO);
	assert_int_equal(got, -1);
	assert_int_equal(os_test_count_fds(), p->fds_before);
}

static void test_truncated_frames(void **state)
{
	struct pair *p = *state;
	char buf[64];
	int got;
	/* header says 10 bytes, 3 follow */
	uint8_t short_body[] = { 0, 0, 0, 10, 'a', 'b', 'c' };
	/* header says 1, 3 follow: trailing bytes */
	uint8_t long_body[] = { 0, 0, 0, 1, 'a', 'b', 'c' };
	/* not even a header */
	uint8_t no_header[] = { 0, 0 };
	/* header claims 4 GiB */
	uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 'z' };

	raw_send(p->sv[0], short_body, sizeof(short_body), NULL, 0);
	raw_send(p->sv[0], long_body, sizeof(long_body), NULL, 0);
	raw_send(p->sv[0], no_header, sizeof(no_header), NULL, 0);
	raw_send(p->sv[0], huge, sizeof(huge), NULL, 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), -EBADMSG);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), -EBADMSG);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), -EBADMSG);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), -EBADMSG);

	/* a hostile frame carrying an fd is rejected and the fd does not leak */
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	raw_send(p->sv[0], short_body, sizeof(short_body), &pfd[1], 1);
	close(pfd[1]);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), &got, 1000), -EBADMSG);
	assert_int_equal(got, -1);
	assert_int_equal(read(pfd[0], buf, 1), 0);
	close(pfd[0]);

	/* every bad frame was consumed: the stream goes on */
	assert_int_equal(fdpass_send(p->sv[0], "ok", 2, -1, 1000), 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), 2);
	assert_int_equal(os_test_count_fds(), p->fds_before);
}

static void test_eof_timeout_eagain(void **state)
{
	struct pair *p = *state;
	char buf[16];
	struct timespec a, b;

	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 0), -EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 200), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 190 && ms < 5000);

	/* a frame still queued is read before the end of stream is seen */
	assert_int_equal(fdpass_send(p->sv[0], "last", 4, -1, 1000), 0);
	close(p->sv[0]);
	p->sv[0] = open("/dev/null", O_RDONLY);	/* keep teardown simple */
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), 4);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 1000), -EPIPE);
	assert_int_equal(fdpass_send(p->sv[1], "x", 1, -1, 1000), -EPIPE);
}

static void test_send_full_times_out(void **state)
{
	struct pair *p = *state;
	char *big = calloc(1, 64 * 1024);
	int r = 0, sent = 0;

	assert_non_null(big);
	/* nobody reads: the queue fills and the bounded wait ends */
	for (int i = 0; i < 10000 && r == 0; i++) {
		r = fdpass_send(p->sv[0], big, 64 * 1024, -1, 100);
		if (r == 0)
			sent++;
	}
	assert_int_equal(r, -ETIMEDOUT);
	assert_true(sent > 0);
	/* draining makes room again */
	char *in = malloc(64 * 1024);
	assert_non_null(in);
	assert_int_equal(fdpass_recv(p->sv[1], in, 64 * 1024, NULL, 1000), 64 * 1024);
	assert_int_equal(fdpass_send(p->sv[0], big, 1, -1, 1000), 0);
	free(in);
	free(big);
}

static void test_bad_arguments(void **state)
{
	struct pair *p = *state;
	char buf[4];
	assert_int_equal(fdpass_send(-1, "x", 1, -1, 10), -EINVAL);
	assert_int_equal(fdpass_send(p->sv[0], NULL, 1, -1, 10), -EINVAL);
	assert_int_equal(fdpass_recv(-1, buf, sizeof(buf), NULL, 10), -EINVAL);
	assert_int_equal(fdpass_recv(p->sv[0], NULL, 4, NULL, 10), -EINVAL);
	assert_int_equal(fdpass_socketpair(NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_largest_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_passing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_where_none_expected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_fds_ctrunc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof_timeout_eagain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_full_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
