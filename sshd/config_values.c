/*
 * Value syntaxes of sshd_config(5): times ("1h30m"), scaled sizes ("1.5K", "4G"), ports,
 * IPQoS names. Each accepts exactly what OpenSSH 9.2 accepts, with overflow checked.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshd/config_int.h"

/* Reads [+]digits at *p into an int; -1 when there are none or it overflows. */
static int
read_decimal(const char **p, long long *out)
{
	const char *s = *p;
	long long v = 0;

	if (*s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	*p = s;
	*out = v;
	return 0;
}

int
sshd_parse_time(const char *s)
{
	long long total = 0, n, mult;
	const char *p = s;

	if (s == NULL || *s == '\0')
		return -1;
	while (*p != '\0') {
		if (read_decimal(&p, &n) != 0)
			return -1;
		switch (*p) {
		case '\0': mult = 1; break;
		case 's': case 'S': mult = 1; p++; break;
		case 'm': case 'M': mult = 60; p++; break;
		case 'h': case 'H': mult = 60 * 60; p++; break;
		case 'd': case 'D': mult = 24 * 60 * 60; p++; break;
		case 'w': case 'W': mult = 7 * 24 * 60 * 60; p++; break;
		default: return -1;
		}
		if (n > INT_MAX / mult)
			return -1;
		n *= mult;
		if (total > INT_MAX - n)
			return -1;
		total += n;
	}
	return (int)total;
}

/*
 * A number with an optional fraction and unit B K M G T P E (powers of 1024), as
 * OpenBSD's scan_scaled(): the fraction is truncated after scaling, a unit must not be
 * followed by a letter or digit, a sign is allowed once.
 */
int
sshd_parse_scaled(const char *s, int64_t *out)
{
	static const char units[] = "BKMGTPE";
	const int max_digits = 20;
	long long whole = 0, frac = 0, scale = 1;
	int neg = 0, signs = 0, ndigits = 0, fdigits = 0, seen_dot = 0;
	const char *p = s, *u;

	while (isspace((unsigned char)*p))
		p++;
	while (*p == '-' || *p == '+') {
		if (signs++)
			return -EINVAL;
		neg = *p == '-';
		p++;
	}
	for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
		int d = *p - '0';
		if (*p == '.') {
			if (seen_dot)
				return -EINVAL;
			seen_dot = 1;
			continue;
		}
		if (seen_dot) {
			if (fdigits >= max_digits - 1)
				continue;       /* extra fraction digits carry nothing */
			if (frac > (LLONG_MAX - d) / 10)
				return -ERANGE;
			frac = frac * 10 + d;
			fdigits++;
		} else {
			if (++ndigits >= max_digits + 1 || whole > (LLONG_MAX - d) / 10)
				return -ERANGE;
			whole = whole * 10 + d;
		}
	}
	if (neg)
		whole = -whole;
	if (*p == '\0') {
		*out = whole;
		return 0;
	}
	if ((u = strchr(units, toupper((unsigned char)*p))) == NULL || *p == '\0')
		return -EINVAL;
	if (isalnum((unsigned char)p[1]))
		return -EINVAL;
	for (long i = 0; i < u - units; i++)
		scale *= 1024;
	if (whole > LLONG_MAX / scale || whole < LLONG_MIN / scale)
		return -ERANGE;
	whole *= scale;
	while (frac >= LLONG_MAX / scale) {
		frac /= 10;
		fdigits--;
	}
	frac *= scale;
	for (int i = 0; i < fdigits; i++)
		frac /= 10;
	whole = neg ? whole - frac : whole + frac;
	*out = whole;
	return 0;
}

int
sshd_parse_port(const char *s)
{
	long long v = 0;
	const char *p = s;

	if (s == NULL || *s == '\0')
		return -1;
	if (read_decimal(&p, &v) == 0 && *p == '\0')
		return v > 65535 ? -1 : (int)v;
	/* like OpenSSH's a2port(), a TCP service name from /etc/services ("ssh") */
	if (strlen(s) < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") == strlen(s)) {
		struct servent se, *res = NULL;
		char buf[1024];
		if (getservbyname_r(s, "tcp", &se, buf, sizeof(buf), &res) == 0 && res != NULL)
			return ntohs((uint16_t)res->s_port);
	}
	return -1;
}

int
cfg_parse_ipqos(const char *s)
{
	char *end;
	long v;
	int r;

	if (s == NULL)
		return -1;
	if ((r = cfg_choice_value(cfg_choices_ipqos, s, 0)) != -1)
		return r;
	errno = 0;
	v = strtol(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 255)
		return -1;
	return (int)v;
}

const char *
cfg_ipqos_name(int v, char *buf, size_t len)
{
	for (const struct cfg_choice *c = cfg_choices_ipqos; c->name != NULL; c++)
		if (c->value == v)
			return c->name;
	snprintf(buf, len, "0x%02x", (unsigned)v & 0xff);
	return buf;
}
