/*
 * mplc: the MPL compiler. One source file (sshd/proto/NAME.mpl) in, C codecs out:
 * NAME.h, NAME.c, and the statecall list NAME.statecalls that splc reads.
 *
 * Pipeline: lexer (mplc_lex.c) -> parser (mplc_parse.c) -> checker (mplc_check.c,
 * resolves names, types and label paths, computes the variants) -> emitter
 * (mplc_emit.c). Everything is allocated from the compiler context and freed at once.
 */
#ifndef MPLC_H
#define MPLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct loc {
    int line, col;
};

enum tok {
    TK_EOF, TK_IDENT, TK_INT, TK_STRING,
    TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_LBRACK, TK_RBRACK,
    TK_COLON, TK_SEMI, TK_COMMA, TK_BAR, TK_ARROW, TK_DOTDOT, TK_STAR,
    TK_PLUS, TK_MINUS, TK_SLASH, TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE,
    TK_AND, TK_OR, TK_NOT, TK_ASSIGN,
};

struct token {
    enum tok kind;
    struct loc loc;
    const char *text;       /* identifier, or string contents (may hold NUL bytes) */
    size_t len;             /* length of text */
    uint64_t ival;
};

enum expr_kind { E_INT, E_STR, E_BOOL, E_NAME, E_SIZEOF, E_NOT, E_NEG, E_BINARY };

struct field;
struct constdef;
struct statevar;

struct expr {
    enum expr_kind kind;
    struct loc loc;
    uint64_t ival;
    const char *str;        /* E_STR contents, E_NAME / E_SIZEOF name */
    size_t slen;
    enum tok op;            /* E_BINARY */
    struct expr *a, *b;
    /* resolved by the checker */
    struct field *field;
    struct constdef *cst;
    struct statevar *sv;
};

enum type_kind {
    T_BYTE, T_BOOL, T_U32, T_U64, T_STRING, T_MPINT, T_NAMELIST,
    T_BYTES,                /* byte[expr] or byte[*] */
    T_PACKET,               /* an embedded packet */
    T_ARRAY,                /* packet[expr] or packet[*]: a run of embedded packets */
};

struct packet;

struct field {
    const char *name;
    struct loc loc;
    enum type_kind type;
    struct expr *size;      /* T_BYTES / T_ARRAY count; NULL with size_rest */
    bool size_rest;         /* [*]: to the end of the input */
    const char *pkt_name;
    struct loc pkt_loc;
    struct packet *pkt;
    struct expr *const_e, *value_e, *default_e, *min_e, *max_e;
    bool secret, is_signed;
    /* set by the checker */
    bool top;               /* a field of the packet itself, not of a variant */
    bool is_length;         /* used by a later byte[] size */
};

enum match_kind { M_INT, M_RANGE, M_STR, M_BOOL, M_DEFAULT };

struct items;
struct classify;

struct item {
    struct field *field;    /* exactly one of field / classify */
    struct classify *classify;
};

struct items {
    struct item *v;
    size_t n;
};

struct arm {
    struct loc loc;
    struct classify *cl;        /* the classify this arm belongs to */
    enum match_kind mkind;
    uint64_t lo, hi;        /* M_INT (lo), M_RANGE */
    struct expr *match_e;   /* M_INT from a named constant */
    const char *str;        /* M_STR */
    size_t slen;
    bool bval;              /* M_BOOL */
    const char *label;      /* may be NULL: the arm adds nothing to the path */
    struct loc label_loc;
    struct expr *guard;
    struct items body;
};

struct classify {
    struct loc loc;
    const char *field_name;
    struct field *field;
    struct arm **arms;
    size_t narms;
};

struct statevar {
    const char *name;
    struct loc loc;
    bool is_bool;
};

/* One variant of a packet: a leaf of its classify tree. */
struct leaf {
    const char *label;          /* labels on the path joined by '_' */
    struct arm **path;          /* the arm chosen at each classify, outermost first */
    size_t depth;
    struct field **fields;      /* the variant's own fields (not the top-level ones) */
    size_t nfields;
    struct field **seq;         /* every field in wire order, top-level ones included */
    size_t nseq;
    bool has_rest;              /* ends with a [*] field: truncation may still parse */
};

struct packet {
    const char *name;
    struct loc loc;
    bool message;               /* its labels are statecalls */
    struct statevar *vars;
    size_t nvars;
    struct items items;
    /* set by the checker */
    bool has_classify;
    struct field **top;         /* top-level fields */
    size_t ntop;
    struct leaf *leaves;        /* one per variant; exactly one (no label) without classify */
    size_t nleaves;
    bool may_rest;              /* some variant ends with a [*] field */
    bool checking;              /* cycle detection */
    bool checked;
    size_t min_size;
};

struct constdef {
    const char *name;
    struct loc loc;
    uint64_t value;
};

struct mplc {
    const char *path;           /* source file name for messages */
    const char *src;
    size_t src_len;
    const char *stem;           /* file name without directory and .mpl */
    int errors;
    FILE *diag;                 /* where error messages go */
    /* lexer */
    size_t pos;
    int line, col;
    struct token tok;           /* current token */
    struct token peek;
    bool have_peek;
    /* declarations */
    struct packet **packets;
    size_t npackets;
    struct constdef **consts;
    size_t nconsts;
    /* allocations */
    void **allocs;
    size_t nallocs, cap_allocs;
};

void *mplc_alloc(struct mplc *c, size_t n);
void *mplc_grow(struct mplc *c, void *v, size_t n, size_t elem);
char *mplc_strdup(struct mplc *c, const char *s, size_t n);
char *mplc_printf(struct mplc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mplc_free_all(struct mplc *c);

/* Reports "file:line:col: message", the source line and a caret under the column. */
void mplc_error(struct mplc *c, struct loc at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void lex_init(struct mplc *c);
void lex_next(struct mplc *c);
const struct token *lex_peek(struct mplc *c);
const char *tok_name(enum tok k);

/* Each returns 0, or -EINVAL after reporting errors. */
int mplc_parse(struct mplc *c);
int mplc_check(struct mplc *c);
int mplc_emit(struct mplc *c, const char *outdir);

struct packet *mplc_find_packet(struct mplc *c, const char *name);
bool type_is_int(enum type_kind t);
bool type_is_view(enum type_kind t);

#endif
