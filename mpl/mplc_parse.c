/* The parser: builds the declarations of one .mpl file.
 *
 *   file     := { "const" NAME "=" INT ";" | ["message"] "packet" NAME [params] body }
 *   params   := "(" ("bool"|"int") NAME { "," ("bool"|"int") NAME } ")"
 *   body     := "{" items "}" [";"]
 *   items    := { NAME ":" type { attr } ";" | classify }
 *   type     := NAME [ "[" (expr | "*") "]" ]
 *   attr     := ("const"|"value"|"default"|"min"|"max") "(" expr ")" | "secret" | "signed"
 *   classify := "classify" "(" NAME ")" "{" arm { arm } "}" [";"]
 *   arm      := "|" match [":" STRING] ["when" "(" expr ")"] "->" ("(" ")" [";"] | items)
 *   match    := INT [".." INT] | NAME | STRING | "true" | "false" | "default"
 */
#include "mpl/mplc.h"

#include <errno.h>
#include <string.h>

static bool is(struct mplc *c, enum tok k)
{
    return c->tok.kind == k;
}

static bool is_word(struct mplc *c, const char *w)
{
    return c->tok.kind == TK_IDENT && strcmp(c->tok.text, w) == 0;
}

/* Consumes the expected token, or reports it and returns false. */
static bool expect(struct mplc *c, enum tok k, const char *what)
{
    if (c->tok.kind == k) {
        lex_next(c);
        return true;
    }
    mplc_error(c, c->tok.loc, "expected %s %s, found %s", tok_name(k), what,
               tok_name(c->tok.kind));
    return false;
}

static const char *expect_ident(struct mplc *c, const char *what, struct loc *loc)
{
    if (loc)
        *loc = c->tok.loc;
    if (c->tok.kind != TK_IDENT) {
        mplc_error(c, c->tok.loc, "expected %s, found %s", what, tok_name(c->tok.kind));
        return NULL;
    }
    const char *s = c->tok.text;
    lex_next(c);
    return s;
}

static struct expr *new_expr(struct mplc *c, enum expr_kind k, struct loc loc)
{
    struct expr *e = mplc_alloc(c, sizeof *e);
    e->kind = k;
    e->loc = loc;
    return e;
}

static struct expr *parse_expr(struct mplc *c);

static struct expr *parse_primary(struct mplc *c)
{
    struct loc loc = c->tok.loc;
    struct expr *e;
    switch (c->tok.kind) {
    case TK_INT:
        e = new_expr(c, E_INT, loc);
        e->ival = c->tok.ival;
        lex_next(c);
        return e;
    case TK_STRING:
        e = new_expr(c, E_STR, loc);
        e->str = c->tok.text;
        e->slen = c->tok.len;
        lex_next(c);
        return e;
    case TK_LPAREN:
        lex_next(c);
        e = parse_expr(c);
        expect(c, TK_RPAREN, "to close the expression");
        return e;
    case TK_NOT:
        lex_next(c);
        e = new_expr(c, E_NOT, loc);
        e->a = parse_primary(c);
        return e;
    case TK_MINUS:
        lex_next(c);
        e = new_expr(c, E_NEG, loc);
        e->a = parse_primary(c);
        return e;
    case TK_IDENT:
        if (is_word(c, "true") || is_word(c, "false")) {
            e = new_expr(c, E_BOOL, loc);
            e->ival = is_word(c, "true");
            lex_next(c);
            return e;
        }
        if (is_word(c, "sizeof")) {
            lex_next(c);
            e = new_expr(c, E_SIZEOF, loc);
            expect(c, TK_LPAREN, "after sizeof");
            e->str = expect_ident(c, "a field name in sizeof", &e->loc);
            expect(c, TK_RPAREN, "after the field name");
            return e;
        }
        e = new_expr(c, E_NAME, loc);
        e->str = c->tok.text;
        lex_next(c);
        return e;
    default:
        mplc_error(c, loc, "expected an expression, found %s", tok_name(c->tok.kind));
        lex_next(c);
        return new_expr(c, E_INT, loc);
    }
}

/* Binary operators by precedence level, loosest first. */
static const enum tok levels[][6] = {
    { TK_OR }, { TK_AND }, { TK_EQ, TK_NE, TK_LT, TK_LE, TK_GT, TK_GE },
    { TK_PLUS, TK_MINUS }, { TK_STAR, TK_SLASH },
};

static struct expr *parse_level(struct mplc *c, size_t level)
{
    if (level == sizeof levels / sizeof levels[0])
        return parse_primary(c);
    struct expr *lhs = parse_level(c, level + 1);
    for (;;) {
        bool found = false;
        for (size_t i = 0; i < 6 && levels[level][i]; i++)
            found |= c->tok.kind == levels[level][i];
        if (!found)
            return lhs;
        struct expr *e = new_expr(c, E_BINARY, c->tok.loc);
        e->op = c->tok.kind;
        lex_next(c);
        e->a = lhs;
        e->b = parse_level(c, level + 1);
        lhs = e;
    }
}

static struct expr *parse_expr(struct mplc *c)
{
    return parse_level(c, 0);
}

/* "( expr )" after an attribute or `when`. */
static struct expr *parse_paren_expr(struct mplc *c, const char *what)
{
    if (!expect(c, TK_LPAREN, what))
        return new_expr(c, E_INT, c->tok.loc);
    struct expr *e = parse_expr(c);
    expect(c, TK_RPAREN, "to close it");
    return e;
}

static const struct { const char *name; enum type_kind t; } base_types[] = {
    { "byte", T_BYTE }, { "boolean", T_BOOL }, { "uint32", T_U32 }, { "uint64", T_U64 },
    { "string32", T_STRING }, { "mpint", T_MPINT }, { "name-list", T_NAMELIST },
};

static void parse_type(struct mplc *c, struct field *f)
{
    struct loc loc;
    const char *name = expect_ident(c, "a type", &loc);
    if (!name)
        return;
    f->type = T_PACKET;
    for (size_t i = 0; i < sizeof base_types / sizeof base_types[0]; i++)
        if (strcmp(name, base_types[i].name) == 0)
            f->type = base_types[i].t;
    if (f->type == T_PACKET) {
        f->pkt_name = name;
        f->pkt_loc = loc;
    }
    if (!is(c, TK_LBRACK))
        return;
    if (f->type != T_BYTE && f->type != T_PACKET) {
        mplc_error(c, c->tok.loc, "only byte and packets can be repeated with [...]");
    }
    f->type = f->type == T_BYTE ? T_BYTES : T_ARRAY;
    lex_next(c);
    if (is(c, TK_STAR)) {
        f->size_rest = true;
        lex_next(c);
    } else {
        f->size = parse_expr(c);
    }
    expect(c, TK_RBRACK, "after the size");
}

static void parse_attrs(struct mplc *c, struct field *f)
{
    /* a name followed by ':' starts the next field: the ';' was forgotten */
    while (is(c, TK_IDENT) && lex_peek(c)->kind != TK_COLON) {
        struct loc loc = c->tok.loc;
        struct expr **slot = NULL;
        if (is_word(c, "secret")) {
            f->secret = true;
            lex_next(c);
            continue;
        }
        if (is_word(c, "signed")) {
            f->is_signed = true;
            lex_next(c);
            continue;
        }
        if (is_word(c, "const"))
            slot = &f->const_e;
        else if (is_word(c, "value"))
            slot = &f->value_e;
        else if (is_word(c, "default"))
            slot = &f->default_e;
        else if (is_word(c, "min"))
            slot = &f->min_e;
        else if (is_word(c, "max"))
            slot = &f->max_e;
        if (!slot) {
            mplc_error(c, loc, "unknown attribute '%s'", c->tok.text);
            lex_next(c);
            continue;
        }
        const char *attr = c->tok.text;
        lex_next(c);
        if (*slot)
            mplc_error(c, loc, "attribute '%s' given twice", attr);
        *slot = parse_paren_expr(c, "after the attribute");
    }
}

static void parse_items(struct mplc *c, struct items *items, bool in_arm);

static void parse_arm(struct mplc *c, struct classify *cl)
{
    struct arm *a = mplc_alloc(c, sizeof *a);
    a->loc = c->tok.loc;
    a->cl = cl;
    expect(c, TK_BAR, "to start a variant");
    struct loc mloc = c->tok.loc;
    if (is(c, TK_INT)) {
        a->mkind = M_INT;
        a->lo = c->tok.ival;
        lex_next(c);
        if (is(c, TK_DOTDOT)) {
            lex_next(c);
            a->mkind = M_RANGE;
            a->hi = c->tok.ival;
            if (!is(c, TK_INT))
                mplc_error(c, c->tok.loc, "expected the end of the range");
            lex_next(c);
        }
    } else if (is(c, TK_STRING)) {
        a->mkind = M_STR;
        a->str = c->tok.text;
        a->slen = c->tok.len;
        lex_next(c);
    } else if (is_word(c, "true") || is_word(c, "false")) {
        a->mkind = M_BOOL;
        a->bval = is_word(c, "true");
        lex_next(c);
    } else if (is_word(c, "default")) {
        a->mkind = M_DEFAULT;
        lex_next(c);
    } else if (is(c, TK_IDENT)) {
        a->mkind = M_INT;       /* a named constant, resolved by the checker */
        a->match_e = new_expr(c, E_NAME, mloc);
        a->match_e->str = c->tok.text;
        lex_next(c);
    } else {
        mplc_error(c, mloc, "expected a value to match, found %s", tok_name(c->tok.kind));
        lex_next(c);
    }
    if (is(c, TK_COLON)) {
        lex_next(c);
        a->label_loc = c->tok.loc;
        if (is(c, TK_STRING)) {
            a->label = c->tok.text;
            lex_next(c);
        } else {
            mplc_error(c, c->tok.loc, "expected a label string after ':'");
        }
    }
    if (is_word(c, "when")) {
        lex_next(c);
        a->guard = parse_paren_expr(c, "after when");
    }
    expect(c, TK_ARROW, "before the variant's fields");
    if (is(c, TK_LPAREN) && lex_peek(c)->kind == TK_RPAREN) {
        lex_next(c);
        lex_next(c);
        if (is(c, TK_SEMI))
            lex_next(c);
    } else {
        parse_items(c, &a->body, true);
    }
    cl->arms = mplc_grow(c, cl->arms, cl->narms, sizeof *cl->arms);
    cl->arms[cl->narms++] = a;
}

static struct classify *parse_classify(struct mplc *c)
{
    struct classify *cl = mplc_alloc(c, sizeof *cl);
    cl->loc = c->tok.loc;
    lex_next(c);
    expect(c, TK_LPAREN, "after classify");
    cl->field_name = expect_ident(c, "the field to classify on", NULL);
    expect(c, TK_RPAREN, "after the field");
    expect(c, TK_LBRACE, "to open the variants");
    while (is(c, TK_BAR))
        parse_arm(c, cl);
    if (cl->narms == 0)
        mplc_error(c, c->tok.loc, "classify needs at least one variant '|'");
    expect(c, TK_RBRACE, "to close the variants");
    if (is(c, TK_SEMI))
        lex_next(c);
    return cl;
}

static void parse_items(struct mplc *c, struct items *items, bool in_arm)
{
    while (!is(c, TK_RBRACE) && !is(c, TK_EOF) && !(in_arm && is(c, TK_BAR))) {
        struct item it = { 0 };
        if (is_word(c, "classify") && lex_peek(c)->kind == TK_LPAREN) {
            it.classify = parse_classify(c);
        } else {
            struct field *f = mplc_alloc(c, sizeof *f);
            int errors = c->errors;
            f->name = expect_ident(c, "a field name", &f->loc);
            if (f->name) {
                expect(c, TK_COLON, "after the field name");
                parse_type(c, f);
                parse_attrs(c, f);
                expect(c, TK_SEMI, "after the field");
            }
            if (c->errors != errors) {
                /* resynchronise after the next ';' so one mistake gives one message */
                while (!is(c, TK_SEMI) && !is(c, TK_RBRACE) && !is(c, TK_EOF))
                    lex_next(c);
                if (is(c, TK_SEMI))
                    lex_next(c);
                continue;
            }
            it.field = f;
        }
        items->v = mplc_grow(c, items->v, items->n, sizeof *items->v);
        items->v[items->n++] = it;
    }
}

static void parse_packet(struct mplc *c, bool message)
{
    struct packet *p = mplc_alloc(c, sizeof *p);
    p->message = message;
    lex_next(c);                                    /* "packet" */
    p->name = expect_ident(c, "the packet name", &p->loc);
    if (!p->name)
        p->name = "?";
    if (is(c, TK_LPAREN)) {
        lex_next(c);
        while (!is(c, TK_RPAREN) && !is(c, TK_EOF)) {
            struct statevar v = { 0 };
            v.loc = c->tok.loc;
            if (is_word(c, "bool") || is_word(c, "int")) {
                v.is_bool = is_word(c, "bool");
                lex_next(c);
            } else {
                mplc_error(c, c->tok.loc, "expected 'bool' or 'int' before a state variable");
                lex_next(c);
            }
            v.name = expect_ident(c, "a state variable name", &v.loc);
            if (v.name) {
                p->vars = mplc_grow(c, p->vars, p->nvars, sizeof *p->vars);
                p->vars[p->nvars++] = v;
            }
            if (!is(c, TK_COMMA))
                break;
            lex_next(c);
        }
        expect(c, TK_RPAREN, "after the state variables");
    }
    expect(c, TK_LBRACE, "to open the packet");
    parse_items(c, &p->items, false);
    expect(c, TK_RBRACE, "to close the packet");
    if (is(c, TK_SEMI))
        lex_next(c);
    c->packets = mplc_grow(c, c->packets, c->npackets, sizeof *c->packets);
    c->packets[c->npackets++] = p;
}

static void parse_const(struct mplc *c)
{
    struct constdef *k = mplc_alloc(c, sizeof *k);
    lex_next(c);
    k->name = expect_ident(c, "the constant's name", &k->loc);
    expect(c, TK_ASSIGN, "after the constant's name");
    if (is(c, TK_INT)) {
        k->value = c->tok.ival;
        lex_next(c);
    } else {
        mplc_error(c, c->tok.loc, "a constant must be a number");
    }
    expect(c, TK_SEMI, "after the constant");
    if (k->name) {
        c->consts = mplc_grow(c, c->consts, c->nconsts, sizeof *c->consts);
        c->consts[c->nconsts++] = k;
    }
}

int mplc_parse(struct mplc *c)
{
    lex_init(c);
    while (!is(c, TK_EOF)) {
        if (is_word(c, "const")) {
            parse_const(c);
        } else if (is_word(c, "packet")) {
            parse_packet(c, false);
        } else if (is_word(c, "message") && lex_peek(c)->kind == TK_IDENT &&
                   strcmp(lex_peek(c)->text, "packet") == 0) {
            lex_next(c);
            parse_packet(c, true);
        } else {
            mplc_error(c, c->tok.loc, "expected 'packet', 'message packet' or 'const'");
            /* skip to something that can start a declaration */
            do
                lex_next(c);
            while (!is(c, TK_EOF) && !is_word(c, "packet") && !is_word(c, "const") &&
                   !is_word(c, "message"));
        }
        if (c->errors > 20)
            break;
    }
    return c->errors ? -EINVAL : 0;
}
