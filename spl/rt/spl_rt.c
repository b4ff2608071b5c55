/* The SPL automaton runtime (see spl_rt.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "spl/rt/spl_rt.h"

void spl_init(uint16_t *states, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		states[i] = 0;
}

/* The state table t moves to on sc from state cur: cur when sc is not its business. */
static int step_one(const struct spl_automaton_table *t, uint16_t cur, unsigned sc,
		    uint16_t *next)
{
	uint16_t a = t->alpha_of[sc];
	if (a == SPL_NOT_IN_ALPHABET) {
		*next = cur;
		return 0;
	}
	if (cur >= t->nstates)
		return -EINVAL;
	uint16_t n = t->next[(size_t)cur * t->nalpha + a];
	if (n == SPL_REFUSED)
		return -EPROTO;
	*next = n;
	return 0;
}

static void refused(const struct spl_policy *p, const struct spl_automaton_table *t,
		    uint16_t cur, unsigned sc, struct spl_rejection *why)
{
	if (!why)
		return;
	why->automaton = t->name;
	why->state = cur < t->nstates ? t->state_names[cur] : "?";
	why->statecall = p->statecall_names[sc];
}

int spl_step(const struct spl_policy *p, uint16_t *conn, uint16_t *chan, unsigned sc,
	     struct spl_rejection *why)
{
	uint16_t nconn[SPL_MAX_AUTOMATA], nchan[SPL_MAX_AUTOMATA];
	int rc;

	if (sc >= p->nstatecalls || p->nconn > SPL_MAX_AUTOMATA || p->nchan > SPL_MAX_AUTOMATA)
		return -EINVAL;
	if (p->per_channel[sc] && !chan)
		return -EINVAL;
	if (!p->known[sc]) {
		if (why) {
			why->automaton = p->name;
			why->state = "-";
			why->statecall = p->statecall_names[sc];
		}
		return -EPROTO;
	}
	for (unsigned i = 0; i < p->nconn; i++) {
		if ((rc = step_one(p->conn[i], conn[i], sc, &nconn[i])) < 0) {
			refused(p, p->conn[i], conn[i], sc, why);
			return rc;
		}
	}
	if (p->per_channel[sc]) {
		for (unsigned i = 0; i < p->nchan; i++) {
			if ((rc = step_one(p->chan[i], chan[i], sc, &nchan[i])) < 0) {
				refused(p, p->chan[i], chan[i], sc, why);
				return rc;
			}
		}
		memcpy(chan, nchan, p->nchan * sizeof *chan);
	}
	memcpy(conn, nconn, p->nconn * sizeof *conn);
	return 0;
}

int spl_channel_done(const struct spl_policy *p, const uint16_t *chan)
{
	for (unsigned i = 0; i < p->nchan; i++)
		if (chan[i] >= p->chan[i]->nstates || !p->chan[i]->done[chan[i]])
			return 0;
	return 1;
}

const char *spl_statecall_name(const struct spl_policy *p, unsigned sc)
{
	return sc < p->nstatecalls ? p->statecall_names[sc] : "?";
}

int spl_statecall_lookup(const struct spl_policy *p, const char *name)
{
	for (unsigned i = 0; i < p->nstatecalls; i++)
		if (!strcmp(p->statecall_names[i], name))
			return (int)i;
	return -EINVAL;
}
