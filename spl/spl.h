/*
 * splc — the Statecall Policy Language compiler: shared declarations.
 *
 * Pipeline: lexer (lex.c) -> parser (parse.c, AST below) -> checker (check.c) ->
 * control-flow graph (cfg.c) -> determinised, minimised automaton (dfa.c) ->
 * emitters for C (emit_c.c), PROMELA (emit_promela.c) and DOT (emit_dot.c).
 * The compiler is a batch program: it allocates freely and never frees before exit.
 */
#ifndef SPL_H
#define SPL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A source file kept whole so that diagnostics can quote the offending line. */
struct spl_source {
	const char *path;
	char *text;
	size_t len;
};

struct spl_loc {
	const struct spl_source *src;
	int line, col;
};

/* Diagnostics: "file:line:col: error: message", then the line and a caret. */
/* Returns 1 so that callers can count: errors += spl_error(...). */
int spl_error(const struct spl_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
void *xrealloc(void *p, size_t n, size_t size);

/* ---- lexer ---- */
enum spl_tok {
	TK_EOF, TK_IDENT, TK_INT, TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_SEMI,
	TK_COMMA, TK_DOTDOT, TK_ASSIGN, TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE,
	TK_AND, TK_OR, TK_NOT, TK_PLUS, TK_MINUS, TK_STAR, TK_ERROR
};

struct spl_token {
	enum spl_tok kind;
	struct spl_loc loc;
	char *text;       /* identifiers (glob patterns included) */
	long value;       /* integers */
};

struct spl_lexer {
	const struct spl_source *src;
	size_t pos;
	int line, col;
};

void spl_lex_init(struct spl_lexer *lx, const struct spl_source *src);
struct spl_token spl_lex_next(struct spl_lexer *lx);
const char *spl_tok_name(enum spl_tok t);

/* ---- AST ---- */
enum spl_expr_kind { EX_INT, EX_BOOL, EX_NAME, EX_REG, EX_NOT, EX_NEG, EX_BIN };

struct spl_expr {
	enum spl_expr_kind kind;
	struct spl_loc loc;
	long value;          /* EX_INT, EX_BOOL */
	char *name;          /* EX_NAME */
	int reg;             /* EX_REG: register slot after resolution */
	enum spl_tok op;     /* EX_BIN */
	struct spl_expr *l, *r;
};

enum spl_stmt_kind {
	ST_STATECALL, ST_ASSIGN, ST_EITHER, ST_MULTIPLE, ST_OPTIONAL, ST_DO_UNTIL, ST_WHILE,
	ST_ALLOW, ST_DURING, ST_EXIT, ST_ABORT, ST_CALL
};

struct spl_arm {
	struct spl_expr *guard;      /* NULL: always enabled */
	struct spl_stmt *body;
	struct spl_arm *next;
};

struct spl_stmt {
	enum spl_stmt_kind kind;
	struct spl_loc loc;
	char *name;                  /* statecall (may be a glob), assigned register, callee */
	struct spl_expr *expr;       /* assigned value, until/while condition */
	struct spl_stmt *body;       /* nested block (linked by next) */
	struct spl_stmt *handler;    /* during ... handle */
	struct spl_arm *arms;        /* either */
	long lo, hi;                 /* multiple: hi < 0 means unbounded */
	char **names;                /* always_allow list (globs allowed) */
	struct spl_loc *name_locs;
	int nnames;
	char **except;               /* statecall / always_allow: names taken out of the globs */
	struct spl_loc *except_locs;
	int nexcept;
	struct spl_expr **args;      /* function call */
	int nargs;
	struct spl_stmt *next;
};

struct spl_reg {
	char *name;
	struct spl_loc loc;
	int is_bool;
	long lo, hi, init;
};

struct spl_automaton {
	char *name;
	struct spl_loc loc;
	int per_channel;             /* one instance per SSH channel */
	struct spl_reg *regs;
	int nregs;
	struct spl_stmt *body;
};

struct spl_function {
	char *name;
	struct spl_loc loc;
	char **params;
	int nparams;
	struct spl_stmt *body;
};

struct spl_program {
	struct spl_automaton **autos;
	int nautos;
	struct spl_function **funcs;
	int nfuncs;
	char **app_statecalls;       /* declared Expect_*, Notify_*, Signal_* */
	struct spl_loc *app_locs;
	int napp;
};

/* Parses one source into prog (appending). Returns the number of errors. */
int spl_parse(const struct spl_source *src, struct spl_program *prog);

/* ---- statecall universe: the MPL lists, then the application statecalls ---- */
struct spl_statecalls {
	char **names;
	int n;
	int nlist;                   /* how many came from the MPL lists */
};

int spl_statecalls_load(struct spl_statecalls *sc, const char *path);
int spl_statecall_find(const struct spl_statecalls *sc, const char *name);
/* Calls fn for every statecall matching glob (only '*' is special). Returns matches. */
int spl_statecall_glob(const struct spl_statecalls *sc, const char *glob,
		       void (*fn)(int id, void *arg), void *arg);

/* ---- checker ---- */
/* Names in a function body are its parameters (bound by name to the caller's
 * expressions) and then the registers of the automaton it is inlined into. */
struct spl_env {
	const struct spl_automaton *aut;
	const struct spl_function *fn;
	struct spl_expr **args;
	const struct spl_env *outer;
};

/* A copy of e with every name replaced by EX_REG; NULL (and an error) if a name is unknown. */
struct spl_expr *spl_resolve(const struct spl_env *env, const struct spl_expr *e, int *errors);
/* The register slot an assignment target names, or -1 (and an error). */
int spl_resolve_target(const struct spl_env *env, const char *name,
		       const struct spl_loc *loc, int *errors);

int spl_check(struct spl_program *prog, struct spl_statecalls *sc);
const struct spl_function *spl_find_function(const struct spl_program *prog,
					     const char *name);

/* ---- control-flow graph ---- */
struct spl_edge {
	int from, to;
	int statecall;               /* -1: epsilon */
	struct spl_expr *guard;      /* resolved (EX_REG); NULL: true */
	int assign_reg;              /* -1: none */
	struct spl_expr *assign_val;
	struct spl_loc loc;          /* the statement the edge comes from */
};

#define SPL_MAX_DURING 32
#define SPL_MAX_NESTING 4           /* handlers interrupting handlers, at most */

struct spl_node {
	int allow_set;               /* index into cfg->allow_sets, -1: none */
	uint32_t interruptible;      /* bit d: inside the body of during block d */
	int handler_end_of;          /* >= 0: the end node of the handler of that during */
};

struct spl_cfg {
	const struct spl_automaton *aut;
	struct spl_node *nodes;
	int nnodes, capnodes;
	struct spl_edge *edges;
	int nedges, capedges;
	int entry, exit_node, abort_node;
	unsigned char **allow_sets;  /* bitsets over statecall ids */
	int nallow;
	int handler_start[SPL_MAX_DURING];
	int ndurings;
	int nsc;
};

int spl_cfg_build(const struct spl_program *prog, const struct spl_automaton *aut,
		  const struct spl_statecalls *sc, struct spl_cfg *cfg);

/* ---- determinised automaton ---- */
#define SPL_REJECT 0xffff

struct spl_dfa {
	const struct spl_automaton *aut;
	int nstates;
	int nalpha;
	int *alpha;                  /* alphabet index -> statecall id, ascending */
	int *alpha_of;               /* statecall id -> alphabet index or -1 */
	uint16_t *next;              /* nstates * nalpha, SPL_REJECT when refused */
	unsigned char *done;         /* the automaton reached exit */
	char **state_names;
};

int spl_dfa_build(const struct spl_cfg *cfg, int nsc, struct spl_dfa *dfa);

/* ---- emitters ---- */
struct spl_ltl;
int spl_emit_c(FILE *c, FILE *h, const char *prefix, const char *hname,
	       const char *enum_header, struct spl_dfa *dfas, int n,
	       const struct spl_statecalls *sc);
int spl_emit_promela(FILE *out, struct spl_dfa *dfas, int n,
		     const struct spl_statecalls *sc, const char *ltl_path);
int spl_emit_dot(FILE *out, const struct spl_dfa *dfa, const struct spl_statecalls *sc);

#endif
