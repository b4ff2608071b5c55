/*
 * The configuration text as the listener read it, as bytes for its re-executed
 * per-connection children (reexec.h): the main file and every file an Include read
 * (and every Include pattern that matched nothing), with their names, so that a child
 * parses exactly the texts the listener checked, reports errors with the same file
 * names and lines, and never opens a configuration file itself (an included file may
 * have changed or gone since start-up).
 *
 * Layout (integers are big-endian uint32, a string is its length then its bytes):
 *   magic "msshd-config-source-1\n"
 *   string main file name, string main text
 *   uint32 number of Include entries, then per entry:
 *     string pattern (the Include argument, made absolute), byte 1 if a file matched
 *     (then string file name, string text) or 0 if the pattern matched nothing
 * The reader trusts no length: every one is checked against what is left and the
 * parser's own bounds, names may not hold NUL bytes, and nothing may trail.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/config_int.h"

#define WIRE_MAGIC "msshd-config-source-1\n"
#define WIRE_MAGIC_LEN (sizeof(WIRE_MAGIC) - 1)
/* File names and Include patterns: a path. */
#define WIRE_NAME_MAX PATH_MAX

struct wire_out {
	char *p;
	size_t pos;
};

static void
put_u32(struct wire_out *w, size_t v)
{
	w->p[w->pos++] = (char)((v >> 24) & 0xff);
	w->p[w->pos++] = (char)((v >> 16) & 0xff);
	w->p[w->pos++] = (char)((v >> 8) & 0xff);
	w->p[w->pos++] = (char)(v & 0xff);
}

static void
put_string(struct wire_out *w, const char *s, size_t len)
{
	put_u32(w, len);
	if (len > 0)
		memcpy(w->p + w->pos, s, len);
	w->pos += len;
}

int
sshd_config_source_pack(const struct sshd_config_source *s, char **out, size_t *outlen)
{
	size_t size;
	struct wire_out w;

	if (s == NULL || out == NULL || outlen == NULL || s->name == NULL ||
	    (s->text == NULL && s->len > 0) || s->ninc > SSHD_CONFIG_MAX_INCLUDES)
		return -EINVAL;
	if (s->len > SSHD_CONFIG_MAX_FILE)
		return -EFBIG;
	/* each part is bounded (a file by SSHD_CONFIG_MAX_FILE, at most
	 * SSHD_CONFIG_MAX_INCLUDES of them): the sum cannot overflow */
	size = WIRE_MAGIC_LEN + 4 + strlen(s->name) + 4 + s->len + 4;
	for (size_t i = 0; i < s->ninc; i++) {
		const struct sshd_config_include *inc = &s->inc[i];
		if (inc->selector == NULL || inc->len > SSHD_CONFIG_MAX_FILE ||
		    (inc->filename != NULL && inc->text == NULL && inc->len > 0))
			return -EINVAL;
		size += 4 + strlen(inc->selector) + 1;
		if (inc->filename != NULL)
			size += 4 + strlen(inc->filename) + 4 + inc->len;
	}
	if ((w.p = malloc(size)) == NULL)
		return -ENOMEM;
	w.pos = 0;
	memcpy(w.p, WIRE_MAGIC, WIRE_MAGIC_LEN);
	w.pos = WIRE_MAGIC_LEN;
	put_string(&w, s->name, strlen(s->name));
	put_string(&w, s->text, s->len);
	put_u32(&w, s->ninc);
	for (size_t i = 0; i < s->ninc; i++) {
		const struct sshd_config_include *inc = &s->inc[i];
		put_string(&w, inc->selector, strlen(inc->selector));
		w.p[w.pos++] = inc->filename != NULL;
		if (inc->filename != NULL) {
			put_string(&w, inc->filename, strlen(inc->filename));
			put_string(&w, inc->text, inc->len);
		}
	}
	*out = w.p;
	*outlen = w.pos;
	return 0;
}

struct wire_in {
	const unsigned char *p;
	size_t left;
};

static int
take_u32(struct wire_in *r, uint32_t *v)
{
	if (r->left < 4)
		return -EBADMSG;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 |
	    (uint32_t)r->p[3];
	r->p += 4;
	r->left -= 4;
	return 0;
}

/* A string of at most max bytes, without NUL bytes, copied NUL-terminated. */
static int
take_string(struct wire_in *r, size_t max, char **out, size_t *outlen)
{
	uint32_t len;
	char *s;

	*out = NULL;
	if (take_u32(r, &len) < 0 || len > max || len > r->left ||
	    memchr(r->p, '\0', len) != NULL)
		return -EBADMSG;
	if ((s = malloc((size_t)len + 1)) == NULL)
		return -ENOMEM;
	memcpy(s, r->p, len);
	s[len] = '\0';
	r->p += len;
	r->left -= len;
	*out = s;
	if (outlen != NULL)
		*outlen = len;
	return 0;
}

static int
take_include(struct wire_in *r, struct sshd_config_include *inc)
{
	int rc;

	memset(inc, 0, sizeof(*inc));
	if ((rc = take_string(r, WIRE_NAME_MAX, &inc->selector, NULL)) < 0)
		return rc;
	if (r->left < 1 || r->p[0] > 1)
		return -EBADMSG;
	r->left--;
	if (*r->p++ == 0)
		return 0;
	if ((rc = take_string(r, WIRE_NAME_MAX, &inc->filename, NULL)) < 0)
		return rc;
	return take_string(r, SSHD_CONFIG_MAX_FILE, &inc->text, &inc->len);
}

static void
include_free(struct sshd_config_include *inc)
{
	free(inc->selector);
	free(inc->filename);
	free(inc->text);
}

int
sshd_config_source_unpack(struct sshd_config_source *s, const char *buf, size_t len,
    const struct sshd_config_log *log)
{
	struct wire_in r = { (const unsigned char *)buf, len };
	struct sshd_config_source in;
	uint32_t n;
	int rc;

	if (s == NULL || (buf == NULL && len > 0))
		return -EINVAL;
	sshd_config_source_init(&in);
	if (len < WIRE_MAGIC_LEN || memcmp(buf, WIRE_MAGIC, WIRE_MAGIC_LEN) != 0) {
		rc = -EBADMSG;
		goto out;
	}
	r.p += WIRE_MAGIC_LEN;
	r.left -= WIRE_MAGIC_LEN;
	if ((rc = take_string(&r, WIRE_NAME_MAX, &in.name, NULL)) < 0 ||
	    (rc = take_string(&r, SSHD_CONFIG_MAX_FILE, &in.text, &in.len)) < 0)
		goto out;
	if ((rc = take_u32(&r, &n)) < 0)
		goto out;
	if (n > SSHD_CONFIG_MAX_INCLUDES) {
		rc = -EBADMSG;
		goto out;
	}
	if (n > 0 && (in.inc = calloc(n, sizeof(*in.inc))) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		rc = take_include(&r, &in.inc[i]);
		if (rc < 0) {
			include_free(&in.inc[i]);
			goto out;
		}
		in.ninc++;
	}
	if (r.left != 0) {
		rc = -EBADMSG;
		goto out;
	}
	/* the cache holds every Include the listener's parse reached: a miss would mean
	 * reading a file now, which a child never does */
	in.includes_frozen = 1;
	in.no_includes = s->no_includes;
	sshd_config_source_free(s);
	*s = in;
	return 0;
out:
	if (rc == -EBADMSG)
		cfg_log(log, SSHD_LOG_FATAL, "configuration from the listener: malformed at "
		    "byte %zu", len - r.left);
	sshd_config_source_free(&in);
	return rc;
}
