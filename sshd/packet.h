/* The SSH binary packet protocol (RFC 4253 §6) of one connection, both directions,
 * over crypto/cipher.h, on the data path of DESIGN §2.
 *
 * Receiving. The event loop reads from the socket straight into the receive buffer
 * (packet_rx_space, then packet_rx_commit with the count read). packet_next() then
 * frames what arrived: it learns the length once the first bytes are in, waits for
 * the whole packet, authenticates and decrypts it in place, checks the padding,
 * inflates it when zlib@openssh.com is active, and hands back a view of the payload
 * and its sequence number. The view stays valid until the next packet_next() or
 * packet_rx_space() call; its plaintext is wiped then.
 *
 * Sending. packet_begin() hands out an mpl/rt writer positioned at the payload inside
 * the send queue, with room for the header in front and for padding and MAC behind;
 * the caller builds the payload there (a generated codec's pack, or channel data read
 * straight into it). packet_commit() pads with random bytes, seals in place and
 * queues the packet; packet_abort() drops it. No allocation, no copy of the payload
 * (with compression on, the payload is built in a scratch buffer and deflated into
 * the queue: zlib cannot work in place). The queue is bounded: packet_begin() answers
 * -ENOSPC when it is full, and the loop then waits for the socket to take bytes
 * (packet_tx_peek, packet_tx_consume).
 *
 * Keys. The transport stages the new keys of a direction (packet_stage_keys) once
 * the key exchange has derived them, and calls packet_newkeys_sent() right after
 * committing its NEWKEYS and packet_newkeys_received() right after packet_next()
 * returned the peer's: the direction switches to the staged keys, its per-key
 * counters restart, and with strict kex (OpenSSH's PROTOCOL, set by
 * packet_set_strict_kex) its sequence number restarts at 0.
 *
 * Errors are negative errno values; the first receive or seal failure is fatal and
 * sticky (the connection must end, never resynchronise); after a fault of what was
 * received (length, padding, MAC, decompression, truncation) the send side still
 * seals, so that a DISCONNECT can tell the peer why. packet_disconnect_reason()
 * and packet_error_cause() turn an error into the DISCONNECT reason code and a short
 * cause for the log line. */
#ifndef MSSHD_SSHD_PACKET_H
#define MSSHD_SSHD_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/cipher.h"
#include "mpl/rt/mpl_rt.h"

/* RFC 4253 §11.1 disconnect reason codes. */
enum ssh_disconnect_reason {
    SSH_DISCONNECT_HOST_NOT_ALLOWED_TO_CONNECT = 1,
    SSH_DISCONNECT_PROTOCOL_ERROR = 2,
    SSH_DISCONNECT_KEY_EXCHANGE_FAILED = 3,
    SSH_DISCONNECT_RESERVED = 4,
    SSH_DISCONNECT_MAC_ERROR = 5,
    SSH_DISCONNECT_COMPRESSION_ERROR = 6,
    SSH_DISCONNECT_SERVICE_NOT_AVAILABLE = 7,
    SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED = 8,
    SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE = 9,
    SSH_DISCONNECT_CONNECTION_LOST = 10,
    SSH_DISCONNECT_BY_APPLICATION = 11,
    SSH_DISCONNECT_TOO_MANY_CONNECTIONS = 12,
    SSH_DISCONNECT_AUTH_CANCELLED_BY_USER = 13,
    SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE = 14,
    SSH_DISCONNECT_ILLEGAL_USER_NAME = 15,
};

/* Largest packet_length accepted and produced (OpenSSH's PACKET_MAX_SIZE). */
#define PACKET_MAX_LEN CIPHER_MAX_PACKET_LEN
/* Largest payload a packet carries whatever the cipher: packet_length less the
 * padding-length byte and the most padding any block size needs (4 + 15). */
#define PACKET_MAX_PAYLOAD (PACKET_MAX_LEN - 1 - (CIPHER_MAX_BLOCK_LEN + 3))
/* Largest packet on the wire: length field, packet, tag. */
#define PACKET_MAX_WIRE (4 + PACKET_MAX_LEN + CIPHER_MAX_TAG_LEN)
/* Receive buffer: two whole packets, so that reads are rarely short of room and
 * the buffer is rarely compacted. */
#define PACKET_RX_BUF_SIZE (2 * PACKET_MAX_WIRE)
/* Default and smallest send queue. */
#define PACKET_TX_QUEUE_DEFAULT (4 * PACKET_MAX_WIRE)
#define PACKET_TX_QUEUE_MIN PACKET_MAX_WIRE

/* Re-key triggers (PROPERTIES T5): by default after 1 GiB or 1 hour per key, and in
 * any case after PACKET_REKEY_MAX_PACKETS packets, far below the 2^31 at which
 * OpenSSH forces one and the 2^32 at which sequence numbers wrap. */
#define PACKET_REKEY_DEFAULT_BYTES (1ull << 30)
#define PACKET_REKEY_DEFAULT_SECONDS 3600u
#define PACKET_REKEY_MAX_PACKETS (1u << 28)

enum packet_dir {
    PACKET_IN,      /* what we receive (client to server) */
    PACKET_OUT,     /* what we send */
};

/* Why the connection failed, for the DISCONNECT reason and the log. */
enum packet_fault {
    PACKET_FAULT_NONE = 0,
    PACKET_FAULT_LENGTH,        /* packet_length 0, short, over 256 KiB or misaligned */
    PACKET_FAULT_PADDING,       /* padding length under 4 or past the packet */
    PACKET_FAULT_MAC,           /* tag/MAC check failed (or, keyed, the padding) */
    PACKET_FAULT_DECOMPRESS,    /* zlib stream broken, ended, or inflating too far */
    PACKET_FAULT_SEQNR_WRAP,    /* a sequence number wrapped in the initial exchange */
    PACKET_FAULT_TRUNCATED,     /* the peer closed in the middle of a packet */
    PACKET_FAULT_CRYPTO,        /* the cipher or compressor failed internally */
    PACKET_FAULT_KEYS,          /* NEWKEYS with no keys staged */
};

struct packet_rekey_limits {
    uint64_t bytes;     /* per direction per key; 0: only the cipher's own limit */
    uint32_t seconds;   /* per key; 0: no time limit */
    uint32_t packets;   /* per direction per key; 0 or over the max: the max */
};

struct packet;

/* A connection's packet layer: none cipher both ways, sequence numbers 0, default
 * re-key limits. tx_queue_size 0 means PACKET_TX_QUEUE_DEFAULT; smaller than
 * PACKET_TX_QUEUE_MIN is -EINVAL. now is the monotonic clock in seconds (the
 * caller's clock, for the time limit). Returns 0, -EINVAL, -ENOMEM. */
int packet_new(struct packet **out, size_t tx_queue_size, uint64_t now);
/* Wipes every buffer and key and releases them; NULL is fine. */
void packet_free(struct packet *p);

int packet_set_rekey_limits(struct packet *p, const struct packet_rekey_limits *lim);
/* Strict key exchange was negotiated (in the initial exchange): every NEWKEYS from
 * now on resets that direction's sequence number. */
void packet_set_strict_kex(struct packet *p);
/* User authentication succeeded: zlib@openssh.com ("delayed") compression starts now
 * in each direction whose current keys negotiated it, and at every later NEWKEYS.
 * Call right after committing USERAUTH_SUCCESS. Returns 0, -ENOMEM. */
int packet_enable_delayed_compression(struct packet *p);

/* --- receiving --- */

/* Free room at the end of the receive buffer to read into (after moving a partial
 * packet to the front when the room left is short). Ends the previous payload view.
 * Returns 0 (with *room > 0), -ENOSPC when the caller kept reading without framing
 * (packet_next until it returns 0 first), or the sticky error. */
int packet_rx_space(struct packet *p, uint8_t **buf, size_t *room);
/* n bytes were read into the room packet_rx_space gave. Returns 0 or -EINVAL. */
int packet_rx_commit(struct packet *p, size_t n);
/* Received bytes not yet framed (for the identification line, which precedes the
 * first packet), and discarding n of them. */
const uint8_t *packet_rx_peek(const struct packet *p, size_t *len);
int packet_rx_discard(struct packet *p, size_t n);
/* The peer closed the connection: -EPIPE when it did so inside a packet (the fault
 * is then PACKET_FAULT_TRUNCATED), 0 when it closed between packets. */
int packet_rx_eof(struct packet *p);

struct packet_in {
    const uint8_t *payload;     /* zero-copy, valid until packet_next/packet_rx_space */
    size_t len;                 /* may be 0: a payload has no message number then,
                                   which the message classifier rejects */
    uint32_t seqnr;             /* the packet's sequence number (for UNIMPLEMENTED) */
};

/* Frames the next packet from the bytes received. Returns 1 with *in set, 0 when more
 * bytes are needed, or a fatal error: -EBADMSG (length, padding, MAC, compression),
 * -EPROTO (sequence number wrap in the initial exchange, cipher failure), -EINVAL. */
int packet_next(struct packet *p, struct packet_in *in);

/* --- sending --- */

/* Starts a packet: *w writes the payload in place. min_payload is the payload size the
 * caller needs room for (it may write more, up to what the writer allows). Returns 0,
 * -ENOSPC when the queue has no such room now (flush and retry), -EBUSY when a packet
 * is already begun, -EINVAL (min_payload over the maximum), or the sticky error. */
int packet_begin(struct packet *p, size_t min_payload, struct mpl_writer *w);
/* Pads, seals and queues the packet begun with *w. *seqnr (may be NULL) gets its
 * sequence number. Returns 0; the writer's own error (-ENOSPC when the payload did
 * not fit; the packet is dropped, nothing is queued); -EINVAL (no packet begun, or w
 * not from packet_begin); -EPROTO (sequence number wrap in the initial exchange,
 * seal failure: fatal). */
int packet_commit(struct packet *p, const struct mpl_writer *w, uint32_t *seqnr);
/* Drops the packet begun, wiping what was written. */
void packet_abort(struct packet *p);
/* The largest payload packet_begin could give right now. */
size_t packet_tx_room(const struct packet *p);

/* Bytes waiting to be written, in total; the loop polls for writability while > 0. */
size_t packet_tx_pending(const struct packet *p);
/* The first contiguous run of bytes to write (NULL, 0 when none). */
const uint8_t *packet_tx_peek(const struct packet *p, size_t *len);
/* n bytes of that run were written. Returns 0 or -EINVAL (more than the run). */
int packet_tx_consume(struct packet *p, size_t n);

/* --- keys --- */

/* Stages the next keys of a direction (cs made with CIPHER_OPEN for PACKET_IN,
 * CIPHER_SEAL for PACKET_OUT); the packet layer owns cs from now on, also on failure.
 * zlib: zlib@openssh.com was negotiated for that direction. Replaces keys staged
 * before. Returns 0, -EINVAL (NULL cs or a bad direction). */
int packet_stage_keys(struct packet *p, enum packet_dir dir, struct cipher_state *cs,
                      bool zlib);
/* NEWKEYS went out (the packet is committed) / came in (packet_next returned it, and
 * packet_next has not been called since: the next packet is under the new keys):
 * installs the staged keys of that direction. Returns 0, -EPROTO (nothing staged:
 * fatal, PACKET_FAULT_KEYS), -EBUSY (a packet is begun), -EINVAL (a later packet is
 * already being framed), -ENOMEM (compression stream). */
int packet_newkeys_sent(struct packet *p, uint64_t now);
int packet_newkeys_received(struct packet *p, uint64_t now);

/* --- counters --- */

/* The sequence number the next packet of a direction will carry. */
uint32_t packet_seqnr(const struct packet *p, enum packet_dir dir);
/* Packets and wire bytes of a direction since its keys were installed. */
uint64_t packet_key_packets(const struct packet *p, enum packet_dir dir);
uint64_t packet_key_bytes(const struct packet *p, enum packet_dir dir);
/* True once both directions have switched keys at least once. */
bool packet_initial_kex_done(const struct packet *p);
/* True when a limit of the current keys is reached (never during the initial
 * exchange): the transport should start a re-key. */
bool packet_needs_rekey(const struct packet *p, uint64_t now);

/* For tests of the 2^32 wrap only: sets the next sequence number of a direction. */
void packet_test_set_seqnr(struct packet *p, enum packet_dir dir, uint32_t seqnr);

/* --- errors --- */

/* The fault recorded with the fatal error, PACKET_FAULT_NONE before any. */
enum packet_fault packet_fault(const struct packet *p);
/* The DISCONNECT reason for err returned by a packet_* call (the recorded fault
 * decides when there is one): PROTOCOL_ERROR, MAC_ERROR, COMPRESSION_ERROR,
 * CONNECTION_LOST, BY_APPLICATION (our own failure). */
enum ssh_disconnect_reason packet_disconnect_reason(const struct packet *p, int err);
/* A short cause for the log line and the DISCONNECT description. */
const char *packet_error_cause(const struct packet *p, int err);

#endif
