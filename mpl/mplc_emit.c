/* The C emitter: NAME.h, NAME.c and NAME.statecalls from the checked declarations.
 *
 * Per packet P the generated code has: a struct of zero-copy views (one struct per
 * variant, in a union); P_classify (payload and state variables -> variant);
 * P_read / P_unpack (every check, the failing field named in struct mpl_error);
 * P_pack (value and const fields computed, not taken from the struct); P_init,
 * P_equal, P_format (secrets elided), P_sample (test support). Each variant gets
 * straight-line code so that the output reads like the declaration. */
#include "mpl/mplc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* How an expression names fields: struct members (top-level ones through `out`,
 * variant ones through `v`) or the classifier's locals (f_NAME). */
struct access {
    const char *top;        /* "out->", "in->", "m->", "f_" */
    const char *leaf;       /* "v->", "f_" */
};

static const struct access LOCALS = { "f_", "f_" };

static void emit_expr(FILE *o, const struct expr *e, const struct access *ac);

static void emit_string_literal(FILE *o, const char *s, size_t n)
{
    fputc('"', o);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\' || ch == '?')
            fprintf(o, "\\%c", ch);
        else if (ch >= 0x20 && ch < 0x7f)
            fputc(ch, o);
        else
            fprintf(o, "\\%03o", ch);     /* octal: never swallows a following digit */
    }
    fputc('"', o);
}

static const char *field_prefix(const struct field *f, const struct access *ac)
{
    return f->top ? ac->top : ac->leaf;
}

static const char *op_text(enum tok op)
{
    switch (op) {
    case TK_PLUS: return "+";
    case TK_MINUS: return "-";
    case TK_STAR: return "*";
    case TK_EQ: return "==";
    case TK_NE: return "!=";
    case TK_LT: return "<";
    case TK_LE: return "<=";
    case TK_GT: return ">";
    case TK_GE: return ">=";
    case TK_AND: return "&&";
    case TK_OR: return "||";
    default: return "?";
    }
}

static void emit_expr(FILE *o, const struct expr *e, const struct access *ac)
{
    switch (e->kind) {
    case E_INT:
        fprintf(o, "UINT64_C(%llu)", (unsigned long long)e->ival);
        break;
    case E_BOOL:
        fputs(e->ival ? "true" : "false", o);
        break;
    case E_STR:
        fprintf(o, "MPL_LIT(");
        emit_string_literal(o, e->str, e->slen);
        fputc(')', o);
        break;
    case E_NAME:
        if (e->cst)
            fprintf(o, "UINT64_C(%llu)", (unsigned long long)e->cst->value);
        else if (e->sv)
            fprintf(o, "st->%s", e->sv->name);
        else if (e->field && e->field->type == T_BOOL)
            fprintf(o, "%s%s", field_prefix(e->field, ac), e->field->name);
        else
            fprintf(o, "(uint64_t)%s%s", field_prefix(e->field, ac), e->field->name);
        break;
    case E_SIZEOF:
        fprintf(o, "(uint64_t)%s%s.len", field_prefix(e->field, ac), e->field->name);
        break;
    case E_NOT:
        fputs("!", o);
        emit_expr(o, e->a, ac);
        break;
    case E_NEG:
        break;
    case E_BINARY:
        if (e->op == TK_SLASH) {
            fputs("mpl_div(", o);
            emit_expr(o, e->a, ac);
            fputs(", ", o);
            emit_expr(o, e->b, ac);
            fputs(")", o);
            break;
        }
        fputc('(', o);
        emit_expr(o, e->a, ac);
        fprintf(o, " %s ", op_text(e->op));
        emit_expr(o, e->b, ac);
        fputc(')', o);
        break;
    }
}

static const char *c_type(const struct field *f)
{
    switch (f->type) {
    case T_BYTE: return "uint8_t";
    case T_BOOL: return "bool";
    case T_U32: return "uint32_t";
    case T_U64: return "uint64_t";
    default: return "struct mpl_bytes";
    }
}

static const char *mpl_type_name(const struct field *f)
{
    switch (f->type) {
    case T_BYTE: return "byte";
    case T_BOOL: return "boolean";
    case T_U32: return "uint32";
    case T_U64: return "uint64";
    case T_STRING: return "string32";
    case T_MPINT: return "mpint";
    case T_NAMELIST: return "name-list";
    case T_BYTES: return "byte[]";
    case T_PACKET: return f->pkt_name;
    case T_ARRAY: return "array";
    }
    return "?";
}

static uint64_t int_type_max(enum type_kind t)
{
    return t == T_BYTE ? 0xff : t == T_U32 ? 0xffffffffu : UINT64_MAX;
}

/* A one-line description of a field for the comment above its code. */
static void emit_field_comment(FILE *o, const char *ind, const struct field *f)
{
    fprintf(o, "%s/* %s: %s", ind, f->name, mpl_type_name(f));
    if (f->type == T_BYTES || f->type == T_ARRAY)
        fprintf(o, "%s%s", f->type == T_ARRAY ? " of " : "", f->type == T_ARRAY ? f->pkt_name : "");
    if (f->size_rest)
        fputs(", the rest of the input", o);
    if (f->const_e)
        fputs(", constant", o);
    if (f->value_e)
        fputs(", computed when packing", o);
    if (f->min_e || f->max_e)
        fputs(", bounded", o);
    if (f->secret)
        fputs(", secret", o);
    fputs(" */\n", o);
}

static void emit_struct_member(FILE *o, const char *ind, const struct field *f)
{
    if (f->type == T_PACKET)
        fprintf(o, "%sstruct %s %s;", ind, f->pkt->name, f->name);
    else
        fprintf(o, "%s%s %s;", ind, c_type(f), f->name);
    fprintf(o, "%*s/* %s%s%s */\n", (int)(28 > strlen(f->name) + strlen(c_type(f)) ?
                                          28 - strlen(f->name) - strlen(c_type(f)) : 1), "",
            mpl_type_name(f), f->type == T_ARRAY ? " of " : "",
            f->type == T_ARRAY ? f->pkt_name : "");
}

/* ---- names ---- */

static bool has_state(const struct packet *p)
{
    return p->nvars > 0;
}

/* ", const struct P_state *st" or "" */
static void state_param(FILE *o, const struct packet *p)
{
    if (has_state(p))
        fprintf(o, ", const struct %s_state *st", p->name);
}

static void state_arg(FILE *o, const struct packet *p)
{
    if (has_state(p))
        fputs(", st", o);
}

static const char *upper(struct mplc *c, const char *s)
{
    char *u = mplc_strdup(c, s, strlen(s));
    for (char *p = u; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
        else if (*p == '-' || *p == '.')
            *p = '_';
    return u;
}

static const char *field_path(struct mplc *c, const struct packet *p, const struct leaf *l,
                              const struct field *f)
{
    if (f->top || !l->label[0])
        return mplc_printf(c, "%s.%s", p->name, f->name);
    return mplc_printf(c, "%s.%s.%s", p->name, l->label, f->name);
}

/* The arm of this variant that classifies on f, if f is a discriminator on its path. */
static const struct arm *discriminated(const struct leaf *l, const struct field *f)
{
    for (size_t d = 0; d < l->depth; d++)
        if (l->path[d]->cl->field == f)
            return l->path[d];
    return NULL;
}

/* ---- reading a field (unpack and classify share this) ---- */

static void emit_read_call(FILE *o, const struct field *f, const char *lv,
                           const struct access *ac)
{
    switch (f->type) {
    case T_BYTE: fprintf(o, "mpl_read_u8(r, &%s)", lv); break;
    case T_BOOL: fprintf(o, "mpl_read_bool(r, &%s)", lv); break;
    case T_U32: fprintf(o, "mpl_read_u32(r, &%s)", lv); break;
    case T_U64: fprintf(o, "mpl_read_u64(r, &%s)", lv); break;
    case T_STRING: fprintf(o, "mpl_read_string(r, &%s)", lv); break;
    case T_MPINT: fprintf(o, "mpl_read_mpint(r, %s, &%s)", f->is_signed ? "true" : "false", lv);
        break;
    case T_NAMELIST: fprintf(o, "mpl_read_namelist(r, &%s)", lv); break;
    case T_BYTES:
        if (f->size_rest) {
            fprintf(o, "mpl_read_fixed(r, mpl_reader_left(r), &%s)", lv);
        } else {
            fputs("mpl_read_fixed(r, (size_t)", o);
            emit_expr(o, f->size, ac);
            fprintf(o, ", &%s)", lv);
        }
        break;
    case T_PACKET: fprintf(o, "%s_read(r, &%s, err)", f->pkt->name, lv); break;
    case T_ARRAY:
        fprintf(o, "%s_read_array(r, ", f->pkt->name);
        if (f->size_rest)
            fputs("MPL_ARRAY_REST", o);
        else
            emit_expr(o, f->size, ac);
        fprintf(o, ", &%s, err)", lv);
        break;
    }
}

/* The checks after a successful read: const, min, max. */
static void emit_read_checks(FILE *o, const char *ind, const struct field *f, const char *lv)
{
    static const struct access none = { "", "" };
    bool view = type_is_view(f->type);
    if (f->const_e) {
        fprintf(o, "%sif (rc == 0 && !", ind);
        if (view) {
            fprintf(o, "mpl_bytes_eq(%s, ", lv);
            emit_expr(o, f->const_e, &none);
            fputs(")", o);
        } else {
            fprintf(o, "(%s == ", lv);
            emit_expr(o, f->const_e, &none);
            fputs(")", o);
        }
        fprintf(o, ")\n%s    rc = -EBADMSG;\n", ind);
    }
    if (f->min_e) {
        fprintf(o, "%sif (rc == 0 && %s%s < ", ind, lv, view ? ".len" : "");
        emit_expr(o, f->min_e, &none);
        fprintf(o, ")\n%s    rc = -ERANGE;\n", ind);
    }
    if (f->max_e) {
        fprintf(o, "%sif (rc == 0 && %s%s > ", ind, lv, view ? ".len" : "");
        emit_expr(o, f->max_e, &none);
        fprintf(o, ")\n%s    rc = -ERANGE;\n", ind);
    }
}

static void emit_read_field(FILE *o, const char *ind, const struct field *f, const char *lv,
                            const char *path, const struct access *ac)
{
    emit_field_comment(o, ind, f);
    if (f->type == T_PACKET || f->type == T_ARRAY) {
        /* the embedded packet names its own failing field */
        fprintf(o, "%sif ((rc = ", ind);
        emit_read_call(o, f, lv, ac);
        fprintf(o, ") < 0)\n%s    return rc;\n", ind);
        return;
    }
    fprintf(o, "%sat = mpl_reader_offset(r);\n%src = ", ind, ind);
    emit_read_call(o, f, lv, ac);
    fputs(";\n", o);
    emit_read_checks(o, ind, f, lv);
    fprintf(o, "%sif (rc < 0)\n%s    return mpl_fail(err, rc, \"%s\", at);\n", ind, ind, path);
}

/* ---- the classifier ---- */

static void emit_match_cond(FILE *o, const struct arm *a, const char *lv)
{
    switch (a->mkind) {
    case M_INT:
        fprintf(o, "%s == %llu", lv, (unsigned long long)a->lo);
        break;
    case M_RANGE:
        fprintf(o, "%s >= %llu && %s <= %llu", lv, (unsigned long long)a->lo, lv,
                (unsigned long long)a->hi);
        break;
    case M_BOOL:
        fprintf(o, "%s%s", a->bval ? "" : "!", lv);
        break;
    case M_STR:
        fprintf(o, "mpl_bytes_eq(%s, MPL_LIT(", lv);
        emit_string_literal(o, a->str, a->slen);
        fputs("))", o);
        break;
    case M_DEFAULT:
        fputs("true", o);
        break;
    }
}

/* The variant that an arm path leads to (the first leaf under this prefix). */
static const struct leaf *leaf_for(const struct packet *p, struct arm **path, size_t depth)
{
    for (size_t i = 0; i < p->nleaves; i++)
        if (p->leaves[i].depth == depth &&
            (depth == 0 || memcmp(p->leaves[i].path, path, depth * sizeof *path) == 0))
            return &p->leaves[i];
    return NULL;
}

static void emit_classify_items(struct mplc *c, FILE *o, const struct packet *p,
                                const struct items *items, struct arm **path, size_t depth,
                                const char *prefix, int level);

static void emit_classify_items(struct mplc *c, FILE *o, const struct packet *p,
                                const struct items *items, struct arm **path, size_t depth,
                                const char *prefix, int level)
{
    char ind[64];
    snprintf(ind, sizeof ind, "%*s", 4 * level, "");
    size_t ci = items->n;
    for (size_t i = 0; i < items->n; i++)
        if (items->v[i].classify) {
            ci = i;
            break;
        }
    if (ci == items->n) {
        const struct leaf *l = leaf_for(p, path, depth);
        fprintf(o, "%s*kind = %s_%s;\n%sreturn 0;\n", ind, p->name, l->label, ind);
        return;
    }
    /* the fields in front of the classify are read to reach the discriminator */
    for (size_t i = 0; i < ci; i++) {
        const struct field *f = items->v[i].field;
        if (f->type == T_PACKET)
            fprintf(o, "%sstruct %s f_%s;\n", ind, f->pkt->name, f->name);
        else
            fprintf(o, "%s%s f_%s;\n", ind, c_type(f), f->name);
    }
    for (size_t i = 0; i < ci; i++) {
        const struct field *f = items->v[i].field;
        const char *lv = mplc_printf(c, "f_%s", f->name);
        const char *path_s = mplc_printf(c, "%s.%s%s%s", p->name, prefix, prefix[0] ? "." : "",
                                         f->name);
        emit_read_field(o, ind, f, lv, path_s, &LOCALS);
    }
    const struct classify *cl = items->v[ci].classify;
    for (size_t a = 0; a < cl->narms; a++) {
        const struct arm *arm = cl->arms[a];
        if (arm->mkind == M_DEFAULT && !arm->guard) {
            fprintf(o, "%s{\n", ind);
        } else {
            fprintf(o, "%sif (", ind);
            emit_match_cond(o, arm, mplc_printf(c, "f_%s", cl->field->name));
            if (arm->guard) {
                fputs(" && ", o);
                emit_expr(o, arm->guard, &LOCALS);
            }
            fputs(") {\n", o);
        }
        struct arm **sub = mplc_alloc(c, (depth + 1) * sizeof *sub);
        if (depth)
            memcpy(sub, path, depth * sizeof *sub);
        sub[depth] = cl->arms[a];
        /* error paths read "packet.Label_So_Far.field" */
        const char *sublabel = !arm->label ? prefix : !prefix[0] ? arm->label
                             : mplc_printf(c, "%s_%s", prefix, arm->label);
        emit_classify_items(c, o, p, &arm->body, sub, depth + 1, sublabel, level + 1);
        fprintf(o, "%s}\n", ind);
        if (arm->mkind == M_DEFAULT && !arm->guard)
            return;
    }
    fprintf(o, "%sreturn mpl_fail(err, -ENOTSUP, \"%s.%s%s%s\", at);\n", ind, p->name,
            prefix, prefix[0] ? "." : "", cl->field->name);
}

/* ---- reading and writing a whole variant ---- */

static const char *leaf_lvalue(struct mplc *c, const struct field *f, const char *top)
{
    return f->top ? mplc_printf(c, "%s%s", top, f->name) : mplc_printf(c, "v->%s", f->name);
}

static bool leaf_has_struct(const struct leaf *l)
{
    return l->nfields > 0 && l->label[0];
}

static void emit_leaf_read(struct mplc *c, FILE *o, const struct packet *p,
                           const struct leaf *l, const char *fname)
{
    struct access ac = { "out->", "v->" };
    fprintf(o, "static int %s(struct mpl_reader *r, struct %s *out, struct mpl_error *err)\n{\n",
            fname, p->name);
    if (leaf_has_struct(l))
        fprintf(o, "    struct %s_%s *v = &out->u.%s;\n", p->name, l->label, l->label);
    fputs("    size_t at;\n    int rc;\n\n", o);
    for (size_t i = 0; i < l->nseq; i++) {
        const struct field *f = l->seq[i];
        emit_read_field(o, "    ", f, leaf_lvalue(c, f, "out->"), field_path(c, p, l, f), &ac);
    }
    bool any_value = false;
    for (size_t i = 0; i < l->nseq; i++) {
        const struct field *f = l->seq[i];
        if (!f->value_e)
            continue;
        if (!any_value)
            fputs("    /* derived fields must agree with what they describe */\n", o);
        any_value = true;
        fprintf(o, "    if ((uint64_t)%s != ", leaf_lvalue(c, f, "out->"));
        emit_expr(o, f->value_e, &ac);
        fprintf(o, ")\n        return mpl_fail(err, -EBADMSG, \"%s\", mpl_reader_offset(r));\n",
                field_path(c, p, l, f));
    }
    fputs("    (void)at;\n    return 0;\n}\n\n", o);
}

static void emit_write_field(struct mplc *c, FILE *o, const struct packet *p,
                             const struct leaf *l, const struct field *f)
{
    struct access ac = { "in->", "v->" };
    static const struct access none = { "", "" };
    const char *lv = leaf_lvalue(c, f, "in->");
    const char *path = field_path(c, p, l, f);
    const struct arm *disc = discriminated(l, f);
    const char *fail = mplc_printf(c, "return mpl_pack_fail(w, err, -EINVAL, \"%s\");", path);
    const char *wfail = mplc_printf(c, "return mpl_pack_fail(w, err, w->err, \"%s\");", path);
    emit_field_comment(o, "    ", f);
    bool view = type_is_view(f->type);

    /* the value written: the variant's match, a const, a derived value, or the struct */
    if (disc && disc->mkind != M_DEFAULT && disc->mkind != M_RANGE) {
        if (disc->mkind == M_STR) {
            fputs("    if (mpl_write_string(w, ", o);
            emit_string_literal(o, disc->str, disc->slen);
            fprintf(o, ", %zu) < 0)\n        %s\n", disc->slen, wfail);
        } else if (disc->mkind == M_BOOL) {
            fprintf(o, "    if (mpl_write_bool(w, %s) < 0)\n        %s\n",
                    disc->bval ? "true" : "false", wfail);
        } else {
            fprintf(o, "    if (mpl_write_%s(w, %llu) < 0)\n        %s\n",
                    f->type == T_BYTE ? "u8" : f->type == T_U32 ? "u32" : "u64",
                    (unsigned long long)disc->lo, wfail);
        }
        return;
    }
    if (disc && disc->mkind == M_RANGE)
        fprintf(o, "    if (%s < %llu || %s > %llu)\n        %s\n", lv,
                (unsigned long long)disc->lo, lv, (unsigned long long)disc->hi, fail);
    if (f->const_e && (f->type == T_STRING || f->type == T_BYTES)) {
        fprintf(o, "    if (mpl_write_%s(w, ", f->type == T_STRING ? "string" : "fixed");
        emit_string_literal(o, f->const_e->str, f->const_e->slen);
        fprintf(o, ", %zu) < 0)\n        %s\n", f->const_e->slen, wfail);
        return;
    }
    if (f->const_e || f->value_e) {
        const char *fn = f->type == T_BOOL ? "bool" : f->type == T_BYTE ? "u8"
                       : f->type == T_U32 ? "u32" : "u64";
        if (f->value_e) {
            fputs("    {\n        uint64_t derived = ", o);
            emit_expr(o, f->value_e, &ac);
            fprintf(o, ";\n        if (derived > UINT64_C(%llu))\n            %s\n",
                    (unsigned long long)int_type_max(f->type),
                    mplc_printf(c, "return mpl_pack_fail(w, err, -ERANGE, \"%s\");", path));
            fprintf(o, "        if (mpl_write_%s(w, (%s)derived) < 0)\n            %s\n    }\n",
                    fn, c_type(f), wfail);
        } else {
            fprintf(o, "    if (mpl_write_%s(w, ", fn);
            emit_expr(o, f->const_e, &none);
            fprintf(o, ") < 0)\n        %s\n", wfail);
        }
        return;
    }
    if (f->min_e) {
        fprintf(o, "    if (%s%s < ", lv, view ? ".len" : "");
        emit_expr(o, f->min_e, &none);
        fprintf(o, ")\n        %s\n", fail);
    }
    if (f->max_e) {
        fprintf(o, "    if (%s%s > ", lv, view ? ".len" : "");
        emit_expr(o, f->max_e, &none);
        fprintf(o, ")\n        %s\n", fail);
    }
    switch (f->type) {
    case T_BYTE: case T_BOOL: case T_U32: case T_U64:
        fprintf(o, "    if (mpl_write_%s(w, %s) < 0)\n        %s\n",
                f->type == T_BYTE ? "u8" : f->type == T_BOOL ? "bool"
                : f->type == T_U32 ? "u32" : "u64", lv, wfail);
        break;
    case T_STRING:
        fprintf(o, "    if (mpl_write_string(w, %s.ptr, %s.len) < 0)\n        %s\n", lv, lv, wfail);
        break;
    case T_MPINT:
        fprintf(o, "    if (mpl_write_mpint(w, %s.ptr, %s.len, %s) < 0)\n        %s\n", lv, lv,
                f->is_signed ? "true" : "false", wfail);
        break;
    case T_NAMELIST:
        fprintf(o, "    if (mpl_write_namelist(w, %s.ptr, %s.len) < 0)\n        %s\n", lv, lv,
                wfail);
        break;
    case T_BYTES:
        if (!f->size_rest) {
            fprintf(o, "    if ((uint64_t)%s.len != ", lv);
            emit_expr(o, f->size, &ac);
            fprintf(o, ")\n        %s\n", fail);
        }
        fprintf(o, "    if (mpl_write_fixed(w, %s.ptr, %s.len) < 0)\n        %s\n", lv, lv, wfail);
        break;
    case T_PACKET:
        fprintf(o, "    if (%s_pack(w, &%s, err) < 0)\n        return w->err;\n", f->pkt->name, lv);
        break;
    case T_ARRAY:
        fprintf(o, "    if (%s_check_array(%s, ", f->pkt->name, lv);
        if (f->size_rest)
            fputs("MPL_ARRAY_REST", o);
        else
            emit_expr(o, f->size, &ac);
        fprintf(o, ", err) < 0)\n        return mpl_pack_fail(w, NULL, -EINVAL, NULL);\n");
        fprintf(o, "    if (mpl_write_fixed(w, %s.ptr, %s.len) < 0)\n        %s\n", lv, lv, wfail);
        break;
    }
}

static void emit_leaf_write(struct mplc *c, FILE *o, const struct packet *p,
                            const struct leaf *l, const char *fname)
{
    fprintf(o, "static int %s(struct mpl_writer *w, const struct %s *in, "
            "struct mpl_error *err)\n{\n", fname, p->name);
    if (leaf_has_struct(l))
        fprintf(o, "    const struct %s_%s *v = &in->u.%s;\n\n", p->name, l->label, l->label);
    for (size_t i = 0; i < l->nseq; i++)
        emit_write_field(c, o, p, l, l->seq[i]);
    fputs("    return 0;\n}\n\n", o);
}

/* ---- init, equal, format, sample ---- */

static void emit_init_field(struct mplc *c, FILE *o, const char *ind, const struct leaf *l,
                            const struct field *f, const char *top)
{
    static const struct access none = { "", "" };
    const char *lv = leaf_lvalue(c, f, top);
    const struct arm *disc = discriminated(l, f);
    if (disc && disc->mkind == M_STR) {
        fprintf(o, "%s%s = MPL_LIT(", ind, lv);
        emit_string_literal(o, disc->str, disc->slen);
        fputs(");\n", o);
    } else if (disc && disc->mkind == M_BOOL) {
        fprintf(o, "%s%s = %s;\n", ind, lv, disc->bval ? "true" : "false");
    } else if (disc && (disc->mkind == M_INT || disc->mkind == M_RANGE)) {
        fprintf(o, "%s%s = %llu;\n", ind, lv, (unsigned long long)disc->lo);
    } else if (f->const_e || f->default_e) {
        const struct expr *e = f->const_e ? f->const_e : f->default_e;
        fprintf(o, "%s%s = ", ind, lv);
        if (e->kind == E_STR || f->type == T_BOOL) {
            emit_expr(o, e, &none);
        } else {
            fprintf(o, "(%s)", c_type(f));
            emit_expr(o, e, &none);
        }
        fputs(";\n", o);
    } else if (f->type == T_PACKET) {
        fprintf(o, "%s%s_init(&%s%s);\n", ind, f->pkt->name, lv,
                f->pkt->has_classify ? ", 0" : "");
    }
}

static void emit_eq_field(struct mplc *c, FILE *o, const struct field *f, const char *a,
                          const char *b)
{
    if (type_is_view(f->type))
        fprintf(o, "        && mpl_bytes_eq(%s%s, %s%s)\n", a, f->name, b, f->name);
    else if (f->type == T_PACKET)
        fprintf(o, "        && %s_equal(&%s%s, &%s%s)\n", f->pkt->name, a, f->name, b, f->name);
    else
        fprintf(o, "        && %s%s == %s%s\n", a, f->name, b, f->name);
}

static void emit_fmt_field(struct mplc *c, FILE *o, const char *ind, const struct field *f,
                           const char *lv)
{
    if (f->secret && type_is_view(f->type)) {
        fprintf(o, "%smpl_fmt_secret(fmt, indent, \"%s\", %s);\n", ind, f->name, lv);
        return;
    }
    switch (f->type) {
    case T_BYTE: case T_U32: case T_U64:
        fprintf(o, "%smpl_fmt_u64(fmt, indent, \"%s\", %s);\n", ind, f->name, lv);
        break;
    case T_BOOL:
        fprintf(o, "%smpl_fmt_bool(fmt, indent, \"%s\", %s);\n", ind, f->name, lv);
        break;
    case T_STRING: case T_NAMELIST:
        fprintf(o, "%smpl_fmt_bytes(fmt, indent, \"%s\", %s);\n", ind, f->name, lv);
        break;
    case T_MPINT: case T_BYTES:
        fprintf(o, "%smpl_fmt_hex(fmt, indent, \"%s\", %s);\n", ind, f->name, lv);
        break;
    case T_PACKET:
        fprintf(o, "%smpl_fmt_name(fmt, indent, \"%s\");\n", ind, f->name);
        fprintf(o, "%s%s_format_into(&%s, fmt, indent + 1);\n", ind, f->pkt->name, lv);
        break;
    case T_ARRAY:
        fprintf(o, "%s{\n%s    struct mpl_reader ar;\n%s    struct %s elem;\n"
                "%s    mpl_reader_init(&ar, %s.ptr, %s.len);\n"
                "%s    for (uint64_t i = 0; mpl_reader_left(&ar) > 0 && i < 4096; i++) {\n"
                "%s        if (%s_read(&ar, &elem, NULL) < 0)\n%s            break;\n"
                "%s        mpl_fmt_u64(fmt, indent, \"%s[]\", i);\n"
                "%s        %s_format_into(&elem, fmt, indent + 1);\n%s    }\n%s}\n",
                ind, ind, ind, f->pkt->name, ind, lv, lv, ind, ind, f->pkt->name, ind,
                ind, f->name, ind, f->pkt->name, ind, ind);
        break;
    }
}

static bool expr_is_plain_field(const struct expr *e)
{
    return e && e->kind == E_NAME && e->field;
}

static void emit_sample_field(struct mplc *c, FILE *o, const struct packet *p,
                              const struct leaf *l, const struct field *f)
{
    static const struct access none = { "", "" };
    struct access ac = { "m->", "v->" };
    const char *lv = leaf_lvalue(c, f, "m->");
    const struct arm *disc = discriminated(l, f);
    if (disc && disc->mkind == M_DEFAULT) {
        /* a value that none of the other variants of this classify match */
        const struct classify *cl = disc->cl;
        if (f->type == T_STRING) {
            fprintf(o, "    %s = mpl_sample_other_string(s);\n", lv);
        } else {
            fprintf(o, "    do\n        %s = (%s)mpl_sample_u64(s);\n    while (0", lv, c_type(f));
            for (size_t a = 0; a < cl->narms; a++) {
                if (cl->arms[a] == disc)
                    continue;
                fputs("\n           || (", o);
                emit_match_cond(o, cl->arms[a], lv);
                fputs(")", o);
            }
            fputs(");\n", o);
        }
        return;
    }
    if (disc && disc->mkind == M_RANGE) {
        fprintf(o, "    %s = (%s)mpl_sample_range(s, %llu, %llu);\n", lv, c_type(f),
                (unsigned long long)disc->lo, (unsigned long long)disc->hi);
        return;
    }
    if (disc || f->const_e) {
        emit_init_field(c, o, "    ", l, f, "m->");
        return;
    }
    uint64_t lo = 0, hi = UINT64_MAX;
    const char *lo_s = "0", *hi_s = NULL;
    if (f->min_e) {
        char *buf;
        size_t n;
        FILE *m = open_memstream(&buf, &n);
        emit_expr(m, f->min_e, &none);
        fclose(m);
        lo_s = mplc_strdup(c, buf, n);
        free(buf);
    }
    if (f->max_e) {
        char *buf;
        size_t n;
        FILE *m = open_memstream(&buf, &n);
        emit_expr(m, f->max_e, &none);
        fclose(m);
        hi_s = mplc_strdup(c, buf, n);
        free(buf);
    }
    (void)lo;
    (void)hi;
    switch (f->type) {
    case T_BYTE: case T_U32: case T_U64:
        if (f->is_length)
            fprintf(o, "    %s = (%s)mpl_sample_range(s, %s, %s);\n", lv, c_type(f), lo_s,
                    hi_s ? hi_s : "8");
        else
            fprintf(o, "    %s = (%s)mpl_sample_range(s, %s, %s);\n", lv, c_type(f), lo_s,
                    hi_s ? hi_s : mplc_printf(c, "UINT64_C(%llu)",
                                              (unsigned long long)int_type_max(f->type)));
        break;
    case T_BOOL:
        fprintf(o, "    %s = mpl_sample_u64(s) & 1;\n", lv);
        break;
    case T_STRING:
        fprintf(o, "    %s = mpl_sample_string(s, %s, %s);\n", lv, lo_s,
                hi_s ? hi_s : "UINT64_MAX");
        break;
    case T_NAMELIST:
        fprintf(o, "    %s = mpl_sample_namelist(s);\n", lv);
        break;
    case T_MPINT:
        fprintf(o, "    %s = mpl_sample_mpint(s, %s);\n", lv, f->is_signed ? "true" : "false");
        break;
    case T_BYTES:
        if (f->size_rest) {
            fprintf(o, "    %s = mpl_sample_string(s, %s, %s);\n", lv, lo_s, hi_s ? hi_s : "UINT64_MAX");
        } else {
            fprintf(o, "    %s = mpl_sample_bytes(s, (size_t)", lv);
            emit_expr(o, f->size, &ac);
            fputs(");\n", o);
        }
        break;
    case T_PACKET:
        fprintf(o, "    %s_sample(&%s%s, s);\n", f->pkt->name, lv,
                f->pkt->has_classify ? mplc_printf(c, ", (enum %s_kind)mpl_sample_range(s, 0, %zu)",
                                                   f->pkt->name, f->pkt->nleaves - 1) : "");
        break;
    case T_ARRAY: {
        /* a few elements, each a sample packed into the pool; the count field follows */
        fprintf(o, "    {\n        uint64_t count = ");
        if (f->size_rest || expr_is_plain_field(f->size)) {
            const char *max = "3";
            if (!f->size_rest && f->size->field->max_e) {
                char *buf;
                size_t n;
                FILE *m = open_memstream(&buf, &n);
                fputs("(", m);
                emit_expr(m, f->size->field->max_e, &none);
                fputs(" < 3 ? ", m);
                emit_expr(m, f->size->field->max_e, &none);
                fputs(" : 3)", m);
                fclose(m);
                max = mplc_strdup(c, buf, n);
                free(buf);
            }
            fprintf(o, "mpl_sample_range(s, 0, %s);\n", max);
        } else {
            emit_expr(o, f->size, &ac);
            fputs(";\n", o);
        }
        if (!f->size_rest && expr_is_plain_field(f->size))
            fprintf(o, "        %s = (%s)count;\n", leaf_lvalue(c, f->size->field, "m->"),
                    c_type(f->size->field));
        fprintf(o, "        uint8_t packed[4096];\n        struct mpl_writer aw;\n"
                "        struct %s elem;\n        size_t n;\n"
                "        mpl_writer_init(&aw, packed, sizeof packed, 0, 0);\n"
                "        for (uint64_t i = 0; i < count; i++) {\n"
                "            %s_sample(&elem, s%s);\n"
                "            %s_pack(&aw, &elem, NULL);\n        }\n"
                "        if (mpl_writer_finish(&aw, &n) < 0)\n            s->err = aw.err;\n"
                "        %s = mpl_sample_copy(s, packed, n);\n    }\n",
                f->pkt->name, f->pkt->name,
                f->pkt->has_classify ? mplc_printf(c, ", (enum %s_kind)mpl_sample_range(s, 0, %zu)",
                                                   f->pkt->name, f->pkt->nleaves - 1) : "",
                f->pkt->name, lv);
        break;
    }
    }
}

/* ---- per packet ---- */

static const char *leaf_fn(struct mplc *c, const struct packet *p, const struct leaf *l,
                           const char *verb)
{
    return l->label[0] ? mplc_printf(c, "%s_%s_%s", p->name, verb, l->label)
                       : mplc_printf(c, "%s_%s_fields", p->name, verb);
}

static void emit_header_packet(struct mplc *c, FILE *h, const struct packet *p)
{
    fprintf(h, "/* ---- %s%s (%s:%d) ---- */\n\n", p->message ? "message packet " : "packet ",
            p->name, c->path, p->loc.line);
    if (p->has_classify) {
        fprintf(h, "enum %s_kind {\n", p->name);
        for (size_t i = 0; i < p->nleaves; i++)
            fprintf(h, "    %s_%s,\n", p->name, p->leaves[i].label);
        fprintf(h, "};\n#define %s_KIND_COUNT %zu\n\n", upper(c, p->name), p->nleaves);
    }
    if (has_state(p)) {
        fprintf(h, "/* The state that decides what an ambiguous message is. */\nstruct %s_state {\n",
                p->name);
        for (size_t i = 0; i < p->nvars; i++)
            fprintf(h, "    %s %s;\n", p->vars[i].is_bool ? "bool" : "uint64_t", p->vars[i].name);
        fputs("};\n\n", h);
    }
    for (size_t i = 0; i < p->nleaves; i++) {
        const struct leaf *l = &p->leaves[i];
        if (!leaf_has_struct(l))
            continue;
        fprintf(h, "struct %s_%s {\n", p->name, l->label);
        for (size_t k = 0; k < l->nfields; k++)
            emit_struct_member(h, "    ", l->fields[k]);
        fputs("};\n\n", h);
    }
    fprintf(h, "struct %s {\n", p->name);
    if (p->has_classify)
        fprintf(h, "    enum %s_kind kind;\n", p->name);
    for (size_t i = 0; i < p->ntop; i++)
        emit_struct_member(h, "    ", p->top[i]);
    bool any = false;
    for (size_t i = 0; i < p->nleaves; i++)
        any |= leaf_has_struct(&p->leaves[i]);
    if (any) {
        fputs("    union {\n", h);
        for (size_t i = 0; i < p->nleaves; i++)
            if (leaf_has_struct(&p->leaves[i]))
                fprintf(h, "        struct %s_%s %s;\n", p->name, p->leaves[i].label,
                        p->leaves[i].label);
        fputs("    } u;\n", h);
    }
    if (!any && !p->has_classify && p->ntop == 0)
        fputs("    char empty;\n", h);
    fputs("};\n\n", h);

    const char *n = p->name;
    if (p->has_classify) {
        fprintf(h, "int %s_classify(const void *buf, size_t len", n);
        state_param(h, p);
        fprintf(h, ", enum %s_kind *kind,\n    struct mpl_error *err);\n", n);
    }
    fprintf(h, "int %s_read(struct mpl_reader *r", n);
    state_param(h, p);
    fprintf(h, ", struct %s *out, struct mpl_error *err);\n", n);
    fprintf(h, "int %s_unpack(const void *buf, size_t len", n);
    state_param(h, p);
    fprintf(h, ", struct %s *out,\n    struct mpl_error *err);\n", n);
    fprintf(h, "int %s_pack(struct mpl_writer *w, const struct %s *in, struct mpl_error *err);\n",
            n, n);
    if (p->has_classify)
        fprintf(h, "void %s_init(struct %s *m, enum %s_kind kind);\n", n, n, n);
    else
        fprintf(h, "void %s_init(struct %s *m);\n", n, n);
    fprintf(h, "bool %s_equal(const struct %s *a, const struct %s *b);\n", n, n, n);
    fprintf(h, "void %s_format_into(const struct %s *m, struct mpl_fmt *fmt, int indent);\n", n, n);
    fprintf(h, "int %s_format(const struct %s *m, char *buf, size_t cap);\n", n, n);
    if (p->has_classify) {
        fprintf(h, "const char *%s_kind_name(enum %s_kind kind);\n", n, n);
        fprintf(h, "int %s_sample(struct %s *m, enum %s_kind kind, struct mpl_sample *s);\n", n, n, n);
    } else {
        fprintf(h, "int %s_sample(struct %s *m, struct mpl_sample *s);\n", n, n);
    }
    fprintf(h, "bool %s_may_truncate(const struct %s *m);\n", n, n);
    if (has_state(p))
        fprintf(h, "void %s_sample_state(enum %s_kind kind, struct %s_state *st);\n", n, n, n);
    else
        fprintf(h, "int %s_read_array(struct mpl_reader *r, uint64_t count, struct mpl_bytes *out,\n"
                "    struct mpl_error *err);\n"
                "int %s_check_array(struct mpl_bytes raw, uint64_t count, struct mpl_error *err);\n",
                n, n);
    if (p->message)
        fprintf(h, "enum %s_statecall %s_receive_statecall(enum %s_kind kind);\n"
                "enum %s_statecall %s_transmit_statecall(enum %s_kind kind);\n",
                c->stem, n, n, c->stem, n, n);
    fputs("\n", h);
}

/* Solves a guard of the simple forms  var == K,  var,  !var,  a && b. */
static void emit_solve_guard(FILE *o, const struct expr *g)
{
    if (g->kind == E_BINARY && g->op == TK_AND) {
        emit_solve_guard(o, g->a);
        emit_solve_guard(o, g->b);
    } else if (g->kind == E_BINARY && g->op == TK_EQ && g->a->kind == E_NAME && g->a->sv) {
        fprintf(o, "        st->%s = ", g->a->sv->name);
        static const struct access none = { "", "" };
        emit_expr(o, g->b, &none);
        fputs(";\n", o);
    } else if (g->kind == E_NAME && g->sv) {
        fprintf(o, "        st->%s = true;\n", g->sv->name);
    } else if (g->kind == E_NOT && g->a->kind == E_NAME && g->a->sv) {
        fprintf(o, "        st->%s = false;\n", g->a->sv->name);
    } else {
        fputs("        /* guard too complex to solve: left at zero */\n", o);
    }
}

static void emit_source_packet(struct mplc *c, FILE *o, const struct packet *p)
{
    const char *n = p->name;
    fprintf(o, "/* ---- %s ---- */\n\n", n);

    /* classifier */
    if (p->has_classify) {
        fprintf(o, "static int %s_classify_reader(struct mpl_reader *r", n);
        state_param(o, p);
        fprintf(o, ",\n    enum %s_kind *kind, struct mpl_error *err)\n{\n", n);
        if (has_state(p))
            fprintf(o, "    static const struct %s_state no_state;\n"
                    "    if (!st)\n        st = &no_state;\n", n);
        fputs("    size_t at;\n    int rc;\n\n", o);
        emit_classify_items(c, o, p, &p->items, NULL, 0, "", 1);
        fputs("}\n\n", o);
        fprintf(o, "int %s_classify(const void *buf, size_t len", n);
        state_param(o, p);
        fprintf(o, ", enum %s_kind *kind,\n    struct mpl_error *err)\n{\n"
                "    struct mpl_reader r;\n    mpl_reader_init(&r, buf, len);\n"
                "    return %s_classify_reader(&r", n, n);
        state_arg(o, p);
        fputs(", kind, err);\n}\n\n", o);
    }

    /* unpack */
    for (size_t i = 0; i < p->nleaves; i++)
        emit_leaf_read(c, o, p, &p->leaves[i], leaf_fn(c, p, &p->leaves[i], "read"));
    fprintf(o, "int %s_read(struct mpl_reader *r", n);
    state_param(o, p);
    fprintf(o, ", struct %s *out, struct mpl_error *err)\n{\n"
            "    struct mpl_reader saved = *r;\n    int rc;\n\n"
            "    memset(out, 0, sizeof *out);\n", n);
    if (p->has_classify) {
        fputs("    saved.trace = NULL;\n", o);
        fprintf(o, "    rc = %s_classify_reader(&saved", n);
        state_arg(o, p);
        fputs(", &out->kind, err);\n    saved = *r;\n    if (rc < 0)\n        return rc;\n"
              "    switch (out->kind) {\n", o);
        for (size_t i = 0; i < p->nleaves; i++)
            fprintf(o, "    case %s_%s:\n        rc = %s(r, out, err);\n        break;\n", n,
                    p->leaves[i].label, leaf_fn(c, p, &p->leaves[i], "read"));
        fprintf(o, "    default:\n        rc = mpl_fail(err, -EINVAL, \"%s\", 0);\n    }\n", n);
    } else {
        fprintf(o, "    rc = %s(r, out, err);\n", leaf_fn(c, p, &p->leaves[0], "read"));
    }
    fputs("    if (rc < 0)\n        *r = saved;      /* a failed read does not advance */\n"
          "    return rc;\n}\n\n", o);
    fprintf(o, "int %s_unpack(const void *buf, size_t len", n);
    state_param(o, p);
    fprintf(o, ", struct %s *out,\n    struct mpl_error *err)\n{\n"
            "    struct mpl_reader r;\n    int rc;\n\n    mpl_reader_init(&r, buf, len);\n"
            "    if ((rc = %s_read(&r", n, n);
    state_arg(o, p);
    fprintf(o, ", out, err)) < 0)\n        return rc;\n"
            "    if (mpl_reader_end(&r) < 0)\n"
            "        return mpl_fail(err, -EBADMSG, \"%s: trailing bytes\", mpl_reader_offset(&r));\n"
            "    return 0;\n}\n\n", n);

    /* pack */
    for (size_t i = 0; i < p->nleaves; i++)
        emit_leaf_write(c, o, p, &p->leaves[i], leaf_fn(c, p, &p->leaves[i], "write"));
    fprintf(o, "int %s_pack(struct mpl_writer *w, const struct %s *in, struct mpl_error *err)\n{\n",
            n, n);
    if (p->has_classify) {
        fputs("    switch (in->kind) {\n", o);
        for (size_t i = 0; i < p->nleaves; i++)
            fprintf(o, "    case %s_%s:\n        return %s(w, in, err);\n", n,
                    p->leaves[i].label, leaf_fn(c, p, &p->leaves[i], "write"));
        fprintf(o, "    }\n    return mpl_pack_fail(w, err, -EINVAL, \"%s.kind\");\n}\n\n", n);
    } else {
        fprintf(o, "    return %s(w, in, err);\n}\n\n", leaf_fn(c, p, &p->leaves[0], "write"));
    }

    /* arrays of this packet */
    if (!has_state(p)) {
        fprintf(o, "int %s_read_array(struct mpl_reader *r, uint64_t count, struct mpl_bytes *out,\n"
                "    struct mpl_error *err)\n{\n"
                "    const uint8_t *start = r->p;\n    struct %s elem;\n    int rc;\n\n"
                "    for (uint64_t i = 0; count == MPL_ARRAY_REST ? mpl_reader_left(r) > 0 : i < count; i++)\n"
                "        if ((rc = %s_read(r, &elem, err)) < 0)\n            return rc;\n"
                "    out->ptr = start;\n    out->len = (size_t)(r->p - start);\n    return 0;\n}\n\n",
                n, n, n);
        fprintf(o, "int %s_check_array(struct mpl_bytes raw, uint64_t count, struct mpl_error *err)\n{\n"
                "    struct mpl_reader r;\n    struct mpl_bytes all;\n    int rc;\n\n"
                "    mpl_reader_init(&r, raw.ptr, raw.len);\n"
                "    if ((rc = %s_read_array(&r, count, &all, err)) < 0)\n        return rc;\n"
                "    if (mpl_reader_end(&r) < 0)\n"
                "        return mpl_fail(err, -EINVAL, \"%s[]: trailing bytes\", mpl_reader_offset(&r));\n"
                "    return 0;\n}\n\n", n, n, n);
    }

    /* init */
    if (p->has_classify)
        fprintf(o, "void %s_init(struct %s *m, enum %s_kind kind)\n{\n    memset(m, 0, sizeof *m);\n"
                "    m->kind = kind;\n", n, n, n);
    else
        fprintf(o, "void %s_init(struct %s *m)\n{\n    memset(m, 0, sizeof *m);\n", n, n);
    if (p->has_classify) {
        fputs("    switch (kind) {\n", o);
        for (size_t i = 0; i < p->nleaves; i++) {
            const struct leaf *l = &p->leaves[i];
            fprintf(o, "    case %s_%s: {\n", n, l->label);
            if (leaf_has_struct(l))
                fprintf(o, "        struct %s_%s *v = &m->u.%s;\n        (void)v;\n", n, l->label,
                        l->label);
            for (size_t k = 0; k < l->nseq; k++)
                emit_init_field(c, o, "        ", l, l->seq[k], "m->");
            fputs("        break;\n    }\n", o);
        }
        fputs("    }\n", o);
    } else {
        for (size_t k = 0; k < p->leaves[0].nseq; k++)
            emit_init_field(c, o, "    ", &p->leaves[0], p->leaves[0].seq[k], "m->");
    }
    fputs("}\n\n", o);

    /* equal */
    fprintf(o, "bool %s_equal(const struct %s *a, const struct %s *b)\n{\n", n, n, n);
    fputs("    if (!(true\n", o);
    if (p->has_classify)
        fputs("        && a->kind == b->kind\n", o);
    for (size_t i = 0; i < p->ntop; i++)
        emit_eq_field(c, o, p->top[i], "a->", "b->");
    fputs("        ))\n        return false;\n", o);
    if (p->has_classify) {
        fputs("    switch (a->kind) {\n", o);
        for (size_t i = 0; i < p->nleaves; i++) {
            const struct leaf *l = &p->leaves[i];
            if (!leaf_has_struct(l))
                continue;
            fprintf(o, "    case %s_%s:\n        return true\n", n, l->label);
            for (size_t k = 0; k < l->nfields; k++)
                emit_eq_field(c, o, l->fields[k], mplc_printf(c, "a->u.%s.", l->label),
                              mplc_printf(c, "b->u.%s.", l->label));
            fputs("        ;\n", o);
        }
        fputs("    default:\n        return true;\n    }\n", o);
    } else {
        fputs("    return true;\n", o);
    }
    fputs("}\n\n", o);

    /* format */
    fprintf(o, "void %s_format_into(const struct %s *m, struct mpl_fmt *fmt, int indent)\n{\n", n, n);
    if (p->has_classify) {
        fprintf(o, "    mpl_fmt_name(fmt, indent, \"variant\");\n"
                "    mpl_fmt_text(fmt, %s_kind_name(m->kind));\n    mpl_fmt_text(fmt, \"\\n\");\n"
                "    switch (m->kind) {\n", n);
        for (size_t i = 0; i < p->nleaves; i++) {
            const struct leaf *l = &p->leaves[i];
            fprintf(o, "    case %s_%s: {\n", n, l->label);
            if (leaf_has_struct(l))
                fprintf(o, "        const struct %s_%s *v = &m->u.%s;\n", n, l->label, l->label);
            for (size_t k = 0; k < l->nseq; k++)
                emit_fmt_field(c, o, "        ", l->seq[k], leaf_lvalue(c, l->seq[k], "m->"));
            fputs("        break;\n    }\n", o);
        }
        fputs("    }\n", o);
    } else {
        for (size_t k = 0; k < p->leaves[0].nseq; k++)
            emit_fmt_field(c, o, "    ", p->leaves[0].seq[k],
                           leaf_lvalue(c, p->leaves[0].seq[k], "m->"));
    }
    fputs("}\n\n", o);
    fprintf(o, "int %s_format(const struct %s *m, char *buf, size_t cap)\n{\n"
            "    struct mpl_fmt fmt;\n\n    mpl_fmt_init(&fmt, buf, cap);\n"
            "    mpl_fmt_text(&fmt, \"%s\\n\");\n    %s_format_into(m, &fmt, 1);\n"
            "    return mpl_fmt_result(&fmt);\n}\n\n", n, n, n, n);

    if (p->has_classify) {
        fprintf(o, "const char *%s_kind_name(enum %s_kind kind)\n{\n    switch (kind) {\n", n, n);
        for (size_t i = 0; i < p->nleaves; i++)
            fprintf(o, "    case %s_%s:\n        return \"%s\";\n", n, p->leaves[i].label,
                    p->leaves[i].label);
        fputs("    }\n    return \"?\";\n}\n\n", o);
    }

    /* truncation: variants ending with [*] accept a shorter input */
    fprintf(o, "bool %s_may_truncate(const struct %s *m)\n{\n", n, n);
    if (p->has_classify) {
        fputs("    switch (m->kind) {\n", o);
        for (size_t i = 0; i < p->nleaves; i++)
            if (p->leaves[i].has_rest)
                fprintf(o, "    case %s_%s:\n", n, p->leaves[i].label);
        fputs("        return true;\n    default:\n        return false;\n    }\n}\n\n", o);
        /* a switch with only a default when no variant has [*] is fine */
    } else {
        fprintf(o, "    (void)m;\n    return %s;\n}\n\n", p->leaves[0].has_rest ? "true" : "false");
    }

    /* sample */
    if (p->has_classify)
        fprintf(o, "int %s_sample(struct %s *m, enum %s_kind kind, struct mpl_sample *s)\n{\n"
                "    %s_init(m, kind);\n    switch (kind) {\n", n, n, n, n);
    else
        fprintf(o, "int %s_sample(struct %s *m, struct mpl_sample *s)\n{\n    %s_init(m);\n", n, n, n);
    for (size_t i = 0; i < p->nleaves; i++) {
        const struct leaf *l = &p->leaves[i];
        if (p->has_classify)
            fprintf(o, "    case %s_%s: {\n", n, l->label);
        if (leaf_has_struct(l))
            fprintf(o, "    struct %s_%s *v = &m->u.%s;\n", n, l->label, l->label);
        for (size_t k = 0; k < l->nseq; k++)
            emit_sample_field(c, o, p, l, l->seq[k]);
        struct access ac = { "m->", "v->" };
        for (size_t k = 0; k < l->nseq; k++) {
            if (!l->seq[k]->value_e)
                continue;
            fprintf(o, "    %s = (%s)", leaf_lvalue(c, l->seq[k], "m->"), c_type(l->seq[k]));
            emit_expr(o, l->seq[k]->value_e, &ac);
            fputs(";\n", o);
        }
        if (p->has_classify)
            fputs("        break;\n    }\n", o);
    }
    if (p->has_classify)
        fputs("    }\n", o);
    fputs("    return s->err;\n}\n\n", o);

    if (has_state(p)) {
        fprintf(o, "void %s_sample_state(enum %s_kind kind, struct %s_state *st)\n{\n"
                "    memset(st, 0, sizeof *st);\n    switch (kind) {\n", n, n, n);
        for (size_t i = 0; i < p->nleaves; i++) {
            const struct leaf *l = &p->leaves[i];
            bool any = false;
            for (size_t d = 0; d < l->depth; d++)
                any |= l->path[d]->guard != NULL;
            if (!any)
                continue;
            fprintf(o, "    case %s_%s:\n", n, l->label);
            for (size_t d = 0; d < l->depth; d++)
                if (l->path[d]->guard)
                    emit_solve_guard(o, l->path[d]->guard);
            fputs("        break;\n", o);
        }
        fputs("    default:\n        break;\n    }\n}\n\n", o);
    }

    if (p->message) {
        fprintf(o, "enum %s_statecall %s_receive_statecall(enum %s_kind kind)\n{\n"
                "    return (enum %s_statecall)(Receive_%s + (int)kind);\n}\n\n",
                c->stem, n, n, c->stem, p->leaves[0].label);
        fprintf(o, "enum %s_statecall %s_transmit_statecall(enum %s_kind kind)\n{\n"
                "    return (enum %s_statecall)(Transmit_%s + (int)kind);\n}\n\n",
                c->stem, n, n, c->stem, p->leaves[0].label);
    }

    /* the type-erased entry points of the packet table */
    fprintf(o, "static int %s_g_read(struct mpl_reader *r, const uint64_t *state, void *m,\n"
            "    struct mpl_error *err)\n{\n", n);
    if (has_state(p)) {
        fprintf(o, "    struct %s_state st = {\n", n);
        for (size_t i = 0; i < p->nvars; i++)
            fprintf(o, "        .%s = state[%zu]%s,\n", p->vars[i].name, i,
                    p->vars[i].is_bool ? " != 0" : "");
        fputs("    };\n", o);
    } else {
        fputs("    (void)state;\n", o);
    }
    fprintf(o, "    return %s_read(r%s, m, err);\n}\n\n", n, has_state(p) ? ", &st" : "");
    fprintf(o, "static int %s_dump(const uint8_t *buf, size_t len, const uint64_t *state, "
            "char *out,\n    size_t cap, struct mpl_error *err)\n{\n    struct %s m;\n"
            "    struct mpl_reader r;\n    int rc;\n\n    mpl_reader_init(&r, buf, len);\n"
            "    if ((rc = %s_g_read(&r, state, &m, err)) < 0)\n        return rc;\n"
            "    if (mpl_reader_end(&r) < 0)\n"
            "        return mpl_fail(err, -EBADMSG, \"%s: trailing bytes\", mpl_reader_offset(&r));\n"
            "    return %s_format(&m, out, cap);\n}\n\n", n, n, n, n, n);
    fprintf(o, "static int %s_g_pack(struct mpl_writer *w, const void *m, struct mpl_error *err)\n"
            "{\n    return %s_pack(w, m, err);\n}\n\n", n, n);
    fprintf(o, "static bool %s_g_equal(const void *a, const void *b)\n{\n"
            "    return %s_equal(a, b);\n}\n\n", n, n);
    fprintf(o, "static int %s_g_format(const void *m, char *buf, size_t cap)\n{\n"
            "    return %s_format(m, buf, cap);\n}\n\n", n, n);
    fprintf(o, "static bool %s_g_may_truncate(const void *m)\n{\n"
            "    return %s_may_truncate(m);\n}\n\n", n, n);
    fprintf(o, "static int %s_g_sample(void *m, unsigned kind, struct mpl_sample *s)\n{\n", n);
    if (p->has_classify)
        fprintf(o, "    return %s_sample(m, (enum %s_kind)kind, s);\n}\n\n", n, n);
    else
        fprintf(o, "    (void)kind;\n    return %s_sample(m, s);\n}\n\n", n);
    fprintf(o, "static void %s_g_sample_state(unsigned kind, uint64_t *state)\n{\n", n);
    if (has_state(p)) {
        fprintf(o, "    struct %s_state st;\n\n    %s_sample_state((enum %s_kind)kind, &st);\n", n, n, n);
        for (size_t i = 0; i < p->nvars; i++)
            fprintf(o, "    state[%zu] = st.%s;\n", i, p->vars[i].name);
    } else {
        fputs("    (void)kind;\n    (void)state;\n", o);
    }
    fputs("}\n\n", o);
    fprintf(o, "static const char *%s_g_kind_name(unsigned kind)\n{\n", n);
    if (p->has_classify)
        fprintf(o, "    return %s_kind_name((enum %s_kind)kind);\n}\n\n", n, n);
    else
        fprintf(o, "    (void)kind;\n    return \"%s\";\n}\n\n", n);
    fprintf(o, "static unsigned %s_g_kind_of(const void *m)\n{\n", n);
    if (p->has_classify)
        fprintf(o, "    return (unsigned)((const struct %s *)m)->kind;\n}\n\n", n);
    else
        fputs("    (void)m;\n    return 0;\n}\n\n", o);
    fprintf(o, "static const char *const %s_state_names[] = {", n);
    for (size_t i = 0; i < p->nvars; i++)
        fprintf(o, " \"%s\",", p->vars[i].name);
    fputs(" NULL };\n\n", o);
}

/* Packets in an order where an embedded packet's struct comes before its user's. */
static void order_packets(struct packet *p, struct packet **out, size_t *n, bool *done,
                          struct packet **all, size_t nall)
{
    size_t idx = 0;
    while (all[idx] != p)
        idx++;
    if (done[idx])
        return;
    done[idx] = true;
    for (size_t i = 0; i < p->nleaves; i++)
        for (size_t k = 0; k < p->leaves[i].nseq; k++)
            if (p->leaves[i].seq[k]->type == T_PACKET)
                order_packets(p->leaves[i].seq[k]->pkt, out, n, done, all, nall);
    out[(*n)++] = p;
}

static FILE *open_out(const char *dir, const char *stem, const char *ext, char **path)
{
    size_t n = strlen(dir) + strlen(stem) + strlen(ext) + 3;
    *path = malloc(n);
    if (!*path)
        return NULL;
    snprintf(*path, n, "%s/%s%s", dir, stem, ext);
    return fopen(*path, "w");
}

int mplc_emit(struct mplc *c, const char *outdir)
{
    char *hp = NULL, *cp = NULL, *sp = NULL;
    FILE *h = open_out(outdir, c->stem, ".h", &hp);
    FILE *o = open_out(outdir, c->stem, ".c", &cp);
    FILE *s = open_out(outdir, c->stem, ".statecalls", &sp);
    int rc = 0;
    if (!h || !o || !s) {
        fprintf(c->diag, "mplc: cannot write into %s\n", outdir);
        rc = -EIO;
        goto out;
    }
    struct packet **ord = mplc_alloc(c, (c->npackets + 1) * sizeof *ord);
    bool *done = mplc_alloc(c, c->npackets + 1);
    size_t nord = 0;
    for (size_t i = 0; i < c->npackets; i++)
        order_packets(c->packets[i], ord, &nord, done, c->packets, c->npackets);

    const char *STEM = upper(c, c->stem);
    fprintf(h, "/* Generated by mplc from %s: do not edit. */\n#ifndef MPL_GEN_%s_H\n"
            "#define MPL_GEN_%s_H\n\n#include <stdbool.h>\n#include <stddef.h>\n"
            "#include <stdint.h>\n\n#include \"mpl/rt/mpl_rt.h\"\n\n", c->path, STEM, STEM);
    for (size_t i = 0; i < c->nconsts; i++)
        fprintf(h, "#define %s_%s %llu\n", STEM, c->consts[i]->name,
                (unsigned long long)c->consts[i]->value);
    if (c->nconsts)
        fputs("\n", h);

    /* statecalls: every label of every message packet, received then transmitted */
    size_t count = 0;
    for (size_t i = 0; i < c->npackets; i++)
        count += c->packets[i]->message ? 2 * c->packets[i]->nleaves : 0;
    if (count) {
        fprintf(h, "/* The statecalls shared with SPL: Receive_ and Transmit_ of each message. */\n"
                "enum %s_statecall {\n", c->stem);
        for (int dir = 0; dir < 2; dir++)
            for (size_t i = 0; i < c->npackets; i++)
                for (size_t k = 0; c->packets[i]->message && k < c->packets[i]->nleaves; k++) {
                    fprintf(h, "    %s_%s,\n", dir ? "Transmit" : "Receive",
                            c->packets[i]->leaves[k].label);
                    fprintf(s, "%s_%s\n", dir ? "Transmit" : "Receive",
                            c->packets[i]->leaves[k].label);
                }
        fprintf(h, "};\n#define %s_STATECALL_COUNT %zu\nconst char *%s_statecall_name("
                "enum %s_statecall sc);\n\n", STEM, count, c->stem, c->stem);
    }

    for (size_t i = 0; i < nord; i++)
        emit_header_packet(c, h, ord[i]);
    fprintf(h, "extern const struct mpl_packet_info %s_packets[];\nextern const size_t %s_npackets;\n\n"
            "#endif\n", c->stem, c->stem);

    fprintf(o, "/* Generated by mplc from %s: do not edit. */\n#include <errno.h>\n"
            "#include <string.h>\n\n#include \"%s.h\"\n\n", c->path, c->stem);
    if (count) {
        fprintf(o, "const char *%s_statecall_name(enum %s_statecall sc)\n{\n"
                "    static const char *const names[] = {\n", c->stem, c->stem);
        for (int dir = 0; dir < 2; dir++)
            for (size_t i = 0; i < c->npackets; i++)
                for (size_t k = 0; c->packets[i]->message && k < c->packets[i]->nleaves; k++)
                    fprintf(o, "        \"%s_%s\",\n", dir ? "Transmit" : "Receive",
                            c->packets[i]->leaves[k].label);
        fprintf(o, "    };\n    return (size_t)sc < %zu ? names[sc] : \"?\";\n}\n\n", count);
    }
    for (size_t i = 0; i < nord; i++)
        emit_source_packet(c, o, ord[i]);
    fprintf(o, "const struct mpl_packet_info %s_packets[] = {\n", c->stem);
    for (size_t i = 0; i < c->npackets; i++)
    {
        const char *pn = c->packets[i]->name;
        fprintf(o, "    {\n        .name = \"%s\",\n        .state_names = %s_state_names,\n"
                "        .nstate = %zu,\n        .size = sizeof(struct %s),\n"
                "        .nkinds = %zu,\n        .kind_name = %s_g_kind_name,\n"
                "        .kind_of = %s_g_kind_of,\n"
                "        .dump = %s_dump,\n        .read = %s_g_read,\n"
                "        .pack = %s_g_pack,\n        .equal = %s_g_equal,\n"
                "        .format = %s_g_format,\n        .sample = %s_g_sample,\n"
                "        .sample_state = %s_g_sample_state,\n"
                "        .may_truncate = %s_g_may_truncate,\n    },\n",
                pn, pn, c->packets[i]->nvars, pn, c->packets[i]->nleaves, pn, pn, pn, pn, pn, pn,
                pn, pn, pn, pn);
    }
    fprintf(o, "};\nconst size_t %s_npackets = %zu;\n", c->stem, c->npackets);
out:
    if (h && fclose(h) != 0)
        rc = -EIO;
    if (o && fclose(o) != 0)
        rc = -EIO;
    if (s && fclose(s) != 0)
        rc = -EIO;
    free(hp);
    free(cp);
    free(sp);
    return rc;
}
