/* A hostile client for regress/netloop/e2e.sh: it connects to 127.0.0.1:PORT, exchanges
 * identification lines, and sends one bad thing.  Well-formed messages are packed by the
 * generated codec and framed by sshd/packet.c; malformed packets are written as raw
 * bytes.
 *
 *   e2e_hostile PORT CASE
 *
 * Before any key exchange (CASE len0 | len_huge | pad3 | unknown | chanopen) the server
 * must answer with DISCONNECT reason PROTOCOL_ERROR.  After a real key exchange
 * (curve25519-sha256, the host key's signature checked, keys derived with kex_derive)
 * and a SERVICE_REQUEST answered under the new keys (which proves the keys right), a
 * packet whose MAC or AEAD tag has one bit flipped (CASE mac_chacha | mac_gcm |
 * mac_etm | mac_hmac) must be answered with DISCONNECT reason MAC_ERROR, decrypted
 * with the client's keys.
 *
 * Prints the DISCONNECT's description; exit 0 when it came with the expected reason, 1
 * if not, 2 on a usage or local error.  Every wait is bounded (E2E_HOSTILE_MS). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "keys.h"
#include "ssh.h"

#include "crypto/hash.h"
#include "crypto/kex_x25519.h"
#include "regress/netloop/client_kex_util.h"
#include "sshd/kex_derive.h"
#include "sshd/kex_negotiate.h"
#include "sshd/keyblob.h"
#include "sshd/packet.h"

#define E2E_HOSTILE_MS 20000
#define V_C "SSH-2.0-msshd_hostile_test"
/* Largest KEXINIT payload kept for the exchange hash. */
#define KEXINIT_MAX 4096

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

/* Our KEXINIT offering only cipher and mac, both ways. */
static void kexinit(struct ssh_msg *m, const char *cipher, const char *mac)
{
	static const uint8_t cookie[16];
	ssh_msg_init(m, ssh_msg_Transport_KexInit);
	struct ssh_msg_Transport_KexInit *k = &m->u.Transport_KexInit;
	k->cookie = (struct mpl_bytes){ cookie, 16 };
	k->kex_algorithms = mpl_bytes_str("curve25519-sha256,kex-strict-c-v00@openssh.com");
	k->server_host_key_algorithms = mpl_bytes_str("ssh-ed25519");
	k->encryption_algorithms_client_to_server = mpl_bytes_str(cipher);
	k->encryption_algorithms_server_to_client = mpl_bytes_str(cipher);
	k->mac_algorithms_client_to_server = mpl_bytes_str(mac);
	k->mac_algorithms_server_to_client = mpl_bytes_str(mac);
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
		kexinit(&m, "aes128-ctr", "hmac-sha2-256");
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

/* The client's side of one connection. */
struct client {
	int fd;
	struct packet *p;
	bool line_done;			/* the server's identification line was read */
	char v_s[256];			/* that line, without CR LF (for the exchange hash) */
	struct ssh_msg_state st;	/* tells KEX_ECDH_REPLY from other message 31s */
};

/* Takes the server's identification line off the receive buffer once it is whole. */
static int take_version_line(struct client *cl)
{
	size_t len;
	const uint8_t *b = packet_rx_peek(cl->p, &len);
	const uint8_t *lf = memchr(b, '\n', len);
	if (lf == NULL)
		return len > 255 ? -1 : 0;
	size_t n = (size_t)(lf - b);
	if (n > 0 && b[n - 1] == '\r')
		n--;
	if (n >= sizeof(cl->v_s))
		return -1;
	memcpy(cl->v_s, b, n);
	cl->v_s[n] = '\0';
	packet_rx_discard(cl->p, (size_t)(lf - b) + 1);
	cl->line_done = true;
	return 0;
}

/* The server's next message into *m (its payload copied into copy when not NULL, for
 * KEXINIT). Returns 1, or 0 when the server closed, timed out or sent garbage (said on
 * stderr). */
static int recv_msg(struct client *cl, struct ssh_msg *m, uint8_t *copy, size_t *copy_len)
{
	for (int rounds = 0; rounds < 1000; rounds++) {
		if (cl->line_done) {
			struct packet_in in;
			struct mpl_error err = {0};
			int rc = packet_next(cl->p, &in);
			if (rc < 0) {
				fprintf(stderr, "e2e_hostile: bad packet from the server: %s\n",
					strerror(-rc));
				return 0;
			}
			if (rc == 1) {
				if (copy != NULL) {
					if (in.len > KEXINIT_MAX)
						return 0;
					memcpy(copy, in.payload, in.len);
					*copy_len = in.len;
				}
				if (ssh_msg_unpack(in.payload, in.len, &cl->st, m, &err) < 0) {
					fprintf(stderr, "e2e_hostile: malformed answer\n");
					return 0;
				}
				return 1;
			}
		}
		uint8_t *buf;
		size_t room;
		if (packet_rx_space(cl->p, &buf, &room) < 0)
			return 0;
		struct pollfd pfd = { .fd = cl->fd, .events = POLLIN };
		if (poll(&pfd, 1, E2E_HOSTILE_MS) <= 0) {
			fprintf(stderr, "e2e_hostile: no answer within %d ms\n", E2E_HOSTILE_MS);
			return 0;
		}
		ssize_t n = read(cl->fd, buf, room);
		if (n <= 0) {
			fprintf(stderr, "e2e_hostile: closed without DISCONNECT\n");
			return 0;
		}
		packet_rx_commit(cl->p, (size_t)n);
		if (!cl->line_done && take_version_line(cl) < 0) {
			fprintf(stderr, "e2e_hostile: bad identification line\n");
			return 0;
		}
	}
	return 0;
}

/* Reads until DISCONNECT; exit status 0 when its reason is want. */
static int expect_disconnect(struct client *cl, uint32_t want)
{
	struct ssh_msg m;
	for (int i = 0; i < 100; i++) {
		if (recv_msg(cl, &m, NULL, NULL) != 1)
			return 1;
		if (m.kind != ssh_msg_Transport_Disconnect)
			continue;
		const struct ssh_msg_Transport_Disconnect *d = &m.u.Transport_Disconnect;
		printf("DISCONNECT %u: %.*s\n", d->reason, (int)d->description.len,
		       (const char *)d->description.ptr);
		return d->reason == want ? 0 : 1;
	}
	fprintf(stderr, "e2e_hostile: no DISCONNECT\n");
	return 1;
}

/* Packs m into buf (no packet header); returns the length or 0 on failure. */
static size_t pack_payload(const struct ssh_msg *m, uint8_t *buf, size_t cap)
{
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len;
	mpl_writer_init(&w, buf, cap, 0, 0);
	if (ssh_msg_pack(&w, m, &err) < 0 || mpl_writer_finish(&w, &len) < 0)
		return 0;
	return len;
}

/* The keys of the exchange, installed as staged keys on the client's packet layer.
 * H is checked against the host key's signature first. Returns 0 or -1. */
static int client_keys(struct client *cl, const uint8_t *i_c, size_t i_c_len,
		       const uint8_t *i_s, size_t i_s_len, const struct kex_x25519 *x,
		       const uint8_t q_c[32], const struct ssh_msg_Transport_KexEcdhReply *r)
{
	uint8_t k_mag[32], kenc[64], h[32];
	int n = kex_x25519_shared(x, r->q_s.ptr, r->q_s.len, k_mag, sizeof(k_mag));
	if (n <= 0)
		return -1;
	int klen = kex_derive_encode_mpint(k_mag, (size_t)n, kenc, sizeof(kenc));
	if (klen <= 4)
		return -1;
	struct kex_hash_ecdh hin = {
		.v_c = mpl_bytes_str(V_C), .v_s = mpl_bytes_str(cl->v_s),
		.i_c = { i_c, i_c_len }, .i_s = { i_s, i_s_len },
		.k_s = r->k_s, .q_c = { q_c, 32 }, .q_s = r->q_s,
	};
	if (ck_exchange_hash_sha256(&hin, kenc, (size_t)klen, h) < 0)
		return -1;
	struct pubkey *hostkey;
	if (keyblob_decode(r->k_s.ptr, r->k_s.len, &hostkey) < 0)
		return -1;
	int v = sigblob_verify(hostkey, SIG_ALG_ED25519, r->signature.ptr, r->signature.len,
			       h, sizeof(h), 0);
	pubkey_free(hostkey);
	if (v < 0) {
		fprintf(stderr, "e2e_hostile: the host key's signature does not verify\n");
		return -1;
	}

	struct ssh_msg mc, ms;
	struct ssh_msg_state st = {0};
	struct mpl_error err = {0};
	struct kex_lists mine, theirs;
	struct kex_negotiated neg;
	if (ssh_msg_unpack(i_c, i_c_len, &st, &mc, &err) < 0 ||
	    ssh_msg_unpack(i_s, i_s_len, &st, &ms, &err) < 0)
		return -1;
	kex_lists_from_kexinit(&mc.u.Transport_KexInit, &mine);
	kex_lists_from_kexinit(&ms.u.Transport_KexInit, &theirs);
	if (kex_negotiate(&mine, false, &theirs, true, &neg) < 0)
		return -1;
	struct kex_derive_algs c2s = { neg.c2s.cipher, neg.c2s.mac };
	struct kex_derive_algs s2c = { neg.s2c.cipher, neg.s2c.mac };
	struct kex_keys keys;
	struct cipher_state *seal = NULL, *open = NULL;
	int rc = kex_derive_keys(HASH_SHA256, kenc, (size_t)klen, h, 32, h, 32, &c2s, &s2c,
				 &keys);
	if (rc == 0)
		rc = kex_dir_keys_cipher_state(&keys.c2s, CIPHER_SEAL, &seal);
	if (rc == 0)
		rc = kex_dir_keys_cipher_state(&keys.s2c, CIPHER_OPEN, &open);
	kex_keys_wipe(&keys);
	if (rc < 0) {
		cipher_state_free(seal);
		return -1;
	}
	if (neg.strict_kex)
		packet_set_strict_kex(cl->p);
	if (packet_stage_keys(cl->p, PACKET_OUT, seal, false) < 0 ||
	    packet_stage_keys(cl->p, PACKET_IN, open, false) < 0)
		return -1;
	return 0;
}

/* One curve25519-sha256 exchange offering only cipher and mac, NEWKEYS both ways.
 * Returns 0 or -1 (said on stderr). */
static int client_kex(struct client *cl, const char *cipher, const char *mac)
{
	struct ssh_msg m;
	uint8_t i_c[KEXINIT_MAX], i_s[KEXINIT_MAX], q_c[32];
	size_t i_c_len, i_s_len = 0;
	struct kex_x25519 *x = NULL;

	kexinit(&m, cipher, mac);
	i_c_len = pack_payload(&m, i_c, sizeof(i_c));
	if (i_c_len == 0 || send_msg(cl->fd, cl->p, &m) < 0)
		return -1;
	do {
		if (recv_msg(cl, &m, i_s, &i_s_len) != 1)
			return -1;
	} while (m.kind == ssh_msg_Transport_Ignore || m.kind == ssh_msg_Transport_Debug);
	if (m.kind != ssh_msg_Transport_KexInit) {
		fprintf(stderr, "e2e_hostile: %s instead of KEXINIT\n", ssh_msg_kind_name(m.kind));
		return -1;
	}
	if (kex_x25519_new(&x) < 0 || kex_x25519_public(x, q_c, sizeof(q_c)) != 32) {
		kex_x25519_free(x);
		return -1;
	}
	ssh_msg_init(&m, ssh_msg_Transport_KexEcdhInit);
	m.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ q_c, 32 };
	cl->st.kex_method = SSH_KEX_ECDH;
	int rc = send_msg(cl->fd, cl->p, &m);
	if (rc == 0 && (recv_msg(cl, &m, NULL, NULL) != 1 ||
			m.kind != ssh_msg_Transport_KexEcdhReply))
		rc = -1;
	if (rc == 0)
		rc = client_keys(cl, i_c, i_c_len, i_s, i_s_len, x, q_c,
				 &m.u.Transport_KexEcdhReply);
	kex_x25519_free(x);
	if (rc < 0) {
		fprintf(stderr, "e2e_hostile: key exchange failed\n");
		return -1;
	}
	if (recv_msg(cl, &m, NULL, NULL) != 1 || m.kind != ssh_msg_Transport_NewKeys ||
	    packet_newkeys_received(cl->p, 0) < 0) {
		fprintf(stderr, "e2e_hostile: no NEWKEYS from the server\n");
		return -1;
	}
	ssh_msg_init(&m, ssh_msg_Transport_NewKeys);
	if (send_msg(cl->fd, cl->p, &m) < 0 || packet_newkeys_sent(cl->p, 0) < 0)
		return -1;
	return 0;
}

/* After a key exchange with cipher and mac and one SERVICE_REQUEST answered, a packet
 * with one bit of its MAC or tag flipped (the last byte on the wire belongs to it in
 * every mode). Exit status as main's. */
static int bad_mac_case(struct client *cl, const char *cipher, const char *mac)
{
	struct ssh_msg m;
	if (client_kex(cl, cipher, mac) < 0)
		return 1;
	ssh_msg_init(&m, ssh_msg_Transport_ServiceRequest);
	m.u.Transport_ServiceRequest.service = mpl_bytes_str("ssh-userauth");
	if (send_msg(cl->fd, cl->p, &m) < 0)
		return 2;
	if (recv_msg(cl, &m, NULL, NULL) != 1 || m.kind != ssh_msg_Transport_ServiceAccept) {
		fprintf(stderr, "e2e_hostile: no SERVICE_ACCEPT under the new keys\n");
		return 1;
	}

	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len;
	const uint8_t *out;
	ssh_msg_init(&m, ssh_msg_Transport_Ignore);
	m.u.Transport_Ignore.data = mpl_bytes_str("one bit of my MAC is wrong");
	if (packet_begin(cl->p, 0, &w) < 0 || ssh_msg_pack(&w, &m, &err) < 0 ||
	    packet_commit(cl->p, &w, NULL) < 0)
		return 2;
	uint8_t wire[512];
	out = packet_tx_peek(cl->p, &len);
	if (out == NULL || len == 0 || len > sizeof(wire) || len != packet_tx_pending(cl->p))
		return 2;
	memcpy(wire, out, len);
	wire[len - 1] ^= 0x01;
	if (write_all(cl->fd, wire, len) < 0 || packet_tx_consume(cl->p, len) < 0)
		return 2;
	return expect_disconnect(cl, SSH_DISCONNECT_MAC_ERROR);
}

/* CASE mac_*: cipher and MAC of each. */
struct mac_case {
	const char *name, *cipher, *mac;
};
static const struct mac_case mac_cases[] = {
	{ "mac_chacha", "chacha20-poly1305@openssh.com", "hmac-sha2-256" },
	{ "mac_gcm", "aes128-gcm@openssh.com", "hmac-sha2-256" },
	{ "mac_etm", "aes128-ctr", "hmac-sha2-256-etm@openssh.com" },
	{ "mac_hmac", "aes256-ctr", "hmac-sha2-512" },
};

static int run(char **argv, struct client *cl);

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: e2e_hostile PORT CASE\n");
		return 2;
	}
	struct client cl = { .fd = -1 };
	int rc = run(argv, &cl);
	packet_free(cl.p);
	if (cl.fd >= 0)
		close(cl.fd);
	return rc;
}

/* The client's run; cl's packet layer and socket are freed by main whatever the
 * outcome. */
static int run(char **argv, struct client *cl)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	cl->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (cl->fd < 0 || connect(cl->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    packet_new(&cl->p, 0, 0) < 0) {
		perror("e2e_hostile: connect");
		return 2;
	}
	static const char version[] = V_C "\r\n";
	if (write_all(cl->fd, version, strlen(version)) < 0) {
		perror("e2e_hostile: write");
		return 2;
	}
	for (size_t i = 0; i < sizeof(mac_cases) / sizeof(mac_cases[0]); i++)
		if (strcmp(argv[2], mac_cases[i].name) == 0)
			return bad_mac_case(cl, mac_cases[i].cipher, mac_cases[i].mac);
	int rc = send_case(cl->fd, cl->p, argv[2]);
	if (rc == -2) {
		fprintf(stderr, "e2e_hostile: unknown case %s\n", argv[2]);
		return 2;
	}
	/* a write error is fine: the server may already have closed */
	return expect_disconnect(cl, SSH_DISCONNECT_PROTOCOL_ERROR);
}
