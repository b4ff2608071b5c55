/* Login records (login_record.h): utmp through setutxent/pututxline/endutxent (glibc
 * looks the entry of the same ut_id up and replaces it), wtmp appended by updwtmpx. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sshd/login_record.h"

int login_record_build(struct utmpx *ut, bool login, const char *tty, const char *user,
		       const char *host, pid_t pid, const struct timeval *tv)
{
	if (ut == NULL || tty == NULL || tv == NULL || (login && (user == NULL || host == NULL)))
		return -EINVAL;
	const char *line = strncmp(tty, "/dev/", 5) == 0 ? tty + 5 : tty;
	size_t line_len = strlen(line);
	/* a line that would be cut could name another terminal's entry */
	if (line_len == 0 || line_len > sizeof(ut->ut_line))
		return -EINVAL;

	memset(ut, 0, sizeof(*ut));
	ut->ut_type = login ? USER_PROCESS : DEAD_PROCESS;
	ut->ut_pid = pid;
	memcpy(ut->ut_line, line, line_len);
	/* the id: the line's last characters ("pts/3" -> "ts/3"), OpenSSH's choice on
	 * Linux, so that its entry and ours for a line are the same one */
	size_t id_len = line_len < sizeof(ut->ut_id) ? line_len : sizeof(ut->ut_id);
	memcpy(ut->ut_id, line + line_len - id_len, id_len);
	ut->ut_tv.tv_sec = (__typeof__(ut->ut_tv.tv_sec))tv->tv_sec;
	ut->ut_tv.tv_usec = (__typeof__(ut->ut_tv.tv_usec))tv->tv_usec;
	if (!login)
		return 0;
	/* user and host are cut to their fields (not NUL-terminated when full), as
	 * utmp's readers expect */
	strncpy(ut->ut_user, user, sizeof(ut->ut_user));
	strncpy(ut->ut_host, host, sizeof(ut->ut_host));
	struct in6_addr a6;
	struct in_addr a4;
	if (inet_pton(AF_INET, host, &a4) == 1)
		memcpy(ut->ut_addr_v6, &a4, sizeof(a4));
	else if (inet_pton(AF_INET6, host, &a6) == 1)
		memcpy(ut->ut_addr_v6, &a6, sizeof(a6));
	return 0;
}

int login_record_write(const struct login_record_files *files, const struct utmpx *ut)
{
	const char *utmp = files != NULL && files->utmp != NULL ? files->utmp : _PATH_UTMPX;
	const char *wtmp = files != NULL && files->wtmp != NULL ? files->wtmp : _PATH_WTMPX;
	int r = 0;

	if (ut == NULL)
		return -EINVAL;
	/* glibc keeps the file's name for the set/put/end calls that follow */
	if (utmpxname(utmp) != 0)
		r = errno ? -errno : -EIO;
	if (r == 0) {
		setutxent();
		errno = 0;
		if (pututxline(ut) == NULL)
			r = errno ? -errno : -EIO;
		endutxent();
	}
	/* updwtmpx reports nothing (and creates no file): whether the file can take the
	 * entry is asked first */
	if (access(wtmp, W_OK) != 0) {
		if (r == 0)
			r = -errno;
	} else {
		updwtmpx(wtmp, ut);
	}
	return r;
}
