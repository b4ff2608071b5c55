/* moduli(5) reader and the group-exchange group chooser (see kex_moduli.h).
 *
 * A line is "time type tests tries size generator modulus", fields separated by blanks:
 *   time       YYYYMMDDHHMMSS when the prime was found (digits; not otherwise used),
 *   type       2: a safe prime, p = 2q + 1 (the only kind a group may use),
 *   tests      bit mask of what ssh-keygen ran: 0x01 composite (the candidate failed),
 *              0x02 sieve, 0x04 Miller-Rabin, 0x08 Jacobi, 0x10 elliptic curve,
 *   tries      Miller-Rabin rounds, at least one,
 *   size       bits of the modulus minus one (2047 for a 2048-bit p),
 *   generator  2 or 5 in hex,
 *   modulus    p in hex.
 * The primality claims are the file's: testing every 8192-bit prime at start-up would
 * take seconds per group, and the file belongs to the administrator.  What is checked is
 * that each line says what a usable group must say and that the modulus really has the
 * size the line gives. */
#include "sshd/kex_moduli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/random.h"

#define MODULI_TYPE_SAFE 2
#define MODULI_TESTS_COMPOSITE 0x01
#define MODULI_TESTS_MILLER_RABIN 0x04
#define MODULI_TESTS_ALL 0x1f
#define MODULI_TIME_MAX_DIGITS 14
#define MODULI_NUMBER_MAX_DIGITS 10	/* the small decimal fields fit in 32 bits */
#define MODULI_MAX_BYTES (KEX_MODULI_MAX_BITS / 8)
/* The real file is about 570 KB; anything far larger is not a moduli file. */
#define MODULI_FILE_MAX (16u * 1024 * 1024)

struct kex_moduli_group {
	uint32_t bits;
	uint32_t p_len;		/* bytes of p, no leading zero */
	size_t p_off;		/* into the pool */
	uint8_t g;		/* 2 or 5 */
};

struct kex_moduli {
	struct kex_moduli_group *groups;
	size_t n_groups;
	uint8_t *pool;		/* every modulus, big-endian, one after the other */
	size_t pool_len;
};

/* A field of a line: bytes [ptr, ptr + len). */
struct field {
	const char *ptr;
	size_t len;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A decimal field of at most MODULI_NUMBER_MAX_DIGITS digits; -1 if it is not one. */
static int64_t decimal_value(struct field f)
{
	int64_t v = 0;

	if (f.len == 0 || f.len > MODULI_NUMBER_MAX_DIGITS)
		return -1;
	for (size_t i = 0; i < f.len; i++) {
		if (f.ptr[i] < '0' || f.ptr[i] > '9')
			return -1;
		v = v * 10 + (f.ptr[i] - '0');
	}
	return v;
}

/* Splits a line into at most `max` blank-separated fields; returns how many there were
 * (max + 1 when there were more). */
static size_t split_fields(const char *line, size_t len, struct field *out, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len) {
		size_t start;

		while (i < len && is_blank(line[i]))
			i++;
		if (i == len)
			break;
		if (n == max)
			return max + 1;
		start = i;
		while (i < len && !is_blank(line[i]))
			i++;
		out[n].ptr = line + start;
		out[n].len = i - start;
		n++;
	}
	return n;
}

/* The modulus field as big-endian bytes into out (MODULI_MAX_BYTES of room): leading
 * zero digits are skipped; more significant digits than the largest modulus, or a
 * character that is not a hex digit, make it unusable.  Returns the byte length (no
 * leading zero byte) and its bit count in *bits, or -1. */
static int parse_modulus(struct field f, uint8_t *out, uint32_t *bits)
{
	size_t i = 0, digits, len;
	int top;

	while (i < f.len && f.ptr[i] == '0')
		i++;
	digits = f.len - i;
	if (digits == 0 || digits > 2 * MODULI_MAX_BYTES)
		return -1;
	len = (digits + 1) / 2;
	memset(out, 0, len);
	for (size_t d = 0; d < digits; d++) {
		int v = hex_value(f.ptr[i + d]);
		/* digit d (from the most significant) lands in nibble (digits - 1 - d) */
		size_t nib = digits - 1 - d;

		if (v < 0)
			return -1;
		out[len - 1 - nib / 2] |= (uint8_t)(nib % 2 ? v << 4 : v);
	}
	top = out[0];
	*bits = (uint32_t)(len - 1) * 8;
	while (top) {
		(*bits)++;
		top >>= 1;
	}
	return (int)len;
}

/* The generator field: 2 or 5 (hex, leading zeros allowed); -1 otherwise. */
static int parse_generator(struct field f)
{
	size_t i = 0;

	while (i < f.len && f.ptr[i] == '0')
		i++;
	if (f.len - i != 1)
		return -1;
	if (f.ptr[i] == '2')
		return 2;
	if (f.ptr[i] == '5')
		return 5;
	return -1;
}

enum line_verdict { LINE_EMPTY, LINE_BAD, LINE_GROUP };

/* Reads one line (without its newline).  A usable group's modulus goes to p_out. */
static enum line_verdict parse_line(const char *line, size_t len, uint8_t *p_out,
				    struct kex_moduli_group *grp)
{
	struct field f[7];
	size_t n = split_fields(line, len, f, 7);
	int64_t type, tests, tries, size;
	int p_len, g;
	uint32_t bits;

	if (n == 0 || f[0].ptr[0] == '#')
		return LINE_EMPTY;
	if (n != 7)
		return LINE_BAD;
	if (f[0].len > MODULI_TIME_MAX_DIGITS)
		return LINE_BAD;
	for (size_t i = 0; i < f[0].len; i++)
		if (f[0].ptr[i] < '0' || f[0].ptr[i] > '9')
			return LINE_BAD;
	type = decimal_value(f[1]);
	tests = decimal_value(f[2]);
	tries = decimal_value(f[3]);
	size = decimal_value(f[4]);
	if (type != MODULI_TYPE_SAFE)
		return LINE_BAD;
	/* tested, not found composite, and Miller-Rabin among the tests */
	if (tests < 0 || tests > MODULI_TESTS_ALL || (tests & MODULI_TESTS_COMPOSITE) ||
	    !(tests & MODULI_TESTS_MILLER_RABIN))
		return LINE_BAD;
	if (tries <= 0)
		return LINE_BAD;
	/* the line gives bits - 1; the supported range is checked before any hex is read */
	if (size < KEX_MODULI_MIN_BITS - 1 || size > KEX_MODULI_MAX_BITS - 1)
		return LINE_BAD;
	if ((g = parse_generator(f[5])) < 0)
		return LINE_BAD;
	if ((p_len = parse_modulus(f[6], p_out, &bits)) < 0)
		return LINE_BAD;
	if ((int64_t)bits != size + 1 || !(p_out[p_len - 1] & 1))
		return LINE_BAD;
	grp->bits = bits;
	grp->p_len = (uint32_t)p_len;
	grp->g = (uint8_t)g;
	return LINE_GROUP;
}

void kex_moduli_free(struct kex_moduli *m)
{
	if (m == NULL)
		return;
	free(m->groups);
	free(m->pool);
	free(m);
}

/* Grows an array of n_have elements of size elem to hold at least n_need. */
static int grow(void **arr, size_t *cap, size_t n_need, size_t elem)
{
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (n_need <= *cap)
		return 0;
	while (ncap < n_need)
		ncap *= 2;
	if ((p = realloc(*arr, ncap * elem)) == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int kex_moduli_parse(const char *text, size_t len, struct kex_moduli **out, size_t *skipped)
{
	struct kex_moduli *m;
	uint8_t p_buf[MODULI_MAX_BYTES];
	size_t groups_cap = 0, pool_cap = 0, bad = 0, pos = 0;
	int rc;

	if (out == NULL || (text == NULL && len > 0))
		return -EINVAL;
	*out = NULL;
	if (skipped != NULL)
		*skipped = 0;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t line_len = nl ? (size_t)(nl - line) : len - pos;
		struct kex_moduli_group grp;

		pos += line_len + (nl != NULL);
		/* a NUL byte makes the line bad (it is no text); the split treats it as
		 * an ordinary character, which no field accepts */
		switch (parse_line(line, line_len, p_buf, &grp)) {
		case LINE_EMPTY:
			continue;
		case LINE_BAD:
			bad++;
			continue;
		case LINE_GROUP:
			break;
		}
		if (m->n_groups == KEX_MODULI_MAX_GROUPS) {
			rc = -E2BIG;
			goto fail;
		}
		if (grow((void **)&m->groups, &groups_cap, m->n_groups + 1, sizeof(grp)) < 0 ||
		    grow((void **)&m->pool, &pool_cap, m->pool_len + grp.p_len, 1) < 0) {
			rc = -ENOMEM;
			goto fail;
		}
		grp.p_off = m->pool_len;
		memcpy(m->pool + m->pool_len, p_buf, grp.p_len);
		m->pool_len += grp.p_len;
		m->groups[m->n_groups++] = grp;
	}
	if (skipped != NULL)
		*skipped = bad;
	if (m->n_groups == 0) {
		rc = -ENOENT;
		goto fail;
	}
	*out = m;
	return 0;
fail:
	kex_moduli_free(m);
	return rc;
}

int kex_moduli_load(const char *path, struct kex_moduli **out, size_t *skipped)
{
	struct stat st;
	char *text = NULL;
	size_t have = 0;
	int fd, rc;

	if (path == NULL || out == NULL)
		return -EINVAL;
	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out;
	}
	if ((uintmax_t)st.st_size > MODULI_FILE_MAX) {
		rc = -EFBIG;
		goto out;
	}
	/* one byte beyond the size seen, so a file that grew meanwhile is noticed */
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, text + have, (size_t)st.st_size + 1 - have);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have > (size_t)st.st_size) {
			rc = -EFBIG;
			goto out;
		}
	}
	rc = kex_moduli_parse(text, have, out, skipped);
out:
	free(text);
	close(fd);
	return rc;
}

/* As OpenSSH's choose_dh: among the groups of min..max bits, the size the client asked
 * for if there is one, else the smallest larger size, else the largest smaller one; one
 * of the groups of that size at random.  OpenSSH decides in one pass over the file and
 * keeps a larger size it met before an exact one; on a file in ssh-keygen's ascending
 * order that never happens, and here the order of the lines does not matter. */
int kex_moduli_choose(const struct kex_moduli *m, uint32_t min, uint32_t n, uint32_t max,
		      const uint8_t **p, size_t *p_len, const uint8_t **g, size_t *g_len)
{
	static const uint8_t generators[] = { 2, 5 };
	uint32_t best = 0, count = 0, which;
	bool best_reaches = false;	/* best >= n */

	if (m == NULL || p == NULL || p_len == NULL || g == NULL || g_len == NULL)
		return -EINVAL;
	for (size_t i = 0; i < m->n_groups; i++) {
		uint32_t bits = m->groups[i].bits;
		bool reaches = bits >= n;

		if (bits < min || bits > max)
			continue;
		if (count == 0 || (reaches && (!best_reaches || bits < best)) ||
		    (!reaches && !best_reaches && bits > best)) {
			best = bits;
			best_reaches = reaches;
			count = 0;
		}
		if (bits == best)
			count++;
	}
	if (count == 0)
		return -ENOENT;
	which = random_uniform(count);
	for (size_t i = 0; i < m->n_groups; i++) {
		const struct kex_moduli_group *grp = &m->groups[i];

		if (grp->bits != best || which-- != 0)
			continue;
		*p = m->pool + grp->p_off;
		*p_len = grp->p_len;
		*g = grp->g == 2 ? &generators[0] : &generators[1];
		*g_len = 1;
		return 0;
	}
	return -ENOENT;	/* not reached: `which` is below the count of best-sized groups */
}
