/* libFuzzer target: the receive path of sshd/packet.h (packet_next), which frames
 * bytes from the network before anything is authenticated.
 * Byte 0: mode (low 2 bits) and cipher (next bits); byte 1: the size of the reads
 * the bytes arrive in; the rest is data.
 *  mode 0: the data is wire bytes under the none cipher: framing must never read out
 *          of bounds, a payload lies inside its packet, an error is sticky;
 *  mode 1: the data is wire bytes under a keyed cipher: nothing may be accepted (a
 *          forgery), and the error names MAC or length;
 *  mode 2: the data is cut into payloads, sent under a keyed cipher (compression on
 *          for odd reads) and received in reads of the chosen size: every payload
 *          must come back unchanged with consecutive sequence numbers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cipher.h"
#include "crypto/mac.h"
#include "sshd/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const pairs[][2] = {
    { "chacha20-poly1305@openssh.com", NULL },
    { "aes128-gcm@openssh.com", NULL },
    { "aes256-ctr", "hmac-sha2-256" },
    { "aes128-ctr", "hmac-sha2-512-etm@openssh.com" },
};
#define N_PAIRS (sizeof(pairs) / sizeof(pairs[0]))

static struct cipher_state *keyed(const char *const pair[2], enum cipher_dir dir)
{
    const struct cipher_alg *c = cipher_alg_lookup(pair[0], strlen(pair[0]));
    const struct mac_alg *m = pair[1] != NULL ? mac_alg_lookup(pair[1], strlen(pair[1])) : NULL;
    uint8_t key[CIPHER_MAX_KEY_LEN], iv[CIPHER_MAX_IV_LEN], mk[64];
    struct cipher_state *st;

    memset(key, 0x11, sizeof(key));
    memset(iv, 0x22, sizeof(iv));
    memset(mk, 0x33, sizeof(mk));
    if (c == NULL || cipher_state_new(&st, c, m, dir, key, c->key_len,
                                      c->iv_len ? iv : NULL, c->iv_len,
                                      m ? mk : NULL, m ? m->key_len : 0) < 0)
        abort();
    return st;
}

/* Delivers len bytes in reads of chunk bytes, framing after each read. Returns the
 * packets framed, or the error. */
static int deliver(struct packet *p, const uint8_t *wire, size_t len, size_t chunk,
                   int (*check)(const struct packet_in *, void *), void *arg)
{
    int count = 0, r;

    while (len > 0) {
        uint8_t *buf;
        size_t room, n;

        if (packet_rx_space(p, &buf, &room) < 0)
            break;
        n = len < chunk ? len : chunk;
        n = n < room ? n : room;
        memcpy(buf, wire, n);
        packet_rx_commit(p, n);
        wire += n;
        len -= n;
        for (;;) {
            struct packet_in in;

            r = packet_next(p, &in);
            if (r < 0) {
                if (packet_next(p, &in) != r)
                    abort();        /* errors stick */
                return r;
            }
            if (r == 0)
                break;
            if (in.len > PACKET_MAX_LEN)
                abort();
            if (check != NULL && check(&in, arg) < 0)
                abort();
            count++;
        }
    }
    return count;
}

struct expect {
    const uint8_t *data;
    size_t size, off, piece;
    uint32_t seqnr;
};

static int check_round_trip(const struct packet_in *in, void *arg)
{
    struct expect *e = arg;
    size_t n = e->size - e->off < e->piece ? e->size - e->off : e->piece;

    if (in->len != n || in->seqnr != e->seqnr ||
        (n > 0 && memcmp(in->payload, e->data + e->off, n) != 0))
        return -1;
    e->off += n;
    e->seqnr++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct packet *rx = NULL, *tx = NULL;
    unsigned mode, pair;
    size_t chunk, piece;
    int r;

    if (size < 2)
        return 0;
    mode = data[0] & 3;
    pair = (data[0] >> 2) % N_PAIRS;
    chunk = 1 + data[1] * 37u;
    piece = 1 + data[1] * 17u;
    data += 2;
    size -= 2;
    if (packet_new(&rx, PACKET_TX_QUEUE_MIN, 0) < 0)
        abort();
    if (mode == 0) {
        deliver(rx, data, size, chunk, NULL, NULL);
    } else if (mode == 1) {
        packet_stage_keys(rx, PACKET_IN, keyed(pairs[pair], CIPHER_OPEN), false);
        if (packet_newkeys_received(rx, 0) < 0)
            abort();
        r = deliver(rx, data, size, chunk, NULL, NULL);
        if (r > 0)
            abort();        /* accepted bytes nobody sealed */
        if (r < 0 && packet_fault(rx) != PACKET_FAULT_MAC &&
            packet_fault(rx) != PACKET_FAULT_LENGTH)
            abort();
    } else {
        struct expect e = { data, size, 0, piece, 0 };
        bool zlib = chunk % 2 == 1;
        size_t sent = 0;

        if (packet_new(&tx, PACKET_TX_QUEUE_MIN, 0) < 0)
            abort();
        packet_stage_keys(tx, PACKET_OUT, keyed(pairs[pair], CIPHER_SEAL), zlib);
        packet_stage_keys(rx, PACKET_IN, keyed(pairs[pair], CIPHER_OPEN), zlib);
        if (packet_newkeys_sent(tx, 0) < 0 || packet_newkeys_received(rx, 0) < 0)
            abort();
        if (zlib && (packet_enable_delayed_compression(tx) < 0 ||
                     packet_enable_delayed_compression(rx) < 0))
            abort();
        do {
            struct mpl_writer w;
            size_t n = size - sent < e.piece ? size - sent : e.piece;

            if (packet_begin(tx, n, &w) < 0 || mpl_write_fixed(&w, data + sent, n) < 0 ||
                packet_commit(tx, &w, NULL) < 0)
                abort();
            sent += n;
        } while (sent < size && packet_tx_pending(tx) < PACKET_TX_QUEUE_MIN / 2);
        {
            size_t len;
            const uint8_t *wire;

            while ((wire = packet_tx_peek(tx, &len)) != NULL) {
                if (deliver(rx, wire, len, chunk, check_round_trip, &e) < 0)
                    abort();
                packet_tx_consume(tx, len);
            }
        }
        if (e.off != sent)
            abort();
    }
    packet_free(rx);
    packet_free(tx);
    return 0;
}
