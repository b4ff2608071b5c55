/*
 * libFuzzer target: the input is what a re-executed child reads from the listener's
 * memfd (sshd_config_source_pack's bytes).  Whatever unpacks must parse without reading
 * a file (its Includes are frozen) and pack back to exactly the input: the format has one
 * encoding per source.  Anything else must be refused with -EBADMSG (or -ENOMEM).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sshd_config cfg;
	struct sshd_config_source src;
	char *again = NULL;
	size_t again_len = 0;
	int r;

	sshd_config_source_init(&src);
	r = sshd_config_source_unpack(&src, (const char *)data, size, NULL);
	if (r != 0) {
		if (r != -EBADMSG && r != -ENOMEM)
			abort();
		if (src.name != NULL || src.ninc != 0)
			abort();
		return 0;
	}
	if (!src.includes_frozen)
		abort();
	if (sshd_config_source_pack(&src, &again, &again_len) != 0 || again_len != size ||
	    memcmp(again, data, size) != 0)
		abort();
	free(again);
	size_t ninc = src.ninc;
	sshd_config_init(&cfg);
	cfg.listen_numeric_only = 1;
	(void)sshd_config_parse(&cfg, &src, NULL);
	if (src.ninc != ninc)	/* a frozen source never grows */
		abort();
	sshd_config_free(&cfg);
	sshd_config_source_free(&src);
	return 0;
}
