/* Helpers for regress/monauth: a private scratch home under /tmp (mkdtemp: 0700, ours),
 * files written into it, a configuration built from sshd_config lines, a log written to
 * a file that the tests search, and user keys made with crypto/hostkey.h. Static
 * functions: each test program includes this once. */
#ifndef MSSHD_REGRESS_MONAUTH_TEST_UTIL_H
#define MSSHD_REGRESS_MONAUTH_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/base64.h"
#include "crypto/hostkey.h"
#include "sshd/config.h"
#include "sshd/keyblob.h"
#include "sshd/log.h"
#include "sshd/mon_auth.h"
#include "sshd/mon_auth_int.h"

struct fixture {
	char home[64];			/* the scratch directory, used as the user's home */
	char log_path[128];
	struct log_ctx log;
	struct sshd_config cfg;
	struct mon_auth_user u;
	struct mon_auth_key_opts o;
};

static inline void run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void run_cmd(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

/* The user these tests run as, as mon_auth_lookup would fill it, with home replaced. */
static inline void self_user(struct fixture *f)
{
	struct passwd *pw = getpwuid(getuid());

	assert_non_null(pw);
	memset(&f->u, 0, sizeof(f->u));
	f->u.valid = true;
	snprintf(f->u.name, sizeof(f->u.name), "%s", pw->pw_name);
	snprintf(f->u.requested, sizeof(f->u.requested), "%s", pw->pw_name);
	snprintf(f->u.service, sizeof(f->u.service), "ssh-connection");
	f->u.uid = getuid();
	f->u.gid = getgid();
	snprintf(f->u.home, sizeof(f->u.home), "%s", f->home);
	snprintf(f->u.shell, sizeof(f->u.shell), "/bin/sh");
}

static inline void cfg_reset(struct fixture *f)
{
	sshd_config_free(&f->cfg);
	sshd_config_init(&f->cfg);
}

/* Applies sshd_config lines, as -o does. */
static inline void cfg_set(struct fixture *f, const char *line)
{
	if (sshd_config_parse_option(&f->cfg, line, NULL) != 0)
		fail_msg("bad config line: %s", line);
}

static inline int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->home, "/tmp/monauth.XXXXXX");
	assert_non_null(mkdtemp(f->home));
	snprintf(f->log_path, sizeof(f->log_path), "%s.log", f->home);
	assert_int_equal(log_init(&f->log, "monauth-test", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR,
				  0, 2), 0);
	assert_int_equal(log_open_file(&f->log, f->log_path), 0);
	sshd_config_init(&f->cfg);
	self_user(f);
	*state = f;
	return 0;
}

static inline int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	const char *keep = getenv("MONAUTH_KEEP_LOG");	/* to read what was logged */

	if (keep != NULL)
		run_cmd("cat '%s' >> '%s'", f->log_path, keep);
	mon_auth_key_opts_clear(&f->o);
	sshd_config_free(&f->cfg);
	log_close(&f->log);
	run_cmd("rm -rf '%s' '%s'", f->home, f->log_path);
	free(f);
	return 0;
}

/* Whether the log so far holds s. */
static inline bool log_has(const struct fixture *f, const char *s)
{
	static char text[1 << 20];
	int fd = open(f->log_path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	assert_true(n >= 0);
	text[n] = '\0';
	return strstr(text, s) != NULL;
}

static inline void log_reset(const struct fixture *f)
{
	assert_int_equal(truncate(f->log_path, 0), 0);
}

/* Writes text to home/rel (directories made 0700 on the way), mode applied after. */
static inline void write_file(const struct fixture *f, const char *rel, const char *text,
			      mode_t mode)
{
	char path[512], dir[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->home, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	run_cmd("mkdir -p -m 0700 '%s'", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static inline void home_path(const struct fixture *f, const char *rel, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", f->home, rel);
}

/* A user key: the private key, its blob and its authorized_keys text ("type base64"). */
struct user_key {
	struct hostkey *hk;
	uint8_t blob[KEYBLOB_MAX];
	size_t blob_len;
	char line[BASE64_ENCODED_SIZE(KEYBLOB_MAX) + 64];
};

static inline void user_key_make(struct user_key *k, enum pubkey_type type, int bits)
{
	char b64[BASE64_ENCODED_SIZE(KEYBLOB_MAX)];
	int n;

	assert_int_equal(hostkey_generate(&k->hk, type, bits), 0);
	n = keyblob_encode(hostkey_pubkey(k->hk), k->blob, sizeof(k->blob));
	assert_true(n > 0);
	k->blob_len = (size_t)n;
	assert_true(base64_encode(k->blob, k->blob_len, 0, b64, sizeof(b64)) > 0);
	snprintf(k->line, sizeof(k->line), "%s %s", pubkey_type_name(hostkey_pubkey(k->hk)),
		 b64);
}

static inline void user_key_free(struct user_key *k)
{
	hostkey_free(k->hk);
	k->hk = NULL;
}

/* mon_auth_key_allowed with the algorithm given as a C string. */
static inline int key_allowed(struct fixture *f, const char *alg, const struct user_key *k,
			      const char *peer)
{
	return mon_auth_key_allowed(&f->cfg, &f->u, (const uint8_t *)alg, strlen(alg), k->blob,
				    k->blob_len, peer, &f->log, &f->o);
}

#endif
