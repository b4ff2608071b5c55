/* Start-up check of the HostKey files.  See hostkeys_check.h. */
#include "sshd/hostkeys_check.h"

#include <errno.h>
#include <string.h>

#include "sshd/keyfile.h"

int hostkeys_check(const struct sshd_config *cfg, const struct log_ctx *lg)
{
	int usable = 0;

	for (size_t i = 0; i < cfg->host_key_files.n; i++) {
		const char *path = cfg->host_key_files.v[i];
		struct hostkey *key = NULL;
		char why[KEYFILE_REASON_SIZE];

		if (strcmp(path, "none") == 0)
			continue;
		/* Permissions are checked whatever StrictModes says, as OpenSSH does for
		 * private keys: a host key others can read is no longer secret. */
		int r = keyfile_load(path, true, &key, why, sizeof(why));
		if (r == 0) {
			hostkey_free(key);
			usable++;
			continue;
		}
		/* A missing file is reported once, by the second line (as OpenSSH, which
		 * stays quiet about system errors on the private half). */
		if (r != -ENOENT)
			log_msg(lg, LOG_LEVEL_ERROR, "Unable to load host key \"%s\": %s", path,
				why);
		log_msg(lg, LOG_LEVEL_ERROR, "Unable to load host key: %s", path);
	}
	return usable;
}
