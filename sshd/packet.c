/* The SSH binary packet protocol over crypto/cipher.h (see packet.h). */
#include "sshd/packet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/compress.h"
#include "crypto/ct.h"
#include "crypto/random.h"

/* Room behind a payload: the most padding any block size needs, and the tag. */
#define MAX_PADDING (CIPHER_MAX_BLOCK_LEN + 3)
/* Below this much free room after the data, packet_rx_space compacts. */
#define RX_MIN_ROOM (16 * 1024)
/* Inflated payloads are bounded like packets (OpenSSH's PACKET_MAX_SIZE). */
#define INFLATE_BUF_SIZE PACKET_MAX_LEN

struct dir_state {
    struct cipher_state *cs;
    struct compress_state *zs;      /* the running zlib stream, when active */
    bool zlib;                      /* the current keys negotiated zlib@openssh.com */
    struct cipher_state *staged;    /* keys for the next NEWKEYS */
    bool staged_zlib;
    bool keyed;                     /* switched keys at least once */
    uint32_t seqnr;
    uint64_t packets, bytes;        /* since the keys were installed */
    uint64_t since;                 /* when they were installed */
    uint64_t cipher_byte_limit;     /* what the cipher itself tolerates per key */
};

struct packet {
    struct dir_state in, out;
    struct packet_rekey_limits lim;
    bool strict_kex;
    bool authenticated;             /* delayed compression may run */
    int err;                        /* sticky fatal error */
    enum packet_fault fault;

    /* Receive buffer: [rx_start, rx_end) is received and not yet framed. */
    uint8_t *rx;
    size_t rx_start, rx_end;
    size_t rx_touched;              /* bytes of rx ever written: what free wipes */
    size_t view_off, view_len;      /* plaintext of the packet last handed out */
    bool rx_len_known;
    uint32_t rx_packet_length;
    uint8_t *inflate_buf;           /* allocated when inbound compression starts */
    size_t inflate_used;

    /* Send queue, a bipartite buffer: region A = [a0, a1) is written first, then
     * region B = [0, b1) (on when packets had to start again at the front). Packets
     * never wrap, so each is sealed and written in place. */
    uint8_t *tx;
    size_t tx_cap, a0, a1, b1;
    size_t tx_touched;              /* bytes of tx ever queued: what free wipes (an
                                       aborted packet is wiped at once) */
    bool b_on;
    bool res_on, res_in_b;          /* a packet is begun: where its room is */
    size_t res_off, res_len;
    uint8_t *deflate_buf;           /* payloads to compress are built here */
    size_t deflate_cap;
};

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A fault of what was received leaves the send side intact: the DISCONNECT that tells
 * the peer why (RFC 4253 §11.1) can still be sealed and queued. */
static bool send_blocked(const struct packet *p)
{
    switch (p->fault) {
    case PACKET_FAULT_LENGTH:
    case PACKET_FAULT_PADDING:
    case PACKET_FAULT_MAC:
    case PACKET_FAULT_DECOMPRESS:
    case PACKET_FAULT_TRUNCATED:
        return false;
    default:
        return p->err != 0;
    }
}

static int fail(struct packet *p, enum packet_fault fault, int err)
{
    if (p->err == 0) {
        p->err = err;
        p->fault = fault;
    }
    return p->err;
}

static int none_state(struct cipher_state **cs, enum cipher_dir dir)
{
    return cipher_state_new(cs, cipher_alg_lookup("none", 4), NULL, dir,
                            NULL, 0, NULL, 0, NULL, 0);
}

/* RFC 4344 §3.2 bounds the blocks per key at 2^(L/4) for L-bit blocks; for the
 * 8-byte blocks it would be too small, where OpenSSH uses 1 GiB, as here. */
static uint64_t cipher_byte_limit(const struct cipher_state *cs)
{
    size_t block = cipher_block_len(cs);

    return block >= 16 ? (UINT64_C(1) << 32) * block : UINT64_C(1) << 30;
}

int packet_new(struct packet **out, size_t tx_queue_size, uint64_t now)
{
    struct packet *p;
    int r;

    if (out == NULL)
        return -EINVAL;
    *out = NULL;
    if (tx_queue_size == 0)
        tx_queue_size = PACKET_TX_QUEUE_DEFAULT;
    if (tx_queue_size < PACKET_TX_QUEUE_MIN)
        return -EINVAL;
    if (random_init() < 0)
        return -ENOMEM;
    if ((p = calloc(1, sizeof(*p))) == NULL)
        return -ENOMEM;
    p->tx_cap = tx_queue_size;
    p->rx = malloc(PACKET_RX_BUF_SIZE);
    p->tx = malloc(p->tx_cap);
    if (p->rx == NULL || p->tx == NULL) {
        packet_free(p);
        return -ENOMEM;
    }
    if ((r = none_state(&p->in.cs, CIPHER_OPEN)) < 0 ||
        (r = none_state(&p->out.cs, CIPHER_SEAL)) < 0) {
        packet_free(p);
        return r;
    }
    p->in.since = p->out.since = now;
    p->in.cipher_byte_limit = cipher_byte_limit(p->in.cs);
    p->out.cipher_byte_limit = cipher_byte_limit(p->out.cs);
    p->lim.bytes = PACKET_REKEY_DEFAULT_BYTES;
    p->lim.seconds = PACKET_REKEY_DEFAULT_SECONDS;
    p->lim.packets = PACKET_REKEY_MAX_PACKETS;
    *out = p;
    return 0;
}

static void dir_free(struct dir_state *d)
{
    cipher_state_free(d->cs);
    cipher_state_free(d->staged);
    compress_state_free(d->zs);
    d->cs = d->staged = NULL;
    d->zs = NULL;
}

void packet_free(struct packet *p)
{
    if (p == NULL)
        return;
    dir_free(&p->in);
    dir_free(&p->out);
    /* only what was ever used: most connections never touch most of the buffers */
    if (p->rx != NULL)
        ct_wipe(p->rx, p->rx_touched);
    if (p->tx != NULL)
        ct_wipe(p->tx, p->tx_touched);
    if (p->inflate_buf != NULL)
        ct_wipe(p->inflate_buf, INFLATE_BUF_SIZE);
    if (p->deflate_buf != NULL)
        ct_wipe(p->deflate_buf, p->deflate_cap);
    free(p->rx);
    free(p->tx);
    free(p->inflate_buf);
    free(p->deflate_buf);
    ct_wipe(p, sizeof(*p));
    free(p);
}

int packet_set_rekey_limits(struct packet *p, const struct packet_rekey_limits *lim)
{
    if (p == NULL || lim == NULL)
        return -EINVAL;
    p->lim = *lim;
    if (p->lim.packets == 0 || p->lim.packets > PACKET_REKEY_MAX_PACKETS)
        p->lim.packets = PACKET_REKEY_MAX_PACKETS;
    return 0;
}

void packet_set_strict_kex(struct packet *p)
{
    if (p != NULL)
        p->strict_kex = true;
}

/* Starts the zlib stream of a direction when its keys ask for one and the user is
 * authenticated (zlib@openssh.com), with the buffer it works through. */
static int start_compression(struct packet *p, struct dir_state *d, enum compress_dir cd)
{
    int r;

    if (!d->zlib || !p->authenticated || d->zs != NULL)
        return 0;
    if (cd == COMPRESS_INFLATE && p->inflate_buf == NULL &&
        (p->inflate_buf = malloc(INFLATE_BUF_SIZE)) == NULL)
        return -ENOMEM;
    if (cd == COMPRESS_DEFLATE && p->deflate_buf == NULL) {
        p->deflate_cap = PACKET_MAX_PAYLOAD;
        if ((p->deflate_buf = malloc(p->deflate_cap)) == NULL)
            return -ENOMEM;
    }
    if ((r = compress_state_new(&d->zs, cd)) < 0)
        return r;
    return 0;
}

int packet_enable_delayed_compression(struct packet *p)
{
    int r;

    if (p == NULL)
        return -EINVAL;
    if (p->err != 0)
        return p->err;
    if (p->res_on)
        return -EBUSY;      /* a payload half built uncompressed */
    p->authenticated = true;
    if ((r = start_compression(p, &p->out, COMPRESS_DEFLATE)) < 0 ||
        (r = start_compression(p, &p->in, COMPRESS_INFLATE)) < 0)
        return fail(p, PACKET_FAULT_CRYPTO, r);
    return 0;
}

/* Counts a packet and moves the direction's sequence number on; wrapping to 0 before
 * the initial exchange has completed is fatal (PROPERTIES T5: a peer that could make
 * us wrap there could shift the numbers the exchange authenticates). */
static int count_packet(struct packet *p, struct dir_state *d, size_t wire_len)
{
    d->packets++;
    d->bytes += wire_len;
    if (++d->seqnr == 0 && !packet_initial_kex_done(p))
        return fail(p, PACKET_FAULT_SEQNR_WRAP, -EPROTO);
    return 0;
}

/* ---------------------------------------------------------------- receiving --- */

/* Ends the payload view handed out last: its plaintext is wiped. */
static void release_view(struct packet *p)
{
    if (p->view_len > 0) {
        ct_wipe(p->rx + p->view_off, p->view_len);
        p->view_len = 0;
    }
    if (p->inflate_used > 0) {
        ct_wipe(p->inflate_buf, p->inflate_used);
        p->inflate_used = 0;
    }
    if (p->rx_start == p->rx_end)
        p->rx_start = p->rx_end = 0;
}

int packet_rx_space(struct packet *p, uint8_t **buf, size_t *room)
{
    size_t pending, want;

    if (p == NULL || buf == NULL || room == NULL)
        return -EINVAL;
    if (p->err != 0)
        return p->err;
    release_view(p);
    pending = p->rx_end - p->rx_start;
    want = RX_MIN_ROOM;
    if (p->rx_len_known) {
        size_t total = 4 + (size_t)p->rx_packet_length + cipher_tag_len(p->in.cs);

        if (total > pending && total - pending > want)
            want = total - pending;
    }
    if (PACKET_RX_BUF_SIZE - p->rx_end < want && p->rx_start > 0) {
        /* a partial packet moves to the front: rare with a buffer of two packets */
        memmove(p->rx, p->rx + p->rx_start, pending);
        p->rx_start = 0;
        p->rx_end = pending;
    }
    if (p->rx_end == PACKET_RX_BUF_SIZE)
        return -ENOSPC;     /* the caller read on without framing */
    *buf = p->rx + p->rx_end;
    *room = PACKET_RX_BUF_SIZE - p->rx_end;
    return 0;
}

int packet_rx_commit(struct packet *p, size_t n)
{
    if (p == NULL || n > PACKET_RX_BUF_SIZE - p->rx_end)
        return -EINVAL;
    p->rx_end += n;
    if (p->rx_end > p->rx_touched)
        p->rx_touched = p->rx_end;
    return 0;
}

const uint8_t *packet_rx_peek(const struct packet *p, size_t *len)
{
    if (p == NULL || len == NULL)
        return NULL;
    *len = p->rx_end - p->rx_start;
    return p->rx + p->rx_start;
}

int packet_rx_discard(struct packet *p, size_t n)
{
    if (p == NULL || n > p->rx_end - p->rx_start || p->rx_len_known)
        return -EINVAL;
    p->rx_start += n;
    return 0;
}

int packet_rx_eof(struct packet *p)
{
    if (p == NULL)
        return -EINVAL;
    if (p->err != 0)
        return p->err;
    if (p->rx_end > p->rx_start)
        return fail(p, PACKET_FAULT_TRUNCATED, -EPIPE);
    return 0;
}

static bool is_plaintext(const struct cipher_state *cs)
{
    return cipher_tag_len(cs) == 0 && cipher_head_len(cs) == 4 &&
           cipher_block_len(cs) == 8;
}

int packet_next(struct packet *p, struct packet_in *in)
{
    struct cipher_state *cs;
    uint8_t *pkt;
    size_t avail, total, pad, plen;
    ssize_t n;
    uint32_t seqnr;
    int r;

    if (p == NULL || in == NULL)
        return -EINVAL;
    if (p->err != 0)
        return p->err;
    release_view(p);
    cs = p->in.cs;
    seqnr = p->in.seqnr;
    pkt = p->rx + p->rx_start;
    avail = p->rx_end - p->rx_start;
    if (!p->rx_len_known) {
        if (avail < cipher_head_len(cs))
            return 0;
        r = cipher_open_length(cs, seqnr, pkt, avail, &p->rx_packet_length);
        if (r == -EBADMSG)
            return fail(p, PACKET_FAULT_LENGTH, -EBADMSG);
        if (r < 0)
            return fail(p, PACKET_FAULT_CRYPTO, -EPROTO);
        p->rx_len_known = true;
    }
    total = 4 + (size_t)p->rx_packet_length + cipher_tag_len(cs);
    if (avail < total)
        return 0;
    /* In the clear the padding can be judged before the cipher does: the fault is
     * then named exactly. Keyed, the cipher checks it only after authenticating. */
    if (is_plaintext(cs) && (pkt[4] < 4 || (size_t)pkt[4] + 1 > p->rx_packet_length))
        return fail(p, PACKET_FAULT_PADDING, -EBADMSG);
    n = cipher_open(cs, seqnr, pkt, total);
    if (n == -EBADMSG)
        return fail(p, is_plaintext(cs) ? PACKET_FAULT_PADDING : PACKET_FAULT_MAC,
                    -EBADMSG);
    if (n < 0)
        return fail(p, PACKET_FAULT_CRYPTO, -EPROTO);
    p->rx_len_known = false;
    pad = pkt[4];
    plen = p->rx_packet_length - pad - 1;
    p->view_off = p->rx_start;
    p->view_len = 4 + (size_t)p->rx_packet_length;
    p->rx_start += total;
    if ((r = count_packet(p, &p->in, total)) < 0)
        return r;
    in->seqnr = seqnr;
    if (p->in.zs != NULL) {
        n = decompress_packet(p->in.zs, pkt + 5, plen, p->inflate_buf, INFLATE_BUF_SIZE);
        if (n == -EBADMSG)
            return fail(p, PACKET_FAULT_DECOMPRESS, -EBADMSG);
        if (n < 0)
            return fail(p, PACKET_FAULT_CRYPTO, -EPROTO);
        p->inflate_used = (size_t)n;
        in->payload = p->inflate_buf;
        in->len = (size_t)n;
    } else {
        in->payload = pkt + 5;
        in->len = plen;
    }
    return 1;
}

/* ------------------------------------------------------------------ sending --- */

static size_t tail_room(const struct packet *p)
{
    return MAX_PADDING + cipher_tag_len(p->out.cs);
}

/* When region A has been written out, region B (if any) becomes A; an empty queue
 * starts again at the front unless a begun packet sits where A ends. */
static void tx_normalise(struct packet *p)
{
    if (p->a0 != p->a1)
        return;
    if (p->b_on) {
        p->a0 = 0;
        p->a1 = p->b1;
        p->b1 = 0;
        p->b_on = false;
        p->res_in_b = false;    /* a begun packet there now follows A */
    } else if (!p->res_on) {
        p->a0 = p->a1 = 0;
    }
}

/* Payload bytes that fit in a run of len bytes: header, padding and tag aside, at
 * most PACKET_MAX_PAYLOAD; with compression, what deflates into it in the worst case.
 * -1 when not even an empty payload fits. */
static ssize_t payload_fits(const struct packet *p, size_t len)
{
    size_t body, n;

    if (len < 5 + tail_room(p))
        return -1;
    body = len - 5 - tail_room(p);
    if (body > PACKET_MAX_PAYLOAD)
        body = PACKET_MAX_PAYLOAD;
    if (p->out.zs == NULL)
        return (ssize_t)body;
    if (body < compress_bound(0))
        return -1;
    n = (body - compress_bound(0)) / 1025 * 1024;
    while (n > 0 && compress_bound(n) > body)
        n--;
    while (compress_bound(n + 1) <= body)
        n++;
    return (ssize_t)n;
}

/* Where a packet with min_payload bytes of payload goes: after region A when it fits
 * there, else at the front (starting or extending region B). Returns the run length
 * (0 when there is no such room). */
static size_t choose_run(struct packet *p, size_t min_payload, size_t *off, bool *in_b)
{
    size_t run;

    if (p->b_on) {
        *off = p->b1;
        *in_b = true;
        run = p->a0 - p->b1;
    } else if (p->a0 == p->a1) {
        p->a0 = p->a1 = 0;
        *off = 0;
        *in_b = false;
        run = p->tx_cap;
    } else if (payload_fits(p, p->tx_cap - p->a1) >= (ssize_t)min_payload) {
        *off = p->a1;
        *in_b = false;
        run = p->tx_cap - p->a1;
    } else {
        *off = 0;
        *in_b = true;
        run = p->a0;
    }
    return payload_fits(p, run) >= (ssize_t)min_payload ? run : 0;
}

size_t packet_tx_room(const struct packet *p)
{
    size_t run;
    ssize_t fits;

    if (p == NULL || send_blocked(p) || p->res_on)
        return 0;
    if (p->b_on)
        run = p->a0 - p->b1;
    else if (p->a0 == p->a1)
        run = p->tx_cap;
    else
        run = p->tx_cap - p->a1 > p->a0 ? p->tx_cap - p->a1 : p->a0;
    fits = payload_fits(p, run);
    return fits < 0 ? 0 : (size_t)fits;
}

int packet_begin(struct packet *p, size_t min_payload, struct mpl_writer *w)
{
    size_t off, run, fits;
    bool in_b;

    if (p == NULL || w == NULL)
        return -EINVAL;
    if (send_blocked(p))
        return p->err;
    if (p->res_on)
        return -EBUSY;
    if (min_payload > PACKET_MAX_PAYLOAD)
        return -EINVAL;
    if ((run = choose_run(p, min_payload, &off, &in_b)) == 0)
        return -ENOSPC;
    if (run > PACKET_MAX_WIRE)
        run = PACKET_MAX_WIRE;
    fits = (size_t)payload_fits(p, run);
    p->res_on = true;
    p->res_in_b = in_b;
    p->res_off = off;
    p->res_len = run;
    if (p->out.zs == NULL)
        return mpl_writer_init(w, p->tx + off, 5 + fits + tail_room(p), 5, tail_room(p));
    /* built aside, deflated into the run at commit */
    return mpl_writer_init(w, p->deflate_buf, fits, 0, 0);
}

void packet_abort(struct packet *p)
{
    if (p == NULL || !p->res_on)
        return;
    ct_wipe(p->tx + p->res_off, p->res_len);
    if (p->deflate_buf != NULL)
        ct_wipe(p->deflate_buf, p->deflate_cap);
    p->res_on = false;
    tx_normalise(p);
}

int packet_commit(struct packet *p, const struct mpl_writer *w, uint32_t *seqnr_out)
{
    struct cipher_state *cs;
    uint8_t *pkt;
    size_t plen, pkt_len;
    ssize_t n;
    uint32_t seqnr;
    int pad, r;

    if (p == NULL || w == NULL)
        return -EINVAL;
    if (send_blocked(p))
        return p->err;
    if (!p->res_on)
        return -EINVAL;
    pkt = p->tx + p->res_off;
    if (p->out.zs == NULL ? (w->buf != pkt || w->head != 5) : w->buf != p->deflate_buf)
        return -EINVAL;
    if ((r = mpl_writer_finish(w, &plen)) < 0) {
        packet_abort(p);
        return r;
    }
    cs = p->out.cs;
    if (p->out.zs != NULL) {
        size_t room = p->res_len - 5 - tail_room(p);

        n = compress_packet(p->out.zs, p->deflate_buf, plen, pkt + 5,
                            room < PACKET_MAX_PAYLOAD ? room : PACKET_MAX_PAYLOAD);
        ct_wipe(p->deflate_buf, plen);
        if (n < 0) {
            packet_abort(p);
            return fail(p, PACKET_FAULT_CRYPTO, -EPROTO);
        }
        plen = (size_t)n;
    }
    if ((pad = cipher_padding_len(cs, plen)) < 0) {
        packet_abort(p);
        return fail(p, PACKET_FAULT_CRYPTO, -EPROTO);
    }
    pkt_len = 5 + plen + (size_t)pad;
    put_be32(pkt, (uint32_t)(pkt_len - 4));
    pkt[4] = (uint8_t)pad;
    random_bytes(pkt + 5 + plen, (size_t)pad);
    seqnr = p->out.seqnr;
    n = cipher_seal(cs, seqnr, pkt, pkt_len, p->res_len);
    if (n < 0) {
        packet_abort(p);
        return fail(p, PACKET_FAULT_CRYPTO, -EPROTO);
    }
    if (p->res_off + (size_t)n > p->tx_touched)
        p->tx_touched = p->res_off + (size_t)n;
    if (p->res_in_b) {
        p->b1 = p->res_off + (size_t)n;
        p->b_on = true;
    } else {
        p->a1 = p->res_off + (size_t)n;
    }
    p->res_on = false;
    tx_normalise(p);
    if (seqnr_out != NULL)
        *seqnr_out = seqnr;
    return count_packet(p, &p->out, (size_t)n);
}

size_t packet_tx_pending(const struct packet *p)
{
    if (p == NULL)
        return 0;
    return (p->a1 - p->a0) + (p->b_on ? p->b1 : 0);
}

const uint8_t *packet_tx_peek(const struct packet *p, size_t *len)
{
    if (p == NULL || len == NULL)
        return NULL;
    *len = p->a1 - p->a0;
    return *len > 0 ? p->tx + p->a0 : NULL;
}

int packet_tx_consume(struct packet *p, size_t n)
{
    if (p == NULL || n > p->a1 - p->a0)
        return -EINVAL;
    p->a0 += n;
    tx_normalise(p);
    return 0;
}

/* --------------------------------------------------------------------- keys --- */

int packet_stage_keys(struct packet *p, enum packet_dir dir, struct cipher_state *cs,
                      bool zlib)
{
    struct dir_state *d;

    if (p == NULL || cs == NULL || (dir != PACKET_IN && dir != PACKET_OUT)) {
        cipher_state_free(cs);
        return -EINVAL;
    }
    d = dir == PACKET_IN ? &p->in : &p->out;
    cipher_state_free(d->staged);
    d->staged = cs;
    d->staged_zlib = zlib;
    return 0;
}

static int install_keys(struct packet *p, struct dir_state *d, enum compress_dir cd,
                        uint64_t now)
{
    int r;

    if (p->err != 0)
        return p->err;
    if (d->staged == NULL)
        return fail(p, PACKET_FAULT_KEYS, -EPROTO);
    cipher_state_free(d->cs);
    d->cs = d->staged;
    d->staged = NULL;
    d->zlib = d->staged_zlib;
    /* a new stream per key, as OpenSSH restarts it at every NEWKEYS */
    compress_state_free(d->zs);
    d->zs = NULL;
    if (p->strict_kex)
        d->seqnr = 0;
    d->packets = d->bytes = 0;
    d->since = now;
    d->keyed = true;
    d->cipher_byte_limit = cipher_byte_limit(d->cs);
    if ((r = start_compression(p, d, cd)) < 0)
        return fail(p, PACKET_FAULT_CRYPTO, r);
    return 0;
}

int packet_newkeys_sent(struct packet *p, uint64_t now)
{
    if (p == NULL)
        return -EINVAL;
    if (p->res_on)
        return -EBUSY;
    return install_keys(p, &p->out, COMPRESS_DEFLATE, now);
}

int packet_newkeys_received(struct packet *p, uint64_t now)
{
    if (p == NULL)
        return -EINVAL;
    if (p->rx_len_known)
        return -EINVAL;     /* a packet after NEWKEYS was framed with the old keys */
    return install_keys(p, &p->in, COMPRESS_INFLATE, now);
}

/* ----------------------------------------------------------------- counters --- */

static const struct dir_state *dir_of(const struct packet *p, enum packet_dir dir)
{
    return dir == PACKET_IN ? &p->in : &p->out;
}

uint32_t packet_seqnr(const struct packet *p, enum packet_dir dir)
{
    return p == NULL ? 0 : dir_of(p, dir)->seqnr;
}

uint64_t packet_key_packets(const struct packet *p, enum packet_dir dir)
{
    return p == NULL ? 0 : dir_of(p, dir)->packets;
}

uint64_t packet_key_bytes(const struct packet *p, enum packet_dir dir)
{
    return p == NULL ? 0 : dir_of(p, dir)->bytes;
}

bool packet_initial_kex_done(const struct packet *p)
{
    return p != NULL && p->in.keyed && p->out.keyed;
}

static bool dir_exhausted(const struct packet *p, const struct dir_state *d, uint64_t now)
{
    if (d->packets >= p->lim.packets || d->bytes >= d->cipher_byte_limit)
        return true;
    if (p->lim.bytes != 0 && d->bytes >= p->lim.bytes)
        return true;
    return p->lim.seconds != 0 && now >= d->since && now - d->since >= p->lim.seconds;
}

bool packet_needs_rekey(const struct packet *p, uint64_t now)
{
    if (p == NULL || !packet_initial_kex_done(p))
        return false;
    return dir_exhausted(p, &p->in, now) || dir_exhausted(p, &p->out, now);
}

void packet_test_set_seqnr(struct packet *p, enum packet_dir dir, uint32_t seqnr)
{
    if (p != NULL)
        (dir == PACKET_IN ? &p->in : &p->out)->seqnr = seqnr;
}

/* ------------------------------------------------------------------- errors --- */

enum packet_fault packet_fault(const struct packet *p)
{
    return p == NULL ? PACKET_FAULT_NONE : p->fault;
}

enum ssh_disconnect_reason packet_disconnect_reason(const struct packet *p, int err)
{
    switch (packet_fault(p)) {
    case PACKET_FAULT_LENGTH:
    case PACKET_FAULT_PADDING:
    case PACKET_FAULT_SEQNR_WRAP:
    case PACKET_FAULT_KEYS:
        return SSH_DISCONNECT_PROTOCOL_ERROR;
    case PACKET_FAULT_MAC:
        return SSH_DISCONNECT_MAC_ERROR;
    case PACKET_FAULT_DECOMPRESS:
        return SSH_DISCONNECT_COMPRESSION_ERROR;
    case PACKET_FAULT_TRUNCATED:
        return SSH_DISCONNECT_CONNECTION_LOST;
    case PACKET_FAULT_CRYPTO:
        return SSH_DISCONNECT_BY_APPLICATION;
    case PACKET_FAULT_NONE:
        break;
    }
    switch (err) {
    case -EBADMSG:
    case -EPROTO:
        return SSH_DISCONNECT_PROTOCOL_ERROR;
    case -EPIPE:
        return SSH_DISCONNECT_CONNECTION_LOST;
    default:
        return SSH_DISCONNECT_BY_APPLICATION;
    }
}

const char *packet_error_cause(const struct packet *p, int err)
{
    switch (packet_fault(p)) {
    case PACKET_FAULT_LENGTH:
        return "bad packet length";
    case PACKET_FAULT_PADDING:
        return "bad padding length";
    case PACKET_FAULT_MAC:
        return "corrupted MAC on input";
    case PACKET_FAULT_DECOMPRESS:
        return "decompression failed";
    case PACKET_FAULT_SEQNR_WRAP:
        return "sequence number wrapped during the initial key exchange";
    case PACKET_FAULT_TRUNCATED:
        return "connection closed inside a packet";
    case PACKET_FAULT_CRYPTO:
        return "packet protection failed";
    case PACKET_FAULT_KEYS:
        return "NEWKEYS without new keys";
    case PACKET_FAULT_NONE:
        break;
    }
    switch (err) {
    case -EBADMSG:
        return "malformed packet";
    case -EPROTO:
        return "protocol error";
    case -ENOMEM:
        return "out of memory";
    case -ENOSPC:
        return "send queue full";
    default:
        return "packet layer error";
    }
}
