/* Helpers shared by the net-loop tests (netloop_test_util.h). */
#include "regress/netloop/netloop_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

void nt_log_open(struct nt_log *l)
{
	memset(l, 0, sizeof(*l));
	FILE *f = tmpfile();
	assert_non_null(f);
	int fd = dup(fileno(f));
	fclose(f);
	assert_true(fd >= 0);
	l->lg.level = LOG_LEVEL_DEBUG3;
	l->lg.dest = LOG_DEST_FILE;
	l->lg.fd = fd;
	l->lg.own_fd = true;
	strcpy(l->lg.ident, "test");
}

void nt_log_close(struct nt_log *l)
{
	log_close(&l->lg);
}

bool nt_log_contains(const struct nt_log *l, const char *needle)
{
	static const size_t cap = 1u << 20;
	char *text = malloc(cap + 1);
	assert_non_null(text);
	ssize_t n = pread(l->lg.fd, text, cap, 0);
	assert_true(n >= 0);
	text[n] = '\0';
	bool found = strstr(text, needle) != NULL;
	free(text);
	return found;
}

void nt_ctx_init(struct nt_ctx *t)
{
	memset(t, 0, sizeof(*t));
	sshd_config_init(&t->cfg);
	t->ctx.cfg = &t->cfg;
	strcpy(t->ctx.peer_addr, "127.0.0.1");
	t->ctx.peer_port = 4242;
	strcpy(t->ctx.local_addr, "127.0.0.1");
	t->ctx.local_port = 22;
	t->ctx.startup_fd = -1;
}

void nt_ctx_fini(struct nt_ctx *t)
{
	sshd_config_free(&t->cfg);
}

size_t nt_pack(const struct ssh_msg *m, uint8_t *buf, size_t cap)
{
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len = 0;

	assert_int_equal(mpl_writer_init(&w, buf, cap, 0, 0), 0);
	assert_int_equal(ssh_msg_pack(&w, m, &err), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	return len;
}
