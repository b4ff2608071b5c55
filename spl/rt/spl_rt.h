/*
 * The SPL automaton runtime: steps the tables splc generates.
 *
 * A policy is a set of automata compiled together. Connection automata have one state
 * each per connection (an array of uint16_t the server keeps); per-channel automata have
 * one state each per channel. A statecall goes to every automaton whose alphabet holds
 * it; it is accepted only if all of them accept it, and only then does any state move.
 * A statecall no automaton has in its alphabet is outside the policy and refused.
 * A step is a fixed number of table lookups: constant time, no allocation.
 */
#ifndef SPL_RT_H
#define SPL_RT_H

#include <stdint.h>

#define SPL_REFUSED 0xffffu      /* in next[]: the statecall is refused in that state */
#define SPL_NOT_IN_ALPHABET 0xffffu
#define SPL_MAX_AUTOMATA 16

struct spl_automaton_table {
	const char *name;
	uint16_t nstates;
	uint16_t nalpha;
	const uint16_t *alpha_of;            /* [nstatecalls]: alphabet index or NOT_IN */
	const uint16_t *next;                /* [nstates * nalpha]: state or SPL_REFUSED */
	const unsigned char *done;           /* [nstates]: the automaton reached exit */
	const char *const *state_names;      /* [nstates] */
};

struct spl_policy {
	const char *name;
	unsigned nstatecalls;
	const char *const *statecall_names;  /* [nstatecalls] */
	const struct spl_automaton_table *const *conn;
	unsigned nconn;
	const struct spl_automaton_table *const *chan;
	unsigned nchan;
	const unsigned char *per_channel;    /* [nstatecalls]: a channel automaton sees it */
	const unsigned char *known;          /* [nstatecalls]: some automaton sees it */
};

/* What a refused statecall is logged as. */
struct spl_rejection {
	const char *automaton;
	const char *state;
	const char *statecall;
};

/* Initial states (all automata start in state 0). */
void spl_init(uint16_t *states, unsigned n);

/*
 * Offers statecall sc. chan is the channel's state array, or NULL for a statecall that
 * names no channel. Returns 0 when every automaton accepted (states moved), -EPROTO when
 * one refused (nothing moved; *why says which, in what state), -EINVAL when sc is out of
 * range or a channel statecall comes without a channel.
 */
int spl_step(const struct spl_policy *p, uint16_t *conn, uint16_t *chan, unsigned sc,
	     struct spl_rejection *why);

/* 1 when the channel automata have all reached exit (the channel may be freed). */
int spl_channel_done(const struct spl_policy *p, const uint16_t *chan);

/* The statecall's name, or "?" when out of range. */
const char *spl_statecall_name(const struct spl_policy *p, unsigned sc);

/* The statecall id for a name, or -EINVAL (used by trace tests and debug tools). */
int spl_statecall_lookup(const struct spl_policy *p, const char *name);

#endif
