/* Login records of pty sessions, written by the monitor (as root): a USER_PROCESS entry
 * in utmp and wtmp when the pty is handed out, a DEAD_PROCESS entry in both when it is
 * released, as OpenSSH's loginrec.c does on Linux (glibc's utmpx API).  Only sessions
 * with a pty have a line to record.  A record that cannot be written is logged by the
 * caller, never fatal: the session goes on without it. */
#ifndef MSSHD_LOGIN_RECORD_H
#define MSSHD_LOGIN_RECORD_H

#include <stdbool.h>
#include <sys/time.h>
#include <sys/types.h>
#include <utmpx.h>

/* Where the records go: NULL for the system's files (_PATH_UTMPX, _PATH_WTMPX);
 * tests name files of their own. */
struct login_record_files {
	const char *utmp;
	const char *wtmp;
};

/* Fills *ut for the pty tty ("/dev/pts/N" or "pts/N"): a login (USER_PROCESS with user
 * and host) or a logout (DEAD_PROCESS, user and host empty), both with the line (the
 * name without "/dev/"), the id (the line's last four characters, as OpenSSH),
 * pid and the time tv.  host may be an IP address (ut_addr_v6 gets it) or a name.
 * Returns 0 or -EINVAL (a NULL argument, or a line longer than ut_line). */
int login_record_build(struct utmpx *ut, bool login, const char *tty, const char *user,
		       const char *host, pid_t pid, const struct timeval *tv);

/* Writes *ut to utmp (replacing the entry of its line) and appends it to wtmp.
 * Returns 0, or the negative errno of the first write that failed (the other is still
 * tried). */
int login_record_write(const struct login_record_files *files, const struct utmpx *ut);

#endif
