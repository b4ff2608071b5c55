/*
 * sshd_config_tool: the configuration half of sshd's command line, for tests and for
 * side-by-side comparison with OpenSSH's sshd:
 *   sshd_config_tool -t -f FILE                 check, exit 0 or 255
 *   sshd_config_tool -T -f FILE [-C spec] [-o opt]...   dump the effective config
 * Exit codes are sshd's: 1 for a bad command line or unreadable file, 255 for a bad
 * configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/cmdline.h"
#include "sshd/config.h"

struct log_ctx {
	int max;
};

static void
log_stderr(void *arg, enum sshd_log_level level, const char *msg)
{
	const struct log_ctx *lc = arg;

	if ((int)level <= lc->max)
		fprintf(stderr, "%s\n", msg);
}

int
main(int argc, char **argv)
{
	struct sshd_cmdline cl;
	struct sshd_config cfg;
	struct sshd_config_source src;
	struct sshd_conn_info ci = { 0 };
	struct log_ctx lc = { SSHD_LOG_INFO };
	struct sshd_config_log log = { log_stderr, &lc };
	char msg[512];
	int want_usage, rc = 255;
	char *spec;

	if (sshd_cmdline_parse(&cl, argc, argv, msg, sizeof(msg), &want_usage) != 0) {
		fprintf(stderr, "%s\n", msg);
		if (want_usage)
			fprintf(stderr, "msshd (OpenSSH_9.2 compatible)\n%s", sshd_cmdline_usage());
		return 1;
	}
	if (cl.version) {
		fprintf(stderr, "msshd (OpenSSH_9.2 compatible)\n");
		return 0;
	}
	if (cl.debug > 0)
		lc.max = SSHD_LOG_DEBUG1 + (cl.debug > 3 ? 2 : cl.debug - 1);
	sshd_config_init(&cfg);
	sshd_config_source_init(&src);
	if (sshd_cmdline_apply(&cl, &cfg, &log, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "%s\n", msg);
		rc = 1;
		goto out;
	}
	if (sshd_config_source_load(&src, cl.config_file, &log) != 0) {
		rc = 1;
		goto out;
	}
	if (sshd_config_parse(&cfg, &src, &log) != 0)
		goto out;
	if (cl.nconn_spec > 0 && cl.test < SSHD_TEST_DUMP) {
		fprintf(stderr, "Config test connection parameter (-C) provided without "
		    "test mode (-T)\n");
		goto out;
	}
	if (sshd_config_finish(&cfg, &sshd_openssh92_algos, &log) != 0)
		goto out;
	if (cl.test == SSHD_TEST_CHECK) {
		rc = 0;
		goto out;
	}
	if (cl.test == SSHD_TEST_NONE) {
		fprintf(stderr, "sshd_config_tool: only -t, -T and -G are implemented\n");
		rc = 1;
		goto out;
	}
	/* -T without -C: a blank connection, so that only "Match all" applies */
	spec = sshd_cmdline_conn_spec(&cl);
	if (sshd_conn_info_parse(&ci, spec != NULL ? spec : "", msg, sizeof(msg)) != 0) {
		fprintf(stderr, "%s\n", msg);
		free(spec);
		rc = 1;
		goto out;
	}
	free(spec);
	if (sshd_config_apply_match(&cfg, &src, &ci, &sshd_openssh92_algos, &log) != 0)
		goto out;
	if (sshd_config_dump(&cfg, stdout) != 0 || fflush(stdout) != 0)
		goto out;
	rc = 0;
out:
	sshd_conn_info_free(&ci);
	sshd_config_source_free(&src);
	sshd_config_free(&cfg);
	return rc;
}
