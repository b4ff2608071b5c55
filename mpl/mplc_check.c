/* The checker: resolves every name, checks types and attributes, and computes each
 * packet's variants (the leaves of its classify tree) with their fields in wire order.
 * It rejects unknown names, type errors, a size that uses a later field, a length
 * field without value(), duplicate fields, matches and labels. */
#include "mpl/mplc.h"

#include <errno.h>
#include <string.h>

enum vtype { VT_ERR, VT_INT, VT_BOOL, VT_STR };

/* What an expression may refer to, by where it appears. */
enum ectx {
    CTX_SIZE,       /* byte[e], P[e]: earlier integer fields and constants */
    CTX_VALUE,      /* value(e): integer fields and sizeof of fields at this level */
    CTX_LITERAL,    /* const, default, min, max: literals and constants */
    CTX_GUARD,      /* when (e): state variables and constants */
};

/* The fields an expression can see. */
struct scope {
    struct field **earlier;     /* fields before the current one, outer levels included */
    size_t nearlier;
    struct items *level;        /* the item list being checked (for value() and "later") */
    struct packet *pkt;
};

bool type_is_int(enum type_kind t)
{
    return t == T_BYTE || t == T_U32 || t == T_U64;
}

bool type_is_view(enum type_kind t)
{
    return t == T_STRING || t == T_MPINT || t == T_NAMELIST || t == T_BYTES ||
           t == T_ARRAY;
}

struct packet *mplc_find_packet(struct mplc *c, const char *name)
{
    for (size_t i = 0; i < c->npackets; i++)
        if (strcmp(c->packets[i]->name, name) == 0)
            return c->packets[i];
    return NULL;
}

static struct constdef *find_const(struct mplc *c, const char *name)
{
    for (size_t i = 0; i < c->nconsts; i++)
        if (strcmp(c->consts[i]->name, name) == 0)
            return c->consts[i];
    return NULL;
}

static struct field *find_in(struct field **v, size_t n, const char *name)
{
    for (size_t i = n; i-- > 0;)
        if (strcmp(v[i]->name, name) == 0)
            return v[i];
    return NULL;
}

static struct field *find_in_items(const struct items *items, const char *name)
{
    for (size_t i = 0; items && i < items->n; i++)
        if (items->v[i].field && strcmp(items->v[i].field->name, name) == 0)
            return items->v[i].field;
    return NULL;
}

/* Any field of the packet with this name, at any depth (for "comes later" messages). */
static struct field *find_anywhere(const struct items *items, const char *name)
{
    for (size_t i = 0; i < items->n; i++) {
        if (items->v[i].field && strcmp(items->v[i].field->name, name) == 0)
            return items->v[i].field;
        if (items->v[i].classify) {
            struct classify *cl = items->v[i].classify;
            for (size_t a = 0; a < cl->narms; a++) {
                struct field *f = find_anywhere(&cl->arms[a]->body, name);
                if (f)
                    return f;
            }
        }
    }
    return NULL;
}

static struct statevar *find_var(struct packet *p, const char *name)
{
    for (size_t i = 0; i < p->nvars; i++)
        if (strcmp(p->vars[i].name, name) == 0)
            return &p->vars[i];
    return NULL;
}

static const char *vt_name(enum vtype t)
{
    return t == VT_INT ? "an integer" : t == VT_BOOL ? "a boolean" : t == VT_STR ? "a string"
                                                                            : "invalid";
}

static enum vtype check_expr(struct mplc *c, struct expr *e, enum ectx ctx,
                             struct scope *s, const struct field *owner);

/* Resolves a name in an expression. */
static enum vtype check_name(struct mplc *c, struct expr *e, enum ectx ctx, struct scope *s,
                             const struct field *owner)
{
    struct constdef *k = find_const(c, e->str);
    if (k) {
        e->cst = k;
        return VT_INT;
    }
    if (ctx == CTX_GUARD) {
        e->sv = find_var(s->pkt, e->str);
        if (e->sv)
            return e->sv->is_bool ? VT_BOOL : VT_INT;
        mplc_error(c, e->loc, "unknown state variable '%s' (a guard may use only the "
                   "packet's state variables)", e->str);
        return VT_ERR;
    }
    if (ctx == CTX_LITERAL) {
        mplc_error(c, e->loc, "'%s' is not a constant", e->str);
        return VT_ERR;
    }
    struct field *f = find_in(s->earlier, s->nearlier, e->str);
    if (!f && ctx == CTX_VALUE)
        f = find_in_items(s->level, e->str);
    if (!f) {
        struct field *later = find_anywhere(&s->pkt->items, e->str);
        if (later && ctx == CTX_SIZE && later->loc.line > 0 &&
            (later->loc.line > owner->loc.line ||
             (later->loc.line == owner->loc.line && later->loc.col >= owner->loc.col)))
            mplc_error(c, e->loc, "the size of '%s' uses '%s', which comes later",
                       owner->name, e->str);
        else if (find_var(s->pkt, e->str))
            mplc_error(c, e->loc, "state variable '%s' can only be used in a guard", e->str);
        else
            mplc_error(c, e->loc, "unknown name '%s'", e->str);
        return VT_ERR;
    }
    e->field = f;
    if (f == owner) {
        mplc_error(c, e->loc, "'%s' refers to itself", e->str);
        return VT_ERR;
    }
    if (f->type == T_BOOL)
        return VT_BOOL;
    if (!type_is_int(f->type)) {
        mplc_error(c, e->loc, "'%s' is not an integer field (use sizeof(%s) for its length)",
                   e->str, e->str);
        return VT_ERR;
    }
    return VT_INT;
}

static enum vtype check_expr(struct mplc *c, struct expr *e, enum ectx ctx,
                             struct scope *s, const struct field *owner)
{
    switch (e->kind) {
    case E_INT:
        return VT_INT;
    case E_BOOL:
        return VT_BOOL;
    case E_STR:
        return VT_STR;
    case E_NAME:
        return check_name(c, e, ctx, s, owner);
    case E_SIZEOF: {
        if (ctx != CTX_VALUE) {
            mplc_error(c, e->loc, "sizeof can only be used in value()");
            return VT_ERR;
        }
        struct field *f = find_in(s->earlier, s->nearlier, e->str);
        if (!f)
            f = find_in_items(s->level, e->str);
        if (!f) {
            mplc_error(c, e->loc, "unknown field '%s' in sizeof", e->str);
            return VT_ERR;
        }
        if (!type_is_view(f->type)) {
            mplc_error(c, e->loc, "sizeof needs a string, mpint, name-list or byte[] field");
            return VT_ERR;
        }
        e->field = f;
        return VT_INT;
    }
    case E_NOT:
        if (check_expr(c, e->a, ctx, s, owner) != VT_BOOL) {
            mplc_error(c, e->loc, "'!' needs a boolean");
            return VT_ERR;
        }
        return VT_BOOL;
    case E_NEG:
        mplc_error(c, e->loc, "negative numbers are not allowed");
        return VT_ERR;
    case E_BINARY: {
        enum vtype a = check_expr(c, e->a, ctx, s, owner);
        enum vtype b = check_expr(c, e->b, ctx, s, owner);
        if (a == VT_ERR || b == VT_ERR)
            return VT_ERR;
        switch (e->op) {
        case TK_AND:
        case TK_OR:
            if (a != VT_BOOL || b != VT_BOOL) {
                mplc_error(c, e->loc, "%s needs booleans", tok_name(e->op));
                return VT_ERR;
            }
            return VT_BOOL;
        case TK_EQ:
        case TK_NE:
            if (a != b || a == VT_STR) {
                mplc_error(c, e->loc, "cannot compare %s with %s", vt_name(a), vt_name(b));
                return VT_ERR;
            }
            return VT_BOOL;
        case TK_LT: case TK_LE: case TK_GT: case TK_GE:
            if (a != VT_INT || b != VT_INT) {
                mplc_error(c, e->loc, "%s needs integers", tok_name(e->op));
                return VT_ERR;
            }
            return VT_BOOL;
        default:
            if (a != VT_INT || b != VT_INT) {
                mplc_error(c, e->loc, "%s needs integers, not %s and %s", tok_name(e->op),
                           vt_name(a), vt_name(b));
                return VT_ERR;
            }
            return VT_INT;
        }
    }
    }
    return VT_ERR;
}

/* Evaluates a literal expression (numbers and constants only). */
static bool const_value(const struct expr *e, uint64_t *out)
{
    switch (e->kind) {
    case E_INT:
    case E_BOOL:
        *out = e->ival;
        return true;
    case E_NAME:
        if (!e->cst)
            return false;
        *out = e->cst->value;
        return true;
    case E_BINARY: {
        uint64_t a, b;
        if (!const_value(e->a, &a) || !const_value(e->b, &b))
            return false;
        switch (e->op) {
        case TK_PLUS: *out = a + b; return true;
        case TK_MINUS: *out = a - b; return true;
        case TK_STAR: *out = a * b; return true;
        case TK_SLASH: if (!b) return false; *out = a / b; return true;
        default: return false;
        }
    }
    default:
        return false;
    }
}

static bool is_c_keyword(const char *s)
{
    static const char *const kw[] = {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
        "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
        "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
        "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool",
        "true", "false", "kind", "u",
    };
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strcmp(s, kw[i]) == 0)
            return true;
    return false;
}

static uint64_t type_max(enum type_kind t)
{
    return t == T_BYTE ? 0xff : t == T_U32 ? 0xffffffffu : UINT64_MAX;
}

static void check_packet(struct mplc *c, struct packet *p);

/* A field that gives a byte[] its size must be derivable when packing. */
static void mark_lengths(struct expr *e)
{
    if (e->kind == E_NAME && e->field)
        e->field->is_length = true;
    if (e->a)
        mark_lengths(e->a);
    if (e->b)
        mark_lengths(e->b);
}

static void check_field(struct mplc *c, struct field *f, struct scope *s)
{
    if (is_c_keyword(f->name) || strchr(f->name, '-'))
        mplc_error(c, f->loc, "'%s' cannot be a field name (it is reserved in C)", f->name);
    if (find_in(s->earlier, s->nearlier, f->name))
        mplc_error(c, f->loc, "field '%s' is already defined", f->name);

    if (f->type == T_PACKET || f->type == T_ARRAY) {
        f->pkt = mplc_find_packet(c, f->pkt_name);
        if (!f->pkt) {
            mplc_error(c, f->pkt_loc, "unknown type '%s'", f->pkt_name);
        } else if (f->pkt == s->pkt || f->pkt->checking) {
            mplc_error(c, f->pkt_loc, "packet '%s' contains itself", f->pkt_name);
            f->pkt = NULL;
        } else {
            check_packet(c, f->pkt);
            if (f->pkt->nvars)
                mplc_error(c, f->pkt_loc, "packet '%s' has state variables and cannot be "
                           "embedded", f->pkt_name);
            if (f->pkt->message)
                mplc_error(c, f->pkt_loc, "message packet '%s' cannot be embedded",
                           f->pkt_name);
            if (f->type == T_ARRAY && f->pkt->checked && f->pkt->min_size == 0)
                mplc_error(c, f->pkt_loc, "'%s' can be empty, so it cannot be repeated",
                           f->pkt_name);
            if (f->type == T_ARRAY && f->pkt->may_rest)
                mplc_error(c, f->pkt_loc, "'%s' can end with a [*] field, so it cannot be "
                           "repeated", f->pkt_name);
        }
    }
    if (f->size && check_expr(c, f->size, CTX_SIZE, s, f) == VT_BOOL)
        mplc_error(c, f->size->loc, "a size must be an integer");
    if (f->size && f->type == T_BYTES)
        mark_lengths(f->size);

    bool is_int = type_is_int(f->type);
    if (f->const_e) {
        enum vtype t = check_expr(c, f->const_e, CTX_LITERAL, s, f);
        uint64_t v;
        if (is_int && t != VT_INT)
            mplc_error(c, f->const_e->loc, "const of an integer field must be an integer");
        else if (is_int && const_value(f->const_e, &v) && v > type_max(f->type))
            mplc_error(c, f->const_e->loc, "const %llu does not fit in the field",
                       (unsigned long long)v);
        else if (f->type == T_BOOL && t != VT_BOOL)
            mplc_error(c, f->const_e->loc, "const of a boolean must be true or false");
        else if ((f->type == T_STRING || f->type == T_BYTES) && t != VT_STR)
            mplc_error(c, f->const_e->loc, "const of a string must be a string");
        else if (!is_int && f->type != T_BOOL && f->type != T_STRING && f->type != T_BYTES)
            mplc_error(c, f->const_e->loc, "this type cannot have a const");
        if (f->type == T_BYTES && t == VT_STR && f->size && const_value(f->size, &v) &&
            v != f->const_e->slen)
            mplc_error(c, f->const_e->loc, "const is %zu bytes but the field is %llu",
                       f->const_e->slen, (unsigned long long)v);
    }
    if (f->value_e) {
        if (!is_int)
            mplc_error(c, f->value_e->loc, "value() needs an integer field");
        else if (check_expr(c, f->value_e, CTX_VALUE, s, f) != VT_INT)
            mplc_error(c, f->value_e->loc, "value() must be an integer");
        if (f->const_e)
            mplc_error(c, f->value_e->loc, "a field cannot have both const and value");
    }
    if (f->default_e) {
        enum vtype t = check_expr(c, f->default_e, CTX_LITERAL, s, f);
        if ((is_int && t != VT_INT) || (f->type == T_BOOL && t != VT_BOOL) ||
            (!is_int && f->type != T_BOOL))
            mplc_error(c, f->default_e->loc, "default() must be a literal of the field's type "
                       "(integers and booleans only)");
    }
    struct expr *limits[2] = { f->min_e, f->max_e };
    for (int i = 0; i < 2; i++) {
        if (!limits[i])
            continue;
        if (check_expr(c, limits[i], CTX_LITERAL, s, f) != VT_INT)
            mplc_error(c, limits[i]->loc, "%s() must be an integer", i ? "max" : "min");
        else if (f->type == T_BOOL || f->type == T_PACKET || f->type == T_ARRAY)
            mplc_error(c, limits[i]->loc, "this type cannot have %s()", i ? "max" : "min");
    }
    if (f->is_signed && f->type != T_MPINT)
        mplc_error(c, f->loc, "only an mpint can be signed");
}

static void check_items(struct mplc *c, struct items *items, struct scope *outer);

static enum vtype field_vtype(const struct field *f)
{
    if (type_is_int(f->type))
        return VT_INT;
    return f->type == T_BOOL ? VT_BOOL : f->type == T_STRING ? VT_STR : VT_ERR;
}

static void check_classify(struct mplc *c, struct classify *cl, struct scope *s)
{
    cl->field = find_in(s->earlier, s->nearlier, cl->field_name);
    if (!cl->field) {
        struct field *later = find_in_items(s->level, cl->field_name);
        mplc_error(c, cl->loc, later ? "classify on '%s', which comes after it"
                                     : "classify on unknown field '%s'", cl->field_name);
        return;
    }
    enum vtype ft = field_vtype(cl->field);
    if (ft == VT_ERR) {
        mplc_error(c, cl->loc, "cannot classify on '%s': only integers, booleans and "
                   "string32 can be classified", cl->field_name);
        return;
    }
    for (size_t i = 0; i < cl->narms; i++) {
        struct arm *a = cl->arms[i];
        if (a->match_e) {
            if (check_expr(c, a->match_e, CTX_LITERAL, s, cl->field) == VT_INT)
                a->lo = a->match_e->cst->value;
        }
        enum vtype mt = a->mkind == M_STR ? VT_STR : a->mkind == M_BOOL ? VT_BOOL
                      : a->mkind == M_DEFAULT ? ft : VT_INT;
        if (mt != ft)
            mplc_error(c, a->loc, "'%s' is %s but this variant matches %s", cl->field_name,
                       vt_name(ft), vt_name(mt));
        else if (mt == VT_INT && (a->lo > type_max(cl->field->type) ||
                                  (a->mkind == M_RANGE && a->hi > type_max(cl->field->type))))
            mplc_error(c, a->loc, "match value does not fit in '%s'", cl->field_name);
        else if (a->mkind == M_RANGE && a->hi < a->lo)
            mplc_error(c, a->loc, "empty range");
        if (a->mkind == M_DEFAULT && i + 1 != cl->narms)
            mplc_error(c, a->loc, "default must be the last variant");
        if (a->guard) {
            struct scope gs = *s;
            enum vtype gt = check_expr(c, a->guard, CTX_GUARD, &gs, cl->field);
            if (gt != VT_BOOL && gt != VT_ERR)
                mplc_error(c, a->guard->loc, "a guard must be a boolean");
        }
        if (a->label) {
            bool ok = a->label[0] != 0 && (a->label[0] < '0' || a->label[0] > '9');
            for (const char *p = a->label; *p; p++)
                ok &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9') || *p == '_';
            if (!ok)
                mplc_error(c, a->label_loc, "label \"%s\" must be letters, digits and '_'",
                           a->label);
        }
        /* the same match twice, neither guarded: the second can never be chosen */
        for (size_t j = 0; j < i; j++) {
            struct arm *b = cl->arms[j];
            if (a->guard || b->guard || a->mkind != b->mkind || a->mkind == M_DEFAULT)
                continue;
            bool same = a->mkind == M_STR ? a->slen == b->slen && !memcmp(a->str, b->str, a->slen)
                      : a->mkind == M_BOOL ? a->bval == b->bval
                      : a->mkind == M_INT ? a->lo == b->lo
                      : !(a->hi < b->lo || b->hi < a->lo);
            if (same)
                mplc_error(c, a->loc, "this match is already handled by an earlier variant");
        }
        check_items(c, &a->body, s);
    }
}

static void check_items(struct mplc *c, struct items *items, struct scope *outer)
{
    struct scope s = *outer;
    s.level = items;
    /* the scope grows as fields are checked: copy the outer list first */
    s.earlier = mplc_alloc(c, (outer->nearlier + items->n + 1) * sizeof *s.earlier);
    if (outer->nearlier)
        memcpy(s.earlier, outer->earlier, outer->nearlier * sizeof *s.earlier);
    bool seen_classify = false;
    for (size_t i = 0; i < items->n; i++) {
        if (items->v[i].classify) {
            if (seen_classify)
                mplc_error(c, items->v[i].classify->loc,
                           "only one classify per level: nest it inside a variant instead");
            seen_classify = true;
            check_classify(c, items->v[i].classify, &s);
        } else {
            check_field(c, items->v[i].field, &s);
            s.earlier[s.nearlier++] = items->v[i].field;
        }
    }
}

/* A variant under construction. */
struct partial {
    struct arm **path;
    size_t depth;
    struct field **seq;
    size_t nseq;
};

static void seq_push(struct mplc *c, struct partial *p, struct field *f)
{
    p->seq = mplc_grow(c, p->seq, p->nseq, sizeof *p->seq);
    p->seq[p->nseq++] = f;
}

/* Every variant of an item list: the fields before the classify, each arm's variants,
 * the fields after it. */
static struct partial *variants(struct mplc *c, const struct items *items, size_t *count)
{
    size_t ci = items->n;
    for (size_t i = 0; i < items->n; i++)
        if (items->v[i].classify) {
            ci = i;
            break;
        }
    struct partial *out = NULL;
    size_t n = 0;
    struct classify *cl = ci < items->n ? items->v[ci].classify : NULL;
    size_t narms = cl ? cl->narms : 1;
    for (size_t a = 0; a < narms; a++) {
        struct partial *subs = NULL;
        size_t nsubs = 1;
        if (cl)
            subs = variants(c, &cl->arms[a]->body, &nsubs);
        for (size_t k = 0; k < nsubs; k++) {
            struct partial p = { 0 };
            for (size_t i = 0; i < ci; i++)
                seq_push(c, &p, items->v[i].field);
            if (cl) {
                p.path = mplc_alloc(c, (subs[k].depth + 1) * sizeof *p.path);
                p.path[0] = cl->arms[a];
                if (subs[k].depth)
                    memcpy(p.path + 1, subs[k].path, subs[k].depth * sizeof *p.path);
                p.depth = subs[k].depth + 1;
                for (size_t i = 0; i < subs[k].nseq; i++)
                    seq_push(c, &p, subs[k].seq[i]);
            }
            for (size_t i = ci + 1; i < items->n; i++)
                if (items->v[i].field)
                    seq_push(c, &p, items->v[i].field);
            out = mplc_grow(c, out, n, sizeof *out);
            out[n++] = p;
        }
    }
    *count = n;
    return out;
}

static size_t field_min_size(const struct field *f)
{
    uint64_t v;
    switch (f->type) {
    case T_BYTE: case T_BOOL: return 1;
    case T_U32: case T_STRING: case T_MPINT: case T_NAMELIST: return 4;
    case T_U64: return 8;
    case T_BYTES: return f->size && const_value(f->size, &v) ? (size_t)v : 0;
    case T_PACKET: return f->pkt ? f->pkt->min_size : 0;
    case T_ARRAY: return 0;
    }
    return 0;
}

static void build_leaves(struct mplc *c, struct packet *p)
{
    for (size_t i = 0; i < p->items.n; i++) {
        if (p->items.v[i].classify)
            p->has_classify = true;
        else {
            p->items.v[i].field->top = true;
            p->top = mplc_grow(c, p->top, p->ntop, sizeof *p->top);
            p->top[p->ntop++] = p->items.v[i].field;
        }
    }
    size_t n;
    struct partial *parts = variants(c, &p->items, &n);
    p->leaves = mplc_alloc(c, n * sizeof *p->leaves);
    p->nleaves = n;
    p->min_size = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        struct leaf *l = &p->leaves[i];
        l->path = parts[i].path;
        l->depth = parts[i].depth;
        l->seq = parts[i].seq;
        l->nseq = parts[i].nseq;
        char *label = mplc_alloc(c, 1);
        struct loc at = p->loc;
        for (size_t d = 0; d < l->depth; d++) {
            if (!l->path[d]->label)
                continue;
            label = mplc_printf(c, "%s%s%s", label, *label ? "_" : "", l->path[d]->label);
            at = l->path[d]->label_loc;
        }
        l->label = label;
        if (p->has_classify && !*label)
            mplc_error(c, l->depth ? l->path[l->depth - 1]->loc : p->loc,
                       "this variant has no label: give it one with :\"Label\"");
        for (size_t j = 0; j < i && *label; j++)
            if (strcmp(p->leaves[j].label, label) == 0)
                mplc_error(c, at, "duplicate label \"%s\"", label);
        size_t size = 0;
        for (size_t k = 0; k < l->nseq; k++) {
            struct field *f = l->seq[k];
            size += field_min_size(f);
            if (!f->top) {
                l->fields = mplc_grow(c, l->fields, l->nfields, sizeof *l->fields);
                l->fields[l->nfields++] = f;
            }
            for (size_t m = 0; m < k; m++)
                if (strcmp(l->seq[m]->name, f->name) == 0 && l->seq[m] != f)
                    mplc_error(c, f->loc, "field '%s' is already defined in variant \"%s\"",
                               f->name, label);
            bool rest = f->size_rest || (f->type == T_PACKET && f->pkt && f->pkt->may_rest);
            if (rest && k + 1 != l->nseq)
                mplc_error(c, l->seq[k + 1]->loc, "'%s' takes the rest of the input, so "
                           "nothing can follow it", f->name);
            if (rest)
                l->has_rest = p->may_rest = true;
            if (f->is_length && !f->value_e)
                mplc_error(c, f->loc, "'%s' is a length: it needs value(...) so that it can "
                           "be computed when packing", f->name);
        }
        if (size < p->min_size)
            p->min_size = size;
    }
}

static void check_packet(struct mplc *c, struct packet *p)
{
    if (p->checked || p->checking)
        return;
    p->checking = true;
    for (size_t i = 0; i < p->nvars; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->vars[i].name, p->vars[j].name) == 0)
                mplc_error(c, p->vars[i].loc, "state variable '%s' is already defined",
                           p->vars[i].name);
        if (is_c_keyword(p->vars[i].name))
            mplc_error(c, p->vars[i].loc, "'%s' is reserved in C", p->vars[i].name);
    }
    struct scope s = { .pkt = p, .level = &p->items };
    check_items(c, &p->items, &s);
    build_leaves(c, p);
    if (p->message && !p->has_classify)
        mplc_error(c, p->loc, "a message packet needs a classify: its labels are the "
                   "statecalls");
    p->checking = false;
    p->checked = true;
}

int mplc_check(struct mplc *c)
{
    for (size_t i = 0; i < c->nconsts; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->consts[i]->name, c->consts[j]->name) == 0)
                mplc_error(c, c->consts[i]->loc, "constant '%s' is already defined",
                           c->consts[i]->name);
    for (size_t i = 0; i < c->npackets; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->packets[i]->name, c->packets[j]->name) == 0)
                mplc_error(c, c->packets[i]->loc, "packet '%s' is already defined",
                           c->packets[i]->name);
        if (is_c_keyword(c->packets[i]->name) || strchr(c->packets[i]->name, '-'))
            mplc_error(c, c->packets[i]->loc, "'%s' cannot be a packet name",
                       c->packets[i]->name);
    }
    if (c->errors)
        return -EINVAL;
    for (size_t i = 0; i < c->npackets; i++)
        check_packet(c, c->packets[i]);
    /* statecall names must be unique across every message packet of the file */
    for (size_t i = 0; i < c->npackets; i++)
        for (size_t j = 0; j < i; j++) {
            struct packet *a = c->packets[i], *b = c->packets[j];
            if (!a->message || !b->message)
                continue;
            for (size_t x = 0; x < a->nleaves; x++)
                for (size_t y = 0; y < b->nleaves; y++)
                    if (strcmp(a->leaves[x].label, b->leaves[y].label) == 0)
                        mplc_error(c, a->loc, "label \"%s\" is also a label of '%s'",
                                   a->leaves[x].label, b->name);
        }
    return c->errors ? -EINVAL : 0;
}
