/* session_pty: a pty opened, its RFC 4254 §8 terminal modes applied (known opcodes,
 * unknown ones skipped with their argument, 255 disabling a character, opcode 0 and
 * 160+ ending the list, a truncated list refused with nothing applied), its window
 * size, its owner and release (as root); and session_spawn on a pty's slave: the
 * process has it as its controlling terminal on 0, 1 and 2, with TERM and SSH_TTY. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "sshd/session_pty.h"
#include "sshd/session_spawn.h"

/* Encoded modes: opcode, then a uint32 argument (big endian) for 1..159. */
struct modes_buf {
	uint8_t b[256];
	size_t n;
};

static void put_mode(struct modes_buf *m, uint8_t op, uint32_t arg)
{
	m->b[m->n++] = op;
	m->b[m->n++] = (uint8_t)(arg >> 24);
	m->b[m->n++] = (uint8_t)(arg >> 16);
	m->b[m->n++] = (uint8_t)(arg >> 8);
	m->b[m->n++] = (uint8_t)arg;
}

static void put_byte(struct modes_buf *m, uint8_t b)
{
	m->b[m->n++] = b;
}

static void open_pty(struct session_pty *p)
{
	assert_int_equal(session_pty_open(p), 0);
	assert_true(p->master >= 0 && p->slave >= 0);
	assert_memory_equal(p->name, "/dev/pts/", 9);
	assert_true(isatty(p->slave));
}

/* A known starting point: echo on, ICRNL on, ONLCR on, VINTR ^C. */
static void reset_tio(int fd)
{
	struct termios t;
	assert_int_equal(tcgetattr(fd, &t), 0);
	t.c_lflag |= ECHO | ICANON;
	t.c_iflag |= ICRNL;
	t.c_iflag &= ~(tcflag_t)IXANY;
	t.c_oflag |= ONLCR | OPOST;
	t.c_cc[VINTR] = 3;
	t.c_cc[VERASE] = 0x7f;
	assert_int_equal(cfsetospeed(&t, B9600), 0);
	assert_int_equal(tcsetattr(fd, TCSANOW, &t), 0);
}

static void test_modes_applied(void **state)
{
	(void)state;
	struct session_pty p;
	struct modes_buf m = { .n = 0 };
	struct termios t;
	size_t applied = 0;

	open_pty(&p);
	reset_tio(p.slave);
	put_mode(&m, 1, 7);		/* VINTR ^G */
	put_mode(&m, 3, 255);		/* VERASE disabled */
	put_mode(&m, 53, 0);		/* ECHO off */
	put_mode(&m, 72, 0);		/* ONLCR off */
	put_mode(&m, 39, 1);		/* IXANY on */
	put_mode(&m, 99, 12345);	/* unknown: skipped with its argument */
	put_mode(&m, 129, 38400);	/* TTY_OP_OSPEED */
	put_byte(&m, 0);		/* TTY_OP_END */
	put_mode(&m, 51, 0);		/* after the end: not applied (ICANON stays) */
	assert_int_equal(session_pty_apply_modes(p.slave, m.b, m.n, &applied), 0);
	assert_int_equal(applied, 6);
	assert_int_equal(tcgetattr(p.slave, &t), 0);
	assert_int_equal(t.c_cc[VINTR], 7);
	assert_int_equal(t.c_cc[VERASE], _POSIX_VDISABLE);
	assert_int_equal(t.c_lflag & ECHO, 0);
	assert_int_equal(t.c_oflag & ONLCR, 0);
	assert_true((t.c_iflag & IXANY) != 0);
	assert_true((t.c_iflag & ICRNL) != 0);	/* not named: left alone */
	assert_true((t.c_lflag & ICANON) != 0);
	assert_int_equal(cfgetospeed(&t), B38400);
	session_pty_close(&p);
}

static void test_modes_stop_and_end(void **state)
{
	(void)state;
	struct session_pty p;
	struct modes_buf m = { .n = 0 };
	struct termios t;
	size_t applied = 0;

	open_pty(&p);
	reset_tio(p.slave);
	/* opcode 160 and above ends parsing: what follows is not read */
	put_mode(&m, 53, 0);
	put_byte(&m, 160);
	put_mode(&m, 72, 0);
	assert_int_equal(session_pty_apply_modes(p.slave, m.b, m.n, &applied), 0);
	assert_int_equal(applied, 1);
	assert_int_equal(tcgetattr(p.slave, &t), 0);
	assert_int_equal(t.c_lflag & ECHO, 0);
	assert_true((t.c_oflag & ONLCR) != 0);

	/* a list without its opcode 0 ends with the buffer */
	reset_tio(p.slave);
	m.n = 0;
	put_mode(&m, 36, 0);		/* ICRNL off */
	assert_int_equal(session_pty_apply_modes(p.slave, m.b, m.n, &applied), 0);
	assert_int_equal(applied, 1);
	assert_int_equal(tcgetattr(p.slave, &t), 0);
	assert_int_equal(t.c_iflag & ICRNL, 0);

	/* empty: nothing touched */
	assert_int_equal(session_pty_apply_modes(p.slave, m.b, 0, &applied), 0);
	assert_int_equal(applied, 0);
	session_pty_close(&p);
}

static void test_modes_truncated(void **state)
{
	(void)state;
	struct session_pty p;
	struct modes_buf m = { .n = 0 };
	struct termios t;
	size_t applied = 9;

	open_pty(&p);
	reset_tio(p.slave);
	put_mode(&m, 53, 0);		/* ECHO off: must not be applied either */
	put_byte(&m, 72);		/* ONLCR with 2 bytes of its argument */
	put_byte(&m, 0);
	put_byte(&m, 0);
	assert_int_equal(session_pty_apply_modes(p.slave, m.b, m.n, &applied), -EBADMSG);
	assert_int_equal(applied, 0);
	assert_int_equal(tcgetattr(p.slave, &t), 0);
	assert_true((t.c_lflag & ECHO) != 0);
	session_pty_close(&p);
}

static void test_winsize(void **state)
{
	(void)state;
	struct session_pty p;
	struct winsize w;

	open_pty(&p);
	struct session_winsize ws = { 132, 43, 1000, 700 };
	assert_int_equal(session_pty_set_winsize(p.slave, &ws), 0);
	assert_int_equal(ioctl(p.master, TIOCGWINSZ, &w), 0);
	assert_int_equal(w.ws_col, 132);
	assert_int_equal(w.ws_row, 43);
	assert_int_equal(w.ws_xpixel, 1000);
	assert_int_equal(w.ws_ypixel, 700);
	/* on the master too (window-change), clamped to 16 bits */
	struct session_winsize big = { 70000, 50, 0, 0 };
	assert_int_equal(session_pty_set_winsize(p.master, &big), 0);
	assert_int_equal(ioctl(p.slave, TIOCGWINSZ, &w), 0);
	assert_int_equal(w.ws_col, 65535);
	assert_int_equal(w.ws_row, 50);
	session_pty_close(&p);
}

static void test_owner_and_release(void **state)
{
	(void)state;
	struct session_pty p;
	struct stat st;

	if (geteuid() != 0) {
		skip();
		return;
	}
	const struct group *tty = getgrnam("tty");
	open_pty(&p);
	assert_int_equal(session_pty_set_owner(&p, 65534, 65534), 0);
	assert_int_equal(stat(p.name, &st), 0);
	assert_int_equal(st.st_uid, 65534);
	assert_int_equal(st.st_gid, tty != NULL ? tty->gr_gid : 65534);
	assert_int_equal(st.st_mode & 0777, tty != NULL ? 0620 : 0600);
	assert_int_equal(session_pty_release(p.name), 0);
	assert_int_equal(stat(p.name, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 0);
	assert_int_equal(st.st_mode & 0777, 0666);
	session_pty_close(&p);
}

/* Reads the master until EIO (every slave fd closed) or the bound. */
static size_t read_master(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	for (int i = 0; i < 1000 && n + 1 < cap; i++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, 10000) != 1)
			break;
		ssize_t k = read(fd, buf + n, cap - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	return n;
}

static void test_spawn_on_pty(void **state)
{
	(void)state;
	struct session_pty p;
	struct session_spawn_params sp;
	struct session_child child;
	char out[4096], want[256];
	int status;

	open_pty(&p);
	memset(&sp, 0, sizeof(sp));
	sp.user = "pty-test";
	sp.uid = geteuid();
	sp.gid = getegid();
	sp.home = "/";
	sp.shell = "/bin/sh";
	/* /dev/tty opens only on a controlling terminal */
	sp.command = "tty; echo \"$TERM:$SSH_TTY\"; test -t 0 && test -t 1 && test -t 2 && "
		     "echo all-tty; : </dev/tty && echo ctty; exit 4";
	sp.use_pty = true;
	sp.pty_slave = p.slave;
	sp.tty = p.name;
	sp.term = "vt220";
	assert_int_equal(session_spawn(&sp, &child), 0);
	assert_int_equal(child.fd_stdin, -1);
	assert_int_equal(child.fd_stdout, -1);
	assert_int_equal(child.fd_stderr, -1);
	close(p.slave);		/* the caller's copy, as the monitor does */
	p.slave = -1;
	read_master(p.master, out, sizeof(out));
	snprintf(want, sizeof(want), "%s\r\nvt220:%s\r\nall-tty\r\nctty\r\n", p.name, p.name);
	assert_string_equal(out, want);
	assert_int_equal(waitpid(child.pid, &status, 0), child.pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 4);
	session_pty_close(&p);
}

static void test_spawn_pty_refused_without_slave(void **state)
{
	(void)state;
	struct session_spawn_params sp;
	struct session_child child;

	memset(&sp, 0, sizeof(sp));
	sp.user = "pty-test";
	sp.uid = geteuid();
	sp.gid = getegid();
	sp.home = "/";
	sp.use_pty = true;
	sp.pty_slave = -1;
	sp.tty = "/dev/pts/0";
	assert_int_equal(session_spawn(&sp, &child), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes_applied),
		cmocka_unit_test(test_modes_stop_and_end),
		cmocka_unit_test(test_modes_truncated),
		cmocka_unit_test(test_winsize),
		cmocka_unit_test(test_owner_and_release),
		cmocka_unit_test(test_spawn_on_pty),
		cmocka_unit_test(test_spawn_pty_refused_without_slave),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
