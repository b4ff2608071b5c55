/* authorized_keys lines: a bounded tokenizer over text. Every scan below is limited by
 * the line length given; nothing relies on a NUL terminator in the input. */
#include "sshd/authkeys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crypto/base64.h"

/* Key types a line may name, and those we recognise only to say why we refuse them. */
static const char *const supported_types[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"ssh-rsa",
};
static const char *const refused_types[] = {
	"ssh-dss", "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ssh-ed25519@openssh.com",
	"ssh-ed25519-cert-v01@openssh.com", "ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
	"ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com",
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"sk-ssh-ed25519-cert-v01@openssh.com",
};

/* A view of the line being parsed: p[0..len), position i. */
struct cursor {
	const char *p;
	size_t len;
	size_t i;
};

static int skip(struct authkeys_line *out, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int skip(struct authkeys_line *out, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
	return rc;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool at_end(const struct cursor *c)
{
	return c->i >= c->len;
}

static void skip_space(struct cursor *c)
{
	while (!at_end(c) && is_space(c->p[c->i]))
		c->i++;
}

/* Length of the token at the cursor (up to whitespace or the end). */
static size_t token_len(const struct cursor *c)
{
	size_t n = 0;

	while (c->i + n < c->len && !is_space(c->p[c->i + n]))
		n++;
	return n;
}

static bool in_list(const char *const *list, size_t count, const char *s, size_t n)
{
	for (size_t k = 0; k < count; k++)
		if (strlen(list[k]) == n && memcmp(list[k], s, n) == 0)
			return true;
	return false;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Copies n bytes into the line's store as a NUL-terminated string; NULL when full
 * (cannot happen for a line within AUTHKEYS_LINE_MAX, since every stored string is a
 * distinct part of the line plus its NUL, but it is checked all the same). */
static char *store(struct authkeys_line *out, const char *s, size_t n)
{
	char *dst;

	if (n >= sizeof(out->store) - out->store_used)
		return NULL;
	dst = out->store + out->store_used;
	memcpy(dst, s, n);
	dst[n] = '\0';
	out->store_used += n + 1;
	return dst;
}

/* Reads a quoted value at the cursor into the store ("..." with \" for a quote; other
 * backslashes stay as they are, as in OpenSSH). */
static int quoted_value(struct cursor *c, struct authkeys_line *out, const char *name,
			char **value)
{
	size_t start = out->store_used, n = 0;

	if (at_end(c) || c->p[c->i] != '"')
		return skip(out, -EBADMSG, "option %s: value must be in double quotes", name);
	c->i++;
	/* the value is written straight into the store, one byte at a time */
	for (;;) {
		char ch;

		if (at_end(c))
			return skip(out, -EBADMSG, "option %s: unterminated quote", name);
		ch = c->p[c->i];
		if (ch == '"') {
			c->i++;
			break;
		}
		if (ch == '\\' && c->i + 1 < c->len && c->p[c->i + 1] == '"') {
			ch = '"';
			c->i++;
		}
		c->i++;
		if (start + n + 1 >= sizeof(out->store))
			return skip(out, -EBADMSG, "option %s: value too long", name);
		out->store[start + n++] = ch;
	}
	out->store[start + n] = '\0';
	out->store_used = start + n + 1;
	*value = out->store + start;
	return 0;
}

/* n decimal digits at s as a number, or -1. */
static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	return v;
}

/* expiry-time: YYYYMMDD[HHMM[SS]], local time unless it ends in Z (UTC), as OpenSSH's
 * parse_absolute_time. */
static int parse_expiry(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	bool utc = false;
	struct tm tm;
	time_t t;
	int y, mo, d, h = 0, mi = 0, se = 0;

	if (n > 0 && (s[n - 1] == 'Z' || s[n - 1] == 'z')) {
		utc = true;
		n--;
	}
	if (n != 8 && n != 12 && n != 14)
		return -EBADMSG;
	y = digits(s, 4);
	mo = digits(s + 4, 2);
	d = digits(s + 6, 2);
	if (n >= 12) {
		h = digits(s + 8, 2);
		mi = digits(s + 10, 2);
	}
	if (n == 14)
		se = digits(s + 12, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || se < 0 || se > 59)
		return -EBADMSG;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1 || t <= 0)
		return -EBADMSG;
	*out = (int64_t)t;
	return 0;
}

/* A port: "*" when wild is allowed, else 1..65535 in decimal. */
static bool valid_port(const char *s, size_t n, bool wild)
{
	int v = 0;

	if (wild && n == 1 && s[0] == '*')
		return true;
	if (n == 0 || n > 5)
		return false;
	for (size_t k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return false;
		v = v * 10 + (s[k] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* host:port or [v6host]:port: the position of the separating colon, or -1. */
static long host_port_split(const char *s)
{
	const char *colon;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close == s + 1 || close[1] != ':')
			return -1;
		return close + 1 - s;
	}
	colon = strrchr(s, ':');
	if (colon == NULL || colon == s || memchr(s, ':', (size_t)(colon - s)) != NULL)
		return -1;
	return colon - s;
}

static int add_to_list(struct authkeys_line *out, const char **list, size_t *n,
		       const char *name, const char *value)
{
	if (*n >= AUTHKEYS_LIST_MAX)
		return skip(out, -EBADMSG, "too many %s options", name);
	list[(*n)++] = value;
	return 0;
}

static int opt_environment(struct authkeys_line *out, char *v)
{
	struct authkeys_opts *o = &out->opts;
	const char *eq = strchr(v, '=');
	size_t name_len;

	if (eq == NULL || eq == v)
		return skip(out, -EBADMSG, "environment: \"%.40s\" is not NAME=value", v);
	name_len = (size_t)(eq - v);
	for (size_t k = 0; k < name_len; k++) {
		char ch = v[k];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '_'))
			return skip(out, -EBADMSG, "environment: invalid name");
	}
	for (size_t k = 0; k < o->n_env; k++)
		if (strncmp(o->env[k], v, name_len + 1) == 0)
			return 0;	/* the first value of a name wins */
	return add_to_list(out, o->env, &o->n_env, "environment", v);
}

static int opt_permitopen(struct authkeys_line *out, char *v)
{
	long sep = host_port_split(v);

	if (sep < 0 || !valid_port(v + sep + 1, strlen(v + sep + 1), true))
		return skip(out, -EBADMSG, "permitopen: \"%.60s\" is not host:port", v);
	return add_to_list(out, out->opts.permitopen, &out->opts.n_permitopen, "permitopen",
			   v);
}

static int opt_permitlisten(struct authkeys_line *out, char *v)
{
	long sep;

	if (strchr(v, ':') == NULL) {
		char buf[32];
		int n;

		if (!valid_port(v, strlen(v), true))
			return skip(out, -EBADMSG, "permitlisten: bad port \"%.20s\"", v);
		n = snprintf(buf, sizeof(buf), "localhost:%s", v);
		v = store(out, buf, (size_t)n);
		if (v == NULL)
			return skip(out, -EBADMSG, "line too long");
	}
	sep = host_port_split(v);
	if (sep < 0 || !valid_port(v + sep + 1, strlen(v + sep + 1), true))
		return skip(out, -EBADMSG, "permitlisten: \"%.60s\" is not [host:]port", v);
	return add_to_list(out, out->opts.permitlisten, &out->opts.n_permitlisten,
			   "permitlisten", v);
}

static int opt_tunnel(struct authkeys_line *out, const char *v)
{
	size_t n = strlen(v);
	long t = 0;

	if (strcmp(v, "any") == 0) {
		out->opts.tunnel = AUTHKEYS_TUNNEL_ANY;
		return 0;
	}
	if (n == 0 || n > 9)
		return skip(out, -EBADMSG, "tunnel: invalid device \"%.20s\"", v);
	for (size_t k = 0; k < n; k++) {
		if (v[k] < '0' || v[k] > '9')
			return skip(out, -EBADMSG, "tunnel: invalid device \"%.20s\"", v);
		t = t * 10 + (v[k] - '0');
	}
	out->opts.tunnel = (int)t;
	return 0;
}

/* Options that are flags. `negatable` ones also have a "no-" form. */
enum flag_id {
	FLAG_RESTRICT, FLAG_CERT_AUTHORITY, FLAG_PORT_FWD, FLAG_AGENT_FWD, FLAG_X11_FWD,
	FLAG_PTY, FLAG_USER_RC, FLAG_TOUCH_REQUIRED, FLAG_VERIFY_REQUIRED,
};
static const struct {
	const char *name;
	enum flag_id id;
	bool negatable;
} flags[] = {
	{ "restrict", FLAG_RESTRICT, false },
	{ "cert-authority", FLAG_CERT_AUTHORITY, false },
	{ "port-forwarding", FLAG_PORT_FWD, true },
	{ "agent-forwarding", FLAG_AGENT_FWD, true },
	{ "x11-forwarding", FLAG_X11_FWD, true },
	{ "pty", FLAG_PTY, true },
	{ "user-rc", FLAG_USER_RC, true },
	{ "touch-required", FLAG_TOUCH_REQUIRED, true },
	{ "verify-required", FLAG_VERIFY_REQUIRED, true },
};

static void apply_flag(struct authkeys_opts *o, enum flag_id id, bool on)
{
	switch (id) {
	case FLAG_RESTRICT:
		o->restricted = true;
		o->port_forwarding = o->agent_forwarding = o->x11_forwarding = false;
		o->pty = o->user_rc = false;
		break;
	case FLAG_CERT_AUTHORITY:
		o->cert_authority = true;
		break;
	case FLAG_PORT_FWD:
		o->port_forwarding = on;
		break;
	case FLAG_AGENT_FWD:
		o->agent_forwarding = on;
		break;
	case FLAG_X11_FWD:
		o->x11_forwarding = on;
		break;
	case FLAG_PTY:
		o->pty = on;
		break;
	case FLAG_USER_RC:
		o->user_rc = on;
		break;
	case FLAG_TOUCH_REQUIRED:
		o->no_touch_required = !on;
		break;
	case FLAG_VERIFY_REQUIRED:
		o->verify_required = on;
		break;
	}
}

static bool name_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* One option at the cursor: NAME or NAME="value" (names are case-insensitive). */
static int parse_option(struct cursor *c, struct authkeys_line *out)
{
	struct authkeys_opts *o = &out->opts;
	const char *name = c->p + c->i;
	size_t n = 0;
	char shown[40];
	char *v = NULL;
	int rc;

	while (c->i + n < c->len && c->p[c->i + n] != '=' && c->p[c->i + n] != ',' &&
	       !is_space(c->p[c->i + n]))
		n++;
	snprintf(shown, sizeof(shown), "%.*s", (int)(n > 32 ? 32 : n), name);
	for (size_t k = 0; shown[k] != '\0'; k++)
		if ((unsigned char)shown[k] < 0x20 || (unsigned char)shown[k] >= 0x7f)
			shown[k] = '?';
	c->i += n;
	if (at_end(c) || c->p[c->i] != '=') {
		for (size_t k = 0; k < COUNT(flags); k++) {
			if (name_is(name, n, flags[k].name)) {
				apply_flag(o, flags[k].id, true);
				return 0;
			}
			if (flags[k].negatable && n > 3 && strncasecmp(name, "no-", 3) == 0 &&
			    name_is(name + 3, n - 3, flags[k].name)) {
				apply_flag(o, flags[k].id, false);
				return 0;
			}
		}
		if (n == 0)
			return skip(out, -EBADMSG, "empty option");
		return skip(out, -EBADMSG, "unknown or bad option \"%s\"", shown);
	}
	c->i++;	/* '=' */
	if (!(name_is(name, n, "command") || name_is(name, n, "from") ||
	      name_is(name, n, "principals") || name_is(name, n, "expiry-time") ||
	      name_is(name, n, "environment") || name_is(name, n, "permitopen") ||
	      name_is(name, n, "permitlisten") || name_is(name, n, "tunnel")))
		return skip(out, -EBADMSG, "unknown option \"%s\"", shown);
	if ((rc = quoted_value(c, out, shown, &v)) < 0)
		return rc;
	if (name_is(name, n, "command")) {
		if (o->command != NULL)
			return skip(out, -EBADMSG, "multiple command options");
		o->command = v;
	} else if (name_is(name, n, "from")) {
		if (o->from != NULL)
			return skip(out, -EBADMSG, "multiple from options");
		if (v[0] == '\0')
			return skip(out, -EBADMSG, "from: empty pattern-list");
		o->from = v;
	} else if (name_is(name, n, "principals")) {
		if (o->principals != NULL)
			return skip(out, -EBADMSG, "multiple principals options");
		o->principals = v;
	} else if (name_is(name, n, "expiry-time")) {
		int64_t t;

		if (parse_expiry(v, &t) < 0)
			return skip(out, -EBADMSG, "expiry-time: bad time \"%.20s\"", v);
		if (o->expiry == 0 || t < o->expiry)
			o->expiry = t;
	} else if (name_is(name, n, "environment")) {
		return opt_environment(out, v);
	} else if (name_is(name, n, "permitopen")) {
		return opt_permitopen(out, v);
	} else if (name_is(name, n, "permitlisten")) {
		return opt_permitlisten(out, v);
	} else {
		return opt_tunnel(out, v);
	}
	return 0;
}

static int parse_options(struct cursor *c, struct authkeys_line *out)
{
	int rc;

	for (;;) {
		if ((rc = parse_option(c, out)) < 0)
			return rc;
		if (at_end(c) || is_space(c->p[c->i]))
			return 0;
		if (c->p[c->i] != ',')
			return skip(out, -EBADMSG, "junk after an option");
		c->i++;
	}
}

static void opts_defaults(struct authkeys_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port_forwarding = o->agent_forwarding = o->x11_forwarding = true;
	o->pty = o->user_rc = true;
	o->tunnel = -1;
}

/* The key part: type, blob, comment. */
static int parse_key(struct cursor *c, struct authkeys_line *out)
{
	const char *type = c->p + c->i, *b64;
	size_t type_len = token_len(c), b64_len;
	const uint8_t *blob_type;
	size_t blob_type_len;
	struct pubkey *key = NULL;
	int rc;

	if (type_len == 0)
		return skip(out, -EBADMSG, "no key after the options");
	if (in_list(refused_types, COUNT(refused_types), type, type_len))
		return skip(out, -ENOTSUP, "unsupported key type %.*s", (int)type_len, type);
	if (!in_list(supported_types, COUNT(supported_types), type, type_len))
		return skip(out, -EBADMSG, "not a key type");
	out->key_type = store(out, type, type_len);
	if (out->key_type == NULL)
		return skip(out, -EBADMSG, "line too long");
	c->i += type_len;
	skip_space(c);
	b64 = c->p + c->i;
	b64_len = token_len(c);
	c->i += b64_len;
	if (b64_len == 0)
		return skip(out, -EBADMSG, "no key blob after %s", out->key_type);
	if (b64_len > BASE64_ENCODED_SIZE(KEYBLOB_MAX))
		return skip(out, -EBADMSG, "key blob too long");
	rc = base64_decode(b64, b64_len, out->blob, sizeof(out->blob));
	if (rc < 0)
		return skip(out, -EBADMSG, "bad base64 in the key blob");
	out->blob_len = (size_t)rc;
	if (keyblob_type_name(out->blob, out->blob_len, &blob_type, &blob_type_len) < 0 ||
	    blob_type_len != type_len || memcmp(blob_type, type, type_len) != 0)
		return skip(out, -EBADMSG, "key type %s does not match the blob's type",
			    out->key_type);
	rc = keyblob_decode(out->blob, out->blob_len, &key);
	if (rc < 0)
		return skip(out, rc == -ENOTSUP ? -ENOTSUP : -EBADMSG, "invalid %s key blob",
			    out->key_type);
	pubkey_free(key);
	skip_space(c);
	/* the comment runs to the end of the line, trailing blanks and CR dropped */
	{
		size_t end = c->len;

		while (end > c->i && (is_space(c->p[end - 1]) || c->p[end - 1] == '\r'))
			end--;
		out->comment = store(out, c->p + c->i, end - c->i);
		if (out->comment == NULL)
			return skip(out, -EBADMSG, "line too long");
	}
	return 1;
}

int authkeys_parse_line(const char *line, size_t len, struct authkeys_line *out)
{
	struct cursor c = { line, len, 0 };
	size_t first;
	int rc;

	if (out == NULL || (line == NULL && len > 0))
		return -EINVAL;
	out->reason[0] = '\0';
	out->store_used = 0;
	out->key_type = out->comment = NULL;
	out->blob_len = 0;
	opts_defaults(&out->opts);
	if (len > AUTHKEYS_LINE_MAX)
		return skip(out, -EBADMSG, "line longer than %d bytes", AUTHKEYS_LINE_MAX);
	if (len > 0 && memchr(line, '\0', len) != NULL)
		return skip(out, -EBADMSG, "NUL byte in the line");
	skip_space(&c);
	if (at_end(&c) || c.p[c.i] == '#' || c.p[c.i] == '\r')
		return 0;
	first = token_len(&c);
	/* A line that starts with a key type has no options (sshd(8): "options, if
	 * present, ..."); anything else must be options first. */
	if (!in_list(supported_types, COUNT(supported_types), c.p + c.i, first) &&
	    !in_list(refused_types, COUNT(refused_types), c.p + c.i, first)) {
		if ((rc = parse_options(&c, out)) < 0)
			return rc;
		skip_space(&c);
	}
	return parse_key(&c, out);
}

int authkeys_find(const char *text, size_t len, const uint8_t *blob, size_t blob_len,
		  bool ca, int64_t now, struct authkeys_line *out, authkeys_log_fn log,
		  void *log_ctx)
{
	size_t pos = 0, line_no = 0;

	if ((text == NULL && len > 0) || blob == NULL || out == NULL)
		return -EINVAL;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t line_len = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		int rc;

		line_no++;
		rc = authkeys_parse_line(text + pos, line_len, out);
		pos += line_len + (nl != NULL);
		if (rc < 0) {
			if (log != NULL)
				log(log_ctx, line_no, out->reason);
			continue;
		}
		if (rc == 0 || out->blob_len != blob_len ||
		    memcmp(out->blob, blob, blob_len) != 0)
			continue;
		if (out->opts.cert_authority != ca)
			continue;
		if (out->opts.expiry != 0 && now > out->opts.expiry) {
			if (log != NULL)
				log(log_ctx, line_no, "key has expired (expiry-time)");
			continue;
		}
		out->line_no = line_no;
		return 1;
	}
	return 0;
}
