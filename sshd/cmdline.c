/*
 * The sshd command line (see cmdline.h). A small getopt of our own: libc's keeps its
 * position in globals, and OpenSSH's BSD getopt never permutes arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sshd/cmdline.h"
#include "sshd/config_int.h"

/* Flags that take an argument, and flags that do not. -b and -k are protocol 1 relics. */
static const char with_arg[] = "CEbcfghkopu";
static const char without_arg[] = "46DGQRTVdeiqrt";

const char *
sshd_cmdline_usage(void)
{
	return "usage: sshd [-46DdeGiqTtV] [-C connection_spec] [-c host_cert_file]\n"
	    "            [-E log_file] [-f config_file] [-g login_grace_time]\n"
	    "            [-h host_key_file] [-o option] [-p port] [-u len]\n";
}

static int
add_event(struct sshd_cmdline *cl, char flag, const char *arg, char *msg, size_t msglen)
{
	if (cl->nev >= SSHD_CMDLINE_MAX_EVENTS) {
		snprintf(msg, msglen, "too many options.");
		return -E2BIG;
	}
	cl->ev[cl->nev].flag = flag;
	cl->ev[cl->nev].arg = arg;
	cl->nev++;
	return 0;
}

static int
one_flag(struct sshd_cmdline *cl, char flag, const char *arg, char *msg, size_t msglen)
{
	switch (flag) {
	case '4': case '6': case 'd': case 'q': case 'c': case 'h': case 'o':
		if (flag == 'd')
			cl->debug++;
		if (flag == 'q')
			cl->quiet = 1;
		return add_event(cl, flag, arg, msg, msglen);
	case 'p': {
		size_t np = 0;
		for (size_t i = 0; i < cl->nev; i++)
			np += cl->ev[i].flag == 'p';
		if (np >= SSHD_CONFIG_MAX_PORTS) {
			snprintf(msg, msglen, "too many ports.");
			return -E2BIG;
		}
		if (sshd_parse_port(arg) <= 0) {
			snprintf(msg, msglen, "Bad port number.");
			return -EINVAL;
		}
		return add_event(cl, flag, arg, msg, msglen);
	}
	case 'g':
		if (sshd_parse_time(arg) < 0) {
			snprintf(msg, msglen, "Invalid login grace time.");
			return -EINVAL;
		}
		return add_event(cl, flag, arg, msg, msglen);
	case 'u': {
		/* strtonum(0, HOST_NAME_MAX + 2): a non-number reads as 0, as OpenSSH */
		char *end;
		long v = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || v < 0 || v > 66)
			v = 0;
		cl->utmp_len = (int)v;
		return 0;
	}
	case 'C': {
		char tmpmsg[256];
		struct sshd_conn_info ci = { 0 };
		int r;
		if (cl->nconn_spec >= sizeof(cl->conn_spec) / sizeof(cl->conn_spec[0])) {
			snprintf(msg, msglen, "too many -C options.");
			return -E2BIG;
		}
		r = sshd_conn_info_parse(&ci, arg, tmpmsg, sizeof(tmpmsg));
		sshd_conn_info_free(&ci);
		if (r != 0) {
			snprintf(msg, msglen, "%s", tmpmsg);
			return r;
		}
		cl->conn_spec[cl->nconn_spec++] = arg;
		return 0;
	}
	case 'E': cl->log_file = arg; return 0;
	case 'f': cl->config_file = arg; return 0;
	case 'b': case 'k': case 'Q': return 0;
	case 'D': cl->no_daemon = 1; return 0;
	case 'G': cl->test = SSHD_TEST_PRINT; return 0;
	case 'R': cl->rexeced = 1; return 0;
	case 'T': cl->test = SSHD_TEST_DUMP; return 0;
	case 't': cl->test = SSHD_TEST_CHECK; return 0;
	case 'V': cl->version = 1; return 0;
	case 'e': cl->log_stderr = 1; return 0;
	case 'i': cl->inetd = 1; return 0;
	case 'r': cl->no_reexec = 1; return 0;
	default:
		return -EINVAL;
	}
}

int
sshd_cmdline_parse(struct sshd_cmdline *cl, int argc, char *const argv[],
    char *msg, size_t msglen, int *want_usage)
{
	int i, r;

	memset(cl, 0, sizeof(*cl));
	cl->config_file = SSHD_DEFAULT_CONFIG;
	cl->utmp_len = -1;
	*want_usage = 0;
	if (msglen > 0)
		msg[0] = '\0';
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		for (size_t k = 1; a[k] != '\0'; k++) {
			char flag = a[k];
			const char *arg = NULL;

			if (strchr(with_arg, flag) != NULL) {
				if (a[k + 1] != '\0')
					arg = a + k + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else {
					snprintf(msg, msglen, "option requires an argument -- %c",
					    flag);
					*want_usage = 1;
					return -EINVAL;
				}
			} else if (strchr(without_arg, flag) == NULL) {
				snprintf(msg, msglen, "unknown option -- %c", flag);
				*want_usage = 1;
				return -EINVAL;
			}
			if ((r = one_flag(cl, flag, arg, msg, msglen)) != 0)
				return r;
			if (arg != NULL)
				break;
		}
	}
	if (i < argc && !cl->version) {
		snprintf(msg, msglen, "Extra argument %s.", argv[i]);
		return -EINVAL;
	}
	return 0;
}

int
sshd_cmdline_apply(const struct sshd_cmdline *cl, struct sshd_config *c,
    const struct sshd_config_log *log, char *msg, size_t msglen)
{
	int debug_seen = 0, r;
	char *path;

	if (msglen > 0)
		msg[0] = '\0';
	for (size_t i = 0; i < cl->nev; i++) {
		const struct sshd_cmdline_event *e = &cl->ev[i];

		switch (e->flag) {
		case '4': c->address_family = AF_INET; break;
		case '6': c->address_family = AF_INET6; break;
		case 'q': c->log_level = SSHD_LOG_QUIET; break;
		case 'd':
			/* the first -d means DEBUG1, each further one a level more */
			if (!debug_seen) {
				debug_seen = 1;
				c->log_level = SSHD_LOG_DEBUG1;
			} else if (c->log_level < SSHD_LOG_DEBUG3)
				c->log_level++;
			break;
		case 'g': c->login_grace_time = sshd_parse_time(e->arg); break;
		case 'p':
			if (c->nports >= SSHD_CONFIG_MAX_PORTS) {
				snprintf(msg, msglen, "too many ports.");
				return -E2BIG;
			}
			c->ports[c->nports++] = sshd_parse_port(e->arg);
			c->ports_from_cmdline = 1;
			break;
		case 'h':
		case 'c':
			if ((r = cfg_derelativise(e->arg, &path)) != 0) {
				snprintf(msg, msglen, "cannot expand %s", e->arg);
				return r;
			}
			r = cfg_strlist_add(e->flag == 'h' ? &c->host_key_files :
			    &c->host_cert_files, path);
			free(path);
			if (r != 0)
				return r;
			break;
		case 'o':
			if ((r = sshd_config_parse_option(c, e->arg, log)) != 0) {
				snprintf(msg, msglen, "bad command-line option: %s", e->arg);
				return r;
			}
			break;
		}
	}
	return 0;
}

char *
sshd_cmdline_conn_spec(const struct sshd_cmdline *cl)
{
	size_t len = 1;
	char *s;

	if (cl->nconn_spec == 0)
		return NULL;
	for (size_t i = 0; i < cl->nconn_spec; i++)
		len += strlen(cl->conn_spec[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < cl->nconn_spec; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, cl->conn_spec[i]);
	}
	return s;
}
