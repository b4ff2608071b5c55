/*
 * splc checker: everything that must hold before a control-flow graph is built.
 * Application statecalls are named Expect_*, Notify_* or Signal_* and must not shadow an
 * MPL statecall; every statecall (or glob) in a policy must name at least one known
 * statecall; registers are declared once, typed (bool or bounded int) and assigned values
 * of their type; guards are bool; functions exist, get the right number of arguments and
 * do not recurse; during blocks nest at most SPL_MAX_NESTING deep (that bounds the stack
 * of interrupted handlers); repetition bounds are small and ordered.
 */
#include <string.h>

#include "spl/spl.h"

#define MAX_REPEAT 64     /* multiple (lo..hi) is unrolled: keep it small */
#define MAX_REG_SPAN 1024 /* registers are enumerated when determinising */
#define MAX_REG_SPACE 65536 /* ... and so is the product of their ranges */
#define MAX_INLINED 200000  /* statements checked, functions inlined: bounds the work */

enum type { TY_INT, TY_BOOL, TY_ERR };

const struct spl_function *spl_find_function(const struct spl_program *prog, const char *name)
{
	for (int i = 0; i < prog->nfuncs; i++)
		if (!strcmp(prog->funcs[i]->name, name))
			return prog->funcs[i];
	return NULL;
}

static int find_reg(const struct spl_automaton *a, const char *name)
{
	for (int i = 0; i < a->nregs; i++)
		if (!strcmp(a->regs[i].name, name))
			return i;
	return -1;
}

static int find_param(const struct spl_function *f, const char *name)
{
	for (int i = 0; f && i < f->nparams; i++)
		if (!strcmp(f->params[i], name))
			return i;
	return -1;
}

struct spl_expr *spl_resolve(const struct spl_env *env, const struct spl_expr *e, int *errors)
{
	struct spl_expr *r;

	if (e->kind == EX_NAME) {
		int pi = find_param(env->fn, e->name);
		if (pi >= 0)
			return spl_resolve(env->outer, env->args[pi], errors);
		int ri = find_reg(env->aut, e->name);
		if (ri < 0) {
			*errors += spl_error(&e->loc, "unknown register '%s' in automaton '%s'",
					     e->name, env->aut->name);
			return NULL;
		}
		r = xcalloc(1, sizeof *r);
		*r = *e;
		r->kind = EX_REG;
		r->reg = ri;
		return r;
	}
	r = xcalloc(1, sizeof *r);
	*r = *e;
	if (e->l && !(r->l = spl_resolve(env, e->l, errors)))
		return NULL;
	if (e->r && !(r->r = spl_resolve(env, e->r, errors)))
		return NULL;
	return r;
}

int spl_resolve_target(const struct spl_env *env, const char *name, const struct spl_loc *loc,
		       int *errors)
{
	int pi = find_param(env->fn, name);
	if (pi >= 0) {
		const struct spl_expr *arg = env->args[pi];
		if (arg->kind != EX_NAME) {
			*errors += spl_error(loc, "parameter '%s' is assigned but its argument "
					     "is not a register", name);
			return -1;
		}
		return spl_resolve_target(env->outer, arg->name, &arg->loc, errors);
	}
	int ri = find_reg(env->aut, name);
	if (ri < 0)
		*errors += spl_error(loc, "unknown register '%s' in automaton '%s'", name,
				     env->aut->name);
	return ri;
}

static enum type type_of(const struct spl_automaton *a, const struct spl_expr *e, int *errors)
{
	enum type l, r;

	switch (e->kind) {
	case EX_INT: return TY_INT;
	case EX_BOOL: return TY_BOOL;
	case EX_REG: return a->regs[e->reg].is_bool ? TY_BOOL : TY_INT;
	case EX_NAME: return TY_ERR;  /* never: resolved first */
	case EX_NOT:
	case EX_NEG: {
		enum type want = e->kind == EX_NOT ? TY_BOOL : TY_INT;
		l = type_of(a, e->l, errors);
		if (l != TY_ERR && l != want) {
			*errors += spl_error(&e->loc, "operand of '%s' must be %s",
					     e->kind == EX_NOT ? "!" : "-",
					     want == TY_BOOL ? "bool" : "int");
			return TY_ERR;
		}
		return l == TY_ERR ? TY_ERR : want;
	}
	case EX_BIN:
		l = type_of(a, e->l, errors);
		r = type_of(a, e->r, errors);
		if (l == TY_ERR || r == TY_ERR)
			return TY_ERR;
		switch (e->op) {
		case TK_AND: case TK_OR:
			if (l != TY_BOOL || r != TY_BOOL)
				goto mismatch;
			return TY_BOOL;
		case TK_EQ: case TK_NE:
			if (l != r)
				goto mismatch;
			return TY_BOOL;
		case TK_LT: case TK_LE: case TK_GT: case TK_GE:
			if (l != TY_INT || r != TY_INT)
				goto mismatch;
			return TY_BOOL;
		default:
			if (l != TY_INT || r != TY_INT)
				goto mismatch;
			return TY_INT;
		}
	mismatch:
		*errors += spl_error(&e->loc, "operands of '%s' have the wrong type",
				     spl_tok_name(e->op));
		return TY_ERR;
	}
	return TY_ERR;
}

struct walk {
	const struct spl_program *prog;
	const struct spl_statecalls *sc;
	const struct spl_function *stack[16];
	int depth;
	int nesting;
	long inlined;
	int errors;
};

static void check_guard(struct walk *w, const struct spl_env *env, const struct spl_expr *e)
{
	struct spl_expr *r = spl_resolve(env, e, &w->errors);
	if (r && type_of(env->aut, r, &w->errors) == TY_INT) {
		const struct spl_expr *start = e;
		while (start->kind == EX_BIN)
			start = start->l;   /* point at where the condition begins */
		w->errors += spl_error(&start->loc, "condition must be bool, not int");
	}
}

static void check_statecall(struct walk *w, const char *name, const struct spl_loc *loc)
{
	if (spl_statecall_glob(w->sc, name, NULL, NULL) == 0)
		w->errors += spl_error(loc, strchr(name, '*') ?
			"pattern '%s' matches no statecall" :
			"unknown statecall '%s' (neither an MPL message nor a declared "
			"Expect_/Notify_/Signal_ statecall)", name);
}

static void check_block(struct walk *w, const struct spl_env *env, const struct spl_stmt *s)
{
	for (; s; s = s->next) {
		if (++w->inlined == MAX_INLINED)
			w->errors += spl_error(&s->loc, "policy too large: more than %d statements "
					       "once functions are inlined", MAX_INLINED);
		if (w->inlined >= MAX_INLINED)
			return;
		switch (s->kind) {
		case ST_STATECALL:
			check_statecall(w, s->name, &s->loc);
			for (int i = 0; i < s->nexcept; i++)
				check_statecall(w, s->except[i], &s->except_locs[i]);
			break;
		case ST_ASSIGN: {
			int reg = spl_resolve_target(env, s->name, &s->loc, &w->errors);
			struct spl_expr *v = spl_resolve(env, s->expr, &w->errors);
			if (reg < 0 || !v)
				break;
			enum type t = type_of(env->aut, v, &w->errors);
			if (t != TY_ERR && (t == TY_BOOL) != env->aut->regs[reg].is_bool)
				w->errors += spl_error(&s->expr->loc, "register '%s' is %s",
						       env->aut->regs[reg].name,
						       env->aut->regs[reg].is_bool ? "bool" : "int");
			break;
		}
		case ST_EITHER:
			for (const struct spl_arm *a = s->arms; a; a = a->next) {
				if (a->guard)
					check_guard(w, env, a->guard);
				check_block(w, env, a->body);
			}
			break;
		case ST_MULTIPLE:
			if (s->lo < 0 || (s->hi >= 0 && s->hi < s->lo) || s->lo > MAX_REPEAT ||
			    s->hi > MAX_REPEAT)
				w->errors += spl_error(&s->loc, "bad repetition range (%ld..%ld): "
						       "need 0 <= lo <= hi <= %d", s->lo, s->hi,
						       MAX_REPEAT);
			check_block(w, env, s->body);
			break;
		case ST_OPTIONAL:
			check_block(w, env, s->body);
			break;
		case ST_DO_UNTIL:
		case ST_WHILE:
			check_guard(w, env, s->expr);
			check_block(w, env, s->body);
			break;
		case ST_ALLOW:
			for (int i = 0; i < s->nnames; i++)
				check_statecall(w, s->names[i], &s->name_locs[i]);
			for (int i = 0; i < s->nexcept; i++)
				check_statecall(w, s->except[i], &s->except_locs[i]);
			check_block(w, env, s->body);
			break;
		case ST_DURING:
			if (w->nesting == SPL_MAX_NESTING)
				w->errors += spl_error(&s->loc, "'during' nested more than %d deep",
						       SPL_MAX_NESTING);
			w->nesting++;
			check_block(w, env, s->body);
			check_block(w, env, s->handler);
			w->nesting--;
			break;
		case ST_EXIT:
		case ST_ABORT:
			break;
		case ST_CALL: {
			const struct spl_function *f = spl_find_function(w->prog, s->name);
			if (!f) {
				w->errors += spl_error(&s->loc, "unknown function '%s'", s->name);
				break;
			}
			if (f->nparams != s->nargs) {
				w->errors += spl_error(&s->loc, "function '%s' takes %d argument%s, "
						       "given %d", f->name, f->nparams,
						       f->nparams == 1 ? "" : "s", s->nargs);
				break;
			}
			int recursive = 0;
			for (int i = 0; i < w->depth; i++)
				recursive |= w->stack[i] == f;
			if (recursive || w->depth == 16) {
				w->errors += spl_error(&s->loc, "function '%s' calls itself", f->name);
				break;
			}
			for (int i = 0; i < s->nargs; i++) {
				struct spl_expr *a = spl_resolve(env, s->args[i], &w->errors);
				if (a)
					(void)type_of(env->aut, a, &w->errors);
			}
			struct spl_env inner = { env->aut, f, s->args, env };
			w->stack[w->depth++] = f;
			check_block(w, &inner, f->body);
			w->depth--;
			break;
		}
		}
	}
}

static int valid_app_name(const char *n)
{
	return !strncmp(n, "Expect_", 7) || !strncmp(n, "Notify_", 7) || !strncmp(n, "Signal_", 7);
}

int spl_check(struct spl_program *prog, struct spl_statecalls *sc)
{
	struct walk w = { .prog = prog, .sc = sc };

	for (int i = 0; i < prog->napp; i++) {
		const char *n = prog->app_statecalls[i];
		if (!valid_app_name(n) || !n[7])
			w.errors += spl_error(&prog->app_locs[i], "application statecall '%s' must "
					      "be named Expect_*, Notify_* or Signal_*", n);
		else if (spl_statecall_find(sc, n) >= 0)
			w.errors += spl_error(&prog->app_locs[i], "statecall '%s' declared twice "
					      "(or shadows an MPL statecall)", n);
		else {
			sc->names = xrealloc(sc->names, (size_t)sc->n + 1, sizeof *sc->names);
			sc->names[sc->n++] = xstrdup(n);
		}
	}
	if (sc->n > 0xfffe)
		w.errors += spl_error(&prog->app_locs[0], "too many statecalls");
	for (int i = 0; i < prog->nfuncs; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(prog->funcs[i]->name, prog->funcs[j]->name))
				w.errors += spl_error(&prog->funcs[i]->loc, "function '%s' defined "
						      "twice", prog->funcs[i]->name);
	for (int i = 0; i < prog->nautos; i++) {
		struct spl_automaton *a = prog->autos[i];
		for (int j = 0; j < i; j++)
			if (!strcmp(a->name, prog->autos[j]->name))
				w.errors += spl_error(&a->loc, "automaton '%s' defined twice", a->name);
		for (int r = 0; r < a->nregs; r++) {
			struct spl_reg *g = &a->regs[r];
			if (find_reg(a, g->name) != r)
				w.errors += spl_error(&g->loc, "register '%s' declared twice", g->name);
			if (g->lo > g->hi || g->hi - g->lo > MAX_REG_SPAN)
				w.errors += spl_error(&g->loc, "register range %ld..%ld is empty or "
						      "wider than %d", g->lo, g->hi, MAX_REG_SPAN);
			else if (g->init < g->lo || g->init > g->hi)
				w.errors += spl_error(&g->loc, "initial value %ld outside %ld..%ld",
						      g->init, g->lo, g->hi);
		}
		long space = 1;
		for (int r = 0; r < a->nregs && space <= MAX_REG_SPACE; r++)
			if (a->regs[r].hi >= a->regs[r].lo && a->regs[r].hi - a->regs[r].lo <= MAX_REG_SPAN)
				space *= a->regs[r].hi - a->regs[r].lo + 1;
		if (space > MAX_REG_SPACE)
			w.errors += spl_error(&a->loc, "automaton '%s': its registers have more than "
					      "%d combined values", a->name, MAX_REG_SPACE);
		struct spl_env env = { .aut = a };
		w.inlined = 0;
		check_block(&w, &env, a->body);
	}
	if (prog->nautos == 0 && prog->napp > 0)
		w.errors += spl_error(&prog->app_locs[0], "no automaton declared");
	return w.errors;
}
