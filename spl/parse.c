/*
 * splc parser: recursive descent over the token stream, building the AST of spl.h.
 * The first syntax error in a file stops that file (later errors would only echo it).
 *
 *   program  := { decl }
 *   decl     := "statecall" NAME { "," NAME } ";"
 *             | [ "per_channel" ] "automaton" NAME [ "(" reg { "," reg } ")" ] block
 *             | "function" NAME "(" [ NAME { "," NAME } ] ")" block
 *   reg      := "bool" NAME [ "=" ( "true" | "false" ) ]
 *             | "int" NAME "(" int ".." int ")" [ "=" int ]
 *   stmt     := NAME [ except ] ";" | NAME "=" expr ";" | NAME "(" [ expr { "," expr } ] ")" ";"
 *             | "either" [ "(" expr ")" ] block { "or" [ "(" expr ")" ] block }
 *             | "multiple" [ "(" int ".." [ int ] ")" ] block | "optional" block
 *             | "do" block "until" "(" expr ")" ";" | "while" "(" expr ")" block
 *             | "always_allow" "(" NAME { "," NAME } [ except ] ")" block
 *   except   := "except" "(" NAME { "," NAME } ")"      (NAME may be a glob: '*')
 *             | "during" block "handle" block | "exit" ";" | "abort" ";"
 *   expr     := C precedence over || && == != < <= > >= + - ! and unary -
 */
#include <setjmp.h>
#include <string.h>

#include "spl/spl.h"

struct parser {
	struct spl_lexer lx;
	struct spl_token tok;
	jmp_buf fail;
	int depth;
};

static const char *const keywords[] = {
	"statecall", "automaton", "per_channel", "function", "bool", "int", "true", "false",
	"either", "or", "multiple", "optional", "do", "until", "while", "always_allow",
	"during", "handle", "exit", "abort", "except",
};

static int is_keyword(const char *s)
{
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (!strcmp(s, keywords[i]))
			return 1;
	return 0;
}

static void next(struct parser *p)
{
	p->tok = spl_lex_next(&p->lx);
	if (p->tok.kind == TK_ERROR)
		longjmp(p->fail, 1);
}

static _Noreturn void syntax(struct parser *p, const char *what)
{
	if (p->tok.kind == TK_IDENT)
		spl_error(&p->tok.loc, "expected %s, found '%s'", what, p->tok.text);
	else
		spl_error(&p->tok.loc, "expected %s, found %s", what, spl_tok_name(p->tok.kind));
	longjmp(p->fail, 1);
}

static int at_kw(const struct parser *p, const char *kw)
{
	return p->tok.kind == TK_IDENT && !strcmp(p->tok.text, kw);
}

static void expect(struct parser *p, enum spl_tok k)
{
	if (p->tok.kind != k)
		syntax(p, spl_tok_name(k));
	next(p);
}

static void expect_kw(struct parser *p, const char *kw)
{
	char what[48];
	if (!at_kw(p, kw)) {
		snprintf(what, sizeof what, "'%s'", kw);
		syntax(p, what);
	}
	next(p);
}

/* A plain name: no glob characters, not a keyword. */
static char *name(struct parser *p, const char *what)
{
	if (p->tok.kind != TK_IDENT || is_keyword(p->tok.text) || strchr(p->tok.text, '*'))
		syntax(p, what);
	char *s = p->tok.text;
	next(p);
	return s;
}

static long integer(struct parser *p)
{
	int neg = 0;
	if (p->tok.kind == TK_MINUS) {
		neg = 1;
		next(p);
	}
	if (p->tok.kind != TK_INT)
		syntax(p, "an integer");
	long v = p->tok.value;
	next(p);
	return neg ? -v : v;
}

static struct spl_expr *expr(struct parser *p);

static struct spl_expr *new_expr(enum spl_expr_kind k, struct spl_loc loc)
{
	struct spl_expr *e = xcalloc(1, sizeof *e);
	e->kind = k;
	e->loc = loc;
	e->reg = -1;
	return e;
}

static struct spl_expr *primary(struct parser *p)
{
	struct spl_loc loc = p->tok.loc;
	struct spl_expr *e;

	if (++p->depth > 200) {
		spl_error(&loc, "expression nested too deeply");
		longjmp(p->fail, 1);
	}
	switch (p->tok.kind) {
	case TK_INT:
		e = new_expr(EX_INT, loc);
		e->value = p->tok.value;
		next(p);
		break;
	case TK_NOT:
	case TK_MINUS: {
		enum spl_tok op = p->tok.kind;
		next(p);
		e = new_expr(op == TK_NOT ? EX_NOT : EX_NEG, loc);
		e->l = primary(p);
		break;
	}
	case TK_LPAREN:
		next(p);
		e = expr(p);
		expect(p, TK_RPAREN);
		break;
	case TK_IDENT:
		if (at_kw(p, "true") || at_kw(p, "false")) {
			e = new_expr(EX_BOOL, loc);
			e->value = at_kw(p, "true");
			next(p);
			break;
		}
		e = new_expr(EX_NAME, loc);
		e->name = name(p, "a register name");
		break;
	default:
		syntax(p, "an expression");
	}
	p->depth--;
	return e;
}

static int precedence(enum spl_tok t)
{
	switch (t) {
	case TK_OR: return 1;
	case TK_AND: return 2;
	case TK_EQ: case TK_NE: return 3;
	case TK_LT: case TK_LE: case TK_GT: case TK_GE: return 4;
	case TK_PLUS: case TK_MINUS: return 5;
	default: return 0;
	}
}

static struct spl_expr *binary(struct parser *p, int min_prec)
{
	struct spl_expr *l = primary(p);
	for (;;) {
		int prec = precedence(p->tok.kind);
		if (prec == 0 || prec < min_prec)
			return l;
		struct spl_expr *e = new_expr(EX_BIN, p->tok.loc);
		e->op = p->tok.kind;
		next(p);
		e->l = l;
		e->r = binary(p, prec + 1);
		l = e;
	}
}

static struct spl_expr *expr(struct parser *p)
{
	return binary(p, 1);
}

static struct spl_expr *paren_expr(struct parser *p)
{
	expect(p, TK_LPAREN);
	struct spl_expr *e = expr(p);
	expect(p, TK_RPAREN);
	return e;
}

static struct spl_stmt *block(struct parser *p);

/* [ "except" "(" NAME { "," NAME } ")" ] after a statecall or an always_allow list */
static void exceptions(struct parser *p, struct spl_stmt *s)
{
	if (!at_kw(p, "except"))
		return;
	next(p);
	expect(p, TK_LPAREN);
	for (;;) {
		if (p->tok.kind != TK_IDENT || is_keyword(p->tok.text))
			syntax(p, "a statecall name");
		s->except = xrealloc(s->except, (size_t)s->nexcept + 1, sizeof *s->except);
		s->except_locs = xrealloc(s->except_locs, (size_t)s->nexcept + 1,
					  sizeof *s->except_locs);
		s->except_locs[s->nexcept] = p->tok.loc;
		s->except[s->nexcept++] = p->tok.text;
		next(p);
		if (p->tok.kind != TK_COMMA)
			break;
		next(p);
	}
	expect(p, TK_RPAREN);
}

static struct spl_stmt *new_stmt(enum spl_stmt_kind k, struct spl_loc loc)
{
	struct spl_stmt *s = xcalloc(1, sizeof *s);
	s->kind = k;
	s->loc = loc;
	return s;
}

static struct spl_stmt *statement(struct parser *p)
{
	struct spl_loc loc = p->tok.loc;
	struct spl_stmt *s;

	if (p->tok.kind != TK_IDENT)
		syntax(p, "a statement");
	if (at_kw(p, "either")) {
		s = new_stmt(ST_EITHER, loc);
		next(p);
		struct spl_arm **tail = &s->arms;
		for (;;) {
			struct spl_arm *a = xcalloc(1, sizeof *a);
			if (p->tok.kind == TK_LPAREN)
				a->guard = paren_expr(p);
			a->body = block(p);
			*tail = a;
			tail = &a->next;
			if (!at_kw(p, "or"))
				break;
			next(p);
		}
	} else if (at_kw(p, "multiple")) {
		s = new_stmt(ST_MULTIPLE, loc);
		next(p);
		s->lo = 0;
		s->hi = -1;
		if (p->tok.kind == TK_LPAREN) {
			next(p);
			s->lo = integer(p);
			expect(p, TK_DOTDOT);
			if (p->tok.kind != TK_RPAREN)
				s->hi = integer(p);
			expect(p, TK_RPAREN);
		}
		s->body = block(p);
	} else if (at_kw(p, "optional")) {
		s = new_stmt(ST_OPTIONAL, loc);
		next(p);
		s->body = block(p);
	} else if (at_kw(p, "do")) {
		s = new_stmt(ST_DO_UNTIL, loc);
		next(p);
		s->body = block(p);
		expect_kw(p, "until");
		s->expr = paren_expr(p);
		expect(p, TK_SEMI);
	} else if (at_kw(p, "while")) {
		s = new_stmt(ST_WHILE, loc);
		next(p);
		s->expr = paren_expr(p);
		s->body = block(p);
	} else if (at_kw(p, "always_allow")) {
		s = new_stmt(ST_ALLOW, loc);
		next(p);
		expect(p, TK_LPAREN);
		for (;;) {
			if (p->tok.kind != TK_IDENT || is_keyword(p->tok.text))
				syntax(p, "a statecall name");
			s->names = xrealloc(s->names, (size_t)s->nnames + 1, sizeof *s->names);
			s->name_locs = xrealloc(s->name_locs, (size_t)s->nnames + 1,
						sizeof *s->name_locs);
			s->name_locs[s->nnames] = p->tok.loc;
			s->names[s->nnames++] = p->tok.text;
			next(p);
			if (p->tok.kind != TK_COMMA)
				break;
			next(p);
		}
		exceptions(p, s);
		expect(p, TK_RPAREN);
		s->body = block(p);
	} else if (at_kw(p, "during")) {
		s = new_stmt(ST_DURING, loc);
		next(p);
		s->body = block(p);
		expect_kw(p, "handle");
		s->handler = block(p);
	} else if (at_kw(p, "exit") || at_kw(p, "abort")) {
		s = new_stmt(at_kw(p, "exit") ? ST_EXIT : ST_ABORT, loc);
		next(p);
		expect(p, TK_SEMI);
	} else if (is_keyword(p->tok.text)) {
		syntax(p, "a statement");
	} else {
		char *id = p->tok.text;
		next(p);
		if (p->tok.kind == TK_ASSIGN) {
			if (strchr(id, '*')) {
				spl_error(&loc, "a register name cannot contain '*'");
				longjmp(p->fail, 1);
			}
			s = new_stmt(ST_ASSIGN, loc);
			s->name = id;
			next(p);
			s->expr = expr(p);
		} else if (p->tok.kind == TK_LPAREN) {
			s = new_stmt(ST_CALL, loc);
			s->name = id;
			next(p);
			while (p->tok.kind != TK_RPAREN) {
				s->args = xrealloc(s->args, (size_t)s->nargs + 1, sizeof *s->args);
				s->args[s->nargs++] = expr(p);
				if (p->tok.kind != TK_COMMA)
					break;
				next(p);
			}
			expect(p, TK_RPAREN);
		} else {
			s = new_stmt(ST_STATECALL, loc);
			s->name = id;
			exceptions(p, s);
		}
		expect(p, TK_SEMI);
	}
	return s;
}

static struct spl_stmt *block(struct parser *p)
{
	struct spl_stmt *head = NULL, **tail = &head;

	if (++p->depth > 100) {
		spl_error(&p->tok.loc, "blocks nested too deeply");
		longjmp(p->fail, 1);
	}
	expect(p, TK_LBRACE);
	while (p->tok.kind != TK_RBRACE) {
		if (p->tok.kind == TK_EOF)
			syntax(p, "'}'");
		*tail = statement(p);
		tail = &(*tail)->next;
	}
	next(p);
	p->depth--;
	return head;
}

static void registers(struct parser *p, struct spl_automaton *a)
{
	expect(p, TK_LPAREN);
	while (p->tok.kind != TK_RPAREN) {
		struct spl_reg r = { .loc = p->tok.loc };
		if (at_kw(p, "bool")) {
			next(p);
			r.is_bool = 1;
			r.hi = 1;
			r.name = name(p, "a register name");
			if (p->tok.kind == TK_ASSIGN) {
				next(p);
				if (!at_kw(p, "true") && !at_kw(p, "false"))
					syntax(p, "'true' or 'false'");
				r.init = at_kw(p, "true");
				next(p);
			}
		} else if (at_kw(p, "int")) {
			next(p);
			r.name = name(p, "a register name");
			expect(p, TK_LPAREN);
			r.lo = integer(p);
			expect(p, TK_DOTDOT);
			r.hi = integer(p);
			expect(p, TK_RPAREN);
			r.init = r.lo;
			if (p->tok.kind == TK_ASSIGN) {
				next(p);
				r.init = integer(p);
			}
		} else {
			syntax(p, "'bool' or 'int'");
		}
		a->regs = xrealloc(a->regs, (size_t)a->nregs + 1, sizeof *a->regs);
		a->regs[a->nregs++] = r;
		if (p->tok.kind != TK_COMMA)
			break;
		next(p);
	}
	expect(p, TK_RPAREN);
}

static void declaration(struct parser *p, struct spl_program *prog)
{
	struct spl_loc loc = p->tok.loc;

	if (at_kw(p, "statecall")) {
		next(p);
		for (;;) {
			struct spl_loc nloc = p->tok.loc;
			char *n = name(p, "an application statecall name");
			prog->app_statecalls = xrealloc(prog->app_statecalls, (size_t)prog->napp + 1,
							sizeof *prog->app_statecalls);
			prog->app_locs = xrealloc(prog->app_locs, (size_t)prog->napp + 1,
						  sizeof *prog->app_locs);
			prog->app_locs[prog->napp] = nloc;
			prog->app_statecalls[prog->napp++] = n;
			if (p->tok.kind != TK_COMMA)
				break;
			next(p);
		}
		expect(p, TK_SEMI);
	} else if (at_kw(p, "automaton") || at_kw(p, "per_channel")) {
		struct spl_automaton *a = xcalloc(1, sizeof *a);
		if (at_kw(p, "per_channel")) {
			a->per_channel = 1;
			next(p);
		}
		expect_kw(p, "automaton");
		a->loc = loc;
		a->name = name(p, "an automaton name");
		if (p->tok.kind == TK_LPAREN)
			registers(p, a);
		a->body = block(p);
		prog->autos = xrealloc(prog->autos, (size_t)prog->nautos + 1, sizeof *prog->autos);
		prog->autos[prog->nautos++] = a;
	} else if (at_kw(p, "function")) {
		struct spl_function *f = xcalloc(1, sizeof *f);
		next(p);
		f->loc = loc;
		f->name = name(p, "a function name");
		expect(p, TK_LPAREN);
		while (p->tok.kind != TK_RPAREN) {
			f->params = xrealloc(f->params, (size_t)f->nparams + 1, sizeof *f->params);
			f->params[f->nparams++] = name(p, "a parameter name");
			if (p->tok.kind != TK_COMMA)
				break;
			next(p);
		}
		expect(p, TK_RPAREN);
		f->body = block(p);
		prog->funcs = xrealloc(prog->funcs, (size_t)prog->nfuncs + 1, sizeof *prog->funcs);
		prog->funcs[prog->nfuncs++] = f;
	} else {
		syntax(p, "'automaton', 'function' or 'statecall'");
	}
}

int spl_parse(const struct spl_source *src, struct spl_program *prog)
{
	struct parser p = { 0 };

	spl_lex_init(&p.lx, src);
	if (setjmp(p.fail))
		return 1;
	next(&p);
	while (p.tok.kind != TK_EOF)
		declaration(&p, prog);
	return 0;
}
