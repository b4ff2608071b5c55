/* The statecall universe: names read from MPL's generated lists (one per line, in the
 * order of MPL's enum), then the application statecalls a policy declares. A
 * statecall's id is its position, so ids equal MPL's enum values. */
#include <errno.h>
#include <string.h>

#include "spl/spl.h"

int spl_statecalls_load(struct spl_statecalls *sc, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];

	if (!f)
		return -errno;
	while (fgets(line, sizeof line, f)) {
		size_t n = strcspn(line, "\r\n");
		if (line[n] == '\0' && !feof(f)) {
			fclose(f);
			return -ERANGE;  /* a name longer than any MPL label path */
		}
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		for (size_t i = 0; i < n; i++) {
			char c = line[i];
			if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9'))) {
				fclose(f);
				return -EBADMSG;
			}
		}
		if (spl_statecall_find(sc, line) >= 0) {
			fclose(f);
			return -EEXIST;
		}
		sc->names = xrealloc(sc->names, (size_t)sc->n + 1, sizeof *sc->names);
		sc->names[sc->n++] = xstrdup(line);
	}
	fclose(f);
	sc->nlist = sc->n;
	return 0;
}

int spl_statecall_find(const struct spl_statecalls *sc, const char *name)
{
	for (int i = 0; i < sc->n; i++)
		if (!strcmp(sc->names[i], name))
			return i;
	return -1;
}

static int glob_match(const char *g, const char *s)
{
	if (*g == '\0')
		return *s == '\0';
	if (*g == '*') {
		for (;; s++) {
			if (glob_match(g + 1, s))
				return 1;
			if (*s == '\0')
				return 0;
		}
	}
	return *g == *s && glob_match(g + 1, s + 1);
}

int spl_statecall_glob(const struct spl_statecalls *sc, const char *glob,
		       void (*fn)(int id, void *arg), void *arg)
{
	int n = 0;
	for (int i = 0; i < sc->n; i++) {
		if (glob_match(glob, sc->names[i])) {
			if (fn)
				fn(i, arg);
			n++;
		}
	}
	return n;
}
