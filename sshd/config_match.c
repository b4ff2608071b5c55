/*
 * Match blocks: wildcard patterns and pattern lists, address lists with CIDR and
 * negation, the criteria of a Match line evaluated against a connection, and the -C
 * connection spec. Semantics are OpenSSH 9.2's (match.c, addrmatch.c, servconf.c).
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sshd/config_int.h"

/* '*' any run, '?' one character; iterative, backtracking only to the last '*'. */
int
sshd_match_pattern(const char *s, const char *pattern)
{
	const char *star = NULL, *resume = NULL;

	for (;;) {
		if (*pattern == '*') {
			while (*pattern == '*')
				pattern++;
			if (*pattern == '\0')
				return 1;
			star = pattern;
			resume = s;
			continue;
		}
		if (*s == '\0')
			return *pattern == '\0';
		if (*pattern == '?' || *pattern == *s) {
			s++;
			pattern++;
			continue;
		}
		if (star == NULL)
			return 0;
		pattern = star;
		s = ++resume;
	}
}

/*
 * Comma-separated patterns, '!' negates: 1 if one positive pattern matches and no
 * negated one does, -1 if a negated one matches, 0 otherwise. With dolower the patterns
 * are compared in lowercase (the caller lowercases s).
 */
int
sshd_match_pattern_list(const char *s, const char *list, int dolower)
{
	char sub[1024];
	size_t i = 0, len = strlen(list), subi;
	int negated, got_positive = 0;

	while (i < len) {
		negated = list[i] == '!';
		if (negated)
			i++;
		for (subi = 0; i < len && subi < sizeof(sub) - 1 && list[i] != ','; subi++, i++)
			sub[subi] = dolower ? (char)tolower((unsigned char)list[i]) : list[i];
		if (subi >= sizeof(sub) - 1)
			return 0;       /* an overlong pattern matches nothing */
		if (i < len && list[i] == ',')
			i++;
		sub[subi] = '\0';
		if (sshd_match_pattern(s, sub)) {
			if (negated)
				return -1;
			got_positive = 1;
		}
	}
	return got_positive;
}

static int
match_hostname(const char *host, const char *list)
{
	char buf[1025];
	size_t i;

	for (i = 0; host[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = (char)tolower((unsigned char)host[i]);
	if (host[i] != '\0')
		return 0;
	buf[i] = '\0';
	return sshd_match_pattern_list(buf, list, 1);
}

struct xaddr {
	int af;
	uint8_t a[16];
};

/* A numeric address only (getaddrinfo never goes to the network with NUMERICHOST). */
static int
addr_pton(const char *p, struct xaddr *n)
{
	struct addrinfo hints, *ai = NULL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST;
	if (p == NULL || getaddrinfo(p, NULL, &hints, &ai) != 0 || ai == NULL)
		return -1;
	memset(n, 0, sizeof(*n));
	if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in)) {
		n->af = AF_INET;
		memcpy(n->a, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
	} else if (ai->ai_family == AF_INET6 &&
	    ai->ai_addrlen >= sizeof(struct sockaddr_in6)) {
		n->af = AF_INET6;
		memcpy(n->a, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
	} else {
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return 0;
}

static int
masked_equal(const struct xaddr *h, const struct xaddr *net, unsigned bits)
{
	unsigned nbytes = h->af == AF_INET ? 4 : 16;

	if (h->af != net->af)
		return 0;
	for (unsigned i = 0; i < nbytes; i++) {
		unsigned b = bits >= 8 ? 8 : bits;
		uint8_t m = (uint8_t)(b == 0 ? 0 : 0xff << (8 - b));
		if ((h->a[i] & m) != (net->a[i] & m))
			return 0;
		bits -= b;
	}
	return 1;
}

/* 0 parsed, -1 not an address (try as a pattern), -2 bad mask or host bits set. */
static int
addr_pton_cidr(const char *p, struct xaddr *n, unsigned *bits)
{
	char buf[64], *mp, *end;
	unsigned long masklen = 999;

	if (strlen(p) >= sizeof(buf))
		return -1;
	strcpy(buf, p);
	if ((mp = strchr(buf, '/')) != NULL) {
		*mp++ = '\0';
		if (*mp < '0' || *mp > '9')
			return -1;
		masklen = strtoul(mp, &end, 10);
		if (*end != '\0' || masklen > 128)
			return -1;
	}
	if (addr_pton(buf, n) != 0)
		return -1;
	if (mp == NULL)
		masklen = n->af == AF_INET ? 32 : 128;
	if ((n->af == AF_INET && masklen > 32) || masklen > 128)
		return -2;
	/* host bits must be clear: "10.0.0.1/24" is a mistake, not a network */
	{
		struct xaddr z = *n;
		unsigned nbytes = n->af == AF_INET ? 4 : 16, bits_left = (unsigned)masklen;
		for (unsigned i = 0; i < nbytes; i++) {
			unsigned b = bits_left >= 8 ? 8 : bits_left;
			z.a[i] &= (uint8_t)(b == 0 ? 0 : 0xff << (8 - b));
			bits_left -= b;
		}
		if (memcmp(z.a, n->a, nbytes) != 0)
			return -2;
	}
	*bits = (unsigned)masklen;
	return 0;
}

int
sshd_addr_match_list(const char *addr, const char *list)
{
	struct xaddr try, net;
	const char *p = list;
	char elem[1025];
	unsigned bits;
	int ret = 0;

	if (addr != NULL && addr_pton(addr, &try) != 0)
		return 0;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *cp = elem;
		int neg, r;

		if (l >= sizeof(elem))
			return -2;
		memcpy(elem, p, l);
		elem[l] = '\0';
		neg = *cp == '!';
		if (neg)
			cp++;
		if (*cp == '\0')
			return -2;
		r = addr_pton_cidr(cp, &net, &bits);
		if (r == -2)
			return -2;
		if ((r == 0 && addr != NULL && masked_equal(&try, &net, bits)) ||
		    (r != 0 && addr != NULL && sshd_match_pattern(addr, cp))) {
			if (neg)
				return -1;
			ret = 1;
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	return ret;
}

/* User's groups (primary and supplementary) against a pattern list, as ga_match. */
static int
match_group(const char *user, const char *list)
{
	struct passwd pw, *pwr = NULL;
	char pwbuf[4096];
	gid_t groups[256];
	int ngroups = (int)(sizeof(groups) / sizeof(groups[0])), found = 0;

	if (getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &pwr) != 0 || pwr == NULL)
		return 0;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &ngroups) < 0)
		ngroups = (int)(sizeof(groups) / sizeof(groups[0]));
	for (int i = 0; i < ngroups; i++) {
		struct group gr, *grr = NULL;
		char grbuf[16384];
		int r;

		if (getgrgid_r(groups[i], &gr, grbuf, sizeof(grbuf), &grr) != 0 || grr == NULL)
			continue;
		r = sshd_match_pattern_list(gr.gr_name, list, 0);
		if (r == -1)
			return 0;
		if (r == 1)
			found = 1;
	}
	return found;
}

static int
missing(const struct sshd_config_log *log, const char *crit, const char *attr)
{
	cfg_log(log, SSHD_LOG_FATAL, "'Match %s' in configuration but '%s' not in "
	    "connection test specification.", crit, attr);
	return -2;
}

/*
 * The criteria of a Match line are ANDed. ci NULL: syntax check only (a criterion is
 * false, "All" true). Returns 1, 0, -1 (bad line, the caller reports), -2 (reported).
 */
int
cfg_match_line(char **args, size_t nargs, const struct sshd_conn_info *ci,
    const char *file, int linenum, const struct sshd_config_log *log)
{
	int result = 1, attributes = 0;

	for (size_t i = 0; i < nargs; i += 2) {
		const char *attrib = args[i], *arg;

		attributes++;
		if (strcasecmp(attrib, "all") == 0) {
			if (attributes > 1 || i + 1 < nargs) {
				cfg_log(log, SSHD_LOG_ERROR, "%s:%d: 'all' cannot be combined "
				    "with other Match attributes", file, linenum);
				return -1;
			}
			return 1;
		}
		if (i + 1 >= nargs || args[i + 1][0] == '\0') {
			cfg_log(log, SSHD_LOG_ERROR, "%s:%d: Missing Match criteria for %s",
			    file, linenum, attrib);
			return -1;
		}
		arg = args[i + 1];
		if (strcasecmp(attrib, "user") == 0 || strcasecmp(attrib, "group") == 0) {
			int grp = strcasecmp(attrib, "group") == 0;
			if (ci == NULL || (ci->test && ci->user == NULL)) {
				result = 0;
				continue;
			}
			if (ci->user == NULL)
				return missing(log, grp ? "Group" : "User", "user");
			if ((grp ? match_group(ci->user, arg) :
			    sshd_match_pattern_list(ci->user, arg, 0)) != 1)
				result = 0;
		} else if (strcasecmp(attrib, "host") == 0) {
			if (ci == NULL || (ci->test && ci->host == NULL)) {
				result = 0;
				continue;
			}
			if (ci->host == NULL)
				return missing(log, "Host", "host");
			if (match_hostname(ci->host, arg) != 1)
				result = 0;
		} else if (strcasecmp(attrib, "address") == 0 ||
		    strcasecmp(attrib, "localaddress") == 0) {
			int local = attrib[0] == 'l' || attrib[0] == 'L';
			const char *a = ci == NULL ? NULL : local ? ci->laddress : ci->address;
			if (ci == NULL || (ci->test && a == NULL)) {
				if (sshd_addr_match_list(NULL, arg) != 0) {
					cfg_log(log, SSHD_LOG_FATAL, "%s:%d: Invalid Match %s "
					    "argument '%s'", file, linenum,
					    local ? "localaddress" : "address", arg);
					return -2;
				}
				result = 0;
				continue;
			}
			if (a == NULL)
				return missing(log, local ? "LocalAddress" : "Address",
				    local ? "laddr" : "addr");
			switch (sshd_addr_match_list(a, arg)) {
			case 1:
				break;
			case -2:
				return -1;
			default:
				result = 0;
			}
		} else if (strcasecmp(attrib, "localport") == 0) {
			int port = sshd_parse_port(arg);
			if (port < 0) {
				cfg_log(log, SSHD_LOG_ERROR, "%s:%d: Invalid LocalPort '%s' on "
				    "Match line", file, linenum, arg);
				return -1;
			}
			if (ci == NULL || (ci->test && ci->lport == -1)) {
				result = 0;
				continue;
			}
			if (ci->lport == 0)
				return missing(log, "LocalPort", "lport");
			if (port != ci->lport)
				result = 0;
		} else if (strcasecmp(attrib, "rdomain") == 0) {
			if (ci == NULL || (ci->test && ci->rdomain == NULL)) {
				result = 0;
				continue;
			}
			if (ci->rdomain == NULL)
				return missing(log, "RDomain", "rdomain");
			if (sshd_match_pattern_list(ci->rdomain, arg, 0) != 1)
				result = 0;
		} else {
			cfg_log(log, SSHD_LOG_ERROR, "%s:%d: Unsupported Match attribute %s",
			    file, linenum, attrib);
			return -1;
		}
	}
	if (attributes == 0) {
		cfg_log(log, SSHD_LOG_ERROR, "%s:%d: One or more attributes required for Match",
		    file, linenum);
		return -1;
	}
	return result;
}

void
sshd_conn_info_free(struct sshd_conn_info *ci)
{
	free(ci->owned);
	memset(ci, 0, sizeof(*ci));
}

int
sshd_conn_info_parse(struct sshd_conn_info *ci, const char *spec, char *msg, size_t msglen)
{
	char *s, *p, *next;

	sshd_conn_info_free(ci);
	ci->test = 1;
	if (msglen > 0)
		msg[0] = '\0';
	if ((ci->owned = s = strdup(spec)) == NULL)
		return -ENOMEM;
	/* like OpenSSH: the spec ends at the first empty element */
	for (p = s; p != NULL && *p != '\0'; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		if (*p == '\0')
			break;
		if (strncmp(p, "addr=", 5) == 0)
			ci->address = p + 5;
		else if (strncmp(p, "host=", 5) == 0)
			ci->host = p + 5;
		else if (strncmp(p, "user=", 5) == 0)
			ci->user = p + 5;
		else if (strncmp(p, "laddr=", 6) == 0)
			ci->laddress = p + 6;
		else if (strncmp(p, "rdomain=", 8) == 0)
			ci->rdomain = p + 8;
		else if (strncmp(p, "lport=", 6) == 0) {
			if ((ci->lport = sshd_parse_port(p + 6)) < 0) {
				snprintf(msg, msglen, "Invalid port '%s' in test mode "
				    "specification %s", p + 6, p);
				return -EINVAL;
			}
		} else {
			snprintf(msg, msglen, "Invalid test mode specification %s", p);
			return -EINVAL;
		}
	}
	return 0;
}
