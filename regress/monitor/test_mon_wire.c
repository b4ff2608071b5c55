/* mon_wire: monitor.mpl messages as SEQPACKET records with descriptors, with an honest
 * peer (round trips with 0..3 fds) and a hostile one (raw records: truncated, oversized,
 * wrong fd counts, malformed bodies).  After every case no descriptor is left open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regress/monitor/mon_test_util.h"
#include "sshd/fdpass.h"
#include "sshd/mon_wire.h"

struct fx {
	int sv[2];
	int fds_before;
	uint8_t buf[MON_WIRE_RECORD_MAX];
	uint8_t scratch[MON_WIRE_BODY_MAX];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (f == NULL || fdpass_socketpair(f->sv) < 0)
		return -1;
	f->fds_before = mon_test_count_fds();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	close(f->sv[0]);
	close(f->sv[1]);
	free(f);
	return 0;
}

/* Checks that fd_w (write end) and fd_r (read end) are the two ends of one pipe. */
static void assert_same_pipe(int fd_w, int fd_r)
{
	char c = 0;
	assert_int_equal(write(fd_w, "x", 1), 1);
	assert_int_equal(read(fd_r, &c, 1), 1);
	assert_int_equal(c, 'x');
}

static void test_roundtrip_0_to_3_fds(void **state)
{
	struct fx *f = *state;

	for (size_t n = 0; n <= 3; n++) {
		int pipes[3][2], sent[3], got[3] = { -1, -1, -1 };
		size_t ngot = 99;
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(pipe2(pipes[i], O_CLOEXEC), 0);
			sent[i] = pipes[i][1];
		}
		struct monitor_msg m, r;
		monitor_msg_init(&m, monitor_msg_Monitor_SessionAnswer);
		m.u.Monitor_SessionAnswer.status = 0;
		m.u.Monitor_SessionAnswer.session_id = 1000 + (uint32_t)n;
		assert_int_equal(mon_wire_send(f->sv[0], &m, sent, n, f->scratch,
					       sizeof(f->scratch), 1000, NULL), 0);
		for (size_t i = 0; i < n; i++)
			close(pipes[i][1]);	/* the sender's copies go; the received stay */
		assert_int_equal(mon_wire_recv(f->sv[1], f->buf, sizeof(f->buf), &r, got, 3, &ngot,
					       1000, NULL), 0);
		assert_int_equal(ngot, n);
		assert_int_equal(r.kind, monitor_msg_Monitor_SessionAnswer);
		assert_int_equal(r.u.Monitor_SessionAnswer.session_id, 1000 + n);
		for (size_t i = 0; i < n; i++) {
			assert_true(got[i] >= 0);
			assert_true(fcntl(got[i], F_GETFD) & FD_CLOEXEC);
			assert_same_pipe(got[i], pipes[i][0]);
			close(got[i]);
			close(pipes[i][0]);
		}
		assert_int_equal(mon_test_count_fds(), f->fds_before);
	}
}

static void test_roundtrip_every_request_kind(void **state)
{
	struct fx *f = *state;
	/* a body of every kind that can be sampled must come back equal */
	static uint8_t pool[65536];

	for (int k = 0; k < MONITOR_MSG_KIND_COUNT; k++) {
		if (k == monitor_msg_Monitor_Unknown)
			continue;
		struct monitor_msg m, r;
		struct mpl_sample s;
		size_t ngot = 9;
		mpl_sample_init(&s, pool, sizeof(pool), 12345u + (uint64_t)k);
		assert_int_equal(monitor_msg_sample(&m, (enum monitor_msg_kind)k, &s), 0);
		assert_int_equal(mon_wire_send(f->sv[0], &m, NULL, 0, f->scratch, sizeof(f->scratch),
					       1000, NULL), 0);
		assert_int_equal(mon_wire_recv(f->sv[1], f->buf, sizeof(f->buf), &r, NULL, 0, &ngot,
					       1000, NULL), 0);
		assert_int_equal(ngot, 0);
		assert_true(monitor_msg_equal(&m, &r));
	}
}

static void test_send_refuses_bad_arguments(void **state)
{
	struct fx *f = *state;
	struct monitor_msg m;
	int fds[4] = { 0, 0, 0, 0 };
	monitor_msg_init(&m, monitor_msg_Monitor_HostkeysRequest);

	assert_int_equal(mon_wire_send(f->sv[0], &m, fds, 4, f->scratch, sizeof(f->scratch),
				       1000, NULL), -EINVAL);
	assert_int_equal(mon_wire_send(-1, &m, NULL, 0, f->scratch, sizeof(f->scratch), 1000,
				       NULL), -EINVAL);
	/* the codec's bounds hold on the sending side too: data of a SignRequest is 20..64 */
	uint8_t h[65] = { 0 };
	monitor_msg_init(&m, monitor_msg_Monitor_SignRequest);
	m.u.Monitor_SignRequest.key = MPL_LIT("k");
	m.u.Monitor_SignRequest.algorithm = MPL_LIT("ssh-ed25519");
	m.u.Monitor_SignRequest.data = (struct mpl_bytes){ h, 65 };
	assert_true(mon_wire_send(f->sv[0], &m, NULL, 0, f->scratch, sizeof(f->scratch), 1000,
				  NULL) < 0);
	m.u.Monitor_SignRequest.data = (struct mpl_bytes){ h, 19 };
	assert_true(mon_wire_send(f->sv[0], &m, NULL, 0, f->scratch, sizeof(f->scratch), 1000,
				  NULL) < 0);
	/* a body larger than the scratch buffer */
	m.u.Monitor_SignRequest.data = (struct mpl_bytes){ h, 32 };
	assert_int_equal(mon_wire_send(f->sv[0], &m, NULL, 0, f->scratch, 16, 1000, NULL),
			 -ENOSPC);
	/* a body larger than MONITOR_MAX_BODY */
	static uint8_t big[MON_WIRE_BODY_MAX];
	monitor_msg_init(&m, monitor_msg_Monitor_PubkeyVerifyRequest);
	m.u.Monitor_PubkeyVerifyRequest.signed_data = (struct mpl_bytes){ big, sizeof(big) - 8 };
	assert_int_equal(mon_wire_send(f->sv[0], &m, NULL, 0, f->scratch, sizeof(f->scratch),
				       1000, NULL), -ENOSPC);
	/* nothing was sent by any of these */
	size_t ngot;
	struct monitor_msg r;
	assert_int_equal(mon_wire_recv(f->sv[1], f->buf, sizeof(f->buf), &r, NULL, 0, &ngot, 0,
				       NULL), -EAGAIN);
}

static void test_largest_body(void **state)
{
	struct fx *f = *state;
	struct monitor_msg m, r;
	size_t ngot;
	static uint8_t big[MON_WIRE_BODY_MAX];
	/* type + 4 strings: 1 + 4*4 bytes of header */
	size_t room = MON_WIRE_BODY_MAX - 17;
	memset(big, 0xa5, sizeof(big));
	monitor_msg_init(&m, monitor_msg_Monitor_PubkeyVerifyRequest);
	m.u.Monitor_PubkeyVerifyRequest.signed_data = (struct mpl_bytes){ big, room };
	assert_int_equal(mon_wire_send(f->sv[0], &m, NULL, 0, f->scratch, sizeof(f->scratch),
				       1000, NULL), 0);
	assert_int_equal(mon_wire_recv(f->sv[1], f->buf, sizeof(f->buf), &r, NULL, 0, &ngot, 1000,
				       NULL), 0);
	assert_int_equal(r.u.Monitor_PubkeyVerifyRequest.signed_data.len, room);
	/* the same record into a buffer one byte short: consumed, refused */
	assert_int_equal(mon_wire_send(f->sv[0], &m, NULL, 0, f->scratch, sizeof(f->scratch),
				       1000, NULL), 0);
	assert_int_equal(mon_wire_recv(f->sv[1], f->buf, MON_WIRE_RECORD_MAX - 1, &r, NULL, 0,
				       &ngot, 1000, NULL), -EMSGSIZE);
	assert_int_equal(mon_wire_recv(f->sv[1], f->buf, sizeof(f->buf), &r, NULL, 0, &ngot, 0,
				       NULL), -EAGAIN);
}

/* Sends a raw record and expects mon_wire_recv to refuse it with `want`, leaving no
 * descriptor open. */
static void expect_refused(struct fx *f, const uint8_t *rec, size_t len, const int *fds,
			   size_t nfds, size_t max_fds, int want)
{
	struct monitor_msg r;
	int got[3] = { -1, -1, -1 };
	size_t ngot = 99;

	assert_int_equal(mon_test_raw_send(f->sv[0], rec, len, fds, nfds), 0);
	assert_int_equal(mon_wire_recv(f->sv[1], f->buf, sizeof(f->buf), &r, got, max_fds,
				       &ngot, 1000, NULL), want);
	assert_int_equal(ngot, 0);
}

static void test_truncated_and_long_records(void **state)
{
	struct fx *f = *state;
	uint8_t rec[64];
	/* HostkeysRequest body: the type byte 1 */
	const uint8_t body[] = { 1 };
	size_t n;

	/* body_len says 2, one byte follows */
	n = mon_test_record(rec, sizeof(rec), 2, 0, body, 1);
	expect_refused(f, rec, n, NULL, 0, 0, -EBADMSG);
	/* body_len says 1, two follow */
	const uint8_t body2[] = { 1, 0 };
	n = mon_test_record(rec, sizeof(rec), 1, 0, body2, 2);
	expect_refused(f, rec, n, NULL, 0, 0, -EBADMSG);
	/* body_len 0 (the codec's min is 1) */
	n = mon_test_record(rec, sizeof(rec), 0, 0, NULL, 0);
	expect_refused(f, rec, n, NULL, 0, 0, -EBADMSG);
	/* body_len over MONITOR_MAX_BODY */
	n = mon_test_record(rec, sizeof(rec), MON_WIRE_BODY_MAX + 1, 0, body, 1);
	expect_refused(f, rec, n, NULL, 0, 0, -EBADMSG);
	n = mon_test_record(rec, sizeof(rec), 0xffffffffu, 0, body, 1);
	expect_refused(f, rec, n, NULL, 0, 0, -EBADMSG);
	/* every cut of the header */
	n = mon_test_record(rec, sizeof(rec), 1, 0, body, 1);
	for (size_t cut = 1; cut < MON_WIRE_FRAME_LEN; cut++)
		expect_refused(f, rec, cut, NULL, 0, 0, -EBADMSG);
	/* a well-formed frame around a malformed body: SignRequest with its strings cut */
	const uint8_t sign_cut[] = { 3, 0, 0, 0, 9, 'k' };
	n = mon_test_record(rec, sizeof(rec), sizeof(sign_cut), 0, sign_cut, sizeof(sign_cut));
	expect_refused(f, rec, n, NULL, 0, 0, -EBADMSG);
	/* a boolean that is neither 0 nor 1 (PubkeyQueryAnswer) */
	const uint8_t bad_bool[] = { 13, 2 };
	n = mon_test_record(rec, sizeof(rec), sizeof(bad_bool), 0, bad_bool, sizeof(bad_bool));
	expect_refused(f, rec, n, NULL, 0, 0, -EBADMSG);
	/* trailing bytes after a complete body */
	const uint8_t trailing[] = { 13, 1, 0 };
	n = mon_test_record(rec, sizeof(rec), sizeof(trailing), 0, trailing, sizeof(trailing));
	expect_refused(f, rec, n, NULL, 0, 0, -EBADMSG);
	/* an empty record reads as the peer's end */
	expect_refused(f, rec, 0, NULL, 0, 0, -EPIPE);
	assert_int_equal(mon_test_count_fds(), f->fds_before);
}

static void test_oversized_record(void **state)
{
	struct fx *f = *state;
	static uint8_t rec[MON_WIRE_RECORD_MAX + 100];
	struct monitor_msg r;
	size_t ngot;
	int p[2];

	/* one record larger than the receiver's buffer, with a descriptor: refused and
	 * the descriptor closed */
	memset(rec, 0, sizeof(rec));
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	size_t n = mon_test_record(rec, sizeof(rec), 200, 1, NULL, 0);
	assert_int_equal(n, 5);
	assert_int_equal(mon_test_raw_send(f->sv[0], rec, 205, &p[1], 1), 0);
	close(p[1]);
	assert_int_equal(mon_wire_recv(f->sv[1], f->buf, 100, &r, (int[3]){ 0 }, 3, &ngot, 1000,
				       NULL), -EMSGSIZE);
	assert_int_equal(ngot, 0);
	/* the write end is gone everywhere: the read end sees EOF */
	char c;
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
	assert_int_equal(mon_test_count_fds(), f->fds_before);
}

static void test_wrong_fd_counts(void **state)
{
	struct fx *f = *state;
	uint8_t rec[64];
	int p[4][2], ends[4];
	const uint8_t body[] = { 31, 0, 0, 0, 0, 0, 0, 0, 7 };	/* SessionAnswer */
	size_t n;

	for (int i = 0; i < 4; i++) {
		assert_int_equal(pipe2(p[i], O_CLOEXEC), 0);
		ends[i] = p[i][1];
	}
	/* fd_count 2, one descriptor */
	n = mon_test_record(rec, sizeof(rec), sizeof(body), 2, body, sizeof(body));
	expect_refused(f, rec, n, ends, 1, 3, -EPROTO);
	/* fd_count 0, one descriptor */
	n = mon_test_record(rec, sizeof(rec), sizeof(body), 0, body, sizeof(body));
	expect_refused(f, rec, n, ends, 1, 3, -EPROTO);
	/* fd_count 1, no descriptor */
	n = mon_test_record(rec, sizeof(rec), sizeof(body), 1, body, sizeof(body));
	expect_refused(f, rec, n, NULL, 0, 3, -EPROTO);
	/* fd_count 3 and three descriptors, but the receiver takes none (a request) */
	n = mon_test_record(rec, sizeof(rec), sizeof(body), 3, body, sizeof(body));
	expect_refused(f, rec, n, ends, 3, 0, -EPROTO);
	/* four descriptors: more than any message carries (and fd_count above the codec's
	 * max) */
	n = mon_test_record(rec, sizeof(rec), sizeof(body), 4, body, sizeof(body));
	expect_refused(f, rec, n, ends, 4, 3, -EPROTO);
	/* sixteen: more than the control buffer holds (MSG_CTRUNC) */
	int many[16];
	for (int i = 0; i < 16; i++)
		many[i] = ends[i % 4];
	n = mon_test_record(rec, sizeof(rec), sizeof(body), 3, body, sizeof(body));
	expect_refused(f, rec, n, many, 16, 3, -EPROTO);

	/* every received copy was closed: with ours closed too, the readers see EOF */
	for (int i = 0; i < 4; i++) {
		char c;
		close(p[i][1]);
		assert_int_equal(read(p[i][0], &c, 1), 0);
		close(p[i][0]);
	}
	assert_int_equal(mon_test_count_fds(), f->fds_before);
}

static void test_decode_every_truncation(void **state)
{
	struct fx *f = *state;
	struct monitor_msg m, r;
	struct mpl_error err;
	int fd = -1;
	size_t ngot;

	monitor_msg_init(&m, monitor_msg_Monitor_SessionExit);
	m.u.Monitor_SessionExit.session_id = 5;
	m.u.Monitor_SessionExit.exited = false;
	m.u.Monitor_SessionExit.signal_name = MPL_LIT("TERM");
	assert_int_equal(mon_wire_send(f->sv[0], &m, NULL, 0, f->scratch, sizeof(f->scratch), 1000,
				       NULL), 0);
	int len = fdpass_recv_record(f->sv[1], f->buf, sizeof(f->buf), &fd, 0, &ngot, 1000);
	assert_true(len > MON_WIRE_FRAME_LEN);
	assert_int_equal(mon_wire_decode(f->buf, (size_t)len, 0, &r, &err), 0);
	assert_true(monitor_msg_equal(&m, &r));
	assert_int_equal(mon_wire_decode(f->buf, (size_t)len, 1, &r, &err), -EPROTO);
	for (int cut = 0; cut < len; cut++)
		assert_int_equal(mon_wire_decode(f->buf, (size_t)cut, 0, &r, &err), -EBADMSG);
}

static void test_record_layer_arguments(void **state)
{
	struct fx *f = *state;
	const void *parts[1] = { "" };
	size_t lens[1] = { 0 };
	size_t nfds;
	int fds[4];

	/* an empty record would read as the peer's close */
	assert_int_equal(fdpass_send_record(f->sv[0], parts, lens, 1, NULL, 0, 1000), -EINVAL);
	lens[0] = 1;
	int bad = -1;
	assert_int_equal(fdpass_send_record(f->sv[0], parts, lens, 1, &bad, 1, 1000), -EINVAL);
	assert_int_equal(fdpass_recv_record(f->sv[1], f->buf, sizeof(f->buf), fds, 5, &nfds, 0),
			 -EINVAL);
	assert_int_equal(fdpass_recv_record(f->sv[1], f->buf, sizeof(f->buf), fds, 4, &nfds, 0),
			 -EAGAIN);
	/* the peer's close */
	close(f->sv[0]);
	f->sv[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct monitor_msg r;
	assert_int_equal(mon_wire_recv(f->sv[1], f->buf, sizeof(f->buf), &r, NULL, 0, &nfds, 1000,
				       NULL), -EPIPE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip_0_to_3_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip_every_request_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_refuses_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_largest_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_and_long_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_fd_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_every_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_layer_arguments, setup, teardown),
	};
	return cmocka_run_group_tests_name("mon_wire", tests, NULL, NULL);
}
