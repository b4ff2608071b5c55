/* The user's authorized_keys files on disk: the AuthorizedKeysFile name expanded, the
 * file opened and read with the user's identity (so that a root monitor never reads a
 * file the user could not), and OpenSSH's StrictModes check of the file and the
 * directories above it. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshd/mon_auth.h"
#include "sshd/mon_auth_int.h"

#define GROUPS_MAX 65536

int mon_auth_expand_path(const char *pattern, const struct mon_auth_user *u, char *out,
			 size_t cap)
{
	char uid[24];
	size_t n = 0;

	if (pattern == NULL || u == NULL || out == NULL || cap == 0)
		return -EINVAL;
	snprintf(uid, sizeof(uid), "%lu", (unsigned long)u->uid);
	for (const char *p = pattern; *p != '\0'; p++) {
		const char *add;
		char one[2] = { *p, '\0' };
		size_t len;

		if (*p != '%') {
			add = one;
		} else {
			switch (*++p) {
			case 'h': add = u->home; break;
			case 'u':
				/* no account name holds a '/'; a fake one might */
				if (strchr(u->name, '/') != NULL)
					return -EINVAL;
				add = u->name;
				break;
			case 'U': add = uid; break;
			case '%': add = "%"; break;
			default: return -EINVAL;	/* also a lone % at the end */
			}
		}
		len = strlen(add);
		if (n + len >= cap)
			return -ENOSPC;
		memcpy(out + n, add, len);
		n += len;
	}
	out[n] = '\0';
	/* A relative name is under the home directory (OpenSSH's expand_authorized_keys). */
	if (out[0] != '/') {
		size_t hl = strlen(u->home);

		if (n + hl + 1 >= cap)
			return -ENOSPC;
		memmove(out + hl + 1, out, n + 1);
		memcpy(out, u->home, hl);
		out[hl] = '/';
		n += hl + 1;
	}
	return (int)n;
}

static bool owner_ok(uid_t owner, uid_t uid)
{
	return owner == 0 || owner == uid;
}

int mon_auth_secure_path(const char *path, const struct stat *st, const char *home,
			 uid_t uid, char *err, size_t errlen)
{
	char *buf, *home_real = NULL;
	int rc = 0;

	if ((buf = realpath(path, NULL)) == NULL) {
		snprintf(err, errlen, "realpath %s failed: %s", path, strerror(errno));
		return -EACCES;
	}
	if (home != NULL)
		home_real = realpath(home, NULL);
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", buf);
		rc = -EACCES;
	} else if (!owner_ok(st->st_uid, uid) || (st->st_mode & 022) != 0) {
		snprintf(err, errlen, "bad ownership or modes for file %s", buf);
		rc = -EACCES;
	}
	/* Each directory above, walking up; the loop ends at the home directory or at /,
	 * and each step shortens buf, so it runs at most strlen(buf) times. */
	while (rc == 0) {
		struct stat dst;
		char *slash = strrchr(buf, '/');

		if (slash == NULL)
			break;
		if (slash == buf)
			slash[1] = '\0';	/* the root directory itself */
		else
			*slash = '\0';
		if (stat(buf, &dst) == -1 || !owner_ok(dst.st_uid, uid) ||
		    (dst.st_mode & 022) != 0) {
			snprintf(err, errlen, "bad ownership or modes for directory %s", buf);
			rc = -EACCES;
			break;
		}
		if ((home_real != NULL && strcmp(home_real, buf) == 0) || strcmp(buf, "/") == 0)
			break;
	}
	free(home_real);
	free(buf);
	return rc;
}

/* The monitor's identity while it reads a user's file, to put back afterwards. */
struct saved_ids {
	bool switched;
	uid_t euid;
	gid_t egid;
	int ngroups;
	gid_t *groups;
};

static int restore_ids(struct saved_ids *s)
{
	int rc = 0;

	if (s->switched) {
		/* euid first: the other two need it back */
		if (seteuid(s->euid) == -1 || setegid(s->egid) == -1 ||
		    setgroups((size_t)s->ngroups, s->groups) == -1)
			rc = -errno;
		s->switched = false;
	}
	free(s->groups);
	s->groups = NULL;
	return rc;
}

/* The user's supplementary groups (only the primary one for the fake account). */
static int user_groups(const struct mon_auth_user *u, gid_t **out, int *n)
{
	int want = 32;

	*out = NULL;
	if (!u->valid) {
		if ((*out = malloc(sizeof(gid_t))) == NULL)
			return -ENOMEM;
		(*out)[0] = u->gid;
		*n = 1;
		return 0;
	}
	for (;;) {
		int got = want;

		if ((*out = calloc((size_t)want, sizeof(gid_t))) == NULL)
			return -ENOMEM;
		if (getgrouplist(u->name, u->gid, *out, &got) >= 0) {
			*n = got;
			return 0;
		}
		free(*out);
		*out = NULL;
		want = got > want ? got : want * 2;
		if (want > GROUPS_MAX)
			return -E2BIG;
	}
}

/* Takes the user's ids (OpenSSH's temporarily_use_uid) when running as root. */
static int become_user(const struct mon_auth_user *u, struct saved_ids *s)
{
	gid_t *ugroups = NULL;
	int un = 0, rc;

	memset(s, 0, sizeof(*s));
	if (geteuid() != 0)
		return 0;	/* not root: the file is read as ourselves */
	s->euid = geteuid();
	s->egid = getegid();
	if ((s->ngroups = getgroups(0, NULL)) < 0)
		return -errno;
	if ((s->groups = calloc((size_t)s->ngroups + 1, sizeof(gid_t))) == NULL)
		return -ENOMEM;
	if ((s->ngroups = getgroups(s->ngroups, s->groups)) < 0) {
		rc = -errno;
		free(s->groups);
		s->groups = NULL;
		return rc;
	}
	if ((rc = user_groups(u, &ugroups, &un)) < 0) {
		free(s->groups);
		s->groups = NULL;
		return rc;
	}
	s->switched = true;
	if (setgroups((size_t)un, ugroups) == -1 || setegid(u->gid) == -1 ||
	    seteuid(u->uid) == -1) {
		rc = -errno;
		free(ugroups);
		int rr = restore_ids(s);

		return rr < 0 ? rr : rc;
	}
	free(ugroups);
	return 0;
}

/* Reads an opened file: at most max bytes, cut after the last newline when longer. */
static int read_bounded(int fd, const char *path, size_t max, const struct log_ctx *log,
			char **text, size_t *len)
{
	char *buf = malloc(max + 2);
	size_t n = 0;

	if (buf == NULL)
		return -ENOMEM;
	while (n <= max) {
		ssize_t r = read(fd, buf + n, max + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			log_msg(log, LOG_LEVEL_INFO, "Could not read authorized keys file %s: %s",
				path, strerror(e));
			free(buf);
			return 0;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		char *nl = memrchr(buf, '\n', max);

		n = nl == NULL ? 0 : (size_t)(nl - buf) + 1;
		log_msg(log, LOG_LEVEL_INFO, "Authorized keys file %s is larger than %zu bytes: "
			"only its first %zu bytes (whole lines) are used", path, max, n);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 1;
}

int mon_auth_read_user_file(const struct mon_auth_user *u, const char *path, bool strict,
			    size_t max, const struct log_ctx *log, char **text, size_t *len)
{
	struct saved_ids ids;
	struct stat st;
	char err[MON_AUTH_PATH_MAX + 128];
	int fd, rc, rr;

	if (u == NULL || path == NULL || text == NULL || len == NULL)
		return -EINVAL;
	*text = NULL;
	*len = 0;
	if ((rc = become_user(u, &ids)) < 0) {
		log_msg(log, LOG_LEVEL_ERROR, "Could not take the ids of user %s to read %s: %s",
			u->name, path, strerror(-rc));
		return rc;
	}
	/* O_NONBLOCK: a FIFO put in place of the file must not block the monitor. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		int e = errno;

		log_msg(log, e == ENOENT ? LOG_LEVEL_DEBUG1 : LOG_LEVEL_VERBOSE,
			"Could not open user '%s' authorized keys '%s': %s", u->name, path,
			strerror(e));
		rc = 0;
	} else if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_msg(log, LOG_LEVEL_INFO, "User %s authorized keys %s is not a regular file",
			u->name, path);
		rc = 0;
	} else if (strict && mon_auth_secure_path(path, &st, u->home, u->uid, err,
						  sizeof(err)) != 0) {
		log_msg(log, LOG_LEVEL_INFO, "Authentication refused: %s", err);
		rc = 0;
	} else {
		rc = read_bounded(fd, path, max, log, text, len);
	}
	if (fd != -1)
		close(fd);
	if ((rr = restore_ids(&ids)) < 0) {
		log_msg(log, LOG_LEVEL_ERROR, "Could not restore the monitor's ids after reading "
			"%s: %s", path, strerror(-rr));
		free(*text);
		*text = NULL;
		*len = 0;
		return rr;
	}
	return rc;
}
