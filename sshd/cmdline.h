/*
 * The sshd command line, as OpenSSH 9.2's: flags are read in order, without permuting
 * (the first non-option argument is an error), and the options that change the
 * configuration (-4 -6 -c -d -g -h -o -p -q) are kept in order and applied to it before
 * the file is read, so that they win over it exactly as in OpenSSH.
 */
#ifndef MSSHD_CMDLINE_H
#define MSSHD_CMDLINE_H

#include <stddef.h>

#include "sshd/config.h"

#define SSHD_DEFAULT_CONFIG "/etc/ssh/sshd_config"
#define SSHD_CMDLINE_MAX_EVENTS 1024

enum sshd_test_mode { SSHD_TEST_NONE = 0, SSHD_TEST_CHECK = 1, SSHD_TEST_DUMP = 2,
	SSHD_TEST_PRINT = 3 /* -G: dump without loading host keys */ };

struct sshd_cmdline_event {
	char flag;              /* '4' '6' 'c' 'd' 'g' 'h' 'o' 'p' 'q' */
	const char *arg;        /* points into argv */
};

struct sshd_cmdline {
	const char *config_file;        /* -f, default SSHD_DEFAULT_CONFIG */
	const char *log_file;           /* -E */
	const char *conn_spec[16];      /* -C, joined with ',' when applied */
	size_t nconn_spec;
	int no_daemon;                  /* -D */
	int debug;                      /* number of -d */
	int log_stderr;                 /* -e */
	int inetd;                      /* -i */
	int quiet;                      /* -q */
	int no_reexec;                  /* -r */
	int rexeced;                    /* -R */
	int test;                       /* enum sshd_test_mode: -t, -T, -G */
	int utmp_len;                   /* -u, -1 unset */
	int version;                    /* -V: print the version and exit 0 */
	struct sshd_cmdline_event ev[SSHD_CMDLINE_MAX_EVENTS];
	size_t nev;
};

/* The usage text (version line first), as OpenSSH prints it on a bad flag. */
const char *sshd_cmdline_usage(void);

/*
 * Parses argv. 0 on success. On error returns a negative code, writes the message for
 * stderr into msg and sets *exit_code to what OpenSSH exits with (1; the usage text
 * follows the message when want_usage is set).
 */
int sshd_cmdline_parse(struct sshd_cmdline *cl, int argc, char *const argv[],
    char *msg, size_t msglen, int *want_usage);

/* Applies the configuration-changing flags in order; -EBADMSG/-EINVAL with msg. */
int sshd_cmdline_apply(const struct sshd_cmdline *cl, struct sshd_config *c,
    const struct sshd_config_log *log, char *msg, size_t msglen);

/* The -C specs joined (for sshd_conn_info_parse); NULL when none. Caller frees. */
char *sshd_cmdline_conn_spec(const struct sshd_cmdline *cl);

#endif
