/* A hostile client for regress/netloop/e2e.sh: it connects to 127.0.0.1:PORT, exchanges
 * identification lines, and sends one bad thing before any key exchange.  The server
 * must answer with DISCONNECT (reason PROTOCOL_ERROR) and close.  Well-formed messages
 * are packed by the generated codec and framed by sshd/packet.c; malformed packets are
 * written as raw bytes.
 *
 *   e2e_hostile PORT CASE      CASE: len0 | len_huge | pad3 | unknown | chanopen
 *
 * Prints the DISCONNECT's description; exit 0 when it came with PROTOCOL_ERROR, 1 if
 * not, 2 on a usage or local error.  Every wait is bounded (E2E_HOSTILE_MS). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ssh.h"

#include "sshd/packet.h"

#define E2E_HOSTILE_MS 20000

static int write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;
	while (len > 0) {
		ssize_t n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Queues m on the client's packet layer and writes it out. */
static int send_msg(int fd, struct packet *p, const struct ssh_msg *m)
{
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len;
	const uint8_t *out;
	if (packet_begin(p, 0, &w) < 0 || ssh_msg_pack(&w, m, &err) < 0 ||
	    packet_commit(p, &w, NULL) < 0)
		return -1;
	while ((out = packet_tx_peek(p, &len)) != NULL && len > 0) {
		if (write_all(fd, out, len) < 0 || packet_tx_consume(p, len) < 0)
			return -1;
	}
	return 0;
}

static void kexinit(struct ssh_msg *m)
{
	static const uint8_t cookie[16];
	ssh_msg_init(m, ssh_msg_Transport_KexInit);
	struct ssh_msg_Transport_KexInit *k = &m->u.Transport_KexInit;
	k->cookie = (struct mpl_bytes){ cookie, 16 };
	k->kex_algorithms = mpl_bytes_str("curve25519-sha256,kex-strict-c-v00@openssh.com");
	k->server_host_key_algorithms = mpl_bytes_str("ssh-ed25519");
	k->encryption_algorithms_client_to_server = mpl_bytes_str("aes128-ctr");
	k->encryption_algorithms_server_to_client = mpl_bytes_str("aes128-ctr");
	k->mac_algorithms_client_to_server = mpl_bytes_str("hmac-sha2-256");
	k->mac_algorithms_server_to_client = mpl_bytes_str("hmac-sha2-256");
	k->compression_algorithms_client_to_server = mpl_bytes_str("none");
	k->compression_algorithms_server_to_client = mpl_bytes_str("none");
}

static int send_case(int fd, struct packet *p, const char *what)
{
	struct ssh_msg m;
	if (strcmp(what, "len0") == 0) {
		static const uint8_t raw[16] = { 0, 0, 0, 0 };
		return write_all(fd, raw, sizeof(raw));
	}
	if (strcmp(what, "len_huge") == 0) {	/* 1 MiB, over the 256 KiB limit */
		static const uint8_t raw[16] = { 0, 0x10, 0, 0, 4 };
		return write_all(fd, raw, sizeof(raw));
	}
	if (strcmp(what, "pad3") == 0) {	/* IGNORE "abc" with 3 bytes of padding */
		static const uint8_t raw[16] = { 0, 0, 0, 12, 3, 2, 0, 0, 0, 3, 'a', 'b', 'c' };
		return write_all(fd, raw, sizeof(raw));
	}
	if (strcmp(what, "unknown") == 0) {	/* message 200 before the client's KEXINIT */
		static const uint8_t raw[16] = { 0, 0, 0, 12, 10, 200 };
		return write_all(fd, raw, sizeof(raw));
	}
	if (strcmp(what, "chanopen") == 0) {	/* after KEXINIT, before any kex or auth */
		kexinit(&m);
		if (send_msg(fd, p, &m) < 0)
			return -1;
		ssh_msg_init(&m, ssh_msg_Channel_Open_Session);
		m.u.Channel_Open_Session.channel_type = mpl_bytes_str("session");
		m.u.Channel_Open_Session.sender_channel = 0;
		m.u.Channel_Open_Session.initial_window_size = 65536;
		m.u.Channel_Open_Session.maximum_packet_size = 32768;
		return send_msg(fd, p, &m);
	}
	return -2;
}

static int run(char **argv, struct packet **pp);

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: e2e_hostile PORT CASE\n");
		return 2;
	}
	struct packet *p = NULL;
	int rc = run(argv, &p);
	packet_free(p);
	return rc;
}

/* The client's run; *pp is its packet layer, freed by main whatever the outcome. */
static int run(char **argv, struct packet **pp)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct packet *p;
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    packet_new(pp, 0, 0) < 0) {
		perror("e2e_hostile: connect");
		return 2;
	}
	p = *pp;
	static const char version[] = "SSH-2.0-msshd_hostile_test\r\n";
	if (write_all(fd, version, strlen(version)) < 0) {
		perror("e2e_hostile: write");
		return 2;
	}
	int rc = send_case(fd, p, argv[2]);
	if (rc == -2) {
		fprintf(stderr, "e2e_hostile: unknown case %s\n", argv[2]);
		return 2;
	}
	/* a write error is fine: the server may already have closed */

	/* The server's identification line, its KEXINIT, then DISCONNECT. */
	bool line_done = false;
	struct ssh_msg_state st = {0};
	for (int rounds = 0; rounds < 1000; rounds++) {
		uint8_t *buf;
		size_t room;
		if (packet_rx_space(p, &buf, &room) < 0)
			break;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, E2E_HOSTILE_MS) <= 0) {
			fprintf(stderr, "e2e_hostile: no answer within %d ms\n", E2E_HOSTILE_MS);
			return 1;
		}
		ssize_t n = read(fd, buf, room);
		if (n <= 0) {
			fprintf(stderr, "e2e_hostile: closed without DISCONNECT\n");
			return 1;
		}
		packet_rx_commit(p, (size_t)n);
		if (!line_done) {
			size_t len;
			const uint8_t *b = packet_rx_peek(p, &len);
			const uint8_t *lf = memchr(b, '\n', len);
			if (lf == NULL)
				continue;
			packet_rx_discard(p, (size_t)(lf - b) + 1);
			line_done = true;
		}
		struct packet_in in;
		while (packet_next(p, &in) == 1) {
			struct ssh_msg m;
			struct mpl_error err = {0};
			if (ssh_msg_unpack(in.payload, in.len, &st, &m, &err) < 0) {
				fprintf(stderr, "e2e_hostile: malformed answer\n");
				return 1;
			}
			if (m.kind != ssh_msg_Transport_Disconnect)
				continue;
			const struct ssh_msg_Transport_Disconnect *d = &m.u.Transport_Disconnect;
			printf("DISCONNECT %u: %.*s\n", d->reason, (int)d->description.len,
			       (const char *)d->description.ptr);
			return d->reason == SSH_DISCONNECT_PROTOCOL_ERROR ? 0 : 1;
		}
	}
	fprintf(stderr, "e2e_hostile: no DISCONNECT\n");
	return 1;
}
