/*
 * Trace tests of the generated policies (build/gen/ssh_policy.c, monitor_policy.c).
 *
 * Each regress/spl/traces/NAME.trace lists statecalls, one per line ("@k" names channel
 * k for channel statecalls), after "expect accept" or "expect reject" (and optionally
 * "policy monitor"). An accepted trace must pass whole; a rejected trace must pass but
 * for its last line, which must be refused. In the spirit of the original SPL tests, every
 * accepted trace is replayed once per position with a bogus statecall inserted there (a
 * message only a client sends, or one a server never receives), which must be refused
 * exactly there, leaving the automata where they were.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor_policy.h"
#include "ssh_policy.h"

#define TRACE_DIR "regress/spl/traces"
#define MAX_STEPS 256
#define MAX_CHANNELS 4

struct step {
	unsigned sc;
	int chan;            /* -1: none */
};

struct trace {
	char name[128];
	int monitor;
	int expect_accept;
	struct step steps[MAX_STEPS];
	int n;
};

/* One connection's worth of automaton state for either policy. */
struct conn {
	int monitor;
	struct ssh_policy ssh;
	struct ssh_policy_channel chans[MAX_CHANNELS];
	struct monitor_policy mon;
};

static void conn_init(struct conn *c, int monitor)
{
	memset(c, 0, sizeof *c);
	c->monitor = monitor;
	ssh_policy_init(&c->ssh);
	for (int i = 0; i < MAX_CHANNELS; i++)
		ssh_policy_channel_init(&c->chans[i]);
	monitor_policy_init(&c->mon);
}

static int conn_step(struct conn *c, const struct step *s, struct spl_rejection *why)
{
	if (c->monitor)
		return monitor_policy_step(&c->mon, NULL, s->sc, why);
	struct ssh_policy_channel *ch = NULL;
	if (ssh_policy_names_channel(s->sc))
		ch = &c->chans[s->chan < 0 ? 0 : s->chan];
	return ssh_policy_step(&c->ssh, ch, s->sc, why);
}

static int load_trace(const char *path, struct trace *t)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int have_expect = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!strcmp(line, "policy monitor")) {
			t->monitor = 1;
		} else if (!strncmp(line, "expect ", 7)) {
			t->expect_accept = !strcmp(line + 7, "accept");
			have_expect = 1;
		} else {
			char name[200];
			int chan = -1;
			if (sscanf(line, "%199s @%d", name, &chan) < 1 || t->n == MAX_STEPS ||
			    chan >= MAX_CHANNELS) {
				fclose(f);
				return -EBADMSG;
			}
			int id = spl_statecall_lookup(t->monitor ? &monitor_policy_desc :
						      &ssh_policy_desc, name);
			if (id < 0) {
				print_error("%s: unknown statecall %s\n", path, name);
				fclose(f);
				return -EBADMSG;
			}
			t->steps[t->n++] = (struct step){ (unsigned)id, chan };
		}
	}
	fclose(f);
	return have_expect && t->n > 0 ? 0 : -EBADMSG;
}

static void run_trace(void **state)
{
	const struct trace *t = *state;
	struct conn c;
	struct spl_rejection why;

	conn_init(&c, t->monitor);
	int last = t->expect_accept ? t->n : t->n - 1;
	for (int i = 0; i < last; i++) {
		int rc = conn_step(&c, &t->steps[i], &why);
		if (rc != 0)
			print_error("%s: step %d refused: %s in %s refused %s\n", t->name, i,
				    why.automaton, why.state, why.statecall);
		assert_int_equal(rc, 0);
	}
	if (!t->expect_accept) {
		memset(&why, 0, sizeof why);
		assert_int_equal(conn_step(&c, &t->steps[last], &why), -EPROTO);
		assert_non_null(why.automaton);
		assert_non_null(why.state);
		assert_string_equal(why.statecall, spl_statecall_name(t->monitor ?
			&monitor_policy_desc : &ssh_policy_desc, t->steps[last].sc));
	}
}

/* Statecalls no server may ever accept, whatever came before. */
static const char *const bogus_ssh[] = {
	"Receive_Auth_Success", "Receive_Auth_Failure", "Receive_Auth_PkOk",
	"Receive_Transport_ServiceAccept", "Receive_Transport_KexEcdhReply",
	"Transmit_Auth_Request_Password", "Transmit_Transport_ServiceRequest",
	"Transmit_Transport_KexEcdhInit", "Receive_Channel_Request_ExitStatus",
};
static const char *const bogus_monitor[] = {
	"Transmit_Monitor_SignRequest", "Receive_Monitor_SignAnswer", "Receive_Monitor_Unknown",
	"Receive_Monitor_SessionAnswer",
};

static void run_bogus_insertions(void **state)
{
	const struct trace *t = *state;
	const char *const *bogus = t->monitor ? bogus_monitor : bogus_ssh;
	size_t nbogus = t->monitor ? sizeof bogus_monitor / sizeof *bogus_monitor :
				     sizeof bogus_ssh / sizeof *bogus_ssh;
	const struct spl_policy *desc = t->monitor ? &monitor_policy_desc : &ssh_policy_desc;
	int tried = 0;

	for (size_t b = 0; b < nbogus; b++) {
		int id = spl_statecall_lookup(desc, bogus[b]);
		assert_true(id >= 0);
		for (int pos = 0; pos <= t->n; pos++) {
			struct conn c, before;
			struct spl_rejection why;
			struct step s = { (unsigned)id, t->steps[pos < t->n ? pos : t->n - 1].chan };
			conn_init(&c, t->monitor);
			for (int i = 0; i < pos; i++)
				assert_int_equal(conn_step(&c, &t->steps[i], &why), 0);
			before = c;
			int rc = conn_step(&c, &s, &why);
			if (rc != -EPROTO)
				print_error("%s: bogus %s accepted at position %d\n", t->name,
					    bogus[b], pos);
			assert_int_equal(rc, -EPROTO);
			assert_memory_equal(&before, &c, sizeof c);  /* refused: nothing moved */
			tried++;
		}
	}
	assert_true(tried > t->n);
}

static void runtime_rejects_bad_input(void **state)
{
	struct ssh_policy p;
	struct spl_rejection why;
	(void)state;

	ssh_policy_init(&p);
	assert_int_equal(ssh_policy_step(&p, NULL, SSH_POLICY_N_STATECALLS, &why), -EINVAL);
	assert_int_equal(ssh_policy_step(&p, NULL, 0xffffffffu, &why), -EINVAL);
	int open = spl_statecall_lookup(&ssh_policy_desc, "Receive_Channel_Open_Session");
	assert_true(open >= 0);
	assert_true(ssh_policy_names_channel((unsigned)open));
	/* A channel statecall without its channel is a caller bug, not a protocol error. */
	assert_int_equal(ssh_policy_step(&p, NULL, (unsigned)open, &why), -EINVAL);
	assert_string_equal(ssh_policy_statecall_name(9999), "?");
	assert_int_equal(spl_statecall_lookup(&ssh_policy_desc, "No_Such_Statecall"), -EINVAL);
}

static void channel_freed_after_close_both_ways(void **state)
{
	static const char *const steps[] = {
		"Receive_Channel_Open_Session", "Transmit_Channel_OpenConfirmation",
		"Receive_Channel_Close", "Transmit_Channel_Close",
	};
	const struct spl_automaton_table *chan = ssh_policy_desc.chan[0];
	uint16_t st = 0;
	(void)state;

	/* Step the channel automaton alone: the connection automata are not its business. */
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		int id = spl_statecall_lookup(&ssh_policy_desc, steps[i]);
		assert_true(id >= 0);
		assert_false(chan->done[st]);
		uint16_t a = chan->alpha_of[id];
		assert_true(a != SPL_NOT_IN_ALPHABET);
		st = chan->next[(size_t)st * chan->nalpha + a];
		assert_true(st != SPL_REFUSED);
	}
	struct ssh_policy_channel ch = { { st } };
	assert_true(ssh_policy_channel_done(&ch));
}

int main(void)
{
	DIR *d = opendir(TRACE_DIR);
	struct dirent *e;
	struct CMUnitTest *tests = NULL;
	size_t n = 0;

	if (!d) {
		fprintf(stderr, "%s: %s\n", TRACE_DIR, strerror(errno));
		return 1;
	}
	tests = calloc(256, sizeof *tests);
	if (!tests)
		return 1;
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(runtime_rejects_bad_input);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(channel_freed_after_close_both_ways);
	while ((e = readdir(d)) && n + 2 < 256) {
		size_t len = strlen(e->d_name);
		if (len < 7 || strcmp(e->d_name + len - 6, ".trace"))
			continue;
		struct trace *t = calloc(1, sizeof *t);
		char path[512];
		if (!t)
			return 1;
		snprintf(path, sizeof path, "%s/%s", TRACE_DIR, e->d_name);
		snprintf(t->name, sizeof t->name, "%.*s", (int)(len - 6), e->d_name);
		if (load_trace(path, t) < 0) {
			fprintf(stderr, "%s: malformed trace\n", path);
			return 1;
		}
		tests[n++] = (struct CMUnitTest){ t->name, run_trace, NULL, NULL, t };
		if (t->expect_accept)
			tests[n++] = (struct CMUnitTest){ "bogus insertions", run_bogus_insertions,
							  NULL, NULL, t };
	}
	closedir(d);
	return _cmocka_run_group_tests("spl_traces", tests, n, NULL, NULL);
}
