/* The signal names of RFC 4254 §6.10 ("signal" and "exit-signal" requests): the names
 * are the POSIX ones without the "SIG" prefix.  Only these thirteen are defined by the
 * RFC; any other name a client sends is unknown to us and maps to 0. */
#include <signal.h>
#include <string.h>

#include "sshd/session_spawn.h"

static const struct {
	int sig;
	const char *name;
} signal_names[] = {
	{ SIGABRT, "ABRT" }, { SIGALRM, "ALRM" }, { SIGFPE, "FPE" },
	{ SIGHUP, "HUP" },   { SIGILL, "ILL" },   { SIGINT, "INT" },
	{ SIGKILL, "KILL" }, { SIGPIPE, "PIPE" }, { SIGQUIT, "QUIT" },
	{ SIGSEGV, "SEGV" }, { SIGTERM, "TERM" }, { SIGUSR1, "USR1" },
	{ SIGUSR2, "USR2" },
};

const char *session_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
		if (signal_names[i].sig == sig)
			return signal_names[i].name;
	return "";
}

int session_signal_number(const char *name, size_t len)
{
	if (name == NULL)
		return 0;
	/* The name comes from the peer as a counted string: compare exactly len bytes, so
	 * that "TERM\0x" or a prefix such as "TER" is not taken for "TERM". */
	for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++) {
		const char *n = signal_names[i].name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return signal_names[i].sig;
	}
	return 0;
}
