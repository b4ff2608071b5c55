/* The pseudo-terminal of a session (session_pty.h). */
#include "sshd/session_pty.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "ssh.h"	/* generated from sshd/proto/ssh.mpl: terminal_mode */

#define PTY_TTY_GROUP "tty"
/* OpenSSH's tty modes: a character value of 255 means "disabled". */
#define PTY_CHAR_DISABLED 255

int session_pty_open(struct session_pty *p)
{
	p->master = p->slave = -1;
	p->name[0] = '\0';
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return -errno;
	int r = 0;
	if (grantpt(m) < 0 || unlockpt(m) < 0)
		r = -errno;
	else if ((r = ptsname_r(m, p->name, sizeof(p->name))) != 0)
		r = r > 0 ? -r : -ERANGE;
	if (r == 0) {
		p->slave = open(p->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (p->slave < 0)
			r = -errno;
	}
	if (r < 0) {
		(void)close(m);
		p->name[0] = '\0';
		return r;
	}
	p->master = m;
	return 0;
}

int session_pty_set_owner(const struct session_pty *p, uid_t uid, gid_t gid)
{
	/* getgrnam reads the group database, as OpenSSH's pty_setowner does. */
	const struct group *grp = getgrnam(PTY_TTY_GROUP);
	gid_t want_gid = grp != NULL ? grp->gr_gid : gid;
	mode_t want_mode = grp != NULL ? 0620 : 0600;
	struct stat st;

	if (fstat(p->slave, &st) < 0)
		return -errno;
	if ((st.st_uid != uid || st.st_gid != want_gid) && fchown(p->slave, uid, want_gid) < 0)
		return -errno;
	if ((st.st_mode & 0777) != want_mode && fchmod(p->slave, want_mode) < 0)
		return -errno;
	return 0;
}

static unsigned short clamp16(uint32_t v)
{
	return v > USHRT_MAX ? USHRT_MAX : (unsigned short)v;
}

int session_pty_set_winsize(int fd, const struct session_winsize *ws)
{
	struct winsize w = {
		.ws_row = clamp16(ws->rows), .ws_col = clamp16(ws->cols),
		.ws_xpixel = clamp16(ws->xpixels), .ws_ypixel = clamp16(ws->ypixels),
	};
	return ioctl(fd, TIOCSWINSZ, &w) < 0 ? -errno : 0;
}

/* ---- terminal modes (RFC 4254 §8) ---- */

enum mode_field { F_CC, F_IFLAG, F_OFLAG, F_CFLAG, F_LFLAG, F_ISPEED, F_OSPEED };

struct mode_def {
	uint8_t opcode;
	enum mode_field field;
	tcflag_t value;			/* the flag, or the c_cc index */
};

/* The opcodes this system has; those of other systems (VDSUSP, VSTATUS, ...) are
 * skipped like unknown ones. */
static const struct mode_def mode_defs[] = {
	{ 1, F_CC, VINTR }, { 2, F_CC, VQUIT }, { 3, F_CC, VERASE }, { 4, F_CC, VKILL },
	{ 5, F_CC, VEOF }, { 6, F_CC, VEOL }, { 7, F_CC, VEOL2 }, { 8, F_CC, VSTART },
	{ 9, F_CC, VSTOP }, { 10, F_CC, VSUSP },
#ifdef VDSUSP
	{ 11, F_CC, VDSUSP },
#endif
	{ 12, F_CC, VREPRINT }, { 13, F_CC, VWERASE }, { 14, F_CC, VLNEXT },
#ifdef VFLUSH
	{ 15, F_CC, VFLUSH },
#endif
#ifdef VSWTCH
	{ 16, F_CC, VSWTCH },
#elif defined(VSWTC)
	{ 16, F_CC, VSWTC },
#endif
#ifdef VSTATUS
	{ 17, F_CC, VSTATUS },
#endif
	{ 18, F_CC, VDISCARD },
	{ 30, F_IFLAG, IGNPAR }, { 31, F_IFLAG, PARMRK }, { 32, F_IFLAG, INPCK },
	{ 33, F_IFLAG, ISTRIP }, { 34, F_IFLAG, INLCR }, { 35, F_IFLAG, IGNCR },
	{ 36, F_IFLAG, ICRNL },
#ifdef IUCLC
	{ 37, F_IFLAG, IUCLC },
#endif
	{ 38, F_IFLAG, IXON }, { 39, F_IFLAG, IXANY }, { 40, F_IFLAG, IXOFF },
	{ 41, F_IFLAG, IMAXBEL },
#ifdef IUTF8
	{ 42, F_IFLAG, IUTF8 },		/* RFC 8160 */
#endif
	{ 50, F_LFLAG, ISIG }, { 51, F_LFLAG, ICANON },
#ifdef XCASE
	{ 52, F_LFLAG, XCASE },
#endif
	{ 53, F_LFLAG, ECHO }, { 54, F_LFLAG, ECHOE }, { 55, F_LFLAG, ECHOK },
	{ 56, F_LFLAG, ECHONL }, { 57, F_LFLAG, NOFLSH }, { 58, F_LFLAG, TOSTOP },
	{ 59, F_LFLAG, IEXTEN }, { 60, F_LFLAG, ECHOCTL }, { 61, F_LFLAG, ECHOKE },
	{ 62, F_LFLAG, PENDIN },
	{ 70, F_OFLAG, OPOST },
#ifdef OLCUC
	{ 71, F_OFLAG, OLCUC },
#endif
	{ 72, F_OFLAG, ONLCR }, { 73, F_OFLAG, OCRNL }, { 74, F_OFLAG, ONOCR },
	{ 75, F_OFLAG, ONLRET },
	{ 90, F_CFLAG, CS7 }, { 91, F_CFLAG, CS8 }, { 92, F_CFLAG, PARENB },
	{ 93, F_CFLAG, PARODD },
	{ 128, F_ISPEED, 0 }, { 129, F_OSPEED, 0 },
};

static const struct mode_def *mode_def_of(uint8_t opcode)
{
	for (size_t i = 0; i < sizeof mode_defs / sizeof mode_defs[0]; i++)
		if (mode_defs[i].opcode == opcode)
			return &mode_defs[i];
	return NULL;
}

/* A bit rate as the speed_t constant; an unknown rate is 9600 (OpenSSH's
 * baud_to_speed). */
static speed_t speed_of(uint32_t baud)
{
	static const struct { uint32_t baud; speed_t speed; } rates[] = {
		{ 0, B0 }, { 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 },
		{ 150, B150 }, { 200, B200 }, { 300, B300 }, { 600, B600 }, { 1200, B1200 },
		{ 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
		{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
		{ 230400, B230400 },
	};
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
		if (rates[i].baud == baud)
			return rates[i].speed;
	return B9600;
}

static tcflag_t *flag_word(struct termios *t, enum mode_field f)
{
	switch (f) {
	case F_IFLAG: return &t->c_iflag;
	case F_OFLAG: return &t->c_oflag;
	case F_CFLAG: return &t->c_cflag;
	case F_LFLAG: return &t->c_lflag;
	default: return NULL;
	}
}

/* One mode into t: 1 applied, 0 skipped (unknown opcode or a speed refused). */
static int apply_mode(struct termios *t, uint8_t opcode, uint32_t arg)
{
	const struct mode_def *d = mode_def_of(opcode);
	if (d == NULL)
		return 0;
	switch (d->field) {
	case F_CC:
		/* the low byte, as OpenSSH takes it */
		t->c_cc[d->value] = arg == PTY_CHAR_DISABLED ? _POSIX_VDISABLE : (cc_t)arg;
		return 1;
	case F_ISPEED:
		return cfsetispeed(t, speed_of(arg)) == 0;
	case F_OSPEED:
		return cfsetospeed(t, speed_of(arg)) == 0;
	default: {
		tcflag_t *w = flag_word(t, d->field);
		if (arg != 0)
			*w |= d->value;
		else
			*w &= ~d->value;
		return 1;
	}
	}
}

int session_pty_apply_modes(int fd, const uint8_t *modes, size_t len, size_t *applied)
{
	struct termios t;
	struct mpl_reader rd;
	size_t n = 0;

	if (applied != NULL)
		*applied = 0;
	if (len == 0)
		return 0;
	if (tcgetattr(fd, &t) < 0)
		return -errno;
	mpl_reader_init(&rd, modes, len);
	/* The list may also simply end without its opcode 0 (OpenSSH reads to the end). */
	while (mpl_reader_left(&rd) > 0) {
		struct terminal_mode m;
		struct mpl_error err;
		if (terminal_mode_read(&rd, &m, &err) < 0)
			return -EBADMSG;
		if (m.kind != terminal_mode_Mode)
			break;		/* End, or an opcode of 160 and above: stop */
		n += (size_t)apply_mode(&t, m.opcode, m.u.Mode.argument);
	}
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return -errno;
	if (applied != NULL)
		*applied = n;
	return 0;
}

int session_pty_release(const char *name)
{
	int r = 0;
	if (chown(name, 0, 0) < 0)
		r = -errno;
	if (chmod(name, 0666) < 0 && r == 0)
		r = -errno;
	return r;
}

void session_pty_close(struct session_pty *p)
{
	if (p->slave >= 0)
		(void)close(p->slave);
	if (p->master >= 0)
		(void)close(p->master);
	p->slave = p->master = -1;
}
