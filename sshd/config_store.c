/*
 * Storage for configuration values: bounded string lists, path expansion (~ and making
 * relative paths absolute, as OpenSSH does for file options), and the diagnostics sink.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sshd/config_int.h"

void
cfg_log(const struct sshd_config_log *log, enum sshd_log_level lvl, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (log == NULL || log->fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log->fn(log->arg, lvl, buf);
}

char *
cfg_strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

int
cfg_strlist_add(struct sshd_strlist *l, const char *s)
{
	char **v, *d;

	if (l->n >= SSHD_CONFIG_MAX_LIST)
		return -ENOSPC;
	if ((d = strdup(s)) == NULL)
		return -ENOMEM;
	if ((v = realloc(l->v, (l->n + 1) * sizeof(*v))) == NULL) {
		free(d);
		return -ENOMEM;
	}
	v[l->n++] = d;
	l->v = v;
	return 0;
}

void
cfg_strlist_free(struct sshd_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
sshd_strlist_add(struct sshd_strlist *l, const char *s)
{
	return l == NULL || s == NULL ? -EINVAL : cfg_strlist_add(l, s);
}

void
sshd_strlist_free(struct sshd_strlist *l)
{
	if (l != NULL)
		cfg_strlist_free(l);
}

int
cfg_strlist_copy(struct sshd_strlist *dst, const struct sshd_strlist *src)
{
	struct sshd_strlist tmp = { NULL, 0 };
	int r;

	for (size_t i = 0; i < src->n; i++) {
		if ((r = cfg_strlist_add(&tmp, src->v[i])) != 0) {
			cfg_strlist_free(&tmp);
			return r;
		}
	}
	cfg_strlist_free(dst);
	*dst = tmp;
	return 0;
}

/* The home directory of the running user (~/) or of a named one (~name/). */
static int
home_of(const char *name, size_t namelen, char **out)
{
	struct passwd pw, *res = NULL;
	char buf[4096], user[256];
	int r;

	if (namelen == 0) {
		r = getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res);
	} else {
		if (namelen >= sizeof(user))
			return -EINVAL;
		memcpy(user, name, namelen);
		user[namelen] = '\0';
		r = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	}
	if (r != 0 || res == NULL)
		return -ENOENT;
	if ((*out = strdup(pw.pw_dir)) == NULL)
		return -ENOMEM;
	return 0;
}

int
cfg_tilde_expand(const char *path, char **out)
{
	const char *slash, *rest;
	char *home = NULL;
	size_t hl;
	int r;

	*out = NULL;
	if (path[0] != '~')
		return (*out = strdup(path)) == NULL ? -ENOMEM : 0;
	slash = strchr(path, '/');
	rest = slash == NULL ? "" : slash + 1;
	if ((r = home_of(path + 1, slash == NULL ? strlen(path + 1) :
	    (size_t)(slash - path - 1), &home)) != 0)
		return r;
	hl = strlen(home);
	/* "~" alone is the home directory; "/" as home must not give "//x" */
	if (hl > 0 && home[hl - 1] == '/')
		home[--hl] = '\0';
	if (asprintf(out, "%s/%s", home, rest) < 0) {
		*out = NULL;
		free(home);
		return -ENOMEM;
	}
	if (*rest == '\0')
		(*out)[hl > 0 ? hl : 1] = '\0';
	free(home);
	return 0;
}

int
cfg_derelativise(const char *path, char **out)
{
	char cwd[PATH_MAX], *exp;
	int r;

	*out = NULL;
	if (strcasecmp(path, "none") == 0)
		return (*out = strdup("none")) == NULL ? -ENOMEM : 0;
	if ((r = cfg_tilde_expand(path, &exp)) != 0)
		return r;
	if (exp[0] == '/') {
		*out = exp;
		return 0;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		free(exp);
		return -errno;
	}
	r = asprintf(out, "%s/%s", cwd, exp);
	free(exp);
	if (r < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}
