/* mon_auth_lookup: a real account is found and valid; an unknown or refused one gets the
 * fake account with every field filled and the "Invalid user" line; PermitRootLogin,
 * DenyUsers/AllowUsers (also user@address), DenyGroups/AllowGroups and the account
 * checks decide as OpenSSH's allowed_user does; bad names are -EINVAL. */
#include "regress/monauth/monauth_test_util.h"

#include <grp.h>
#include <shadow.h>

static int lookup(struct fixture *f, const char *user)
{
	return mon_auth_lookup(&f->cfg, user, strlen(user), "ssh-connection", 14, "192.0.2.7",
			       2222, &f->log, &f->u);
}

static void assert_fake(const struct fixture *f, const char *user)
{
	assert_false(f->u.valid);
	assert_string_equal(f->u.name, user);
	assert_string_equal(f->u.service, "ssh-connection");
	assert_int_equal(f->u.uid, MON_AUTH_FAKE_ID);
	assert_int_equal(f->u.gid, MON_AUTH_FAKE_ID);
	assert_string_equal(f->u.home, MON_AUTH_FAKE_HOME);
	assert_true(f->u.shell[0] == '/');
}

static const struct passwd *self(void)
{
	const struct passwd *pw = getpwuid(getuid());

	assert_non_null(pw);
	return pw;
}

static void test_existing_user(void **state)
{
	struct fixture *f = *state;
	const struct passwd *pw = self();
	char name[MON_AUTH_USER_MAX + 1], home[MON_AUTH_PATH_MAX];
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;

	snprintf(name, sizeof(name), "%s", pw->pw_name);
	snprintf(home, sizeof(home), "%s", pw->pw_dir);
	cfg_set(f, "UsePAM yes");		/* the account checks are PAM's then */
	cfg_set(f, "PermitRootLogin yes");
	assert_int_equal(lookup(f, name), 0);
	assert_true(f->u.valid);
	assert_string_equal(f->u.name, name);
	assert_string_equal(f->u.service, "ssh-connection");
	assert_int_equal(f->u.uid, uid);
	assert_int_equal(f->u.gid, gid);
	assert_string_equal(f->u.home, home);
	assert_true(f->u.shell[0] == '/');
	assert_false(log_has(f, "Invalid user"));
}

static void test_unknown_user(void **state)
{
	struct fixture *f = *state;

	/* a previous lookup's fields must not survive */
	memset(&f->u, 0x5a, sizeof(f->u));
	assert_int_equal(lookup(f, "msshd-no-such-user-x"), 0);
	assert_fake(f, "msshd-no-such-user-x");
	assert_true(log_has(f, "Invalid user msshd-no-such-user-x from 192.0.2.7 port 2222"));
}

/* "user:style" (OpenSSH's BSD auth style): the account is the part before ':', and the
 * whole name is kept for the comparison with what the client signs. */
static void test_style(void **state)
{
	struct fixture *f = *state;
	const struct passwd *pw = self();
	char name[MON_AUTH_USER_MAX + 1], styled[MON_AUTH_USER_MAX + 1];

	snprintf(name, sizeof(name), "%s", pw->pw_name);
	snprintf(styled, sizeof(styled), "%s:bsdauth", pw->pw_name);
	cfg_set(f, "UsePAM yes");
	cfg_set(f, "PermitRootLogin yes");
	assert_int_equal(lookup(f, styled), 0);
	assert_true(f->u.valid);
	assert_string_equal(f->u.name, name);
	assert_string_equal(f->u.requested, styled);
	assert_int_equal(f->u.uid, pw->pw_uid);
	/* an unknown account with a style is the stand-in, named without the style */
	assert_int_equal(lookup(f, "msshd-no-such-user-x:s"), 0);
	assert_fake(f, "msshd-no-such-user-x");
	assert_string_equal(f->u.requested, "msshd-no-such-user-x:s");
}

static void test_bad_names(void **state)
{
	struct fixture *f = *state;
	char longname[MON_AUTH_USER_MAX + 2];

	assert_int_equal(mon_auth_lookup(&f->cfg, "ro\0ot", 5, "ssh-connection", 14, "::1", 1,
					 &f->log, &f->u), -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(lookup(f, longname), -EINVAL);
	/* MON_AUTH_USER_MAX itself fits (and is unknown) */
	longname[MON_AUTH_USER_MAX] = '\0';
	assert_int_equal(lookup(f, longname), 0);
	assert_false(f->u.valid);
	assert_int_equal(mon_auth_lookup(&f->cfg, "root", 4, "ssh-\0connection", 15, "::1", 1,
					 &f->log, &f->u), -EINVAL);
	assert_int_equal(mon_auth_lookup(&f->cfg, "root", 4, "0123456789012345678901234567890"
					 "1234567890123456789012345678901234", 65, "::1", 1,
					 &f->log, &f->u), -EINVAL);
	assert_int_equal(mon_auth_lookup(NULL, "root", 4, "s", 1, "::1", 1, &f->log, &f->u),
			 -EINVAL);
	assert_int_equal(mon_auth_lookup(&f->cfg, "root", 4, "s", 1, "::1", 1, &f->log, NULL),
			 -EINVAL);
}

static void test_permit_root_login(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *value;
		bool valid;
	} cases[] = {
		{ "yes", true }, { "prohibit-password", true }, { "without-password", true },
		{ "forced-commands-only", true }, { "no", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char line[64];

		cfg_reset(f);
		cfg_set(f, "UsePAM yes");
		snprintf(line, sizeof(line), "PermitRootLogin %s", cases[i].value);
		cfg_set(f, line);
		log_reset(f);
		assert_int_equal(lookup(f, "root"), 0);
		assert_int_equal(f->u.valid, cases[i].valid);
		if (cases[i].valid) {
			assert_int_equal(f->u.uid, 0);
			assert_false(log_has(f, "REFUSED"));
		} else {
			assert_fake(f, "root");
			assert_true(log_has(f, "ROOT LOGIN REFUSED FROM 192.0.2.7 port 2222"));
		}
	}
	/* unset: OpenSSH's default, prohibit-password */
	cfg_reset(f);
	cfg_set(f, "UsePAM yes");
	assert_int_equal(lookup(f, "root"), 0);
	assert_true(f->u.valid);
}

static void test_deny_allow_users(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *deny, *allow;
		bool valid;
		const char *why;
	} cases[] = {
		{ "DenyUsers root", NULL, false, "listed in DenyUsers" },
		{ "DenyUsers r?o*", NULL, false, "listed in DenyUsers" },
		{ "DenyUsers nobody", NULL, true, NULL },
		{ "DenyUsers root@192.0.2.0/24", NULL, false, "listed in DenyUsers" },
		{ "DenyUsers root@10.0.0.1", NULL, true, NULL },
		{ NULL, "AllowUsers nobody", false, "not listed in AllowUsers" },
		{ NULL, "AllowUsers nobody root", true, NULL },
		{ NULL, "AllowUsers root@192.0.2.*", true, NULL },
		{ NULL, "AllowUsers root@10.0.0.0/8", false, "not listed in AllowUsers" },
		{ "DenyUsers root", "AllowUsers root", false, "listed in DenyUsers" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg_reset(f);
		cfg_set(f, "UsePAM yes");
		cfg_set(f, "PermitRootLogin yes");
		if (cases[i].deny != NULL)
			cfg_set(f, cases[i].deny);
		if (cases[i].allow != NULL)
			cfg_set(f, cases[i].allow);
		log_reset(f);
		assert_int_equal(lookup(f, "root"), 0);
		if (f->u.valid != cases[i].valid)
			fail_msg("case %zu (%s / %s): valid %d", i, cases[i].deny, cases[i].allow,
				 f->u.valid);
		if (cases[i].valid) {
			assert_int_equal(f->u.uid, 0);
		} else {
			assert_fake(f, "root");
			assert_true(log_has(f, cases[i].why));
			assert_true(log_has(f, "Invalid user root from 192.0.2.7 port 2222"));
		}
	}
}

/* Sets a list as the parser would, bypassing its syntax check. */
static void list_set(struct sshd_strlist *l, const char *entry)
{
	assert_int_equal(l->n, 0);
	l->v = calloc(1, sizeof(*l->v));
	assert_non_null(l->v);
	l->v[0] = strdup(entry);
	assert_non_null(l->v[0]);
	l->n = 1;
}

/* A malformed address list (which the parser refuses, but Match or a later caller
 * might let through) denies in DenyUsers and allows nobody in AllowUsers. */
static void test_malformed_user_lists(void **state)
{
	struct fixture *f = *state;

	cfg_set(f, "UsePAM yes");
	cfg_set(f, "PermitRootLogin yes");
	list_set(&f->cfg.deny_users, "root@10.0.0.0/99");
	assert_int_equal(lookup(f, "root"), 0);
	assert_false(f->u.valid);
	assert_true(log_has(f, "listed in DenyUsers"));
	cfg_reset(f);
	cfg_set(f, "UsePAM yes");
	cfg_set(f, "PermitRootLogin yes");
	list_set(&f->cfg.allow_users, "root@10.0.0.0/99");
	assert_int_equal(lookup(f, "root"), 0);
	assert_false(f->u.valid);
	assert_true(log_has(f, "not listed in AllowUsers"));
}

static void test_groups(void **state)
{
	struct fixture *f = *state;
	struct group *gr = getgrgid(0);
	char line[128];

	assert_non_null(gr);
	cfg_set(f, "UsePAM yes");
	cfg_set(f, "PermitRootLogin yes");
	snprintf(line, sizeof(line), "DenyGroups %s", gr->gr_name);
	cfg_set(f, line);
	assert_int_equal(lookup(f, "root"), 0);
	assert_false(f->u.valid);
	assert_true(log_has(f, "a group is listed in DenyGroups"));

	cfg_reset(f);
	cfg_set(f, "UsePAM yes");
	cfg_set(f, "PermitRootLogin yes");
	cfg_set(f, "AllowGroups msshd-no-such-group");
	assert_int_equal(lookup(f, "root"), 0);
	assert_false(f->u.valid);
	assert_true(log_has(f, "none of user's groups are listed in AllowGroups"));

	cfg_reset(f);
	cfg_set(f, "UsePAM yes");
	cfg_set(f, "PermitRootLogin yes");
	snprintf(line, sizeof(line), "AllowGroups msshd-no-such-group %s", gr->gr_name);
	cfg_set(f, line);
	assert_int_equal(lookup(f, "root"), 0);
	assert_true(f->u.valid);
}

/* An account whose shadow password starts with '!' (usermod -L) is refused when UsePAM
 * is off, and allowed when PAM is on (PAM's account stack decides then).  Needs root to
 * read the shadow file and an existing locked account with a working shell. */
static void test_locked_account(void **state)
{
	struct fixture *f = *state;
	struct spwd *sp;
	char name[MON_AUTH_USER_MAX + 1] = "";

	if (geteuid() != 0)
		skip();
	setspent();
	while ((sp = getspent()) != NULL) {
		struct passwd *pw = getpwnam(sp->sp_namp);
		struct stat st;

		if (sp->sp_pwdp != NULL && sp->sp_pwdp[0] == '!' && pw != NULL &&
		    pw->pw_shell != NULL && stat(pw->pw_shell, &st) == 0 &&
		    (st.st_mode & S_IXUSR) && pw->pw_uid != 0 &&
		    (sp->sp_expire == -1 || sp->sp_expire > 40000)) {
			snprintf(name, sizeof(name), "%s", sp->sp_namp);
			break;
		}
	}
	endspent();
	if (name[0] == '\0')
		skip();	/* no locked account on this machine */
	cfg_set(f, "UsePAM no");
	assert_int_equal(lookup(f, name), 0);
	assert_false(f->u.valid);
	assert_true(log_has(f, "account is locked"));
	cfg_reset(f);
	cfg_set(f, "UsePAM yes");
	assert_int_equal(lookup(f, name), 0);
	assert_true(f->u.valid);
}

/* nobody's shell is nologin: it exists and is executable, so the user is valid (the
 * session is what nologin refuses), as in OpenSSH. */
static void test_nologin_shell(void **state)
{
	struct fixture *f = *state;
	struct passwd *pw = getpwnam("nobody");
	struct stat st;

	if (pw == NULL || stat(pw->pw_shell, &st) != 0)
		skip();
	cfg_set(f, "UsePAM yes");
	assert_int_equal(lookup(f, "nobody"), 0);
	assert_true(f->u.valid);
	assert_int_equal(f->u.uid, pw->pw_uid);
}

/* The fake account goes down the key path like a real one (files looked for under its
 * home, read with its ids when root), says no, and leaves the monitor's ids as they
 * were. */
static void test_fake_account_key_path(void **state)
{
	struct fixture *f = *state;
	struct user_key k;
	uid_t euid = geteuid();
	gid_t egid = getegid();

	user_key_make(&k, PUBKEY_ED25519, 0);
	assert_int_equal(lookup(f, "msshd-no-such-user-x"), 0);
	assert_false(f->u.valid);
	log_reset(f);
	assert_int_equal(key_allowed(f, "ssh-ed25519", &k, "192.0.2.7"), 0);
	assert_false(f->o.matched);
	assert_true(log_has(f, MON_AUTH_FAKE_HOME "/.ssh/authorized_keys"));
	assert_int_equal(geteuid(), euid);
	assert_int_equal(getegid(), egid);
	user_key_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_existing_user, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_user, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_style, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bad_names, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_permit_root_login, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_deny_allow_users, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_user_lists, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_groups, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_locked_account, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_nologin_shell, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_fake_account_key_path, fixture_setup,
						fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
