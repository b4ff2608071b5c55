/* The pseudo-terminal of a session (RFC 4254 §6.2), in the monitor: allocated as root,
 * its slave given to the user as OpenSSH's pty_setowner does (owner the user, group
 * tty, mode 0620; without a tty group the user's group and 0600), sized (TIOCSWINSZ)
 * and set to the client's encoded terminal modes (RFC 4254 §8, read with the generated
 * terminal_mode codec of ssh.mpl), and at the session's end handed back as OpenSSH's
 * pty_release does (root:root, mode 0666) before the master is closed.
 *
 * The slave goes to the user's process (session_spawn.h), the master to the net child;
 * the monitor keeps its own copy of the master for window-change. */
#ifndef MSSHD_SESSION_PTY_H
#define MSSHD_SESSION_PTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SESSION_PTY_NAME_MAX 64		/* "/dev/pts/N" */

struct session_pty {
	int master;			/* close-on-exec */
	int slave;			/* close-on-exec; the child dups it to 0, 1, 2 */
	char name[SESSION_PTY_NAME_MAX];	/* the slave's path */
};

/* The window size of pty-req / window-change. */
struct session_winsize {
	uint32_t cols, rows, xpixels, ypixels;
};

/* Opens a master and its slave (neither becomes our controlling terminal).  Returns
 * 0, or a negative errno (nothing left open). */
int session_pty_open(struct session_pty *p);

/* Gives the slave to the user: owner uid, group tty (gid when there is no tty group),
 * mode 0620 (0600 without a tty group); only what differs is changed, so that a
 * server without root, whose devpts already made the slave its user's with group tty,
 * needs no privilege.  Returns 0 or a negative errno. */
int session_pty_set_owner(const struct session_pty *p, uid_t uid, gid_t gid);

/* Sets the window size (on the master or the slave: the same terminal).  Values above
 * USHRT_MAX are clamped, as the kernel's struct winsize holds 16 bits.  0 or -errno. */
int session_pty_set_winsize(int fd, const struct session_winsize *ws);

/* Applies the encoded terminal modes to the terminal fd (tcgetattr, the modes, then
 * tcsetattr), as OpenSSH's tty_parse_modes: opcode 0 or one of 160 and above ends the
 * list, an opcode in 1..159 that this system does not know is skipped with its
 * argument, a character value of 255 disables that character.  Empty modes leave the
 * terminal alone.  *applied (may be NULL) counts the modes applied.  Returns 0,
 * -EBADMSG when the list is malformed (truncated argument: nothing is applied), or
 * -errno from tcgetattr/tcsetattr. */
int session_pty_apply_modes(int fd, const uint8_t *modes, size_t len, size_t *applied);

/* OpenSSH's pty_release: the slave back to root:root, mode 0666 (call it while the
 * master is still open: the slave's node goes away with the master's last close).
 * Returns 0 or a negative errno (the first failure). */
int session_pty_release(const char *name);

/* Closes both fds (those still open). */
void session_pty_close(struct session_pty *p);

#endif
