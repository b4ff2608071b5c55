/* Helpers shared by the regress/os tests.  See os_test_util.h. */
#include "regress/os/os_test_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int os_test_wait(pid_t pid, int ms, int *status)
{
	for (int waited = 0;; waited += 10) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -1;
		if (waited >= ms)
			break;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return -1;
}

int os_test_ensure_user(void)
{
	if (getpwnam(OS_TEST_USER) != NULL)
		return 0;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("useradd", "useradd", "--system", "--no-create-home", "--shell",
		       "/usr/sbin/nologin", OS_TEST_USER, (char *)NULL);
		_exit(127);
	}
	int st;
	if (os_test_wait(pid, 30000, &st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return getpwnam(OS_TEST_USER) != NULL ? 0 : -1;
}

int os_test_make_chroot(char *buf, size_t cap)
{
	if (snprintf(buf, cap, "/run/msshd-test.XXXXXX") >= (int)cap)
		return -1;
	if (mkdtemp(buf) == NULL)
		return -1;
	return chmod(buf, 0755);
}

int os_test_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	struct dirent *e;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

long os_test_read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0;

	if (fd < 0 || cap == 0)
		return -1;
	while (used + 1 < cap) {
		ssize_t n = read(fd, buf + used, cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	return (long)used;
}

int os_test_proc_status(pid_t pid, const char *key, char *buf, size_t cap)
{
	char path[64], text[8192];

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if (os_test_read_file(path, text, sizeof(text)) < 0)
		return -1;
	size_t klen = strlen(key);
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			char *v = line + klen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vlen = strcspn(v, "\n");
			if (vlen >= cap)
				return -1;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return 0;
		}
	}
	return -1;
}
