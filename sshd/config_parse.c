/*
 * The sshd_config reader: splits lines into keyword and arguments (quotes, escapes,
 * "Keyword=value", comments), applies each keyword to struct sshd_config with OpenSSH
 * 9.2's rules (first value wins, lists accumulate, Match and Include state), and follows
 * Include with globs. Bounded everywhere: line length, arguments per line, file size,
 * Include depth and count; recursion happens only through Include, at most
 * SSHD_CONFIG_MAX_DEPTH deep.
 *
 * Errors: OpenSSH stops at once on most errors but collects some ("Bad configuration
 * option", extra arguments, bad quotes) and stops at the end of the file; the same split
 * is kept here, so the same configurations fail, and every message is "file:line: text".
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshd/config_int.h"

#define WS " \t\r\n"

/* One line split into words; the words live in buf. */
struct line_args {
	char *buf;
	char *v[SSHD_CONFIG_MAX_ARGS];
	size_t n, next;
};

/* Per-file state of a pass. */
struct file_state {
	const char *name;
	int linenum;
	int *inc_flags;
	int depth;
	int bad;                /* collected (non-fatal) errors */
};

static int parse_text(struct cfg_pass *p, const char *name, const char *text, size_t len,
    int inc_flags, int *activep, int depth);

/*
 * Splits s into words as OpenSSH's argv_split(): blanks separate, '"' and '\'' quote,
 * backslash escapes a quote, a backslash or (unquoted) a blank; '#' starting a word ends
 * the line. -EBADMSG on an unterminated quote, -E2BIG on too many words.
 */
static int
split_args(const char *s, struct line_args *a)
{
	size_t len = strlen(s);
	char *out;

	a->n = a->next = 0;
	if ((a->buf = out = malloc(len + 1)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; s[i] != '\0';) {
		int quote = 0;

		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		if (a->n >= SSHD_CONFIG_MAX_ARGS)
			return -E2BIG;
		a->v[a->n++] = out;
		for (; s[i] != '\0'; i++) {
			if (s[i] == '\\' && (s[i + 1] == '\'' || s[i + 1] == '"' ||
			    s[i + 1] == '\\' || (quote == 0 && s[i + 1] == ' '))) {
				*out++ = s[++i];
			} else if (quote == 0 && (s[i] == ' ' || s[i] == '\t')) {
				break;
			} else if (quote == 0 && (s[i] == '"' || s[i] == '\'')) {
				quote = s[i];
			} else if (quote != 0 && s[i] == quote) {
				quote = 0;
			} else
				*out++ = s[i];
		}
		*out++ = '\0';
		if (quote != 0)
			return -EBADMSG;
	}
	return 0;
}

static char *
next_arg(struct line_args *a)
{
	return a->next < a->n ? a->v[a->next++] : NULL;
}

static void
consume_args(struct line_args *a)
{
	a->next = a->n;
}

/*
 * The keyword at the start of line (modified in place), as OpenSSH's strdelim(): it ends
 * at a blank, '=' or a quote (a quoted part is taken whole); one '=' with blanks around
 * it may separate it from the value. *rest points to the value text.
 */
static int
split_keyword(char *line, char **keyword, char **rest)
{
	char *s = line + strcspn(line, WS "\"=");

	*keyword = line;
	if (*s == '"') {
		char *q;
		memmove(s, s + 1, strlen(s + 1) + 1);
		if ((q = strchr(s, '"')) == NULL)
			return -EBADMSG;
		*q = '\0';
		s = q + 1;
		s += strspn(s, WS);
		*rest = s;
		return 0;
	}
	if (*s == '\0') {
		*rest = s;
		return 0;
	}
	{
		int eq = *s == '=';
		*s++ = '\0';
		s += strspn(s, WS);
		if (!eq && *s == '=') {
			s++;
			s += strspn(s, WS);
		}
	}
	*rest = s;
	return 0;
}

#define FIELD(c, kw, type) ((type *)(void *)((char *)(c) + (kw)->off))

static int
hard(const struct cfg_pass *p, const struct file_state *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int
hard(const struct cfg_pass *p, const struct file_state *f, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_log(p->log, SSHD_LOG_FATAL, "%s:%d: %s", f->name, f->linenum, msg);
	return -EBADMSG;
}

static void
soft(const struct cfg_pass *p, struct file_state *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
soft(const struct cfg_pass *p, struct file_state *f, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg_log(p->log, SSHD_LOG_ERROR, "%s:%d: %s", f->name, f->linenum, msg);
	f->bad++;
}

static int
set_str_once(char **field, int active, const char *v)
{
	if (!active || *field != NULL)
		return 0;
	return (*field = strdup(v)) == NULL ? -ENOMEM : 0;
}

/* Sets *field to an owned string unless already set; frees v otherwise. */
static void
take_str_once(char **field, int active, char *v)
{
	if (active && *field == NULL)
		*field = v;
	else
		free(v);
}

/* strtonum(s, 0, INT_MAX) as OpenSSH's atoi_err(): NULL or an error word. */
static const char *
atoi_err(const char *s, int *out)
{
	long long v = 0;

	if (s == NULL || *s == '\0')
		return "missing";
	const char *q = s;
	int neg = 0;
	if (*q == '-' || *q == '+')
		neg = *q++ == '-';
	if (*q == '\0')
		return "invalid";
	for (; *q != '\0'; q++) {
		if (*q < '0' || *q > '9')
			return "invalid";
		if (v <= INT_MAX)
			v = v * 10 + (*q - '0');
	}
	if (neg && v != 0)
		return "too small";
	if (v > INT_MAX)
		return "too large";
	*out = (int)v;
	return NULL;
}

/* sscanf("%d:%d:%d") without undefined overflow: the number of fields read, -1 on overflow. */
static int
colon_ints(const char *s, int *v, int max)
{
	int n = 0;

	while (n < max) {
		long long x = 0;
		int neg = 0, digits = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '-' || *s == '+')
			neg = *s++ == '-';
		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			x = x * 10 + (*s - '0');
			if (x > INT_MAX)
				return -1;
		}
		if (digits == 0)
			return n;
		v[n++] = neg ? (int)-x : (int)x;
		if (*s != ':')
			return n;
		s++;
	}
	return n;
}

/* host[:port] as OpenSSH's hpdelim(): [v6] brackets; *rest NULL when there is no port. */
static char *
hpdelim(char **cp)
{
	char *s, *old = *cp;

	if (old == NULL)
		return NULL;
	if (*old == '[') {
		if ((s = strchr(old, ']')) == NULL)
			return NULL;
		s++;
	} else if ((s = strpbrk(old, ":/")) == NULL)
		s = old + strlen(old);
	switch (*s) {
	case '\0':
		*cp = NULL;
		break;
	case ':':
	case '/':
		*s = '\0';
		*cp = s + 1;
		break;
	default:
		return NULL;
	}
	return old;
}

static char *
cleanhostname(char *h)
{
	size_t l = strlen(h);

	if (l >= 2 && h[0] == '[' && h[l - 1] == ']') {
		h[l - 1] = '\0';
		return h + 1;
	}
	return h;
}

static int
permitopen_port(const char *p)
{
	int port;

	if (strcmp(p, "*") == 0)
		return 0;
	port = sshd_parse_port(p);
	return port > 0 ? port : -1;
}

static int
auth_method_valid(const char *list)
{
	static const char *const methods[] = { "none", "publickey", "password",
	    "keyboard-interactive", "hostbased", "gssapi-keyex", "gssapi-with-mic", NULL };
	const char *p = list;

	for (;;) {
		const char *e = strchr(p, ','), *colon;
		size_t l = e ? (size_t)(e - p) : strlen(p), ml;
		int found = 0;

		colon = memchr(p, ':', l);
		ml = colon ? (size_t)(colon - p) : l;
		for (int i = 0; methods[i] != NULL; i++)
			if (strlen(methods[i]) == ml && memcmp(methods[i], p, ml) == 0)
				found = 1;
		if (!found)
			return 0;
		if (e == NULL)
			return 1;
		p = e + 1;
	}
}

/* Each value of a V_LIST / V_LIST1 keyword checked as OpenSSH checks it. */
static int
list_value(struct cfg_pass *p, struct file_state *f, const struct cfg_keyword *kw,
    const char *keyword, struct line_args *a, int active)
{
	struct sshd_strlist *l = FIELD(p->c, kw, struct sshd_strlist);
	size_t initial = l->n, count = 0;
	char *arg;
	int r, seen_any = 0;

	while ((arg = next_arg(a)) != NULL) {
		char *val = NULL;

		switch (kw->id) {
		case K_ACCEPTENV:
			if (*arg == '\0' || strchr(arg, '=') != NULL)
				return hard(p, f, "Invalid environment name.");
			break;
		case K_ALLOWUSERS:
		case K_DENYUSERS: {
			const char *at = strchr(arg, '@');
			if (*arg == '\0' || (at != NULL && sshd_addr_match_list(NULL, at + 1) == -2))
				return hard(p, f, "invalid %s pattern: \"%s\"", keyword, arg);
			break;
		}
		case K_ALLOWGROUPS:
		case K_DENYGROUPS:
			if (*arg == '\0')
				return hard(p, f, "empty %s pattern", keyword);
			break;
		case K_AUTHORIZEDKEYSFILE:
			if (*arg == '\0') {
				soft(p, f, "keyword %s empty argument", keyword);
				return 0;
			}
			if ((r = cfg_tilde_expand(arg, &val)) != 0)
				return hard(p, f, "cannot expand %s", arg);
			break;
		case K_SETENV:
			if (*arg == '\0' || strchr(arg, '=') == NULL)
				return hard(p, f, "Invalid environment.");
			if (active && initial == 0) {
				size_t nl = (size_t)(strchr(arg, '=') - arg);
				int dup = 0;
				for (size_t i = 0; i < l->n; i++)
					if (strncmp(l->v[i], arg, nl + 1) == 0)
						dup = 1;
				if (dup) {
					cfg_log(p->log, SSHD_LOG_DEBUG2, "%s:%d: ignoring "
					    "duplicate env name", f->name, f->linenum);
					continue;
				}
			}
			break;
		case K_LOGVERBOSE:
		case K_CHANNELTIMEOUT:
			if (kw->id == K_LOGVERBOSE && *arg == '\0') {
				soft(p, f, "keyword %s empty argument", keyword);
				return 0;
			}
			if (strcasecmp(arg, "none") == 0) {
				if (count > 0 || a->next < a->n) {
					soft(p, f, "keyword %s \"none\" argument must appear "
					    "alone.", keyword);
					return 0;
				}
			} else if (kw->id == K_CHANNELTIMEOUT) {
				const char *eq = strchr(arg, '=');
				if (eq == NULL || eq == arg || sshd_parse_time(eq + 1) < 0)
					return hard(p, f, "invalid channel timeout %s", arg);
			}
			break;
		case K_AUTHMETHODS:
			if (strcmp(arg, "any") == 0) {
				if (count > 0 || a->next < a->n)
					return hard(p, f, "\"any\" must appear alone in %s",
					    keyword);
				seen_any = 1;
			} else if (!auth_method_valid(arg)) {
				cfg_log(p->log, SSHD_LOG_ERROR, "Unknown authentication "
				    "method \"%s\" in list", arg);
				return hard(p, f, "invalid %s method list.", keyword);
			}
			break;
		default:
			break;
		}
		count++;
		if (active && (kw->type == V_LIST || initial == 0)) {
			r = cfg_strlist_add(l, val != NULL ? val : arg);
			free(val);
			if (r != 0)
				return hard(p, f, "too many %s entries", keyword);
		} else
			free(val);
	}
	(void)seen_any;
	if (kw->id == K_AUTHMETHODS && count == 0)
		return hard(p, f, "no %s specified", keyword);
	return 0;
}

static int
parse_permitopen(struct cfg_pass *p, struct file_state *f, const struct cfg_keyword *kw,
    const char *keyword, struct line_args *a, int active)
{
	struct sshd_strlist *l = kw->id == K_PERMITOPEN ? &p->c->permitted_opens :
	    &p->c->permitted_listens;
	size_t initial = l->n;
	char *arg = next_arg(a);

	if (arg == NULL || *arg == '\0')
		return hard(p, f, "%s missing argument.", keyword);
	if (strcmp(arg, "any") == 0 || strcmp(arg, "none") == 0) {
		if (active && initial == 0 && cfg_strlist_add(l, arg) != 0)
			return -ENOMEM;
		return 0;
	}
	for (; arg != NULL && *arg != '\0'; arg = next_arg(a)) {
		char hostport[1024], *cp = hostport, *host;
		const char *stored = arg;
		char star[300];

		if (kw->id == K_PERMITLISTEN && strchr(arg, ':') == NULL) {
			if (snprintf(star, sizeof(star), "*:%s", arg) >= (int)sizeof(star))
				return hard(p, f, "%s bad port number", keyword);
			stored = star;
			cp = arg;
		} else {
			if (strlen(arg) >= sizeof(hostport))
				return hard(p, f, "%s missing host", keyword);
			strcpy(hostport, arg);
			if ((host = hpdelim(&cp)) == NULL)
				return hard(p, f, "%s missing host", keyword);
			(void)cleanhostname(host);
		}
		if (cp == NULL || permitopen_port(cp) < 0)
			return hard(p, f, "%s bad port number", keyword);
		if (active && initial == 0 && cfg_strlist_add(l, stored) != 0)
			return hard(p, f, "too many %s entries", keyword);
	}
	return 0;
}

static int
parse_listenaddress(struct cfg_pass *p, struct file_state *f, struct line_args *a)
{
	struct sshd_config *c = p->c;
	struct sshd_listen_spec *ls;
	char *arg = next_arg(a), *addr, *cp, *colon;
	int port = 0;

	if (arg == NULL || *arg == '\0')
		return hard(p, f, "missing address");
	if (strchr(arg, '[') == NULL && (colon = strchr(arg, ':')) != NULL &&
	    strchr(colon + 1, ':') != NULL) {
		addr = arg;             /* a bare IPv6 address */
	} else {
		cp = arg;
		if ((addr = hpdelim(&cp)) == NULL)
			return hard(p, f, "bad address:port usage");
		addr = cleanhostname(addr);
		if (cp != NULL && (port = sshd_parse_port(cp)) <= 0)
			return hard(p, f, "bad port number");
	}
	if ((arg = next_arg(a)) != NULL) {
		if (strcmp(arg, "rdomain") != 0 || next_arg(a) == NULL)
			return hard(p, f, "bad ListenAddress syntax");
		/* routing domains are OpenBSD's; Linux builds of OpenSSH reject them too */
		return hard(p, f, "bad routing domain");
	}
	if (c->nlisten_specs >= SSHD_CONFIG_MAX_LIST)
		return hard(p, f, "too many listen addresses");
	ls = realloc(c->listen_specs, (c->nlisten_specs + 1) * sizeof(*ls));
	if (ls == NULL)
		return -ENOMEM;
	c->listen_specs = ls;
	ls = &ls[c->nlisten_specs];
	memset(ls, 0, sizeof(*ls));
	if ((ls->addr = strdup(addr)) == NULL)
		return -ENOMEM;
	ls->port = port;
	c->nlisten_specs++;
	return 0;
}

static int
parse_subsystem(struct cfg_pass *p, struct file_state *f, const char *keyword,
    struct line_args *a, int active)
{
	struct sshd_config *c = p->c;
	struct sshd_subsystem *s;
	char *name, *cmd, *arg;
	size_t len;

	if (c->nsubsystems >= SSHD_CONFIG_MAX_SUBSYSTEMS)
		return hard(p, f, "too many subsystems defined.");
	if ((name = next_arg(a)) == NULL || *name == '\0')
		return hard(p, f, "%s missing argument.", keyword);
	if (!active) {
		consume_args(a);
		return 0;
	}
	for (size_t i = 0; i < c->nsubsystems; i++)
		if (strcmp(name, c->subsystems[i].name) == 0)
			return hard(p, f, "Subsystem '%s' already defined.", name);
	if ((cmd = next_arg(a)) == NULL || *cmd == '\0')
		return hard(p, f, "Missing subsystem command.");
	len = strlen(cmd) + 1;
	for (size_t i = a->next; i < a->n; i++)
		len += strlen(a->v[i]) + 1;
	if ((s = realloc(c->subsystems, (c->nsubsystems + 1) * sizeof(*s))) == NULL)
		return -ENOMEM;
	c->subsystems = s;
	s = &s[c->nsubsystems];
	s->name = strdup(name);
	s->command = strdup(cmd);
	s->args = malloc(len);
	if (s->name == NULL || s->command == NULL || s->args == NULL) {
		free(s->name);
		free(s->command);
		free(s->args);
		return -ENOMEM;
	}
	strcpy(s->args, cmd);
	while ((arg = next_arg(a)) != NULL) {
		strcat(s->args, " ");
		strcat(s->args, arg);
	}
	c->nsubsystems++;
	return 0;
}

static int
parse_rekeylimit(struct cfg_pass *p, struct file_state *f, const char *keyword,
    struct line_args *a, int active)
{
	struct sshd_config *c = p->c;
	char *arg = next_arg(a);
	int64_t v = 0;
	int r, secs;

	if (arg == NULL || *arg == '\0')
		return hard(p, f, "%s missing argument.", keyword);
	if (strcmp(arg, "default") != 0) {
		if ((r = sshd_parse_scaled(arg, &v)) != 0)
			return hard(p, f, "Bad %s number '%s': %s", keyword, arg, strerror(-r));
		if (v != 0 && v < 16)
			return hard(p, f, "%s too small", keyword);
	}
	if (active && c->rekey_limit == -1)
		c->rekey_limit = v;
	if ((arg = next_arg(a)) == NULL)
		return 0;
	if (strcmp(arg, "none") == 0)
		return 0;
	if (*arg == '\0')
		return hard(p, f, "missing time value.");
	if ((secs = sshd_parse_time(arg)) < 0)
		return hard(p, f, "invalid time value.");
	if (active && c->rekey_interval == -1)
		c->rekey_interval = secs;
	return 0;
}

/* The value part of an Include: each glob, read now or taken from the cache. */
static int
parse_include(struct cfg_pass *p, struct file_state *f, const char *keyword,
    struct line_args *a, int *activep)
{
	struct sshd_config_source *src = p->src;
	int nvalues = 0, r;
	char *arg;

	while ((arg = next_arg(a)) != NULL) {
		char *sel = NULL;
		int oactive = *activep, found = 0, child;
		glob_t g;

		if (*arg == '\0') {
			soft(p, f, "keyword %s empty argument", keyword);
			return 0;
		}
		nvalues++;
		if (*arg != '/' && *arg != '~')
			r = asprintf(&sel, "%s/%s", SSHD_CONFIG_SSHDIR, arg);
		else
			r = (sel = strdup(arg)) == NULL ? -1 : 0;
		if (r < 0)
			return -ENOMEM;
		/* an included file's Match state never leaks into this file */
		child = (*f->inc_flags & CFG_INC_MATCH_ONLY) ? CFG_INC_MATCH_ONLY :
		    (oactive ? 0 : CFG_INC_NEVERMATCH);

		for (size_t i = 0; i < src->ninc; i++) {
			if (strcmp(src->inc[i].selector, sel) != 0)
				continue;
			found = 1;
			if (src->inc[i].filename != NULL) {
				const char *fn = src->inc[i].filename, *tx = src->inc[i].text;
				size_t tl = src->inc[i].len;
				r = parse_text(p, fn, tx, tl, child, activep, f->depth + 1);
				*activep = oactive;
				if (r != 0) {
					free(sel);
					return r;
				}
			}
		}
		if (found) {
			free(sel);
			continue;
		}
		if (src->includes_frozen) {
			/* an unpacked source: what was not read at start-up is not read now */
			r = hard(p, f, "Include \"%s\" was not read when the server started",
			    sel);
			free(sel);
			return r;
		}

		memset(&g, 0, sizeof(g));
		r = glob(sel, 0, NULL, &g);
		if (r != 0 && r != GLOB_NOMATCH) {
			globfree(&g);
			r = hard(p, f, "include \"%s\" glob failed", sel);
			free(sel);
			return r;
		}
		if (r == GLOB_NOMATCH || g.gl_pathc == 0) {
			struct sshd_config_include *inc;
			cfg_log(p->log, SSHD_LOG_DEBUG2, "%s:%d: no match for %s", f->name,
			    f->linenum, sel);
			if (src->ninc >= SSHD_CONFIG_MAX_INCLUDES ||
			    (inc = realloc(src->inc, (src->ninc + 1) * sizeof(*inc))) == NULL) {
				globfree(&g);
				free(sel);
				return hard(p, f, "too many Include directives");
			}
			src->inc = inc;
			memset(&inc[src->ninc], 0, sizeof(*inc));
			inc[src->ninc++].selector = sel;
			globfree(&g);
			continue;
		}
		for (size_t n = 0; n < g.gl_pathc; n++) {
			struct sshd_config_source one;
			struct sshd_config_include *inc = NULL;

			sshd_config_source_init(&one);
			if ((r = sshd_config_source_load(&one, g.gl_pathv[n], p->log)) != 0) {
				globfree(&g);
				free(sel);
				return hard(p, f, "cannot read included file");
			}
			r = parse_text(p, one.name, one.text, one.len, child, activep,
			    f->depth + 1);
			*activep = oactive;
			if (r == 0 && (src->ninc >= SSHD_CONFIG_MAX_INCLUDES ||
			    (inc = realloc(src->inc, (src->ninc + 1) * sizeof(*inc))) == NULL))
				r = hard(p, f, "too many Include directives");
			if (r != 0) {
				sshd_config_source_free(&one);
				globfree(&g);
				free(sel);
				return r;
			}
			src->inc = inc;
			inc[src->ninc].selector = strdup(sel);
			inc[src->ninc].filename = one.name;
			inc[src->ninc].text = one.text;
			inc[src->ninc].len = one.len;
			if (inc[src->ninc].selector == NULL) {
				sshd_config_source_free(&one);
				globfree(&g);
				free(sel);
				return -ENOMEM;
			}
			src->ninc++;
		}
		globfree(&g);
		free(sel);
	}
	if (nvalues == 0)
		return hard(p, f, "%s missing filename argument", keyword);
	return 0;
}

/* Keywords with their own syntax. */
static int
special(struct cfg_pass *p, struct file_state *f, const struct cfg_keyword *kw,
    const char *keyword, const char *rest, struct line_args *a, int *activep, int cmdline)
{
	struct sshd_config *c = p->c;
	int active = *activep, v, v2, r, vals[3];
	char *arg, *path;
	const char *err;

	switch (kw->id) {
	case K_PORT:
		if (c->ports_from_cmdline) {
			consume_args(a);
			return 0;
		}
		if (c->nports >= SSHD_CONFIG_MAX_PORTS)
			return hard(p, f, "too many ports.");
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "missing port number.");
		if ((v = sshd_parse_port(arg)) <= 0)
			return hard(p, f, "Badly formatted port number.");
		c->ports[c->nports++] = v;
		return 0;
	case K_HOSTKEY:
	case K_HOSTCERTIFICATE:
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "missing file name.");
		if (!active)
			return 0;
		if ((r = cfg_derelativise(arg, &path)) != 0)
			return hard(p, f, "cannot expand %s", arg);
		r = cfg_strlist_add(kw->id == K_HOSTKEY ? &c->host_key_files :
		    &c->host_cert_files, path);
		free(path);
		return r == 0 ? 0 : hard(p, f, "too many %s entries", keyword);
	case K_HOSTKEYAGENT:
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "missing socket name.");
		if (strcmp(arg, "SSH_AUTH_SOCK") == 0)
			return set_str_once(&c->host_key_agent, active, arg);
		if ((r = cfg_derelativise(arg, &path)) != 0)
			return hard(p, f, "cannot expand %s", arg);
		take_str_once(&c->host_key_agent, active, path);
		return 0;
	case K_SECURITYKEYPROVIDER:
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "%s missing argument.", keyword);
		if (strcasecmp(arg, "internal") == 0)
			return set_str_once(&c->sk_provider, active, arg);
		if ((r = cfg_derelativise(arg, &path)) != 0)
			return hard(p, f, "cannot expand %s", arg);
		take_str_once(&c->sk_provider, active, path);
		return 0;
	case K_LISTENADDRESS:
		return parse_listenaddress(p, f, a);
	case K_PUBKEYAUTHOPTIONS:
		v = 0;
		while ((arg = next_arg(a)) != NULL) {
			if (strcasecmp(arg, "none") == 0)
				continue;
			if (strcasecmp(arg, "touch-required") == 0)
				v |= SSHD_PUBKEYAUTH_TOUCH_REQUIRED;
			else if (strcasecmp(arg, "verify-required") == 0)
				v |= SSHD_PUBKEYAUTH_VERIFY_REQUIRED;
			else {
				soft(p, f, "unsupported %s option %s", keyword, arg);
				consume_args(a);
				return 0;
			}
		}
		if (active && c->pubkey_auth_options == -1)
			c->pubkey_auth_options = v;
		return 0;
	case K_PERMITUSERENV:
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "%s missing argument.", keyword);
		if (active && c->permit_user_env == -1) {
			if (strcmp(arg, "yes") == 0)
				c->permit_user_env = 1;
			else if (strcmp(arg, "no") == 0)
				c->permit_user_env = 0;
			else {
				c->permit_user_env = 1;
				if ((c->permit_user_env_allowlist = strdup(arg)) == NULL)
					return -ENOMEM;
			}
		}
		return 0;
	case K_REKEYLIMIT:
		return parse_rekeylimit(p, f, keyword, a, active);
	case K_SUBSYSTEM:
		return parse_subsystem(p, f, keyword, a, active);
	case K_MAXSTARTUPS:
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "%s missing argument.", keyword);
		v = colon_ints(arg, vals, 3);
		if (v == 3) {
			if (vals[0] > vals[2] || vals[1] > 100 || vals[1] < 1)
				return hard(p, f, "Invalid %s spec.", keyword);
		} else if (v != 1)
			return hard(p, f, "Invalid %s spec.", keyword);
		else {
			vals[1] = c->max_startups_rate;
			vals[2] = vals[0];
		}
		if (vals[2] <= 0 || vals[0] <= 0)
			return hard(p, f, "Invalid %s spec.", keyword);
		/* no "first wins" here: OpenSSH assigns on every line */
		c->max_startups_begin = vals[0];
		c->max_startups_rate = vals[1];
		c->max_startups = vals[2];
		return 0;
	case K_PERSOURCENETBLOCKSIZE:
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "%s missing argument.", keyword);
		vals[1] = 0;
		v = colon_ints(arg, vals, 2);
		if (v == 2 && (vals[1] < 0 || vals[1] > 128))
			v = -1;
		if ((v == 1 || v == 2) && (vals[0] < 0 || vals[0] > 32))
			v = -1;
		if (v != 1 && v != 2)
			return hard(p, f, "Invalid %s spec.", keyword);
		if (active) {
			c->per_source_masklen_ipv4 = vals[0];
			c->per_source_masklen_ipv6 = vals[1];
		}
		return 0;
	case K_PERSOURCEMAXSTARTUPS:
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "%s missing argument.", keyword);
		if (strcmp(arg, "none") == 0)
			v = SSHD_PERSOURCE_NONE;
		else if ((err = atoi_err(arg, &v)) != NULL)
			return hard(p, f, "%s integer value %s.", keyword, err);
		if (active)
			c->per_source_max_startups = v;
		return 0;
	case K_IPQOS:
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "%s missing argument.", keyword);
		if ((v = cfg_parse_ipqos(arg)) == -1)
			return hard(p, f, "Bad %s value: %s", keyword, arg);
		if ((arg = next_arg(a)) == NULL)
			v2 = v;
		else if ((v2 = cfg_parse_ipqos(arg)) == -1)
			return hard(p, f, "Bad %s value: %s", keyword, arg);
		if (active) {
			c->ip_qos_interactive = v;
			c->ip_qos_bulk = v2;
		}
		return 0;
	case K_VERSIONADDENDUM:
		consume_args(a);
		if (active && c->version_addendum == NULL)
			c->version_addendum = strdup(strcasecmp(rest, "none") == 0 ? "" : rest);
		return 0;
	case K_STREAMLOCALBINDMASK: {
		char *end;
		long m;
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "%s missing argument.", keyword);
		errno = 0;
		m = strtol(arg, &end, 8);
		if (end == arg || m < 0 || m > 0777 || errno != 0)
			return hard(p, f, "Invalid %s.", keyword);
		if (active)
			c->streamlocal_bind_mask = (int)m;
		return 0;
	}
	case K_FINGERPRINTHASH:
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "%s missing argument.", keyword);
		if ((v = cfg_choice_value(cfg_choices_fphash, arg, 0)) == -1)
			return hard(p, f, "Invalid %s algorithm \"%s\".", keyword, arg);
		if (active)
			c->fingerprint_hash = v;
		return 0;
	case K_RDOMAIN:
		return hard(p, f, "setting RDomain not supported on this platform.");
	case K_UNUSEDCONNTIMEOUT:
		if (a->n > 0 && strcasecmp(a->v[0], "none") == 0) {
			(void)next_arg(a);
			if (active)
				c->unused_connection_timeout = 0;
			return 0;
		}
		if ((arg = next_arg(a)) == NULL || *arg == '\0')
			return hard(p, f, "missing time value.");
		if ((v = sshd_parse_time(arg)) < 0)
			return hard(p, f, "invalid time value.");
		if (active && c->unused_connection_timeout == -1)
			c->unused_connection_timeout = v;
		return 0;
	case K_PERMITOPEN:
	case K_PERMITLISTEN:
		return parse_permitopen(p, f, kw, keyword, a, active);
	case K_INCLUDE:
		if (cmdline)
			return hard(p, f, "Include directive not supported as a command-line "
			    "option");
		if (p->src != NULL && p->src->no_includes)
			return hard(p, f, "Include is disabled here");
		return parse_include(p, f, keyword, a, activep);
	case K_MATCH:
		if (cmdline)
			return hard(p, f, "Match directive not supported as a command-line "
			    "option");
		r = cfg_match_line(a->v, a->n, (*f->inc_flags & CFG_INC_NEVERMATCH) ? NULL :
		    p->ci, f->name, f->linenum, p->log);
		if (r == -1)
			return hard(p, f, "Bad Match condition");
		if (r < 0)
			return -EBADMSG;
		*activep = (*f->inc_flags & CFG_INC_NEVERMATCH) ? 0 : r;
		p->c->has_match = 1;
		/* Includes before the first Match of the top file evaluate their blocks */
		*f->inc_flags &= ~CFG_INC_MATCH_ONLY;
		consume_args(a);
		return 0;
	default:
		return hard(p, f, "Missing handler for %s", keyword);
	}
}

/* Applies one line; 0 (errors to collect are counted in f), or a negative error. */
static int
process_line(struct cfg_pass *p, struct file_state *f, char *line, int *activep)
{
	const struct cfg_keyword *kw;
	struct line_args *a;
	char *keyword, *rest;
	int cmdline = 0, cmd_active = 1, active, r = 0;
	size_t len = strlen(line);

	while (len > 0 && strchr(WS "\f", line[len - 1]) != NULL)
		line[--len] = '\0';
	line += strspn(line, WS);
	if (*line == '\0' || *line == '#')
		return 0;
	if (split_keyword(line, &keyword, &rest) != 0) {
		soft(p, f, "invalid quotes");
		return 0;
	}
	if (*keyword == '\0' || *keyword == '#')
		return 0;
	if (*rest == '\0') {
		soft(p, f, "no argument after keyword \"%s\"", keyword);
		return 0;
	}
	kw = cfg_keyword_lookup(keyword);
	if (kw == NULL) {
		/* the Match pass skips global lines; the global pass reported this one */
		if (p->ci != NULL && activep != NULL && *activep == 0)
			return 0;
		soft(p, f, "Bad configuration option: %s", keyword);
	}

	if ((a = malloc(sizeof(*a))) == NULL)
		return -ENOMEM;
	if ((r = split_args(rest, a)) != 0) {
		if (r == -ENOMEM)
			goto out;
		if (kw != NULL)
			soft(p, f, r == -E2BIG ? "too many arguments" : "invalid quotes");
		r = 0;
		goto out;
	}
	if (activep == NULL) {
		cmdline = 1;
		activep = &cmd_active;
	}
	if (kw == NULL)
		goto out;
	if (*activep == 0 && !(kw->flags & CFG_MATCH)) {
		if (p->ci == NULL)
			r = hard(p, f, "Directive '%s' is not allowed within a Match block",
			    keyword);
		goto out;       /* in the Match pass, global lines were applied already */
	}
	if (*activep && kw->id != K_MATCH && kw->id != K_INCLUDE)
		cfg_log(p->log, SSHD_LOG_DEBUG3, "%s:%d setting %s %s", f->name, f->linenum,
		    keyword, rest);
	active = *activep;

	switch (kw->type) {
	case V_FLAG:
	case V_MULTI: {
		char *arg = next_arg(a);
		int *field = FIELD(p->c, kw, int), v;

		if (arg == NULL || *arg == '\0') {
			r = hard(p, f, "missing argument.");
			break;
		}
		v = cfg_choice_value(kw->choices, arg, (kw->flags & CFG_CASE) != 0);
		if (v == -1) {
			if (kw->id == K_LOGLEVEL)
				r = hard(p, f, "unsupported log level '%s'", arg);
			else if (kw->id == K_SYSLOGFACILITY)
				r = hard(p, f, "unsupported log facility '%s'", arg);
			else if (kw->id == K_PERMITTUNNEL)
				r = hard(p, f, "bad %s argument %s", keyword, arg);
			else
				r = hard(p, f, "unsupported option \"%s\".", arg);
			break;
		}
		if ((active || kw->id == K_SYSLOGFACILITY) && *field == -1)
			*field = v;
		break;
	}
	case V_INT: {
		int *field = FIELD(p->c, kw, int), v = 0;
		const char *err = atoi_err(next_arg(a), &v);

		if (err != NULL)
			r = hard(p, f, "%s integer value %s.", keyword, err);
		else if (active && *field == -1)
			*field = v;
		break;
	}
	case V_TIME: {
		char *arg = next_arg(a);
		int *field = FIELD(p->c, kw, int), v;

		if (arg == NULL || *arg == '\0')
			r = hard(p, f, "missing time value.");
		else if ((v = sshd_parse_time(arg)) < 0)
			r = hard(p, f, "invalid time value.");
		else if (active && *field == -1)
			*field = v;
		break;
	}
	case V_PATH:
	case V_TILDE:
	case V_STR: {
		char *arg = next_arg(a), *v = NULL;
		char **field = FIELD(p->c, kw, char *);

		if (arg == NULL || *arg == '\0') {
			r = kw->type == V_PATH ? hard(p, f, "missing file name.") :
			    hard(p, f, "%s missing argument.", keyword);
			break;
		}
		if (!active || *field != NULL)
			break;
		if (kw->type == V_PATH)
			r = cfg_derelativise(arg, &v);
		else if (kw->type == V_TILDE)
			r = cfg_tilde_expand(arg, &v);
		else
			r = (v = strdup(arg)) == NULL ? -ENOMEM : 0;
		if (r != 0) {
			r = r == -ENOMEM ? r : hard(p, f, "cannot expand %s", arg);
			break;
		}
		*field = v;
		break;
	}
	case V_CMD:
	case V_REST: {
		char **field = FIELD(p->c, kw, char *);

		consume_args(a);
		if (kw->type == V_CMD && rest[0] != '/' && strcasecmp(rest, "none") != 0) {
			r = hard(p, f, "%s must be an absolute path", keyword);
			break;
		}
		r = set_str_once(field, active, rest);
		break;
	}
	case V_ALGOS: {
		char *arg = next_arg(a);
		char **field = FIELD(p->c, kw, char *);
		static const char *const what[] = { "", "Bad SSH2 cipher spec",
		    "Bad SSH2 mac spec", "Bad SSH2 KexAlgorithms", "Bad key types",
		    "Bad key types", "Bad GSSAPI KexAlgorithms" };

		if (arg == NULL || *arg == '\0') {
			r = hard(p, f, "%s missing argument.", keyword);
			break;
		}
		if (!cfg_algos_valid(kw->algo, arg)) {
			r = hard(p, f, "%s '%s'.", what[kw->algo], arg);
			break;
		}
		/* Ciphers, MACs and KexAlgorithms take the first value even outside Match */
		if (kw->algo == ALG_CIPHER || kw->algo == ALG_MAC || kw->algo == ALG_KEX)
			active = 1;
		r = set_str_once(field, active, arg);
		break;
	}
	case V_LIST:
	case V_LIST1:
		r = list_value(p, f, kw, keyword, a, active);
		break;
	case V_SPECIAL:
		r = special(p, f, kw, keyword, rest, a, activep, cmdline);
		break;
	case V_DEPRECATED:
	case V_UNSUPPORTED:
	case V_IGNORE:
		cfg_log(p->log, kw->type == V_IGNORE ? SSHD_LOG_DEBUG2 : SSHD_LOG_INFO,
		    "%s:%d: %s option %s", f->name, f->linenum,
		    kw->type == V_UNSUPPORTED ? "Unsupported" : "Deprecated", keyword);
		consume_args(a);
		break;
	}
	if (r == 0 && a->next < a->n)
		soft(p, f, "keyword %s extra arguments at end of line", keyword);
out:
	free(a->buf);
	free(a);
	return r;
}

static int
parse_text(struct cfg_pass *p, const char *name, const char *text, size_t len,
    int inc_flags, int *activep, int depth)
{
	struct file_state f = { name, 0, &inc_flags, depth, 0 };
	char *line;
	size_t pos = 0;
	int r = 0;

	if (depth > SSHD_CONFIG_MAX_DEPTH) {
		cfg_log(p->log, SSHD_LOG_FATAL, "%s: Too many recursive configuration "
		    "includes", name);
		return -ELOOP;
	}
	if (depth > 0 && ++p->includes_parsed > SSHD_CONFIG_MAX_INCLUDES) {
		cfg_log(p->log, SSHD_LOG_FATAL, "%s: too many included files", name);
		return -ELOOP;
	}
	if ((line = malloc(SSHD_CONFIG_MAX_LINE + 1)) == NULL)
		return -ENOMEM;
	while (pos <= len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;

		f.linenum++;
		if (l > SSHD_CONFIG_MAX_LINE) {
			cfg_log(p->log, SSHD_LOG_FATAL, "%s:%d: line too long", name, f.linenum);
			r = -EBADMSG;
			break;
		}
		memcpy(line, text + pos, l);
		line[l] = '\0';
		if ((r = process_line(p, &f, line, activep)) != 0)
			break;
		pos += l + 1;
		if (nl == NULL)
			break;
	}
	free(line);
	if (r == 0 && f.bad > 0) {
		cfg_log(p->log, SSHD_LOG_FATAL, "%s: terminating, %d bad configuration options",
		    name, f.bad);
		r = -EBADMSG;
	}
	return r;
}

void
sshd_config_source_init(struct sshd_config_source *s)
{
	memset(s, 0, sizeof(*s));
}

void
sshd_config_source_free(struct sshd_config_source *s)
{
	for (size_t i = 0; i < s->ninc; i++) {
		free(s->inc[i].selector);
		free(s->inc[i].filename);
		free(s->inc[i].text);
	}
	free(s->inc);
	free(s->name);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

int
sshd_config_source_set(struct sshd_config_source *s, const char *name, const char *text,
    size_t len, const struct sshd_config_log *log)
{
	char *n, *t;

	if (len > SSHD_CONFIG_MAX_FILE) {
		cfg_log(log, SSHD_LOG_FATAL, "%s: file too large", name);
		return -EFBIG;
	}
	if (memchr(text, '\0', len) != NULL) {
		size_t off = (size_t)((const char *)memchr(text, '\0', len) - text);
		int line = 1;
		for (size_t i = 0; i < off; i++)
			line += text[i] == '\n';
		cfg_log(log, SSHD_LOG_FATAL, "%s:%d: NUL byte in configuration", name, line);
		return -EBADMSG;
	}
	if ((n = strdup(name)) == NULL || (t = malloc(len + 1)) == NULL) {
		free(n);
		return -ENOMEM;
	}
	memcpy(t, text, len);
	t[len] = '\0';
	free(s->name);
	free(s->text);
	s->name = n;
	s->text = t;
	s->len = len;
	return 0;
}

int
sshd_config_source_load(struct sshd_config_source *s, const char *path,
    const struct sshd_config_log *log)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = -errno;
		cfg_log(log, SSHD_LOG_FATAL, "%s: %s", path, strerror(errno));
		return r;
	}
	for (;;) {
		if (len == cap) {
			char *nb;
			if (cap >= SSHD_CONFIG_MAX_FILE + 1) {
				free(buf);
				close(fd);
				cfg_log(log, SSHD_LOG_FATAL, "%s: file too large", path);
				return -EFBIG;
			}
			cap = cap == 0 ? 8192 : cap * 2;
			if (cap > SSHD_CONFIG_MAX_FILE + 1)
				cap = SSHD_CONFIG_MAX_FILE + 1;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			cfg_log(log, SSHD_LOG_FATAL, "%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			/* a directory matched by a glob reads as empty, as with OpenSSH */
			return r == -EISDIR ? sshd_config_source_set(s, path, "", 0, log) : r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	r = sshd_config_source_set(s, path, buf == NULL ? "" : buf, len, log);
	free(buf);
	return r;
}

void
sshd_config_init(struct sshd_config *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < cfg_nkeywords; i++) {
		const struct cfg_keyword *kw = &cfg_keywords[i];
		if ((kw->type == V_FLAG || kw->type == V_MULTI || kw->type == V_INT ||
		    kw->type == V_TIME) && kw->off != NO_FIELD)
			*FIELD(c, kw, int) = -1;
	}
	c->address_family = -1;
	c->pubkey_auth_options = -1;
	c->permit_user_env = -1;
	c->rekey_limit = -1;
	c->rekey_interval = -1;
	c->max_startups_begin = c->max_startups_rate = c->max_startups = -1;
	c->per_source_max_startups = -1;
	c->per_source_masklen_ipv4 = c->per_source_masklen_ipv6 = -1;
	c->ip_qos_interactive = c->ip_qos_bulk = -1;
	c->streamlocal_bind_mask = -1;
	c->fingerprint_hash = -1;
	c->unused_connection_timeout = -1;
}

void
sshd_config_free(struct sshd_config *c)
{
	char **strs[] = { &c->host_key_agent, &c->pid_file, &c->moduli_file,
	    &c->xauth_location, &c->banner, &c->trusted_user_ca_keys, &c->revoked_keys_file,
	    &c->sk_provider, &c->authorized_principals_file, &c->chroot_directory,
	    &c->adm_forced_command, &c->routing_domain, &c->authorized_keys_command,
	    &c->authorized_keys_command_user, &c->authorized_principals_command,
	    &c->authorized_principals_command_user, &c->version_addendum, &c->ciphers,
	    &c->macs, &c->kex_algorithms, &c->hostkeyalgorithms, &c->hostbased_accepted_algos,
	    &c->pubkey_accepted_algos, &c->ca_sign_algorithms, &c->gss_kex_algorithms,
	    &c->permit_user_env_allowlist };
	struct sshd_strlist *lists[] = { &c->host_key_files, &c->host_cert_files,
	    &c->authorized_keys_files, &c->allow_users, &c->deny_users, &c->allow_groups,
	    &c->deny_groups, &c->accept_env, &c->setenv, &c->auth_methods, &c->log_verbose,
	    &c->channel_timeouts, &c->permitted_opens, &c->permitted_listens };

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		cfg_strlist_free(lists[i]);
	for (size_t i = 0; i < c->nlisten_specs; i++) {
		free(c->listen_specs[i].addr);
		free(c->listen_specs[i].rdomain);
	}
	free(c->listen_specs);
	for (size_t i = 0; i < c->nlisten_addrs; i++)
		free(c->listen_addrs[i].rdomain);
	free(c->listen_addrs);
	for (size_t i = 0; i < c->nsubsystems; i++) {
		free(c->subsystems[i].name);
		free(c->subsystems[i].command);
		free(c->subsystems[i].args);
	}
	free(c->subsystems);
	memset(c, 0, sizeof(*c));
}

int
sshd_config_parse_option(struct sshd_config *c, const char *line,
    const struct sshd_config_log *log)
{
	struct cfg_pass p = { c, NULL, NULL, log, 0 };
	int flags = 0, r;
	struct file_state f = { "command-line", 0, &flags, 0, 0 };
	char *buf;

	if (strlen(line) > SSHD_CONFIG_MAX_LINE) {
		cfg_log(log, SSHD_LOG_FATAL, "command-line:0: line too long");
		return -EBADMSG;
	}
	if ((buf = strdup(line)) == NULL)
		return -ENOMEM;
	r = process_line(&p, &f, buf, NULL);
	free(buf);
	if (r == 0 && f.bad > 0)
		r = -EBADMSG;
	return r;
}

int
sshd_config_parse(struct sshd_config *c, struct sshd_config_source *s,
    const struct sshd_config_log *log)
{
	struct cfg_pass p = { c, s, NULL, log, 0 };
	int active = 1;

	if (s->text == NULL)
		return -EINVAL;
	return parse_text(&p, s->name, s->text, s->len, 0, &active, 0);
}

/* Sets every unset value to its default, by parsing the table's default text. */
static int
fill_defaults(struct sshd_config *c, const struct sshd_config_log *log)
{
	static const char *const keys[] = { "/etc/ssh/ssh_host_rsa_key",
	    "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key" };
	int r;

	if (c->host_key_files.n == 0) {
		for (size_t i = 0; i < 3; i++)
			if (access(keys[i], R_OK) == 0 &&
			    (r = cfg_strlist_add(&c->host_key_files, keys[i])) != 0)
				return r;
		if (c->host_key_files.n == 0) {
			cfg_log(log, SSHD_LOG_FATAL, "No host key files found");
			return -ENOENT;
		}
	}
	for (size_t i = 0; i < cfg_nkeywords; i++) {
		const struct cfg_keyword *kw = &cfg_keywords[i];
		char line[256];

		if (kw->dflt == NULL || cfg_keyword_by_id(kw->id) != kw)
			continue;
		snprintf(line, sizeof(line), "%s %s", kw->name, kw->dflt);
		if ((r = sshd_config_parse_option(c, line, log)) != 0)
			return r;
	}
	if (c->rekey_limit == -1)
		c->rekey_limit = 0;
	if (c->rekey_interval == -1)
		c->rekey_interval = 0;
	if (c->max_startups == -1)
		c->max_startups = 100;
	if (c->max_startups_rate == -1)
		c->max_startups_rate = 30;
	if (c->max_startups_begin == -1)
		c->max_startups_begin = 10;
	if (c->per_source_max_startups == -1)
		c->per_source_max_startups = SSHD_PERSOURCE_NONE;
	if (c->per_source_masklen_ipv4 == -1)
		c->per_source_masklen_ipv4 = 32;
	if (c->per_source_masklen_ipv6 == -1)
		c->per_source_masklen_ipv6 = 128;
	if (c->ip_qos_interactive == -1)
		c->ip_qos_interactive = 0x10;   /* Debian: lowdelay */
	if (c->ip_qos_bulk == -1)
		c->ip_qos_bulk = 0x08;          /* Debian: throughput */
	if (c->streamlocal_bind_mask == -1)
		c->streamlocal_bind_mask = 0177;
	if (c->fingerprint_hash == -1)
		c->fingerprint_hash = SSHD_FP_SHA256;
	if (c->unused_connection_timeout == -1)
		c->unused_connection_timeout = 0;
	if (c->pubkey_auth_options == -1)
		c->pubkey_auth_options = 0;
	if (c->permit_user_env == -1)
		c->permit_user_env = 0;
	if (c->sk_provider == NULL && (c->sk_provider = strdup("internal")) == NULL)
		return -ENOMEM;
	if (c->version_addendum == NULL && (c->version_addendum = strdup("")) == NULL)
		return -ENOMEM;
	return 0;
}

static void
clear_on_none(char **s)
{
	if (*s != NULL && strcasecmp(*s, "none") == 0) {
		free(*s);
		*s = NULL;
	}
}

int
sshd_config_finish(struct sshd_config *c, const struct sshd_algo_sets *algs,
    const struct sshd_config_log *log)
{
	int r;

	if (c->nports == 0)
		c->ports[c->nports++] = 22;
	if (c->address_family == -1)
		c->address_family = AF_UNSPEC;
	if ((r = cfg_resolve_listen(c, log)) != 0)
		return r;
	if ((r = fill_defaults(c, log)) != 0)
		return r;
	if ((r = cfg_assemble_algorithms(c, algs, log)) != 0)
		return r;
	clear_on_none(&c->pid_file);
	clear_on_none(&c->xauth_location);
	clear_on_none(&c->banner);
	clear_on_none(&c->trusted_user_ca_keys);
	clear_on_none(&c->revoked_keys_file);
	clear_on_none(&c->sk_provider);
	clear_on_none(&c->authorized_principals_file);
	clear_on_none(&c->adm_forced_command);
	clear_on_none(&c->chroot_directory);
	clear_on_none(&c->routing_domain);
	clear_on_none(&c->host_key_agent);
	if (c->channel_timeouts.n == 1 && strcasecmp(c->channel_timeouts.v[0], "none") == 0)
		cfg_strlist_free(&c->channel_timeouts);
	if (c->auth_methods.n == 1 && strcasecmp(c->auth_methods.v[0], "any") == 0)
		cfg_strlist_free(&c->auth_methods);
	return 0;
}

/* What a Match block may change: copied from the Match pass when set there. */
#define CF(field) offsetof(struct sshd_config, field)
static const size_t match_ints[] = {
	CF(password_authentication), CF(gss_authentication), CF(pubkey_authentication),
	CF(pubkey_auth_options), CF(kerberos_authentication), CF(hostbased_authentication),
	CF(hostbased_uses_name_from_packet_only), CF(kbd_interactive_authentication),
	CF(permit_root_login), CF(permit_empty_passwd), CF(ignore_rhosts),
	CF(allow_tcp_forwarding), CF(allow_streamlocal_forwarding),
	CF(allow_agent_forwarding), CF(disable_forwarding), CF(expose_userauth_info),
	CF(permit_tun), CF(gateway_ports), CF(streamlocal_bind_unlink),
	CF(x11_display_offset), CF(x11_forwarding), CF(x11_use_localhost), CF(permit_tty),
	CF(permit_user_rc), CF(max_sessions), CF(max_authtries), CF(client_alive_count_max),
	CF(client_alive_interval), CF(ip_qos_interactive), CF(ip_qos_bulk),
	CF(rekey_interval), CF(log_level), CF(required_rsa_size),
	CF(unused_connection_timeout), CF(streamlocal_bind_mask),
};
static const size_t match_strs[] = {
	CF(banner), CF(trusted_user_ca_keys), CF(revoked_keys_file),
	CF(authorized_keys_command), CF(authorized_keys_command_user),
	CF(authorized_principals_file), CF(authorized_principals_command),
	CF(authorized_principals_command_user), CF(hostbased_accepted_algos),
	CF(pubkey_accepted_algos), CF(ca_sign_algorithms), CF(routing_domain),
	CF(permit_user_env_allowlist), CF(adm_forced_command), CF(chroot_directory),
};
static const size_t match_lists[] = {
	CF(authorized_keys_files), CF(allow_users), CF(deny_users), CF(allow_groups),
	CF(deny_groups), CF(accept_env), CF(setenv), CF(auth_methods), CF(permitted_opens),
	CF(permitted_listens), CF(channel_timeouts), CF(log_verbose),
};

int
sshd_config_apply_match(struct sshd_config *c, struct sshd_config_source *s,
    const struct sshd_conn_info *ci, const struct sshd_algo_sets *algs,
    const struct sshd_config_log *log)
{
	struct sshd_config mo;
	struct cfg_pass p = { &mo, s, ci, log, 0 };
	int active = 0, r;

	if (s->text == NULL || ci == NULL)
		return -EINVAL;
	sshd_config_init(&mo);
	if ((r = parse_text(&p, s->name, s->text, s->len, CFG_INC_MATCH_ONLY, &active, 0)) != 0)
		goto out;
	for (size_t i = 0; i < sizeof(match_ints) / sizeof(match_ints[0]); i++) {
		int v = *(int *)(void *)((char *)&mo + match_ints[i]);
		if (v != -1)
			*(int *)(void *)((char *)c + match_ints[i]) = v;
	}
	if (mo.rekey_limit != -1)
		c->rekey_limit = mo.rekey_limit;
	for (size_t i = 0; i < sizeof(match_strs) / sizeof(match_strs[0]); i++) {
		char **src = (char **)(void *)((char *)&mo + match_strs[i]);
		char **dst = (char **)(void *)((char *)c + match_strs[i]);
		if (*src != NULL) {
			free(*dst);
			*dst = *src;
			*src = NULL;
		}
	}
	for (size_t i = 0; i < sizeof(match_lists) / sizeof(match_lists[0]); i++) {
		struct sshd_strlist *src = (void *)((char *)&mo + match_lists[i]);
		struct sshd_strlist *dst = (void *)((char *)c + match_lists[i]);
		if (src->n != 0 && (r = cfg_strlist_copy(dst, src)) != 0)
			goto out;
	}
	if ((r = cfg_assemble_algorithms(c, algs, log)) != 0)
		goto out;
	clear_on_none(&c->adm_forced_command);
	clear_on_none(&c->chroot_directory);
out:
	sshd_config_free(&mo);
	return r;
}
