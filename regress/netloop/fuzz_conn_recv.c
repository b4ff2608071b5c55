/* libFuzzer target: the net child's receive gate (sshd/conn.c conn_recv), every
 * payload a client sends passes it first.  The input is a sequence of payloads, each
 * a 2-byte big-endian length and its bytes; they are received in order by a connection
 * whose KEXINIT went out, as the event loop would (the client's KEXINIT is followed by
 * the strict or non-strict decision, chosen by the first input byte; an unknown message
 * is answered with UNIMPLEMENTED).  Invariants: conn_recv returns only 0, -EBADMSG,
 * -EPROTO or -ENOENT; a message it accepts is of a kind the codec knows and packs again
 * to the very bytes received (the views are exact); after a refusal nothing more is fed
 * (the loop would disconnect). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ssh_policy_channel *no_channel(void *arg, const struct ssh_msg *m)
{
	(void)arg;
	(void)m;
	return NULL;
}

/* The send queue emptied as the event loop would. */
static void drain(struct conn *c)
{
	size_t n;
	for (int i = 0; i < 64 && packet_tx_peek(c->pkt, &n) != NULL && n > 0; i++)
		(void)packet_tx_consume(c->pkt, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t cookie[16];
	static struct sshd_conn_ctx ctx;
	static struct log_ctx lg = { .level = LOG_LEVEL_QUIET, .dest = LOG_DEST_STDERR,
				     .fd = -1 };
	/* One connection for the whole run (its buffers are large); each input starts from
	 * fresh automata and an empty send queue. */
	static struct conn c;
	static uint8_t *repacked;
	struct ssh_msg m;

	if (size < 1)
		return 0;
	bool strict = data[0] & 1;
	data++;
	size--;
	if (c.pkt == NULL) {
		if (conn_init(&c, &ctx, &lg, -1, -1, 0) < 0 ||
		    (repacked = malloc(PACKET_MAX_PAYLOAD)) == NULL)
			abort();
	}
	ssh_policy_init(&c.policy);
	memset(&c.mstate, 0, sizeof(c.mstate));
	ssh_msg_init(&m, ssh_msg_Transport_KexInit);
	struct ssh_msg_Transport_KexInit *k = &m.u.Transport_KexInit;
	k->cookie = (struct mpl_bytes){ cookie, 16 };
	k->kex_algorithms = mpl_bytes_str("curve25519-sha256");
	if (conn_send(&c, &m, NULL) < 0)
		abort();

	while (size >= 2) {
		size_t len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		/* a copy of exactly len bytes, so that a read past it is caught */
		uint8_t *payload = malloc(len > 0 ? len : 1);
		if (payload == NULL)
			abort();
		memcpy(payload, data, len);
		data += len;
		size -= len;
		struct packet_in in = { .payload = payload, .len = len, .seqnr = 0 };
		struct ssh_policy_channel *ch;
		int rc = conn_recv(&c, &in, &m, no_channel, NULL, &ch);
		if (rc != 0 && rc != -EBADMSG && rc != -EPROTO && rc != -ENOENT)
			abort();
		if (rc == 0) {
			struct mpl_writer w;
			struct mpl_error err = {0};
			size_t out_len = 0;
			if (mpl_writer_init(&w, repacked, PACKET_MAX_PAYLOAD, 0, 0) < 0 ||
			    ssh_msg_pack(&w, &m, &err) < 0 ||
			    mpl_writer_finish(&w, &out_len) < 0 || out_len != len ||
			    memcmp(repacked, payload, len) != 0)
				abort();
			if (m.kind == ssh_msg_Transport_KexInit)
				(void)conn_notify(&c, strict ? SSH_POLICY_Notify_StrictKex
							     : SSH_POLICY_Notify_NonStrictKex, NULL);
		} else if (rc == -ENOENT) {
			struct ssh_msg u;
			ssh_msg_init(&u, ssh_msg_Transport_Unimplemented);
			u.u.Transport_Unimplemented.sequence_number = 0;
			(void)conn_send(&c, &u, NULL);
		}
		drain(&c);
		free(payload);
		if (rc == -EBADMSG || rc == -EPROTO)
			break;
	}
	drain(&c);
	return 0;
}
