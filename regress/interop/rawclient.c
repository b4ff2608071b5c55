/* rawclient: the small hand-driven SSH peer the interop scripts need where the stock
 * client cannot misbehave on purpose.  Loopback only; every wait is bounded.
 *
 *   rawclient freeport            print a TCP port of 127.0.0.1 free right now
 *   rawclient banner PORT         connect, print the server's identification line
 *   rawclient hostile PORT CASE   version exchange, then one malformed or out-of-order
 *                                 packet before key exchange; exit 0 when the server
 *                                 ends the connection within the time limit (printing
 *                                 "disconnect REASON" if it sent SSH_MSG_DISCONNECT
 *                                 first), 1 when it keeps the connection open
 *
 * CASEs: len0 (packet_length 0), huge (packet_length over 256 KiB), padding (padding
 * under 4 bytes), unknown (an unassigned message number instead of KEXINIT),
 * chanopen (CHANNEL_OPEN instead of KEXINIT: before key exchange and auth); and, in
 * place of our identification line: vlong (over 255 bytes), v1 (protocol 1.5), http (an
 * HTTP request), vnul (a NUL byte inside); and, sending too little: mute (no
 * identification line), silent (ours, then nothing). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "regress/util/io_util.h"

#define WAIT_MS 10000		/* bound on every wait for the server */
#define RX_MAX (512 * 1024)	/* what we read before giving up on an open connection */

static int connect_port(const char *port_text)
{
	char *end;
	long port = strtol(port_text, &end, 10);
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (*end != '\0' || port <= 0 || port > 65535)
		return -1;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(s);
		return -1;
	}
	return s;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads what is there within the time left; 0 at EOF, -1 on timeout or error. */
static ssize_t read_some(int s, uint8_t *buf, size_t cap, long deadline)
{
	for (;;) {
		long left = deadline - now_ms();
		if (left <= 0)
			return -1;
		struct pollfd p = { .fd = s, .events = POLLIN };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		ssize_t n = read(s, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ECONNRESET)
			return 0;	/* the server closed with data unread: that is an end too */
		return n;
	}
}

/* The identification line, up to LF. */
static int read_version(int s, char *line, size_t cap, long deadline)
{
	size_t used = 0;
	while (used + 1 < cap) {
		uint8_t c;
		if (read_some(s, &c, 1, deadline) != 1)
			return -1;
		if (c == '\n')
			break;
		if (c != '\r')
			line[used++] = (char)c;
	}
	line[used] = '\0';
	return strncmp(line, "SSH-", 4) == 0 ? 0 : -1;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* An unencrypted binary packet (RFC 4253 §6) around payload with `pad` bytes of
 * padding; pad 0 means the honest amount: 4 or more, the whole a multiple of 8. */
static size_t frame(uint8_t *out, const uint8_t *payload, size_t plen, size_t pad)
{
	if (pad == 0) {
		pad = 8 - (5 + plen) % 8;
		if (pad < 4)
			pad += 8;
	}
	size_t body = 1 + plen + pad;
	put32(out, (uint32_t)body);
	out[4] = (uint8_t)pad;
	memcpy(out + 5, payload, plen);
	memset(out + 5 + plen, 0, pad);
	return 4 + body;
}

/* The bytes of one hostile case, in out; returns the length, 0 for an unknown case. */
static size_t hostile_bytes(const char *name, uint8_t *out)
{
	if (strcmp(name, "len0") == 0) {
		memset(out, 0, 16);
		return 16;
	}
	if (strcmp(name, "huge") == 0) {
		memset(out, 0, 16);
		put32(out, 256 * 1024 + 4);
		return 16;
	}
	if (strcmp(name, "padding") == 0) {
		/* IGNORE "abcd" (9 bytes) with 2 bytes of padding: 4 + 1 + 9 + 2 = 16, a
		 * multiple of the block size, so only the padding's length is wrong */
		uint8_t payload[9] = { 2, 0, 0, 0, 4, 'a', 'b', 'c', 'd' };
		return frame(out, payload, sizeof(payload), 2);
	}
	if (strcmp(name, "unknown") == 0) {
		uint8_t payload[3] = { 192, 0, 0 };
		return frame(out, payload, sizeof(payload), 0);
	}
	if (strcmp(name, "chanopen") == 0) {
		/* CHANNEL_OPEN "session", sender 0, window 2 MiB, max packet 32 KiB */
		uint8_t payload[1 + 4 + 7 + 12] = { 90, 0, 0, 0, 7, 's', 'e', 's', 's', 'i', 'o',
						    'n', 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0x80, 0 };
		return frame(out, payload, sizeof(payload), 0);
	}
	return 0;
}

/* The identification line of a hostile version-exchange case, in out (room for
 * VERSION_CASE_MAX bytes); returns its length, 0 when `name` is not such a case.  These
 * cases send no packet after it. */
#define VERSION_CASE_MAX 512
static size_t hostile_version(const char *name, uint8_t *out)
{
	static const char v1[] = "SSH-1.5-old_client\r\n";
	static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char nul[] = "SSH-2.0-nul\0inside\r\n";

	if (strcmp(name, "vlong") == 0) {
		/* 8 + 300 + 2 bytes: over the 255 that RFC 4253 §4.2 allows */
		memcpy(out, "SSH-2.0-", 8);
		memset(out + 8, 'x', 300);
		memcpy(out + 308, "\r\n", 2);
		return 310;
	}
	if (strcmp(name, "v1") == 0) {
		memcpy(out, v1, sizeof(v1) - 1);
		return sizeof(v1) - 1;
	}
	if (strcmp(name, "http") == 0) {
		memcpy(out, http, sizeof(http) - 1);
		return sizeof(http) - 1;
	}
	if (strcmp(name, "vnul") == 0) {
		memcpy(out, nul, sizeof(nul) - 1);
		return sizeof(nul) - 1;
	}
	return 0;
}

/* A DISCONNECT among what the server sent before closing (unencrypted: before NEWKEYS),
 * found by walking the packets after the identification line. */
static void report_disconnect(const uint8_t *rx, size_t n)
{
	size_t off = 0;
	while (off + 5 <= n) {
		uint32_t len = (uint32_t)rx[off] << 24 | (uint32_t)rx[off + 1] << 16 |
			       (uint32_t)rx[off + 2] << 8 | rx[off + 3];
		if (len < 2 || len > n - off - 4)
			return;
		const uint8_t *pl = rx + off + 5;
		if (pl[0] == 1 && len >= 1 + 1 + 4) {
			uint32_t reason = (uint32_t)pl[1] << 24 | (uint32_t)pl[2] << 16 |
					  (uint32_t)pl[3] << 8 | pl[4];
			printf("disconnect %u\n", reason);
			return;
		}
		off += 4 + len;
	}
}

static int hostile(const char *port, const char *name)
{
	static const char ours[] = "SSH-2.0-msshd_rawclient\r\n";
	uint8_t pkt[64], ver[VERSION_CASE_MAX];
	size_t n = hostile_bytes(name, pkt);
	size_t vlen = hostile_version(name, ver);
	/* sending too little is hostile too: nothing at all, or nothing after our line */
	bool mute = strcmp(name, "mute") == 0, silent = strcmp(name, "silent") == 0;
	if (n == 0 && vlen == 0 && !mute && !silent) {
		fprintf(stderr, "rawclient: unknown case %s\n", name);
		return 2;
	}
	if (vlen == 0 && !mute) {
		memcpy(ver, ours, sizeof(ours) - 1);
		vlen = sizeof(ours) - 1;
	}
	int s = connect_port(port);
	if (s < 0) {
		perror("rawclient: connect");
		return 2;
	}
	long deadline = now_ms() + WAIT_MS;
	char line[256];
	if (read_version(s, line, sizeof(line), deadline) < 0 ||
	    (vlen > 0 && io_write_all(s, ver, vlen) < 0) ||
	    (n > 0 && io_write_all(s, pkt, n) < 0)) {
		fprintf(stderr, "rawclient: version exchange failed\n");
		close(s);
		return 2;
	}
	uint8_t *rx = malloc(RX_MAX);
	size_t got = 0;
	if (rx == NULL)
		return 2;
	for (;;) {
		if (got == RX_MAX) {
			fprintf(stderr, "rawclient: the server keeps sending\n");
			break;
		}
		ssize_t r = read_some(s, rx + got, RX_MAX - got, deadline);
		if (r == 0) {
			report_disconnect(rx, got);
			free(rx);
			close(s);
			return 0;
		}
		if (r < 0) {
			fprintf(stderr, "rawclient: the connection is still open after %d ms\n",
				WAIT_MS);
			break;
		}
		got += (size_t)r;
	}
	free(rx);
	close(s);
	return 1;
}

static int freeport(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) < 0) {
		perror("rawclient: bind");
		return 1;
	}
	printf("%u\n", ntohs(sin.sin_port));
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "freeport") == 0)
		return freeport();
	if (argc == 3 && strcmp(argv[1], "banner") == 0) {
		char line[256];
		int s = connect_port(argv[2]);
		if (s < 0 || read_version(s, line, sizeof(line), now_ms() + WAIT_MS) < 0)
			return 1;
		printf("%s\n", line);
		close(s);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "hostile") == 0)
		return hostile(argv[2], argv[3]);
	fprintf(stderr, "usage: rawclient freeport | banner PORT | hostile PORT CASE\n");
	return 2;
}
