/* Helpers shared by the net-loop tests: a log captured in a temporary file, messages
 * packed by the generated codec into a payload buffer, a struct conn on no socket. */
#ifndef MSSHD_REGRESS_NETLOOP_TEST_UTIL_H
#define MSSHD_REGRESS_NETLOOP_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sshd/config.h"
#include "sshd/conn.h"
#include "sshd/conn_ctx.h"
#include "sshd/log.h"

/* A log at DEBUG3 into an unlinked temporary file. */
struct nt_log {
	struct log_ctx lg;
};
void nt_log_open(struct nt_log *l);
void nt_log_close(struct nt_log *l);
/* Whether the text logged so far contains needle. */
bool nt_log_contains(const struct nt_log *l, const char *needle);

/* A connection context for 127.0.0.1 port 4242 with a default configuration. */
struct nt_ctx {
	struct sshd_config cfg;
	struct sshd_conn_ctx ctx;
};
void nt_ctx_init(struct nt_ctx *t);
void nt_ctx_fini(struct nt_ctx *t);

/* Packs m into buf (no packet header); returns the payload length (aborts the test on
 * failure). */
size_t nt_pack(const struct ssh_msg *m, uint8_t *buf, size_t cap);

#endif
