/* Who the user is: the account lookup and OpenSSH's allowed_user() rules (locked or
 * expired account, the shell, DenyUsers/AllowUsers, DenyGroups/AllowGroups) plus
 * PermitRootLogin no.  Anyone refused gets a fake account, so that the monitor answers
 * every later request for them along the same path as for a real user, and says no. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sshd/mon_auth.h"
#include "sshd/mon_auth_int.h"

/* Largest buffer getpwnam_r, getspnam_r and getgrgid_r are given: an entry needing more
 * is treated as missing rather than grown without bound. */
#define NSS_BUF_MAX (1u << 20)
/* Most groups of one user looked at (the kernel's NGROUPS_MAX). */
#define GROUPS_MAX 65536
/* A group entry needing more (a huge member list) is passed over. */
#define GROUP_BUF_SIZE (64u * 1024)
#define DEFAULT_SHELL "/bin/sh"

int mon_auth_permit_root(const struct sshd_config *cfg)
{
	return cfg->permit_root_login < 0 ? SSHD_PERMIT_NO_PASSWD : cfg->permit_root_login;
}

int mon_auth_match_host_and_ip(const char *addr, const char *patterns)
{
	int mip, mhost;

	if (addr == NULL || patterns == NULL)
		return 0;
	if ((mip = sshd_addr_match_list(addr, patterns)) == -2)
		return -1;
	if (mip == -1)
		return 0;
	/* Without DNS the client's host name is its address. */
	if ((mhost = sshd_match_pattern_list(addr, patterns, 1)) == -1)
		return 0;
	return mhost == 1 || mip == 1;
}

/* OpenSSH's match_user: "user" or "user@host" with host a pattern-list or CIDR. */
static int match_user(const char *user, const char *addr, const char *pattern)
{
	const char *at = strrchr(pattern, '@');
	char upat[MON_AUTH_USER_MAX * 4 + 1];
	size_t ulen;

	if (at == NULL)
		return sshd_match_pattern(user, pattern);
	ulen = (size_t)(at - pattern);
	if (ulen >= sizeof(upat))
		return -1;
	memcpy(upat, pattern, ulen);
	upat[ulen] = '\0';
	if (sshd_match_pattern(user, upat) != 1)
		return 0;
	return mon_auth_match_host_and_ip(addr, at + 1);
}

static void fill_fake(struct mon_auth_user *u)
{
	u->valid = false;
	u->uid = MON_AUTH_FAKE_ID;
	u->gid = MON_AUTH_FAKE_ID;
	strcpy(u->home, MON_AUTH_FAKE_HOME);
	strcpy(u->shell, MON_AUTH_FAKE_HOME);
}

/* getpwnam_r with a buffer grown on ERANGE; 1 found (buf is the caller's to free), 0 not
 * found, negative errno. */
static int lookup_passwd(const char *name, struct passwd *pw, char **buf)
{
	struct passwd *res = NULL;
	size_t size = 4096;

	for (;;) {
		int rc;

		if ((*buf = malloc(size)) == NULL)
			return -ENOMEM;
		rc = getpwnam_r(name, pw, *buf, size, &res);
		if (rc == ERANGE && size < NSS_BUF_MAX) {
			free(*buf);
			*buf = NULL;
			size *= 2;
			continue;
		}
		if (rc != 0 || res == NULL) {
			free(*buf);
			*buf = NULL;
			return 0;
		}
		return 1;
	}
}

/* The account's password field as allowed_user sees it: the shadow entry when it can be
 * read (root), else the passwd one.  Fills *expired from the shadow expiry date. */
static bool account_locked(const struct passwd *pw, bool *expired)
{
	struct spwd sp, *res = NULL;
	char buf[16384];
	const char *passwd = pw->pw_passwd;

	*expired = false;
	if (getspnam_r(pw->pw_name, &sp, buf, sizeof(buf), &res) == 0 && res != NULL) {
		long today = (long)(time(NULL) / 86400);

		if (sp.sp_expire != -1 && today > sp.sp_expire)
			*expired = true;
		passwd = sp.sp_pwdp;
	}
	/* LOCKED_PASSWD_PREFIX on Linux: usermod -L and passwd -l put a '!' in front. */
	bool locked = passwd != NULL && passwd[0] == '!';

	explicit_bzero(buf, sizeof(buf));	/* held the password hash */
	return locked;
}

/* The user's group names against DenyGroups and AllowGroups (OpenSSH's ga_match: each
 * entry one pattern).  Returns NULL when allowed, else the reason. */
static const char *check_groups(const struct sshd_config *cfg, const struct passwd *pw)
{
	gid_t *groups = NULL;
	int n = 64;
	bool allowed = cfg->allow_groups.n == 0;
	const char *why = NULL;

	for (;;) {
		int want = n;

		free(groups);
		if ((groups = calloc((size_t)n, sizeof(*groups))) == NULL)
			return "out of memory looking up its groups";
		if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) >= 0)
			break;
		if (n <= want)
			n = want * 2;
		if (n > GROUPS_MAX) {
			free(groups);
			return "it has too many groups";
		}
	}
	if (n <= 0)
		why = "not in any group";
	char *buf = malloc(GROUP_BUF_SIZE);

	if (buf == NULL)
		why = "out of memory looking up its groups";
	for (int i = 0; i < n && why == NULL; i++) {
		struct group gr, *res = NULL;

		if (getgrgid_r(groups[i], &gr, buf, GROUP_BUF_SIZE, &res) == 0 && res != NULL) {
			for (size_t j = 0; j < cfg->deny_groups.n; j++)
				if (sshd_match_pattern(gr.gr_name, cfg->deny_groups.v[j]) == 1)
					why = "a group is listed in DenyGroups";
			for (size_t j = 0; j < cfg->allow_groups.n; j++)
				if (sshd_match_pattern(gr.gr_name, cfg->allow_groups.v[j]) == 1)
					allowed = true;
		}
	}
	free(buf);
	free(groups);
	if (why == NULL && !allowed)
		why = "none of user's groups are listed in AllowGroups";
	return why;
}

/* OpenSSH's allowed_user(): NULL when the account may log in, else why not. */
static const char *check_allowed(const struct sshd_config *cfg, const struct passwd *pw,
				 const char *peer_addr, char *why, size_t why_size)
{
	const char *shell = pw->pw_shell == NULL || pw->pw_shell[0] == '\0' ? DEFAULT_SHELL :
			    pw->pw_shell;
	struct stat st;
	size_t i;

	/* As OpenSSH, the locked and expired checks are PAM's job when UsePAM is on. */
	if (cfg->use_pam != 1) {
		bool expired;

		if (account_locked(pw, &expired))
			return "account is locked";
		if (expired)
			return "account has expired";
	}
	/* The shell must exist and be executable (nologin is, and still logs in: it is
	 * the session that it refuses), unless the session is chrooted. */
	if (cfg->chroot_directory == NULL || strcasecmp(cfg->chroot_directory, "none") == 0) {
		if (stat(shell, &st) == -1) {
			snprintf(why, why_size, "shell %.100s does not exist", shell);
			return why;
		}
		if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0) {
			snprintf(why, why_size, "shell %.100s is not executable", shell);
			return why;
		}
	}
	for (i = 0; i < cfg->deny_users.n; i++) {
		int r = match_user(pw->pw_name, peer_addr, cfg->deny_users.v[i]);

		if (r != 0)	/* a malformed entry denies too */
			return "listed in DenyUsers";
	}
	if (cfg->allow_users.n > 0) {
		for (i = 0; i < cfg->allow_users.n; i++)
			if (match_user(pw->pw_name, peer_addr, cfg->allow_users.v[i]) == 1)
				break;
		if (i == cfg->allow_users.n)
			return "not listed in AllowUsers";
	}
	if (cfg->deny_groups.n > 0 || cfg->allow_groups.n > 0)
		return check_groups(cfg, pw);
	return NULL;
}

int mon_auth_lookup(const struct sshd_config *cfg, const char *user, size_t user_len,
		    const char *service, size_t service_len, const char *peer_addr,
		    int peer_port, const struct log_ctx *log, struct mon_auth_user *u)
{
	struct passwd pw;
	char *buf = NULL, why[256];
	const char *refused = NULL;
	int rc;

	if (cfg == NULL || u == NULL || (user == NULL && user_len > 0) ||
	    (service == NULL && service_len > 0))
		return -EINVAL;
	if (user_len > MON_AUTH_USER_MAX || memchr(user, '\0', user_len) != NULL ||
	    service_len >= sizeof(u->service) || memchr(service, '\0', service_len) != NULL)
		return -EINVAL;
	if (peer_addr == NULL)
		peer_addr = "UNKNOWN";
	memset(u, 0, sizeof(*u));
	memcpy(u->requested, user, user_len);
	/* "user:style" names a BSD auth style, as in OpenSSH; we have none to offer, so the
	 * style only stays in what the client signs */
	const char *colon = memchr(user, ':', user_len);
	memcpy(u->name, user, colon != NULL ? (size_t)(colon - user) : user_len);
	memcpy(u->service, service, service_len);

	if ((rc = lookup_passwd(u->name, &pw, &buf)) < 0)
		return rc;
	if (rc == 1) {
		refused = check_allowed(cfg, &pw, peer_addr, why, sizeof(why));
		if (refused != NULL)
			log_msg(log, LOG_LEVEL_INFO, "User %.100s from %.100s not allowed because %s",
				u->name, peer_addr, refused);
		else if (strlen(pw.pw_dir) >= sizeof(u->home) ||
			 strlen(pw.pw_shell) >= sizeof(u->shell))
			refused = "home or shell path too long";
	}
	if (rc == 1 && refused == NULL && pw.pw_uid == 0 &&
	    mon_auth_permit_root(cfg) == SSHD_PERMIT_NO) {
		/* The account exists and is not "invalid": OpenSSH names the refusal. */
		log_msg(log, LOG_LEVEL_INFO, "ROOT LOGIN REFUSED FROM %.200s port %d", peer_addr,
			peer_port);
		fill_fake(u);
	} else if (rc == 0 || refused != NULL) {
		log_msg(log, LOG_LEVEL_INFO, "Invalid user %.100s from %.100s port %d", u->name,
			peer_addr, peer_port);
		fill_fake(u);
	} else {
		u->valid = true;
		u->uid = pw.pw_uid;
		u->gid = pw.pw_gid;
		strcpy(u->home, pw.pw_dir);
		strcpy(u->shell, pw.pw_shell[0] == '\0' ? DEFAULT_SHELL : pw.pw_shell);
	}
	free(buf);
	return 0;
}
