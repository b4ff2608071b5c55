/*
 * splc — compile SPL policies.
 *
 *   splc --statecalls LIST [--statecalls LIST ...] [--check-only]
 *        [--c OUT.c --h OUT.h --prefix NAME [--enum-header MPL.h]]
 *        [--promela OUT.pml [--ltl PROPS] [--automata NAME,...]] [--dot-dir DIR]
 *        POLICY.spl ...
 *
 * All policies given are one program: one set of application statecalls, one C policy
 * (all automata stepped together), one PROMELA model. Exit status 1 on any error in the
 * input, 2 on a usage or I/O problem.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spl/spl.h"

static int usage(void)
{
	fputs("usage: splc --statecalls LIST ... [--c OUT.c --h OUT.h --prefix NAME "
	      "[--enum-header H]]\n"
	      "            [--promela OUT.pml [--ltl PROPS]] [--dot-dir DIR] POLICY.spl ...\n",
	      stderr);
	return 2;
}

static int read_source(const char *path, struct spl_source *src)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096;

	if (!f)
		return -errno;
	src->path = path;
	src->text = xcalloc(cap, 1);
	src->len = 0;
	for (;;) {
		size_t got = fread(src->text + src->len, 1, cap - src->len - 1, f);
		src->len += got;
		if (src->len + 1 < cap)
			break;
		if (cap > (64u << 20)) {
			fclose(f);
			return -EFBIG;
		}
		cap *= 2;
		src->text = xrealloc(src->text, cap, 1);
	}
	int err = ferror(f);
	fclose(f);
	if (err)
		return -EIO;
	if (memchr(src->text, '\0', src->len))
		return -EBADMSG;
	src->text[src->len] = '\0';
	return 0;
}

static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "splc: %s: %s\n", path, strerror(errno));
	return f;
}

static int close_out(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "splc: %s: write error\n", path);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct spl_statecalls sc = { 0 };
	struct spl_program prog = { 0 };
	const char *c_out = NULL, *h_out = NULL, *prefix = NULL, *enum_header = NULL;
	const char *pml_out = NULL, *ltl = NULL, *dot_dir = NULL, *only = NULL;
	int nlists = 0, errors = 0, i, rc;

	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i++) {
		const char *opt = argv[i];
		if (!strcmp(opt, "--check-only"))
			continue;
		if (i + 1 >= argc)
			return usage();
		const char *val = argv[++i];
		if (!strcmp(opt, "--statecalls")) {
			if ((rc = spl_statecalls_load(&sc, val)) < 0) {
				fprintf(stderr, "splc: %s: %s\n", val, rc == -EBADMSG ?
					"not a statecall list (one name of [A-Za-z0-9_] per line)" :
					rc == -EEXIST ? "a statecall is listed twice" : strerror(-rc));
				return 2;
			}
			nlists++;
		} else if (!strcmp(opt, "--c")) {
			c_out = val;
		} else if (!strcmp(opt, "--h")) {
			h_out = val;
		} else if (!strcmp(opt, "--prefix")) {
			prefix = val;
		} else if (!strcmp(opt, "--enum-header")) {
			enum_header = val;
		} else if (!strcmp(opt, "--promela")) {
			pml_out = val;
		} else if (!strcmp(opt, "--ltl")) {
			ltl = val;
		} else if (!strcmp(opt, "--automata")) {
			only = val;
		} else if (!strcmp(opt, "--dot-dir")) {
			dot_dir = val;
		} else {
			return usage();
		}
	}
	if (i >= argc || nlists == 0 || (!c_out != !h_out) || (c_out && !prefix))
		return usage();

	struct spl_source *srcs = xcalloc((size_t)(argc - i), sizeof *srcs);
	for (int k = 0; i < argc; i++, k++) {
		if ((rc = read_source(argv[i], &srcs[k])) < 0) {
			fprintf(stderr, "splc: %s: %s\n", argv[i], strerror(-rc));
			return 2;
		}
		errors += spl_parse(&srcs[k], &prog);
	}
	if (errors)
		return 1;
	if ((errors = spl_check(&prog, &sc)))
		return 1;

	struct spl_dfa *dfas = xcalloc((size_t)prog.nautos, sizeof *dfas);
	for (int a = 0; a < prog.nautos; a++) {
		struct spl_cfg cfg;
		errors += spl_cfg_build(&prog, prog.autos[a], &sc, &cfg);
		if (!errors)
			errors += spl_dfa_build(&cfg, sc.n, &dfas[a]);
	}
	if (errors)
		return 1;

	if (c_out) {
		FILE *c = open_out(c_out), *h = open_out(h_out);
		if (!c || !h)
			return 2;
		const char *hbase = strrchr(h_out, '/') ? strrchr(h_out, '/') + 1 : h_out;
		spl_emit_c(c, h, prefix, hbase, enum_header, dfas, prog.nautos, &sc);
		if (close_out(c, c_out) || close_out(h, h_out))
			return 2;
	}
	if (pml_out) {
		FILE *p = open_out(pml_out);
		if (!p)
			return 2;
		/* A model may hold only some automata (--automata a,b,...): smaller proofs. */
		struct spl_dfa *sel = xcalloc((size_t)prog.nautos, sizeof *sel);
		int nsel = 0;
		for (int a = 0; a < prog.nautos; a++) {
			const char *name = prog.autos[a]->name;
			size_t len = strlen(name);
			int take = !only;
			for (const char *o = only; o && *o; o += strcspn(o, ",") + (o[strcspn(o, ",")] != 0))
				take |= strcspn(o, ",") == len && !strncmp(o, name, len);
			if (take)
				sel[nsel++] = dfas[a];
		}
		if (nsel == 0) {
			fprintf(stderr, "splc: --automata %s: no such automaton\n", only);
			return 2;
		}
		errors += spl_emit_promela(p, sel, nsel, &sc, ltl);
		if (close_out(p, pml_out))
			return 2;
		if (errors) {
			remove(pml_out);
			return 1;
		}
	}
	if (dot_dir) {
		for (int a = 0; a < prog.nautos; a++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s.dot", dot_dir, prog.autos[a]->name);
			FILE *d = open_out(path);
			if (!d)
				return 2;
			spl_emit_dot(d, &dfas[a], &sc);
			if (close_out(d, path))
				return 2;
		}
	}
	return 0;
}
