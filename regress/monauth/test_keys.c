/* mon_auth_key_allowed: the key is found in the user's AuthorizedKeysFile files (%h %u
 * %U %% and "none"), from= and expiry-time decide per line, command= is kept in the
 * options, PermitRootLogin forced-commands-only needs it, PubkeyAcceptedAlgorithms and
 * the algorithm/key fit apply, files are bounded, a FIFO does not block, and StrictModes
 * refuses group-writable files and directories and wrong owners.  As root, the file is
 * read with the user's ids and the monitor's ids are back afterwards. */
#include "regress/monauth/monauth_test_util.h"

#include <grp.h>
#include <time.h>

struct keys {
	struct fixture f;
	struct user_key ed, rsa, ec, other;
};

static int setup(void **state)
{
	struct keys *k;
	void *fs = NULL;

	assert_int_equal(fixture_setup(&fs), 0);
	k = calloc(1, sizeof(*k));
	assert_non_null(k);
	memcpy(&k->f, fs, sizeof(k->f));
	free(fs);
	user_key_make(&k->ed, PUBKEY_ED25519, 0);
	user_key_make(&k->rsa, PUBKEY_RSA, 2048);
	user_key_make(&k->ec, PUBKEY_ECDSA, 256);
	user_key_make(&k->other, PUBKEY_ED25519, 0);
	/* Tests that run as root act for root unless they say otherwise. */
	cfg_set(&k->f, "PermitRootLogin yes");
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	struct keys *k = *state;
	struct fixture *f = malloc(sizeof(*f));

	assert_non_null(f);
	memcpy(f, &k->f, sizeof(*f));
	user_key_free(&k->ed);
	user_key_free(&k->rsa);
	user_key_free(&k->ec);
	user_key_free(&k->other);
	free(k);
	*state = f;
	return fixture_teardown(state);
}

static void test_found_default_files(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	char text[16384];

	snprintf(text, sizeof(text), "# keys\n\n%s first\n%s second\n", k->other.line,
		 k->ed.line);
	write_file(f, ".ssh/authorized_keys", text, 0600);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "127.0.0.1"), 1);
	assert_true(f->o.matched);
	assert_non_null(f->o.line);
	assert_int_equal(f->o.line->line_no, 4);
	assert_string_equal(f->o.line->comment, "second");
	assert_null(f->o.line->opts.command);
	assert_true(log_has(f, "Accepted key ED25519 SHA256:"));
	assert_true(log_has(f, "/.ssh/authorized_keys:4"));

	/* a key that is not there: no match, and the options are cleared */
	assert_int_equal(key_allowed(f, "rsa-sha2-256", &k->rsa, "127.0.0.1"), 0);
	assert_false(f->o.matched);
	assert_null(f->o.line);

	/* the second default file */
	write_file(f, ".ssh/authorized_keys2", k->rsa.line, 0600);
	assert_int_equal(key_allowed(f, "rsa-sha2-512", &k->rsa, "127.0.0.1"), 1);
	assert_int_equal(f->o.line->line_no, 1);
}

static void test_expansions_and_none(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	char line[512], uidname[320];

	snprintf(uidname, sizeof(uidname), "keys/%lu.%s%%", (unsigned long)f->u.uid, f->u.name);
	write_file(f, uidname, k->ed.line, 0600);
	cfg_set(f, "AuthorizedKeysFile none %h/keys/%U.%u%% .ssh/never");
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "127.0.0.1"), 1);
	assert_true(log_has(f, uidname));

	/* relative: under the home directory */
	cfg_reset(f);
	cfg_set(f, "PermitRootLogin yes");
	snprintf(line, sizeof(line), "AuthorizedKeysFile keys/%%U.%%u%%%%");
	cfg_set(f, line);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "127.0.0.1"), 1);

	/* "none" alone: nothing is read */
	cfg_reset(f);
	cfg_set(f, "PermitRootLogin yes");
	cfg_set(f, "AuthorizedKeysFile none");
	write_file(f, ".ssh/authorized_keys", k->ed.line, 0600);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "127.0.0.1"), 0);
}

static void test_expand_path(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	struct mon_auth_user u = f->u;
	char out[64], want[128];

	strcpy(u.home, "/home/al");
	strcpy(u.name, "al");
	u.uid = 1001;
	assert_int_equal(mon_auth_expand_path("%h/.ssh/%u_%U%%", &u, out, sizeof(out)), 22);
	assert_string_equal(out, "/home/al/.ssh/al_1001%");
	assert_int_equal(mon_auth_expand_path(".ssh/k", &u, out, sizeof(out)), 15);
	assert_string_equal(out, "/home/al/.ssh/k");
	assert_int_equal(mon_auth_expand_path("/etc/keys/%u", &u, out, sizeof(out)), 12);
	assert_string_equal(out, "/etc/keys/al");
	assert_int_equal(mon_auth_expand_path("/etc/%x", &u, out, sizeof(out)), -EINVAL);
	assert_int_equal(mon_auth_expand_path("/etc/%", &u, out, sizeof(out)), -EINVAL);
	/* a fake account's name cannot walk out of the directory */
	strcpy(u.name, "../../etc/x");
	assert_int_equal(mon_auth_expand_path("/etc/keys/%u", &u, out, sizeof(out)), -EINVAL);
	strcpy(u.name, "al");
	/* exactly full, then one byte over */
	memset(want, 'x', 63);
	want[63] = '\0';
	want[0] = '/';
	assert_int_equal(mon_auth_expand_path(want, &u, out, sizeof(out)), 63);
	want[63] = 'x';
	want[64] = '\0';
	assert_int_equal(mon_auth_expand_path(want, &u, out, sizeof(out)), -ENOSPC);
	assert_int_equal(mon_auth_expand_path("%h%h%h%h%h%h%h", &u, out, sizeof(out)), 56);
	assert_int_equal(mon_auth_expand_path("%h%h%h%h%h%h%h%h", &u, out, sizeof(out)),
			 -ENOSPC);
	/* relative: the home prefix must fit too */
	memset(want, 'x', 60);
	want[60] = '\0';
	assert_int_equal(mon_auth_expand_path(want, &u, out, sizeof(out)), -ENOSPC);
}

static void test_from(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	static const struct {
		const char *from, *peer;
		int want;
	} cases[] = {
		{ "127.0.0.1", "127.0.0.1", 1 },
		{ "127.0.0.0/8", "127.0.0.2", 1 },
		{ "10.*,127.0.0.?", "127.0.0.5", 1 },
		{ "10.0.0.1", "127.0.0.1", 0 },
		{ "!127.0.0.1,*", "127.0.0.1", 0 },
		{ "!10.0.0.0/8,*", "127.0.0.1", 1 },
		{ "::1", "::1", 1 },
		{ "2001:db8::/32", "::1", 0 },
		{ "127.0.0.0/33", "127.0.0.1", 0 },	/* malformed: refused */
	};
	char text[16384];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "from=\"%s\" %s\n", cases[i].from, k->ed.line);
		write_file(f, ".ssh/authorized_keys", text, 0600);
		log_reset(f);
		if (key_allowed(f, "ssh-ed25519", &k->ed, cases[i].peer) != cases[i].want)
			fail_msg("from=\"%s\" peer %s: want %d", cases[i].from, cases[i].peer,
				 cases[i].want);
		if (cases[i].want == 0)
			assert_true(log_has(f, "from="));
		else
			assert_string_equal(f->o.line->opts.from, cases[i].from);
	}
	/* a refusing line is passed over: the next line for the same key decides */
	snprintf(text, sizeof(text), "from=\"10.0.0.1\" %s\n# x\ncommand=\"/bin/true\" %s\n",
		 k->ed.line, k->ed.line);
	write_file(f, ".ssh/authorized_keys", text, 0600);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "127.0.0.1"), 1);
	assert_int_equal(f->o.line->line_no, 3);
	assert_string_equal(f->o.line->opts.command, "/bin/true");
	/* and the file's real line number is logged for the refusing line */
	assert_true(log_has(f, "authorized_keys:1: Authentication tried"));
}

static void test_options_kept(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	char text[16384];

	snprintf(text, sizeof(text), "restrict,pty,command=\"echo \\\"hi\\\"\","
		 "environment=\"A=b\" %s c\n", k->ec.line);
	write_file(f, ".ssh/authorized_keys", text, 0600);
	assert_int_equal(key_allowed(f, "ecdsa-sha2-nistp256", &k->ec, "127.0.0.1"), 1);
	assert_string_equal(f->o.line->opts.command, "echo \"hi\"");
	assert_true(f->o.line->opts.restricted);
	assert_true(f->o.line->opts.pty);
	assert_false(f->o.line->opts.port_forwarding);
	assert_int_equal(f->o.line->opts.n_env, 1);
	assert_string_equal(f->o.line->opts.env[0], "A=b");
}

static void test_expiry(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	char text[16384];

	snprintf(text, sizeof(text), "expiry-time=\"20000101\" %s\n", k->ed.line);
	write_file(f, ".ssh/authorized_keys", text, 0600);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "127.0.0.1"), 0);
	assert_true(log_has(f, "expired"));
	snprintf(text, sizeof(text), "expiry-time=\"29991231\" %s\n", k->ed.line);
	write_file(f, ".ssh/authorized_keys", text, 0600);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "127.0.0.1"), 1);
}

static void test_algorithms(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	char text[32768];

	snprintf(text, sizeof(text), "%s\n%s\n%s\n", k->ed.line, k->rsa.line, k->ec.line);
	write_file(f, ".ssh/authorized_keys", text, 0600);
	/* the default list: no SHA-1 RSA */
	assert_int_equal(key_allowed(f, "rsa-sha2-256", &k->rsa, "::1"), 1);
	assert_int_equal(key_allowed(f, "ssh-rsa", &k->rsa, "::1"), 0);
	assert_true(log_has(f, "not in PubkeyAcceptedAlgorithms"));
	/* the algorithm must fit the key */
	assert_int_equal(key_allowed(f, "rsa-sha2-256", &k->ed, "::1"), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->rsa, "::1"), 0);
	assert_int_equal(key_allowed(f, "ecdsa-sha2-nistp384", &k->ec, "::1"), 0);
	assert_true(log_has(f, "does not fit"));
	/* names that are no algorithm */
	assert_int_equal(key_allowed(f, "ssh-ed25519-cert-v01@openssh.com", &k->ed, "::1"), 0);
	assert_int_equal(mon_auth_key_allowed(&f->cfg, &f->u, (const uint8_t *)"ssh-ed\0", 7,
					      k->ed.blob, k->ed.blob_len, "::1", &f->log, &f->o), 0);
	assert_int_equal(mon_auth_key_allowed(&f->cfg, &f->u, (const uint8_t *)"x", 0,
					      k->ed.blob, k->ed.blob_len, "::1", &f->log, &f->o), 0);
	/* a malformed blob, a truncated one */
	assert_int_equal(mon_auth_key_allowed(&f->cfg, &f->u, (const uint8_t *)"ssh-ed25519", 11,
					      k->ed.blob, k->ed.blob_len - 1, "::1", &f->log,
					      &f->o), 0);
	assert_true(log_has(f, "malformed key blob"));
	/* an explicit list, and one relative to the defaults */
	cfg_set(f, "PubkeyAcceptedAlgorithms rsa-sha2-512,ecdsa-*");
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_int_equal(key_allowed(f, "rsa-sha2-256", &k->rsa, "::1"), 0);
	assert_int_equal(key_allowed(f, "rsa-sha2-512", &k->rsa, "::1"), 1);
	assert_int_equal(key_allowed(f, "ecdsa-sha2-nistp256", &k->ec, "::1"), 1);
	cfg_reset(f);
	cfg_set(f, "PermitRootLogin yes");
	cfg_set(f, "PubkeyAcceptedAlgorithms +ssh-rsa");
	assert_int_equal(key_allowed(f, "ssh-rsa", &k->rsa, "::1"), 1);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 1);
	cfg_reset(f);
	cfg_set(f, "PermitRootLogin yes");
	cfg_set(f, "PubkeyAcceptedAlgorithms -ssh-ed25519");
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	/* RequiredRSASize, PubkeyAuthentication no */
	cfg_reset(f);
	cfg_set(f, "PermitRootLogin yes");
	cfg_set(f, "RequiredRSASize 3072");
	assert_int_equal(key_allowed(f, "rsa-sha2-512", &k->rsa, "::1"), 0);
	assert_true(log_has(f, "under RequiredRSASize"));
	cfg_reset(f);
	cfg_set(f, "PermitRootLogin yes");
	cfg_set(f, "PubkeyAuthentication no");
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
}

static void test_root_forced_commands(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	char text[16384];

	/* act for an account with uid 0; the files are ours, so no owner checks */
	f->u.uid = 0;
	snprintf(text, sizeof(text), "%s plain\ncommand=\"/usr/bin/backup\" %s forced\n",
		 k->ed.line, k->rsa.line);
	write_file(f, ".ssh/authorized_keys", text, 0600);
	static const struct {
		const char *permit;
		int ed, rsa;
	} cases[] = {
		{ "yes", 1, 1 }, { "prohibit-password", 1, 1 },
		{ "forced-commands-only", 0, 1 }, { "no", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char line[64];

		cfg_reset(f);
		cfg_set(f, "StrictModes no");
		snprintf(line, sizeof(line), "PermitRootLogin %s", cases[i].permit);
		cfg_set(f, line);
		log_reset(f);
		if (key_allowed(f, "ssh-ed25519", &k->ed, "::1") != cases[i].ed ||
		    key_allowed(f, "rsa-sha2-256", &k->rsa, "::1") != cases[i].rsa)
			fail_msg("PermitRootLogin %s", cases[i].permit);
		if (cases[i].rsa == 1)
			assert_string_equal(f->o.line->opts.command, "/usr/bin/backup");
		if (cases[i].ed == 0)
			assert_true(log_has(f, "root login refused"));
	}
}

static void test_invalid_user(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;

	write_file(f, ".ssh/authorized_keys", k->ed.line, 0600);
	/* even a fake account whose files hold the key gets no */
	f->u.valid = false;
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_false(f->o.matched);
	assert_true(log_has(f, "invalid user"));
}

static void test_size_bound(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	size_t fill = MON_AUTH_KEYS_FILE_MAX + 4096, n = 0;
	char *text = malloc(fill + 2 * sizeof(k->ed.line));

	assert_non_null(text);
	/* the key first, then comments past the bound: found, and the cut is logged */
	n = (size_t)sprintf(text, "%s\n", k->ed.line);
	while (n < fill)
		n += (size_t)sprintf(text + n, "# %0100d\n", 0);
	write_file(f, ".ssh/authorized_keys", text, 0600);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 1);
	assert_true(log_has(f, "is larger than"));
	/* the key past the bound is not seen */
	sprintf(text + n, "%s\n", k->rsa.line);
	write_file(f, ".ssh/authorized_keys", text, 0600);
	assert_int_equal(key_allowed(f, "rsa-sha2-256", &k->rsa, "::1"), 0);
	free(text);
}

static void test_not_regular(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	char path[256];
	time_t t0 = time(NULL);

	home_path(f, ".ssh", path, sizeof(path));
	assert_int_equal(mkdir(path, 0700), 0);
	home_path(f, ".ssh/authorized_keys", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0600), 0);
	/* a FIFO with no writer would block a plain open: refused at once */
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_true(time(NULL) - t0 < 5);
	assert_true(log_has(f, "is not a regular file"));
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
}

static void test_strict_modes(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	char path[256];

	write_file(f, ".ssh/authorized_keys", k->ed.line, 0600);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 1);

	/* group-writable file */
	home_path(f, ".ssh/authorized_keys", path, sizeof(path));
	assert_int_equal(chmod(path, 0620), 0);
	log_reset(f);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_true(log_has(f, "Authentication refused: bad ownership or modes for file"));
	assert_true(log_has(f, path));
	/* world-writable file */
	assert_int_equal(chmod(path, 0602), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	/* StrictModes no takes it */
	cfg_set(f, "StrictModes no");
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 1);
	cfg_reset(f);
	cfg_set(f, "PermitRootLogin yes");
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 1);

	/* group-writable directory, and home itself */
	home_path(f, ".ssh", path, sizeof(path));
	assert_int_equal(chmod(path, 0770), 0);
	log_reset(f);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_true(log_has(f, "bad ownership or modes for directory"));
	assert_true(log_has(f, path));
	assert_int_equal(chmod(path, 0700), 0);
	assert_int_equal(chmod(f->home, 0757), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_int_equal(chmod(f->home, 0700), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 1);

	/* a symlink is followed, and its target is what is checked */
	home_path(f, ".ssh/real", path, sizeof(path));
	write_file(f, ".ssh/real", k->ed.line, 0660);
	char link[256];

	home_path(f, ".ssh/authorized_keys", link, sizeof(link));
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_true(log_has(f, "bad ownership or modes for file"));
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 1);
}

/* The path checker on its own: above the home directory nothing is looked at; a file
 * outside home is checked up to /, and /tmp (world-writable) refuses it. */
static void test_secure_path(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	char path[256], err[512];
	struct stat st;

	write_file(f, "a/b/keys", "x\n", 0600);
	home_path(f, "a/b/keys", path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(mon_auth_secure_path(path, &st, f->home, getuid(), err, sizeof(err)),
			 0);
	err[0] = '\0';
	assert_int_equal(mon_auth_secure_path(path, &st, NULL, getuid(), err, sizeof(err)),
			 -EACCES);
	assert_string_equal(err, "bad ownership or modes for directory /tmp");
	assert_int_equal(mon_auth_secure_path(path, &st, "/nonexistent", getuid(), err,
					      sizeof(err)), -EACCES);
	/* a directory in the middle */
	home_path(f, "a", path, sizeof(path));
	assert_int_equal(chmod(path, 0720), 0);
	home_path(f, "a/b/keys", path, sizeof(path));
	assert_int_equal(mon_auth_secure_path(path, &st, f->home, getuid(), err, sizeof(err)),
			 -EACCES);
	assert_non_null(strstr(err, "/a"));
	/* not a regular file */
	home_path(f, "a/b", path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(mon_auth_secure_path(path, &st, f->home, getuid(), err, sizeof(err)),
			 -EACCES);
	assert_non_null(strstr(err, "is not a regular file"));
	/* a missing file */
	assert_int_equal(mon_auth_secure_path("/nonexistent/x", &st, NULL, getuid(), err,
					      sizeof(err)), -EACCES);
	assert_non_null(strstr(err, "realpath"));
}

/* As root: the file is read with the user's ids (a root-owned 0600 file in the user's
 * home is refused: the user could not read it), a file owned by another user is
 * refused, and the monitor's ids and groups are back afterwards. */
static void test_read_as_user(void **state)
{
	struct keys *k = *state;
	struct fixture *f = &k->f;
	struct passwd *pw = getpwnam("nobody");
	char path[256];
	gid_t groups_before[256], groups_after[256];
	int nb, na;

	if (geteuid() != 0 || pw == NULL)
		skip();
	nb = getgroups(256, groups_before);
	write_file(f, ".ssh/authorized_keys", k->ed.line, 0600);
	home_path(f, ".ssh", path, sizeof(path));
	run_cmd("chown -R %lu:%lu '%s' '%s'", (unsigned long)pw->pw_uid,
		(unsigned long)pw->pw_gid, f->home, path);
	f->u.uid = pw->pw_uid;
	f->u.gid = pw->pw_gid;
	snprintf(f->u.name, sizeof(f->u.name), "%s", pw->pw_name);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 1);

	/* owned by root, mode 0600: root could read it, the user cannot */
	home_path(f, ".ssh/authorized_keys", path, sizeof(path));
	assert_int_equal(chown(path, 0, 0), 0);
	log_reset(f);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_true(log_has(f, "Permission denied"));
	/* readable by the user and owned by root: fine */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 1);
	/* owned by a third user: refused (StrictModes) */
	assert_int_equal(chown(path, 12345, 12345), 0);
	log_reset(f);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_true(log_has(f, "bad ownership or modes for file"));
	/* a directory owned by a third user */
	assert_int_equal(chown(path, pw->pw_uid, pw->pw_gid), 0);
	home_path(f, ".ssh", path, sizeof(path));
	assert_int_equal(chown(path, 12345, 12345), 0);
	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k->ed, "::1"), 0);
	assert_true(log_has(f, "bad ownership or modes for directory"));

	assert_int_equal(geteuid(), 0);
	assert_int_equal(getegid(), 0);
	na = getgroups(256, groups_after);
	assert_int_equal(na, nb);
	assert_memory_equal(groups_after, groups_before, (size_t)na * sizeof(gid_t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_found_default_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expansions_and_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expand_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_algorithms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_forced_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strict_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secure_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_as_user, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
