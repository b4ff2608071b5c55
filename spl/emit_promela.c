/*
 * splc PROMELA emitter. The model is the policy itself: one process plays every peer
 * and server action by offering, nondeterministically, any statecall of the policy's
 * alphabet; the statecall is accepted only if every automaton that has it accepts it
 * (the same rule as spl_step()), otherwise the connection ends. Each automaton is its
 * determinised table (the very table the C code enforces), written once as guarded moves
 * inside one atomic step.
 *
 * For the properties, `last` holds the statecall just accepted, and SC_NONE between
 * two statecalls, so that two equal statecalls in a row are two events; `changed` says
 * whether the last statecall moved any automaton. Property files (--ltl) hold:
 *   class NAME = glob, glob, ... ;    a predicate "last is one of these statecalls"
 *   ltl NAME { formula }              a property SPIN must prove
 *   reach NAME { formula }            a behaviour some run must have (emitted as the claim
 *                                     that no run has it; verify expects SPIN to refute it)
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spl/spl.h"

struct lfile {
	struct spl_source src;
	size_t pos;
	int line, col;
};

static void lskip(struct lfile *f)
{
	while (f->pos < f->src.len) {
		char c = f->src.text[f->pos];
		if (c == '#' || (c == '/' && f->pos + 1 < f->src.len && f->src.text[f->pos + 1] == '/')) {
			while (f->pos < f->src.len && f->src.text[f->pos] != '\n')
				f->pos++, f->col++;
		} else if (isspace((unsigned char)c)) {
			if (c == '\n')
				f->line++, f->col = 1;
			else
				f->col++;
			f->pos++;
		} else {
			return;
		}
	}
}

static struct spl_loc lloc(const struct lfile *f)
{
	return (struct spl_loc){ &f->src, f->line, f->col };
}

/* A word of [A-Za-z0-9_*]; returns its length (0 if none). */
static size_t lword(struct lfile *f, char *buf, size_t n)
{
	size_t k = 0;
	lskip(f);
	while (f->pos < f->src.len) {
		char c = f->src.text[f->pos];
		if (!(isalnum((unsigned char)c) || c == '_' || c == '*'))
			break;
		if (k + 1 < n)
			buf[k++] = c;
		f->pos++;
		f->col++;
	}
	buf[k] = '\0';
	return k;
}

/* Property classes become bits the model sets with `last` (SPIN's LTL parser cannot take
 * long disjunctions), so a formula reads "rAny" rather than eighty comparisons. */
struct classes {
	char **names;
	unsigned char **members;     /* [class][statecall] */
	int n;
};

static void class_cb(int id, void *arg)
{
	unsigned char *members = arg;
	members[id] = 1;
}

static int parse_properties(FILE *out, const char *path, const struct spl_statecalls *sc,
			    struct classes *cl)
{
	struct lfile f = { .line = 1, .col = 1 };
	FILE *in = fopen(path, "r");
	char word[128];
	int errors = 0;

	if (!in) {
		fprintf(stderr, "splc: %s: %s\n", path, strerror(errno));
		return 1;
	}
	f.src.path = path;
	f.src.text = xcalloc(1 << 20, 1);
	f.src.len = fread(f.src.text, 1, (1 << 20) - 1, in);
	fclose(in);
	fprintf(out, "\n/* Properties from %s */\n", path);
	for (;;) {
		lskip(&f);
		if (f.pos >= f.src.len)
			break;
		struct spl_loc at = lloc(&f);
		if (!lword(&f, word, sizeof word)) {
			errors += spl_error(&at, "expected 'class', 'ltl' or 'reach'");
			break;
		}
		if (!strcmp(word, "class")) {
			struct spl_loc nat = lloc(&f);
			char cname[128];
			lskip(&f);
			nat = lloc(&f);
			if (!lword(&f, cname, sizeof cname) || strchr(cname, '*')) {
				errors += spl_error(&nat, "expected a class name");
				break;
			}
			lskip(&f);
			if (f.pos >= f.src.len || f.src.text[f.pos] != '=') {
				struct spl_loc l = lloc(&f);
				errors += spl_error(&l, "expected '='");
				break;
			}
			f.pos++, f.col++;
			unsigned char *members = xcalloc((size_t)sc->n, 1);
			cl->names = xrealloc(cl->names, (size_t)cl->n + 1, sizeof *cl->names);
			cl->members = xrealloc(cl->members, (size_t)cl->n + 1, sizeof *cl->members);
			cl->names[cl->n] = xstrdup(cname);
			cl->members[cl->n++] = members;
			for (;;) {
				lskip(&f);
				struct spl_loc pl = lloc(&f);
				if (!lword(&f, word, sizeof word)) {
					errors += spl_error(&pl, "expected a statecall or pattern");
					break;
				}
				if (spl_statecall_glob(sc, word, class_cb, members) == 0)
					errors += spl_error(&pl, "'%s' matches no statecall", word);
				lskip(&f);
				if (f.pos < f.src.len && f.src.text[f.pos] == ',') {
					f.pos++, f.col++;
					continue;
				}
				break;
			}
			lskip(&f);
			if (f.pos >= f.src.len || f.src.text[f.pos] != ';') {
				struct spl_loc l = lloc(&f);
				errors += spl_error(&l, "expected ';' after the class");
				break;
			}
			f.pos++, f.col++;
		} else if (!strcmp(word, "ltl") || !strcmp(word, "reach")) {
			int reach = word[0] == 'r';
			char pname[128];
			lskip(&f);
			struct spl_loc nat = lloc(&f);
			if (!lword(&f, pname, sizeof pname) || strchr(pname, '*')) {
				errors += spl_error(&nat, "expected a property name");
				break;
			}
			lskip(&f);
			if (f.pos >= f.src.len || f.src.text[f.pos] != '{') {
				struct spl_loc l = lloc(&f);
				errors += spl_error(&l, "expected '{'");
				break;
			}
			size_t start = ++f.pos;
			int depth = 1;
			while (f.pos < f.src.len && depth) {
				char c = f.src.text[f.pos++];
				depth += c == '{';
				depth -= c == '}';
				if (c == '\n')
					f.line++, f.col = 1;
				else
					f.col++;
			}
			if (depth) {
				errors += spl_error(&nat, "unterminated property '%s'", pname);
				break;
			}
			int len = (int)(f.pos - 1 - start);
			if (reach)
				fprintf(out, "ltl %s { !(%.*s) } /* reach */\n", pname, len,
					f.src.text + start);
			else
				fprintf(out, "ltl %s {%.*s}\n", pname, len, f.src.text + start);
		} else {
			errors += spl_error(&at, "expected 'class', 'ltl' or 'reach', found '%s'", word);
			break;
		}
	}
	return errors;
}

static const char *state_type(const struct spl_dfa *d)
{
	return d->nstates > 255 ? "short" : "byte";
}

/* The move of automaton d on sc, written once in the process body: refused (ok = 0)
 * when sc is in its alphabet but not enabled, no move when sc is not in its alphabet. */
static void emit_step(FILE *out, const struct spl_dfa *d, const struct spl_statecalls *sc)
{
	const char *an = d->aut->name;
	int *seen = xcalloc((size_t)d->nalpha + 1, sizeof *seen);

	fprintf(out, "\t\t\t/* automaton %s: %d states */\n\t\t\tif\n\t\t\t:: (", an, d->nstates);
	for (int a = 0; a < d->nalpha; a++)
		fprintf(out, "%ssc == %s", a == 0 ? "" : (a % 3 ? " || " : " ||\n\t\t\t    "),
			sc->names[d->alpha[a]]);
	fprintf(out, "%s) ->\n\t\t\t\tif\n", d->nalpha ? "" : "false");
	for (int s = 0; s < d->nstates; s++) {
		fprintf(out, "\t\t\t\t:: st_%s == %d -> /* %s */\n\t\t\t\t\tif\n", an, s,
			d->state_names[s]);
		memset(seen, 0, (size_t)d->nalpha * sizeof *seen);
		for (int a = 0; a < d->nalpha; a++) {
			uint16_t t = d->next[s * d->nalpha + a];
			if (t == SPL_REJECT || seen[a])
				continue;
			fprintf(out, "\t\t\t\t\t:: ");
			int first = 1;
			for (int b = a; b < d->nalpha; b++) {
				if (d->next[s * d->nalpha + b] != t)
					continue;
				seen[b] = 1;
				fprintf(out, "%ssc == %s", first ? "(" : " ||\n\t\t\t\t\t   ",
					sc->names[d->alpha[b]]);
				first = 0;
			}
			fprintf(out, ") -> nt_%s = %u\n", an, t);
		}
		fprintf(out, "\t\t\t\t\t:: else -> ok = 0\n\t\t\t\t\tfi\n");
	}
	fprintf(out, "\t\t\t\tfi\n\t\t\t:: else -> skip\n\t\t\tfi;\n");
	free(seen);
}

int spl_emit_promela(FILE *out, struct spl_dfa *dfas, int n, const struct spl_statecalls *sc,
		     const char *ltl_path)
{
	unsigned char *offered = xcalloc((size_t)sc->n, 1);
	struct classes cl = { 0 };
	char *claims = NULL;
	size_t claims_len = 0;
	int errors = 0;
	FILE *cbuf = open_memstream(&claims, &claims_len);

	if (!cbuf)
		return 1;
	if (ltl_path)
		errors += parse_properties(cbuf, ltl_path, sc, &cl);
	fclose(cbuf);
	fprintf(out, "/* Generated by splc: do not edit. */\n\n");
	for (int s = 0; s < sc->n; s++)
		fprintf(out, "#define %s %d\n", sc->names[s], s);
	fprintf(out, "#define SC_NONE %d\n\n", sc->n);
	fprintf(out, "short last = SC_NONE;  /* the statecall just accepted */\n");
	fprintf(out, "bit changed;           /* it moved some automaton */\n");
	for (int c = 0; c < cl.n; c++)
		fprintf(out, "bit %s;  /* last is in this class of %s */\n", cl.names[c], ltl_path);
	for (int i = 0; i < n; i++) {
		fprintf(out, "%s st_%s;\n", state_type(&dfas[i]), dfas[i].aut->name);
		for (int a = 0; a < dfas[i].nalpha; a++)
			offered[dfas[i].alpha[a]] = 1;
	}
	fprintf(out, "\nactive proctype policy() {\n\tshort sc;\n\tbit ok;\n");
	for (int i = 0; i < n; i++)
		fprintf(out, "\t%s nt_%s;\n", state_type(&dfas[i]), dfas[i].aut->name);
	fprintf(out, "\tdo\n\t:: atomic {\n\t\tif\n");
	for (int s = 0; s < sc->n; s++)
		if (offered[s])
			fprintf(out, "\t\t:: sc = %s\n", sc->names[s]);
	fprintf(out, "\t\tfi;\n\t\t{\n\t\t\tok = 1;\n");
	for (int i = 0; i < n; i++)
		fprintf(out, "\t\t\tnt_%s = st_%s;\n", dfas[i].aut->name, dfas[i].aut->name);
	for (int i = 0; i < n; i++)
		emit_step(out, &dfas[i], sc);
	fprintf(out, "\t\t\tif\n\t\t\t:: ok -> d_step {\n\t\t\t\tchanged = (0");
	for (int i = 0; i < n; i++)
		fprintf(out, " || nt_%s != st_%s", dfas[i].aut->name, dfas[i].aut->name);
	fprintf(out, ");\n");
	for (int i = 0; i < n; i++)
		fprintf(out, "\t\t\t\tst_%s = nt_%s;\n", dfas[i].aut->name, dfas[i].aut->name);
	for (int c = 0; c < cl.n; c++) {
		int k = 0;
		fprintf(out, "\t\t\t\t%s = (false", cl.names[c]);
		for (int id = 0; id < sc->n; id++)
			if (cl.members[c][id])
				fprintf(out, "%s|| sc == %s", k++ % 3 ? " " : "\n\t\t\t\t    ",
					sc->names[id]);
		fprintf(out, ");\n");
	}
	fprintf(out, "\t\t\t\tlast = sc\n\t\t\t}\n\t\t\t:: else -> last = SC_NONE; changed = 0\n"
		     "\t\t\tfi;\n");
	fprintf(out, "\t\t\tsc = 0;\n");
	for (int i = 0; i < n; i++)
		fprintf(out, "\t\t\tnt_%s = 0;\n", dfas[i].aut->name);
	fprintf(out, "\t\t}\n\t};\n\tif\n\t:: ok -> d_step { last = SC_NONE; changed = 0");
	for (int c = 0; c < cl.n; c++)
		fprintf(out, "; %s = 0", cl.names[c]);
	fprintf(out, " }\n\t:: else -> break\n\tfi\n\tod\n}\n");
	if (claims_len)
		fwrite(claims, 1, claims_len, out);
	free(claims);
	free(offered);
	return errors;
}
