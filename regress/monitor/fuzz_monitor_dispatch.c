/* libFuzzer target: the monitor's receive and dispatch, fed the records an untrusted
 * net child chooses.  The input is a sequence of records, each as a 2-byte big-endian
 * length and that many bytes (the monitor_frame header included, so that mon_wire's
 * checks are fuzzed too); each is decoded with mon_wire_decode and handed to
 * monitor_dispatch, whose answers are read back and dropped, until the monitor ends
 * the connection.  The monitor holds one generated host key; AuthorizedKeysFile is
 * /dev/null, so no input can reach a session (that needs a valid user signature). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/hostkey.h"
#include "sshd/fdpass.h"
#include "sshd/monitor_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_RECORDS 32

static struct monitor_state *fuzz_state(int *net_fd)
{
	static struct monitor_state *st;
	static struct sshd_config cfg;
	static struct log_ctx lg;
	static struct sshd_conn_ctx ctx;
	static struct privsep_monitor mon;
	static int sv[2];
	static char pem[HOSTKEY_PEM_MAX];

	if (st != NULL) {
		*net_fd = sv[1];
		return st;
	}
	struct hostkey *hk = NULL;
	char path[64], line[128];
	snprintf(path, sizeof(path), "/tmp/fuzz-monitor-hostkey.%ld", (long)getpid());
	FILE *fp = fopen(path, "w");
	if (fp == NULL || hostkey_generate(&hk, PUBKEY_ED25519, 0) < 0 ||
	    hostkey_to_pem(hk, pem, sizeof(pem)) < 0 || fputs(pem, fp) < 0 || fclose(fp) != 0 ||
	    chmod(path, 0600) != 0)
		abort();
	hostkey_free(hk);
	if (log_init(&lg, "fuzz", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR, 0, -1) < 0 ||
	    log_open_file(&lg, "/dev/null") < 0)
		abort();
	sshd_config_init(&cfg);
	snprintf(line, sizeof(line), "HostKey %s", path);
	if (sshd_config_parse_option(&cfg, line, NULL) != 0 ||
	    sshd_config_parse_option(&cfg, "AuthorizedKeysFile /dev/null", NULL) != 0 ||
	    sshd_config_parse_option(&cfg, "StrictModes no", NULL) != 0 ||
	    fdpass_socketpair(sv) < 0)
		abort();
	ctx.cfg = &cfg;
	ctx.log = &lg;
	strcpy(ctx.peer_addr, "127.0.0.1");
	ctx.peer_port = 1;
	strcpy(ctx.local_addr, "127.0.0.1");
	ctx.local_port = 22;
	ctx.startup_fd = -1;
	mon.ipc_fd = sv[0];
	mon.pidfd = -1;
	mon.relay.fd = -1;
	mon.log = &lg;
	mon.arg = &ctx;

	st = calloc(1, sizeof(*st));
	if (st == NULL)
		abort();
	st->mon = &mon;
	st->ctx = &ctx;
	st->cfg = &cfg;
	st->log = &lg;
	st->reap_fd = -1;
	if (monitor_load_hostkeys(st) < 0 || monitor_sessions_init(st) < 0)
		abort();
	unlink(path);
	*net_fd = sv[1];
	return st;
}

/* Reads and drops what the monitor answered. */
static void drain(int fd, uint8_t *buf, size_t cap)
{
	int fds[FDPASS_RECORD_FDS_MAX];
	size_t nfds = 0;

	for (int i = 0; i < 64; i++) {
		if (fdpass_recv_record(fd, buf, cap, fds, MON_WIRE_MAX_FDS, &nfds, 0) < 0)
			return;
		for (size_t k = 0; k < nfds; k++)
			close(fds[k]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t answer[MON_WIRE_RECORD_MAX];
	int net_fd = -1;
	struct monitor_state *st = fuzz_state(&net_fd);

	/* a fresh connection's view, keeping the loaded host key */
	monitor_policy_init(&st->policy);
	st->session_id_len = 0;
	st->have_user = false;
	st->authenticated = false;
	mon_auth_key_opts_clear(&st->key_opts);

	size_t off = 0;
	for (int i = 0; i < FUZZ_MAX_RECORDS && size - off >= 2; i++) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		/* the record in its own buffer, so that reading past it is caught */
		uint8_t *rec = malloc(len ? len : 1);
		if (rec == NULL)
			abort();
		memcpy(rec, data + off, len);
		off += len;

		struct monitor_msg m;
		int r = mon_wire_decode(rec, len, 0, &m, NULL);
		if (r == 0)
			r = monitor_dispatch(st, &m);
		free(rec);
		drain(net_fd, answer, sizeof(answer));
		if (r < 0)
			break;
		if (st->n_sessions != 0)
			abort();	/* unreachable without a genuine user signature */
	}
	return 0;
}
