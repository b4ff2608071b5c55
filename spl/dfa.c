/*
 * splc determinisation: from a control-flow graph with bounded registers to a minimal
 * deterministic automaton over the automaton's alphabet.
 *
 * A configuration is (node, return stack, register values). Entering a during handler
 * pushes the body node it interrupted (never one an assignment still leaves: the
 * assignments after a statecall complete its step); the handler's end pops it. A handler can only be
 * interrupted by the handler of a during that encloses it, so the stack is no deeper than
 * the nesting of during blocks (SPL_MAX_NESTING). A deterministic state is the set
 * of configurations the policy may be in (subset construction); only configurations that
 * can consume a statecall or have exited are kept, so sets that behave alike compare
 * equal. An assignment outside a register's range, and abort, kill a configuration: the
 * statecall that led there is refused. Equivalent states are merged afterwards (Moore's
 * partition refinement), so that a self-loop in the language is a self-loop in the table.
 */
#include <stdlib.h>
#include <string.h>

#include "spl/spl.h"

#define MAX_DFA_STATES 0xfff0
#define MAX_WORK 20000000L   /* configurations visited in all: bounds compile time */
#define REGS (1 + SPL_MAX_NESTING)  /* offset of the registers in a configuration */
#define MAXW (REGS + 64)

struct cset {                 /* a set of configurations, each `width` ints */
	int width;
	int *v;
	int n, cap;
	int *hash;                /* open addressing over indices + 1 */
	int hcap;
};

static uint32_t hash_ints(const int *p, int n)
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < n; i++) {
		h ^= (uint32_t)p[i];
		h *= 16777619u;
	}
	return h;
}

static void cset_init(struct cset *s, int width)
{
	memset(s, 0, sizeof *s);
	s->width = width;
}

static void cset_clear(struct cset *s)
{
	s->n = 0;
	if (s->hash)
		memset(s->hash, 0, (size_t)s->hcap * sizeof *s->hash);
}

/* Adds c; returns 1 if it was new. */
static int cset_add(struct cset *s, const int *c)
{
	if (2 * (s->n + 1) > s->hcap) {
		s->hcap = s->hcap ? 2 * s->hcap : 64;
		free(s->hash);
		s->hash = xcalloc((size_t)s->hcap, sizeof *s->hash);
		for (int i = 0; i < s->n; i++) {
			uint32_t h = hash_ints(s->v + i * s->width, s->width) & (uint32_t)(s->hcap - 1);
			while (s->hash[h])
				h = (h + 1) & (uint32_t)(s->hcap - 1);
			s->hash[h] = i + 1;
		}
	}
	uint32_t h = hash_ints(c, s->width) & (uint32_t)(s->hcap - 1);
	while (s->hash[h]) {
		if (!memcmp(s->v + (s->hash[h] - 1) * s->width, c, (size_t)s->width * sizeof *c))
			return 0;
		h = (h + 1) & (uint32_t)(s->hcap - 1);
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 32;
		s->v = xrealloc(s->v, (size_t)s->cap * (size_t)s->width, sizeof *s->v);
	}
	memcpy(s->v + s->n * s->width, c, (size_t)s->width * sizeof *c);
	s->hash[h] = ++s->n;
	return 1;
}

static long eval(const struct spl_expr *e, const int *regs)
{
	long l, r;
	switch (e->kind) {
	case EX_INT:
	case EX_BOOL: return e->value;
	case EX_REG: return regs[e->reg];
	case EX_NOT: return !eval(e->l, regs);
	case EX_NEG: return -eval(e->l, regs);
	case EX_NAME: return 0;
	case EX_BIN:
		l = eval(e->l, regs);
		r = eval(e->r, regs);
		switch (e->op) {
		case TK_AND: return l && r;
		case TK_OR: return l || r;
		case TK_EQ: return l == r;
		case TK_NE: return l != r;
		case TK_LT: return l < r;
		case TK_LE: return l <= r;
		case TK_GT: return l > r;
		case TK_GE: return l >= r;
		case TK_PLUS: return l + r;
		case TK_MINUS: return l - r;
		default: return 0;
		}
	}
	return 0;
}

struct det {
	const struct spl_cfg *g;
	const struct spl_automaton *aut;
	int width;                /* REGS + nregs: node, return stack, registers */
	int **out;                /* per node: edge indices, -1 terminated */
	unsigned char *finishing; /* per node: every path from it goes straight to exit/abort */
	unsigned char *assigning; /* per node: an assignment leaves it (the step is not over) */
	struct cset work;         /* closure scratch */
	long visited;             /* configurations visited so far (MAX_WORK) */
	struct cset states;       /* every deterministic state's canonical key, see below */
	int **keys;               /* state -> sorted significant configurations */
	int *keylen;
	int nstates, capstates;
	int *key_hash;            /* open addressing: state index + 1 */
	int key_hcap;
};

static int in_allow(const struct spl_cfg *g, int node, int sc)
{
	int a = g->nodes[node].allow_set;
	return a >= 0 && (g->allow_sets[a][sc / 8] >> (sc % 8)) & 1;
}

static int significant(const struct det *d, int node)
{
	const struct spl_cfg *g = d->g;
	if (node == g->exit_node || g->nodes[node].allow_set >= 0)
		return 1;
	for (int *e = d->out[node]; *e >= 0; e++)
		if (g->edges[*e].statecall >= 0)
			return 1;
	return 0;
}

/* Epsilon closure of the configurations in d->work (in place). */
static void closure(struct det *d)
{
	const struct spl_cfg *g = d->g;
	int c[MAXW];

	for (int i = 0; i < d->work.n && d->visited < MAX_WORK; i++, d->visited++) {
		memcpy(c, d->work.v + i * d->width, (size_t)d->width * sizeof *c);
		int node = c[0], depth = 0;
		int *regs = c + REGS;
		while (depth < SPL_MAX_NESTING && c[1 + depth] >= 0)
			depth++;
		if (node == g->abort_node || node == g->exit_node)
			continue;
		for (int *e = d->out[node]; *e >= 0; e++) {
			const struct spl_edge *ed = &g->edges[*e];
			if (ed->statecall >= 0 || (ed->guard && !eval(ed->guard, regs)))
				continue;
			int n[MAXW];
			memcpy(n, c, (size_t)d->width * sizeof *n);
			n[0] = ed->to;
			if (ed->assign_reg >= 0) {
				const struct spl_reg *r = &d->aut->regs[ed->assign_reg];
				long v = eval(ed->assign_val, regs);
				if (v < r->lo || v > r->hi)
					continue;  /* out of range: this path is refused */
				n[REGS + ed->assign_reg] = (int)v;
			}
			cset_add(&d->work, n);
		}
		/* A node on its way to exit or abort is not waiting: nothing interrupts it. Nor
		 * is a node an assignment leaves: the assignments after a statecall belong to
		 * its step, so a handler (and its guards) sees the registers they set, never
		 * the values from before (`A; x = false;` then a handler guarded by x). */
		if (depth < SPL_MAX_NESTING && !d->finishing[node] && !d->assigning[node]) {
			for (int k = 0; k < g->ndurings; k++) {
				if (!((g->nodes[node].interruptible >> k) & 1))
					continue;
				int n[MAXW];
				memcpy(n, c, (size_t)d->width * sizeof *n);
				n[0] = g->handler_start[k];
				n[1 + depth] = node;
				cset_add(&d->work, n);
			}
		}
		if (g->nodes[node].handler_end_of >= 0 && depth > 0) {
			int n[MAXW];
			memcpy(n, c, (size_t)d->width * sizeof *n);
			n[0] = c[depth];
			n[depth] = -1;
			cset_add(&d->work, n);
		}
	}
}

static int cmp_config(const void *a, const void *b, void *width)
{
	return memcmp(a, b, (size_t)*(const int *)width * sizeof(int));
}

/* The state for the closed set in d->work: found or added. -1: empty (refused). */
static int intern(struct det *d)
{
	int *key = xcalloc((size_t)d->work.n * (size_t)d->width + 1, sizeof *key);
	int n = 0;
	for (int i = 0; i < d->work.n; i++) {
		const int *c = d->work.v + i * d->width;
		if (c[0] != d->g->abort_node && significant(d, c[0]))
			memcpy(key + (n++) * d->width, c, (size_t)d->width * sizeof *c);
	}
	if (n == 0) {
		free(key);
		return -1;
	}
	qsort_r(key, (size_t)n, (size_t)d->width * sizeof(int), cmp_config, &d->width);
	int len = n * d->width;
	uint32_t h = hash_ints(key, len);
	if (2 * (d->nstates + 1) > d->key_hcap) {
		d->key_hcap = d->key_hcap ? 2 * d->key_hcap : 256;
		free(d->key_hash);
		d->key_hash = xcalloc((size_t)d->key_hcap, sizeof *d->key_hash);
		for (int s = 0; s < d->nstates; s++) {
			uint32_t hs = hash_ints(d->keys[s], d->keylen[s]) & (uint32_t)(d->key_hcap - 1);
			while (d->key_hash[hs])
				hs = (hs + 1) & (uint32_t)(d->key_hcap - 1);
			d->key_hash[hs] = s + 1;
		}
	}
	uint32_t slot = h & (uint32_t)(d->key_hcap - 1);
	while (d->key_hash[slot]) {
		int s = d->key_hash[slot] - 1;
		if (d->keylen[s] == len && !memcmp(d->keys[s], key, (size_t)len * sizeof *key)) {
			free(key);
			return s;
		}
		slot = (slot + 1) & (uint32_t)(d->key_hcap - 1);
	}
	if (d->nstates == d->capstates) {
		d->capstates = d->capstates ? 2 * d->capstates : 64;
		d->keys = xrealloc(d->keys, (size_t)d->capstates, sizeof *d->keys);
		d->keylen = xrealloc(d->keylen, (size_t)d->capstates, sizeof *d->keylen);
	}
	d->keys[d->nstates] = key;
	d->keylen[d->nstates] = len;
	d->key_hash[slot] = d->nstates + 1;
	return d->nstates++;
}

/* Moore refinement; returns the class of each state, classes numbered from the initial
 * state in breadth-first order. */
static int minimise(int nstates, int nalpha, const int *next, const unsigned char *done,
		    int *cls)
{
	int nclasses = 0;
	int *sig = xcalloc((size_t)nalpha + 1, sizeof *sig);
	int *newcls = xcalloc((size_t)nstates, sizeof *newcls);
	int *rep = xcalloc((size_t)nstates, sizeof *rep);

	for (int s = 0; s < nstates; s++)
		cls[s] = done[s];
	nclasses = 2;
	for (;;) {
		int n = 0;
		for (int s = 0; s < nstates; s++) {
			int found = -1;
			for (int c = 0; c < n && found < 0; c++) {
				int r = rep[c];
				if (cls[r] != cls[s])
					continue;
				int same = 1;
				for (int a = 0; a < nalpha && same; a++) {
					int x = next[s * nalpha + a], y = next[r * nalpha + a];
					same = (x < 0 ? -1 : cls[x]) == (y < 0 ? -1 : cls[y]);
				}
				if (same)
					found = c;
			}
			if (found < 0) {
				rep[n] = s;
				found = n++;
			}
			newcls[s] = found;
		}
		memcpy(cls, newcls, (size_t)nstates * sizeof *cls);
		if (n == nclasses)
			break;
		nclasses = n;
	}
	/* Renumber breadth-first from the initial state. */
	int *order = xcalloc((size_t)nclasses, sizeof *order);
	int *queue = xcalloc((size_t)nclasses, sizeof *queue);
	for (int c = 0; c < nclasses; c++)
		order[c] = -1;
	int head = 0, tail = 0, k = 0;
	order[cls[0]] = k++;
	queue[tail++] = rep[cls[0]];
	while (head < tail) {
		int s = queue[head++];
		for (int a = 0; a < nalpha; a++) {
			int t = next[s * nalpha + a];
			if (t >= 0 && order[cls[t]] < 0) {
				order[cls[t]] = k++;
				queue[tail++] = rep[cls[t]];
			}
		}
	}
	for (int s = 0; s < nstates; s++)
		cls[s] = order[cls[s]];
	free(sig);
	free(newcls);
	free(rep);
	free(order);
	free(queue);
	return k;
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static char *state_name(const struct det *d, int s, int k)
{
	const int *c = d->keys[s];
	char buf[256];
	const struct spl_edge *first = NULL;

	for (int i = 0; i < d->keylen[s] / d->width && !first; i++)
		for (int *e = d->out[c[i * d->width]]; *e >= 0 && !first; e++)
			if (d->g->edges[*e].statecall >= 0)
				first = &d->g->edges[*e];
	if (first)
		snprintf(buf, sizeof buf, "s%d@%s:%d", k, basename_of(first->loc.src->path),
			 first->loc.line);
	else if (c[0] == d->g->exit_node)
		snprintf(buf, sizeof buf, "s%d@exit", k);
	else
		snprintf(buf, sizeof buf, "s%d", k);
	return xstrdup(buf);
}

int spl_dfa_build(const struct spl_cfg *g, int nsc, struct spl_dfa *dfa)
{
	struct det d = { .g = g, .aut = g->aut, .width = REGS + g->aut->nregs };
	int errors = 0;

	if (g->aut->nregs > 64)
		return spl_error(&g->aut->loc, "more than 64 registers");
	memset(dfa, 0, sizeof *dfa);
	dfa->aut = g->aut;

	/* Out-edges per node, and the alphabet. */
	int *count = xcalloc((size_t)g->nnodes, sizeof *count);
	for (int e = 0; e < g->nedges; e++)
		count[g->edges[e].from]++;
	d.out = xcalloc((size_t)g->nnodes, sizeof *d.out);
	for (int n = 0; n < g->nnodes; n++) {
		d.out[n] = xcalloc((size_t)count[n] + 1, sizeof **d.out);
		count[n] = 0;
	}
	for (int e = 0; e < g->nedges; e++) {
		int f = g->edges[e].from;
		d.out[f][count[f]++] = e;
	}
	for (int n = 0; n < g->nnodes; n++)
		d.out[n][count[n]] = -1;
	free(count);

	d.finishing = xcalloc((size_t)g->nnodes, 1);
	d.finishing[g->exit_node] = d.finishing[g->abort_node] = 1;
	for (int changed = 1; changed;) {
		changed = 0;
		for (int n = 0; n < g->nnodes; n++) {
			if (d.finishing[n] || d.out[n][0] < 0)
				continue;
			int all = 1;
			for (int *e = d.out[n]; *e >= 0 && all; e++) {
				const struct spl_edge *ed = &g->edges[*e];
				all = ed->statecall < 0 && !ed->guard && d.finishing[ed->to];
			}
			if (all)
				changed = d.finishing[n] = 1;
		}
	}

	d.assigning = xcalloc((size_t)g->nnodes, 1);
	for (int e = 0; e < g->nedges; e++)
		if (g->edges[e].assign_reg >= 0)
			d.assigning[g->edges[e].from] = 1;

	unsigned char *in_alpha = xcalloc((size_t)nsc, 1);
	for (int e = 0; e < g->nedges; e++)
		if (g->edges[e].statecall >= 0)
			in_alpha[g->edges[e].statecall] = 1;
	for (int a = 0; a < g->nallow; a++)
		for (int s = 0; s < nsc; s++)
			if ((g->allow_sets[a][s / 8] >> (s % 8)) & 1)
				in_alpha[s] = 1;
	dfa->alpha_of = xcalloc((size_t)nsc, sizeof *dfa->alpha_of);
	dfa->alpha = xcalloc((size_t)nsc, sizeof *dfa->alpha);
	for (int s = 0; s < nsc; s++) {
		dfa->alpha_of[s] = in_alpha[s] ? dfa->nalpha : -1;
		if (in_alpha[s])
			dfa->alpha[dfa->nalpha++] = s;
	}
	free(in_alpha);

	/* Subset construction. */
	cset_init(&d.work, d.width);
	int init[MAXW] = { g->entry, -1, -1, -1, -1 };
	for (int r = 0; r < g->aut->nregs; r++)
		init[REGS + r] = (int)g->aut->regs[r].init;
	cset_add(&d.work, init);
	closure(&d);
	if (intern(&d) < 0)
		return spl_error(&g->aut->loc, "automaton '%s' accepts no statecall at all",
				 g->aut->name);
	int nalpha = dfa->nalpha;
	int *next = NULL;
	int capnext = 0;
	for (int s = 0; s < d.nstates; s++) {
		if ((s + 1) * nalpha > capnext) {
			capnext = 2 * (s + 1) * (nalpha ? nalpha : 1);
			next = xrealloc(next, (size_t)capnext, sizeof *next);
		}
		for (int a = 0; a < nalpha; a++) {
			int sc = dfa->alpha[a];
			cset_clear(&d.work);
			for (int i = 0; i < d.keylen[s] / d.width; i++) {
				const int *c = d.keys[s] + i * d.width;
				int n[MAXW];
				if (c[0] == g->exit_node)
					continue;
				if (in_allow(g, c[0], sc))
					cset_add(&d.work, c);
				for (int *e = d.out[c[0]]; *e >= 0; e++) {
					if (g->edges[*e].statecall != sc)
						continue;
					memcpy(n, c, (size_t)d.width * sizeof *n);
					n[0] = g->edges[*e].to;
					cset_add(&d.work, n);
				}
			}
			closure(&d);
			if (d.visited >= MAX_WORK)
				return spl_error(&g->aut->loc, "automaton '%s' too large to determinise "
						 "(more than %ld configurations visited)",
						 g->aut->name, MAX_WORK);
			next[s * nalpha + a] = d.work.n ? intern(&d) : -1;
			if (d.nstates > MAX_DFA_STATES)
				return spl_error(&g->aut->loc, "automaton '%s' has more than %d "
						 "states", g->aut->name, MAX_DFA_STATES);
		}
	}

	unsigned char *done = xcalloc((size_t)d.nstates, 1);
	for (int s = 0; s < d.nstates; s++)
		for (int i = 0; i < d.keylen[s] / d.width; i++)
			if (d.keys[s][i * d.width] == g->exit_node)
				done[s] = 1;
	int *cls = xcalloc((size_t)d.nstates, sizeof *cls);
	dfa->nstates = minimise(d.nstates, nalpha, next, done, cls);
	dfa->next = xcalloc((size_t)dfa->nstates * (size_t)(nalpha ? nalpha : 1),
			    sizeof *dfa->next);
	dfa->done = xcalloc((size_t)dfa->nstates, 1);
	dfa->state_names = xcalloc((size_t)dfa->nstates, sizeof *dfa->state_names);
	for (int s = 0; s < d.nstates; s++) {
		int k = cls[s];
		if (dfa->state_names[k])
			continue;
		dfa->state_names[k] = state_name(&d, s, k);
		dfa->done[k] = done[s];
		for (int a = 0; a < nalpha; a++) {
			int t = next[s * nalpha + a];
			dfa->next[k * nalpha + a] = t < 0 ? SPL_REJECT : (uint16_t)cls[t];
		}
	}
	free(next);
	free(done);
	free(cls);
	return errors;
}
