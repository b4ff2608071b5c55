/*
 * splc control-flow graph: each automaton becomes a graph whose edges are statecalls or
 * epsilon moves (optionally guarded, optionally assigning one register). Functions are
 * inlined at each call; multiple (lo..hi) is unrolled; always_allow marks every node
 * built inside it with the set of statecalls it lets through as self-loops; during marks
 * the nodes of its body (its handler's nodes included when nested) as interruptible by
 * its handler, whose end returns to the node that was interrupted (see dfa.c).
 */
#include <stdlib.h>
#include <string.h>

#include "spl/spl.h"

struct builder {
	const struct spl_program *prog;
	const struct spl_statecalls *sc;
	struct spl_cfg *cfg;
	int allow;                /* current always_allow set, -1: none */
	uint32_t interruptible;
	int too_big;
	int errors;
};

#define MAX_NODES 200000      /* multiple (lo..hi) unrolls: bound the graph */

static int new_node(struct builder *b)
{
	struct spl_cfg *g = b->cfg;
	if (g->nnodes >= MAX_NODES && !b->too_big) {
		b->too_big = 1;
		b->errors += spl_error(&g->aut->loc, "automaton '%s' too large: more than %d "
				       "graph nodes once repetitions are unrolled", g->aut->name,
				       MAX_NODES);
	}
	if (g->nnodes == g->capnodes) {
		g->capnodes = g->capnodes ? 2 * g->capnodes : 64;
		g->nodes = xrealloc(g->nodes, (size_t)g->capnodes, sizeof *g->nodes);
	}
	struct spl_node *n = &g->nodes[g->nnodes];
	memset(n, 0, sizeof *n);
	n->allow_set = b->allow;
	n->interruptible = b->interruptible;
	n->handler_end_of = -1;
	return g->nnodes++;
}

static void add_edge(struct builder *b, int from, int to, int sc, struct spl_expr *guard,
		     int reg, struct spl_expr *val, const struct spl_loc *loc)
{
	struct spl_cfg *g = b->cfg;
	if (g->nedges == g->capedges) {
		g->capedges = g->capedges ? 2 * g->capedges : 128;
		g->edges = xrealloc(g->edges, (size_t)g->capedges, sizeof *g->edges);
	}
	g->edges[g->nedges++] = (struct spl_edge){ from, to, sc, guard, reg, val, *loc };
}

static void eps(struct builder *b, int from, int to, struct spl_expr *guard,
		const struct spl_loc *loc)
{
	add_edge(b, from, to, -1, guard, -1, NULL, loc);
}

static struct spl_expr *negate(struct spl_expr *e)
{
	struct spl_expr *n = xcalloc(1, sizeof *n);
	n->kind = EX_NOT;
	n->loc = e->loc;
	n->l = e;
	return n;
}

static void set_cb(int id, void *arg)
{
	unsigned char *set = arg;
	set[id / 8] |= (unsigned char)(1u << (id % 8));
}

/* The statecalls the globs name, minus those the exceptions name. */
static unsigned char *statecall_set(const struct builder *b, char *const *names, int n,
				    char *const *except, int nexcept, unsigned char *set)
{
	size_t bytes = (size_t)(b->cfg->nsc + 7) / 8;
	unsigned char *out = xcalloc(bytes, 1);
	if (set)
		memcpy(out, set, bytes);
	for (int i = 0; i < n; i++)
		spl_statecall_glob(b->sc, names[i], set_cb, out);
	unsigned char *ex = xcalloc(bytes, 1);
	for (int i = 0; i < nexcept; i++)
		spl_statecall_glob(b->sc, except[i], set_cb, ex);
	for (size_t i = 0; i < bytes; i++)
		out[i] &= (unsigned char)~ex[i];
	free(ex);
	return out;
}

static int block(struct builder *b, const struct spl_env *env, const struct spl_stmt *s, int cur);

static int statement(struct builder *b, const struct spl_env *env, const struct spl_stmt *s,
		     int cur)
{
	struct spl_cfg *g = b->cfg;
	int n, end, head;

	switch (s->kind) {
	case ST_STATECALL: {
		n = new_node(b);
		char *const names[1] = { s->name };
		unsigned char *set = statecall_set(b, names, 1, s->except, s->nexcept, NULL);
		for (int id = 0; id < g->nsc; id++)
			if ((set[id / 8] >> (id % 8)) & 1)
				add_edge(b, cur, n, id, NULL, -1, NULL, &s->loc);
		free(set);
		return n;
	}
	case ST_ASSIGN: {
		n = new_node(b);
		int reg = spl_resolve_target(env, s->name, &s->loc, &b->errors);
		add_edge(b, cur, n, -1, NULL, reg, spl_resolve(env, s->expr, &b->errors), &s->loc);
		return n;
	}
	case ST_EITHER:
		end = new_node(b);
		for (const struct spl_arm *a = s->arms; a; a = a->next) {
			int start = new_node(b);
			eps(b, cur, start, a->guard ? spl_resolve(env, a->guard, &b->errors) : NULL,
			    &s->loc);
			eps(b, block(b, env, a->body, start), end, NULL, &s->loc);
		}
		return end;
	case ST_OPTIONAL:
	case ST_MULTIPLE: {
		long lo = s->kind == ST_OPTIONAL ? 0 : s->lo;
		long hi = s->kind == ST_OPTIONAL ? 1 : s->hi;
		for (long i = 0; i < lo; i++)
			cur = block(b, env, s->body, cur);
		if (hi < 0) {
			head = new_node(b);
			eps(b, cur, head, NULL, &s->loc);
			eps(b, block(b, env, s->body, head), head, NULL, &s->loc);
			end = new_node(b);
			eps(b, head, end, NULL, &s->loc);
			return end;
		}
		end = new_node(b);
		eps(b, cur, end, NULL, &s->loc);
		for (long i = lo; i < hi; i++) {
			cur = block(b, env, s->body, cur);
			eps(b, cur, end, NULL, &s->loc);
		}
		return end;
	}
	case ST_DO_UNTIL: {
		head = new_node(b);
		eps(b, cur, head, NULL, &s->loc);
		int last = block(b, env, s->body, head);
		struct spl_expr *c = spl_resolve(env, s->expr, &b->errors);
		end = new_node(b);
		eps(b, last, end, c, &s->loc);
		eps(b, last, head, negate(c), &s->loc);
		return end;
	}
	case ST_WHILE: {
		head = new_node(b);
		eps(b, cur, head, NULL, &s->loc);
		struct spl_expr *c = spl_resolve(env, s->expr, &b->errors);
		int body = new_node(b);
		eps(b, head, body, c, &s->loc);
		eps(b, block(b, env, s->body, body), head, NULL, &s->loc);
		end = new_node(b);
		eps(b, head, end, negate(c), &s->loc);
		return end;
	}
	case ST_ALLOW: {
		unsigned char *set = statecall_set(b, s->names, s->nnames, s->except, s->nexcept,
						   b->allow >= 0 ? g->allow_sets[b->allow] : NULL);
		g->allow_sets = xrealloc(g->allow_sets, (size_t)g->nallow + 1,
					 sizeof *g->allow_sets);
		g->allow_sets[g->nallow] = set;
		int saved = b->allow;
		b->allow = g->nallow++;
		int start = new_node(b);
		eps(b, cur, start, NULL, &s->loc);
		int last = block(b, env, s->body, start);
		b->allow = saved;
		end = new_node(b);
		eps(b, last, end, NULL, &s->loc);
		return end;
	}
	case ST_DURING: {
		if (g->ndurings == SPL_MAX_DURING) {
			b->errors += spl_error(&s->loc, "more than %d during blocks in one automaton",
					       SPL_MAX_DURING);
			return cur;
		}
		int d = g->ndurings++;
		uint32_t saved = b->interruptible;
		b->interruptible |= 1u << d;
		int start = new_node(b);
		eps(b, cur, start, NULL, &s->loc);
		int last = block(b, env, s->body, start);
		b->interruptible = saved;
		end = new_node(b);
		eps(b, last, end, NULL, &s->loc);
		int hstart = new_node(b);
		g->handler_start[d] = hstart;
		int hlast = block(b, env, s->handler, hstart);
		int hend = new_node(b);
		g->nodes[hend].handler_end_of = d;
		eps(b, hlast, hend, NULL, &s->loc);
		return end;
	}
	case ST_EXIT:
		eps(b, cur, g->exit_node, NULL, &s->loc);
		return new_node(b);
	case ST_ABORT:
		eps(b, cur, g->abort_node, NULL, &s->loc);
		return new_node(b);
	case ST_CALL: {
		const struct spl_function *f = spl_find_function(b->prog, s->name);
		struct spl_env inner = { env->aut, f, s->args, env };
		return block(b, &inner, f->body, cur);
	}
	}
	return cur;
}

static int block(struct builder *b, const struct spl_env *env, const struct spl_stmt *s, int cur)
{
	for (; s && !b->too_big; s = s->next)
		cur = statement(b, env, s, cur);
	return cur;
}

int spl_cfg_build(const struct spl_program *prog, const struct spl_automaton *aut,
		  const struct spl_statecalls *sc, struct spl_cfg *cfg)
{
	struct builder b = { .prog = prog, .sc = sc, .cfg = cfg, .allow = -1 };
	struct spl_env env = { .aut = aut };

	memset(cfg, 0, sizeof *cfg);
	cfg->aut = aut;
	cfg->nsc = sc->n;
	cfg->exit_node = new_node(&b);
	cfg->abort_node = new_node(&b);
	cfg->entry = new_node(&b);
	int last = block(&b, &env, aut->body, cfg->entry);
	eps(&b, last, cfg->exit_node, NULL, &aut->loc);
	return b.errors;
}
