/* ClientAliveInterval / ClientAliveCountMax (sshd/client_alive.c) on an authenticated
 * connection (chan_harness.h).  The clock is c->now_ms, set by each test: no test
 * depends on real time. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "regress/channels/chan_harness.h"
#include "sshd/client_alive.h"

/* How long the client waits for something the server must (or must not) have sent. */
#define WAIT_MS 300

static int setup_with(void **state, const char *const *config)
{
	struct harness *h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -1;
	h_setup(h, config);
	*state = h;
	return 0;
}

static int setup(void **state)
{
	static const char *const config[] = {
		"ClientAliveInterval 2", "ClientAliveCountMax 2", NULL,
	};
	return setup_with(state, config);
}

static int setup_count_zero(void **state)
{
	static const char *const config[] = {
		"ClientAliveInterval 2", "ClientAliveCountMax 0", NULL,
	};
	return setup_with(state, config);
}

static int setup_default(void **state)
{
	return setup_with(state, NULL);
}

static int teardown(void **state)
{
	struct harness *h = *state;
	h_teardown(h);
	free(h);
	return 0;
}

/* One turn of the loop's timer at time t (ms); returns client_alive_tick's result and
 * writes what it queued. */
static int tick_at(struct harness *h, uint64_t t, int *next_ms)
{
	int next = -1;
	h->c.now_ms = t;
	int rc = client_alive_tick(&h->c, &next);
	if (next_ms != NULL)
		*next_ms = next;
	h_pump(h, 0);
	return rc;
}

/* The next message is our keepalive: GLOBAL_REQUEST keepalive@openssh.com, want_reply. */
static void expect_keepalive(struct harness *h)
{
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, 5000), 1);
	assert_int_equal(m.kind, ssh_msg_Global_Request_Keepalive);
	assert_int_equal(m.u.Global_Request_Keepalive.request.len,
			 strlen("keepalive@openssh.com"));
	assert_memory_equal(m.u.Global_Request_Keepalive.request.ptr, "keepalive@openssh.com",
			    strlen("keepalive@openssh.com"));
	assert_true(m.u.Global_Request_Keepalive.want_reply);
}

static void expect_nothing(struct harness *h)
{
	struct ssh_msg m;
	assert_int_equal(h_recv(h, &m, WAIT_MS), 0);
}

/* The client's answer, as OpenSSH's client gives it to an unknown request. */
static void answer(struct harness *h, uint64_t t)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Global_RequestFailure);
	h->c.now_ms = t;
	h_send(h, &m);
	h_pump(h, 50);
}

/* Nothing before the interval has passed; then the request, and the loop is told when
 * to look again. */
static void test_sent_after_interval(void **state)
{
	struct harness *h = *state;
	int next;
	assert_int_equal(tick_at(h, 1500, &next), 0);
	assert_int_equal(next, 500);
	expect_nothing(h);
	assert_int_equal(tick_at(h, 2000, &next), 0);
	assert_int_equal(next, 2000);
	expect_keepalive(h);
	assert_false(h->c.closing);
}

/* A client that answers nothing: a request per interval, and after more than
 * ClientAliveCountMax (2) silent intervals the connection ends, without DISCONNECT
 * (OpenSSH's cleanup_exit). */
static void test_silent_client_times_out(void **state)
{
	struct harness *h = *state;
	assert_int_equal(tick_at(h, 2000, NULL), 0);
	expect_keepalive(h);
	assert_int_equal(tick_at(h, 4000, NULL), 0);
	expect_keepalive(h);
	assert_false(h->c.closing);
	assert_int_equal(tick_at(h, 6000, NULL), -ETIMEDOUT);
	assert_true(h->c.closing);
	assert_int_equal(h->c.exit_status, 255);
	expect_nothing(h);
	assert_false(h->server_failed);
}

/* Answers are accepted (channel.spl's awaited register) and reset the count. */
static void test_answers_keep_it_alive(void **state)
{
	struct harness *h = *state;
	uint64_t t = 0;
	for (int i = 0; i < 10; i++) {
		t += 2000;
		assert_int_equal(tick_at(h, t, NULL), 0);
		expect_keepalive(h);
		answer(h, t);
		assert_false(h->server_failed);
	}
	assert_false(h->c.closing);
	assert_int_equal(h->c.alive_awaited, 0);
}

/* A late answer after two silent intervals: the count starts again from it. */
static void test_answer_resets_count(void **state)
{
	struct harness *h = *state;
	assert_int_equal(tick_at(h, 2000, NULL), 0);
	expect_keepalive(h);
	assert_int_equal(tick_at(h, 4000, NULL), 0);
	expect_keepalive(h);
	answer(h, 5000);
	answer(h, 5000);
	assert_false(h->server_failed);
	/* the interval runs from the answer */
	assert_int_equal(tick_at(h, 6000, NULL), 0);
	expect_nothing(h);
	assert_int_equal(tick_at(h, 7000, NULL), 0);
	expect_keepalive(h);
	assert_int_equal(tick_at(h, 9000, NULL), 0);
	expect_keepalive(h);
	assert_false(h->c.closing);
	assert_int_equal(tick_at(h, 11000, NULL), -ETIMEDOUT);
	assert_true(h->c.closing);
}

/* Any packet from the client counts, not only the answers. */
static void test_any_packet_resets_count(void **state)
{
	struct harness *h = *state;
	assert_int_equal(tick_at(h, 2000, NULL), 0);
	expect_keepalive(h);
	assert_int_equal(tick_at(h, 4000, NULL), 0);
	expect_keepalive(h);
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Global_Request_Unknown);
	m.u.Global_Request_Unknown.request = mpl_bytes_str("x@example.com");
	m.u.Global_Request_Unknown.want_reply = false;
	h->c.now_ms = 5000;
	h_send(h, &m);
	h_pump(h, 50);
	assert_int_equal(tick_at(h, 7000, NULL), 0);
	expect_keepalive(h);
	/* the third unanswered request is as many as channel.spl lets be outstanding */
	assert_int_equal(tick_at(h, 9000, NULL), 0);
	expect_nothing(h);
	assert_false(h->c.closing);
	assert_false(h->server_failed);
	assert_int_equal(tick_at(h, 11000, NULL), -ETIMEDOUT);
	assert_true(h->c.closing);
}

/* ClientAliveCountMax 0: the connection is never ended; no more requests are sent than
 * channel.spl lets be outstanding. */
static void test_count_max_zero_never_ends(void **state)
{
	struct harness *h = *state;
	for (uint64_t t = 2000; t <= 40000; t += 2000)
		assert_int_equal(tick_at(h, t, NULL), 0);
	for (unsigned i = 0; i < CLIENT_ALIVE_MAX_AWAITED; i++)
		expect_keepalive(h);
	expect_nothing(h);
	assert_false(h->c.closing);
	assert_false(h->server_failed);
	/* an answer makes room for the next one */
	answer(h, 41000);
	assert_int_equal(tick_at(h, 43000, NULL), 0);
	expect_keepalive(h);
}

/* An answer is accepted only while a keepalive of ours is outstanding (channel.spl's
 * awaited register): one more is a protocol error. */
static void test_unasked_answer_refused(void **state)
{
	struct harness *h = *state;
	assert_int_equal(tick_at(h, 2000, NULL), 0);
	expect_keepalive(h);
	answer(h, 2500);
	assert_false(h->server_failed);
	assert_false(h->c.closing);
	answer(h, 3000);
	assert_true(h->server_failed);
	assert_int_equal(h->server_err, -EPROTO);
	assert_true(h->c.closing);
}

/* During a key exchange nothing of the connection layer goes out (T3): the request is
 * not sent, but the silent intervals still count. */
static void test_not_sent_during_kex(void **state)
{
	struct harness *h = *state;
	h->c.kex_active = true;
	h->c.tx_kex = true;
	assert_int_equal(tick_at(h, 2000, NULL), 0);
	expect_nothing(h);
	assert_false(h->server_failed);
	assert_int_equal(tick_at(h, 4000, NULL), 0);
	assert_int_equal(tick_at(h, 6000, NULL), -ETIMEDOUT);
	assert_true(h->c.closing);
	assert_false(h->server_failed);
}

/* Before authentication (OpenSSH: only the server loop) and with the default
 * ClientAliveInterval 0, nothing is sent and nothing ends. */
static void test_not_before_auth(void **state)
{
	struct harness *h = *state;
	h->c.authenticated = false;
	int next;
	assert_int_equal(tick_at(h, 100000, &next), 0);
	assert_int_equal(next, -1);
	expect_nothing(h);
	assert_false(h->c.closing);
}

static void test_interval_zero(void **state)
{
	struct harness *h = *state;
	for (uint64_t t = 1000; t <= 100000; t += 10000)
		assert_int_equal(tick_at(h, t, NULL), 0);
	expect_nothing(h);
	assert_false(h->c.closing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sent_after_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_client_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answers_keep_it_alive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answer_resets_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_any_packet_resets_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count_max_zero_never_ends, setup_count_zero,
						teardown),
		cmocka_unit_test_setup_teardown(test_unasked_answer_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_sent_during_kex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_before_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interval_zero, setup_default, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
