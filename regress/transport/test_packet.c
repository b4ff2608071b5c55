/* The binary packet protocol (sshd/packet.h): round trips for every cipher x MAC and
 * payload sizes from 0 to the maximum, delivery a byte at a time and several packets
 * per read, every rejection with its DISCONNECT reason, sequence numbers (wrap,
 * strict-kex reset), re-key counters, the bounded send queue, delayed compression. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/random.h"
#include "regress/crypto/cipher_pairs.h"
#include "regress/transport/transport_test_util.h"
#include "sshd/packet.h"

/* Every cipher x MAC pair crypto/ supports (regress/crypto/cipher_pairs.h), filled in
 * by main; pairs with the "none" cipher are the unkeyed state and are not installed. */
static struct cipher_pair pairs[CIPHER_PAIRS_MAX];
static size_t n_pairs;

struct link {
    struct packet *a;   /* sends */
    struct packet *b;   /* receives */
};

static uint8_t payload_buf[PACKET_MAX_PAYLOAD];

static int setup(void **state)
{
    struct link *l = calloc(1, sizeof(*l));

    assert_non_null(l);
    assert_int_equal(random_init(), 0);
    assert_int_equal(packet_new(&l->a, 0, 1000), 0);
    assert_int_equal(packet_new(&l->b, 0, 1000), 0);
    *state = l;
    return 0;
}

static int teardown(void **state)
{
    struct link *l = *state;

    packet_free(l->a);
    packet_free(l->b);
    free(l);
    return 0;
}

/* Receives one packet and checks it carries payload/len and seqnr. */
static void expect_packet(struct packet *p, const uint8_t *payload, size_t len,
                          uint32_t seqnr)
{
    struct packet_in in;

    assert_int_equal(packet_next(p, &in), 1);
    assert_int_equal(in.len, len);
    assert_int_equal(in.seqnr, seqnr);
    if (len > 0)
        assert_memory_equal(in.payload, payload, len);
}

static void test_round_trip_every_pair(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_pairs; i++) {
        struct packet *a, *b;
        size_t sizes[10] = { 0, 1, 2, 15, 16, 17, 255, 32768, PACKET_MAX_PAYLOAD, 0 };

        sizes[9] = random_uniform(70000);
        assert_int_equal(packet_new(&a, 0, 0), 0);
        assert_int_equal(packet_new(&b, 0, 0), 0);
        if (strcmp(pairs[i].cipher, "none") != 0)
            tu_newkeys(a, b, pairs[i].cipher, pairs[i].mac, false, 0);
        for (size_t s = 0; s < 10; s++) {
            uint32_t seqnr = 99;
            size_t wire;

            random_bytes(payload_buf, sizes[s]);
            assert_int_equal(tu_send(a, payload_buf, sizes[s], &seqnr), 0);
            assert_int_equal(seqnr, s);
            wire = packet_tx_pending(a);
            /* header, payload, 4..19 bytes of padding, tag */
            assert_true(wire >= 4 + 1 + sizes[s] + 4 && wire <= PACKET_MAX_WIRE);
            assert_int_equal(tu_transfer(a, b, 0, 0), wire);
            expect_packet(b, payload_buf, sizes[s], (uint32_t)s);
            assert_int_equal(packet_key_bytes(b, PACKET_IN), packet_key_bytes(a, PACKET_OUT));
        }
        assert_int_equal(packet_key_packets(a, PACKET_OUT), 10);
        assert_int_equal(packet_key_packets(b, PACKET_IN), 10);
        packet_free(a);
        packet_free(b);
    }
}

static void test_payload_too_large(void **state)
{
    struct link *l = *state;
    struct mpl_writer w;

    assert_int_equal(packet_begin(l->a, PACKET_MAX_PAYLOAD + 1, &w), -EINVAL);
    /* a writer that runs past the maximum fails, and nothing is queued */
    assert_int_equal(packet_begin(l->a, 10, &w), 0);
    mpl_write_fixed(&w, payload_buf, PACKET_MAX_PAYLOAD);
    mpl_write_u8(&w, 1);
    assert_int_equal(packet_commit(l->a, &w, NULL), -ENOSPC);
    assert_int_equal(packet_tx_pending(l->a), 0);
    assert_int_equal(packet_seqnr(l->a, PACKET_OUT), 0);
    /* not fatal: the next packet goes */
    assert_int_equal(tu_send(l->a, (const uint8_t *)"\x02", 1, NULL), 0);
}

static void test_byte_at_a_time(void **state)
{
    static const char *const which[][2] = {
        { "none", NULL },
        { "chacha20-poly1305@openssh.com", NULL },
        { "aes256-gcm@openssh.com", NULL },
        { "aes128-ctr", "hmac-sha2-256" },
        { "aes192-ctr", "hmac-sha2-512-etm@openssh.com" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
        struct packet *a, *b;
        struct packet_in in;
        uint8_t msg[3][100];

        assert_int_equal(packet_new(&a, 0, 0), 0);
        assert_int_equal(packet_new(&b, 0, 0), 0);
        if (strcmp(which[i][0], "none") != 0)
            tu_newkeys(a, b, which[i][0], which[i][1], false, 0);
        for (int m = 0; m < 3; m++) {
            random_bytes(msg[m], sizeof(msg[m]));
            assert_int_equal(tu_send(a, msg[m], 30 + 30 * (size_t)m, NULL), 0);
        }
        for (int m = 0; m < 3; m++) {
            /* one byte per read until the packet completes */
            for (;;) {
                int r;

                assert_int_equal(tu_transfer(a, b, 1, 1), 1);
                r = packet_next(b, &in);
                assert_true(r == 0 || r == 1);
                if (r == 1)
                    break;
            }
            assert_int_equal(in.len, 30 + 30 * (size_t)m);
            assert_memory_equal(in.payload, msg[m], in.len);
            assert_int_equal(in.seqnr, (uint32_t)m);
        }
        assert_int_equal(packet_tx_pending(a), 0);
        assert_int_equal(packet_next(b, &in), 0);
        packet_free(a);
        packet_free(b);
    }
}

static void test_several_packets_one_read(void **state)
{
    struct link *l = *state;
    struct packet_in in;
    uint8_t m1[50], m2[7000];

    tu_newkeys(l->a, l->b, "aes128-ctr", "hmac-sha2-256", false, 1000);
    random_bytes(m1, sizeof(m1));
    random_bytes(m2, sizeof(m2));
    assert_int_equal(tu_send(l->a, m1, sizeof(m1), NULL), 0);
    assert_int_equal(tu_send(l->a, m2, sizeof(m2), NULL), 0);
    assert_int_equal(tu_send(l->a, m1, 3, NULL), 0);
    /* all in one read, then the first half of a fourth packet */
    tu_transfer(l->a, l->b, 0, 0);
    assert_int_equal(tu_send(l->a, m2, 100, NULL), 0);
    tu_transfer(l->a, l->b, 0, 60);
    expect_packet(l->b, m1, sizeof(m1), 0);
    expect_packet(l->b, m2, sizeof(m2), 1);
    expect_packet(l->b, m1, 3, 2);
    assert_int_equal(packet_next(l->b, &in), 0);
    tu_transfer(l->a, l->b, 0, 0);
    expect_packet(l->b, m2, 100, 3);
    assert_int_equal(packet_next(l->b, &in), 0);
}

/* Injects a hand-made packet into a fresh receiver under the none cipher and
 * checks it is refused with the reason and fault given. */
static void expect_refused(const uint8_t *wire, size_t len, int err, enum packet_fault fault,
                           enum ssh_disconnect_reason reason)
{
    struct packet *p;
    struct packet_in in;

    assert_int_equal(packet_new(&p, 0, 0), 0);
    tu_inject(p, wire, len);
    assert_int_equal(packet_next(p, &in), err);
    assert_int_equal(packet_fault(p), fault);
    assert_int_equal(packet_disconnect_reason(p, err), reason);
    assert_non_null(packet_error_cause(p, err));
    /* fatal and sticky */
    assert_int_equal(packet_next(p, &in), err);
    packet_free(p);
}

static void test_rejections_clear(void **state)
{
    uint8_t w[64];

    (void)state;
    memset(w, 0, sizeof(w));
    /* packet_length 0 */
    expect_refused(w, 16, -EBADMSG, PACKET_FAULT_LENGTH, SSH_DISCONNECT_PROTOCOL_ERROR);
    /* over 256 KiB (aligned: 0x40004 + 4 = 0x40008) */
    w[1] = 0x04; w[3] = 0x04;
    expect_refused(w, 16, -EBADMSG, PACKET_FAULT_LENGTH, SSH_DISCONNECT_PROTOCOL_ERROR);
    /* exactly 256 KiB less 4 is allowed: only the header has come, so nothing yet */
    {
        struct packet *p;
        struct packet_in in;

        assert_int_equal(packet_new(&p, 0, 0), 0);
        w[1] = 0x03; w[2] = 0xff; w[3] = 0xfc; w[4] = 4;
        tu_inject(p, w, 16);
        assert_int_equal(packet_next(p, &in), 0);
        packet_free(p);
    }
    /* misaligned: 13 + 4 is not a multiple of 8 */
    memset(w, 0, sizeof(w));
    w[3] = 13; w[4] = 4;
    expect_refused(w, 17, -EBADMSG, PACKET_FAULT_LENGTH, SSH_DISCONNECT_PROTOCOL_ERROR);
    /* padding 3 < 4 */
    w[3] = 12; w[4] = 3;
    expect_refused(w, 16, -EBADMSG, PACKET_FAULT_PADDING, SSH_DISCONNECT_PROTOCOL_ERROR);
    /* padding past the packet */
    w[3] = 12; w[4] = 12;
    expect_refused(w, 16, -EBADMSG, PACKET_FAULT_PADDING, SSH_DISCONNECT_PROTOCOL_ERROR);
    /* the smallest legal packet: length 12, padding 11, empty payload... passes */
    {
        struct packet *p;
        struct packet_in in;

        assert_int_equal(packet_new(&p, 0, 0), 0);
        w[3] = 12; w[4] = 11;
        tu_inject(p, w, 16);
        assert_int_equal(packet_next(p, &in), 1);
        assert_int_equal(in.len, 0);
        packet_free(p);
    }
}

static void test_truncated(void **state)
{
    struct link *l = *state;
    struct packet_in in;
    uint8_t m[200];

    random_bytes(m, sizeof(m));
    assert_int_equal(packet_rx_eof(l->b), 0);       /* closed between packets: fine */
    assert_int_equal(tu_send(l->a, m, sizeof(m), NULL), 0);
    tu_transfer(l->a, l->b, 0, 100);
    assert_int_equal(packet_next(l->b, &in), 0);
    assert_int_equal(packet_rx_eof(l->b), -EPIPE);
    assert_int_equal(packet_fault(l->b), PACKET_FAULT_TRUNCATED);
    assert_int_equal(packet_disconnect_reason(l->b, -EPIPE), SSH_DISCONNECT_CONNECTION_LOST);
    assert_int_equal(packet_next(l->b, &in), -EPIPE);
}

static void test_bad_mac_every_pair(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_pairs; i++) {
        if (strcmp(pairs[i].cipher, "none") == 0)
            continue;
        for (int where = 0; where < 3; where++) {
            struct packet *a, *b;
            struct packet_in in;
            uint8_t m[64];
            const uint8_t *wire;
            size_t len;
            int r;

            assert_int_equal(packet_new(&a, 0, 0), 0);
            assert_int_equal(packet_new(&b, 0, 0), 0);
            tu_newkeys(a, b, pairs[i].cipher, pairs[i].mac, false, 0);
            random_bytes(m, sizeof(m));
            assert_int_equal(tu_send(a, m, sizeof(m), NULL), 0);
            wire = packet_tx_peek(a, &len);
            /* flip a bit in the tag, in the body, or in the length field */
            ((uint8_t *)wire)[where == 0 ? len - 1 : where == 1 ? len / 2 : 3] ^= 0x01;
            tu_transfer(a, b, 0, 0);
            r = packet_next(b, &in);
            if (where == 2 && r == 0) {
                /* an encrypted length that decrypted to a longer (legal) one: the
                 * receiver waits; the connection would time out. Nothing accepted. */
                assert_int_equal(packet_fault(b), PACKET_FAULT_NONE);
            } else if (r == -EBADMSG && packet_fault(b) == PACKET_FAULT_LENGTH) {
                /* the garbled length failed its own checks */
                assert_int_equal(where, 2);
                assert_int_equal(packet_disconnect_reason(b, r), SSH_DISCONNECT_PROTOCOL_ERROR);
            } else {
                assert_int_equal(r, -EBADMSG);
                assert_int_equal(packet_fault(b), PACKET_FAULT_MAC);
                assert_int_equal(packet_disconnect_reason(b, r), SSH_DISCONNECT_MAC_ERROR);
                assert_string_equal(packet_error_cause(b, r), "corrupted MAC on input");
            }
            packet_free(a);
            packet_free(b);
        }
    }
}

static void test_keyed_length_over_max(void **state)
{
    struct link *l = *state;
    struct packet_in in;
    uint8_t w[64];

    /* with GCM the length travels in the clear (as additional data) */
    tu_newkeys(l->a, l->b, "aes128-gcm@openssh.com", NULL, false, 0);
    memset(w, 0, sizeof(w));
    w[1] = 0x04; w[3] = 0x10;
    tu_inject(l->b, w, sizeof(w));
    assert_int_equal(packet_next(l->b, &in), -EBADMSG);
    assert_int_equal(packet_fault(l->b), PACKET_FAULT_LENGTH);
    assert_int_equal(packet_disconnect_reason(l->b, -EBADMSG), SSH_DISCONNECT_PROTOCOL_ERROR);
}

/* Both directions of both ends keyed once: the initial exchange is over. */
static void finish_initial_kex(struct link *l, const char *cipher, const char *mac)
{
    tu_newkeys(l->a, l->b, cipher, mac, false, 1000);
    tu_newkeys(l->b, l->a, cipher, mac, false, 1000);
    assert_true(packet_initial_kex_done(l->a));
    assert_true(packet_initial_kex_done(l->b));
}

static void test_seqnr_wrap_initial_is_fatal(void **state)
{
    struct link *l = *state;
    struct packet_in in;
    uint32_t seqnr;

    /* sending: the packet numbered 2^32-1 goes, then the number would wrap */
    packet_test_set_seqnr(l->a, PACKET_OUT, UINT32_MAX);
    assert_int_equal(tu_send(l->a, (const uint8_t *)"\x02", 1, &seqnr), -EPROTO);
    assert_int_equal(seqnr, UINT32_MAX);
    assert_int_equal(packet_fault(l->a), PACKET_FAULT_SEQNR_WRAP);
    assert_int_equal(packet_disconnect_reason(l->a, -EPROTO), SSH_DISCONNECT_PROTOCOL_ERROR);
    assert_int_equal(tu_send(l->a, (const uint8_t *)"\x02", 1, NULL), -EPROTO);
    /* receiving: the same */
    packet_test_set_seqnr(l->b, PACKET_IN, UINT32_MAX);
    tu_transfer(l->a, l->b, 0, 0);
    assert_int_equal(packet_next(l->b, &in), -EPROTO);
    assert_int_equal(packet_fault(l->b), PACKET_FAULT_SEQNR_WRAP);
}

static void test_seqnr_wrap_after_kex(void **state)
{
    struct link *l = *state;

    finish_initial_kex(l, "chacha20-poly1305@openssh.com", NULL);
    packet_test_set_seqnr(l->a, PACKET_OUT, UINT32_MAX - 1);
    packet_test_set_seqnr(l->b, PACKET_IN, UINT32_MAX - 1);
    for (uint32_t i = 0; i < 4; i++) {
        uint8_t m[1] = { (uint8_t)i };

        assert_int_equal(tu_send(l->a, m, 1, NULL), 0);
        tu_transfer(l->a, l->b, 0, 0);
        /* the number is part of the nonce and MAC: both ends wrap in step */
        expect_packet(l->b, m, 1, UINT32_MAX - 1 + i);
    }
    assert_int_equal(packet_seqnr(l->a, PACKET_OUT), 2);
}

static void test_strict_kex_reset(void **state)
{
    struct link *l = *state;

    for (int i = 0; i < 3; i++) {
        assert_int_equal(tu_send(l->a, (const uint8_t *)"\x02", 1, NULL), 0);
        tu_transfer(l->a, l->b, 0, 0);
        expect_packet(l->b, (const uint8_t *)"\x02", 1, (uint32_t)i);
    }
    /* without strict kex the numbers run on through NEWKEYS */
    tu_newkeys(l->a, l->b, "aes256-gcm@openssh.com", NULL, false, 1000);
    assert_int_equal(packet_seqnr(l->a, PACKET_OUT), 3);
    assert_int_equal(packet_seqnr(l->b, PACKET_IN), 3);
    assert_int_equal(tu_send(l->a, (const uint8_t *)"\x05", 1, NULL), 0);
    tu_transfer(l->a, l->b, 0, 0);
    expect_packet(l->b, (const uint8_t *)"\x05", 1, 3);
    /* with it, each direction restarts at 0 at its NEWKEYS, re-keys included */
    packet_set_strict_kex(l->a);
    packet_set_strict_kex(l->b);
    tu_newkeys(l->a, l->b, "chacha20-poly1305@openssh.com", NULL, false, 1000);
    assert_int_equal(packet_seqnr(l->a, PACKET_OUT), 0);
    assert_int_equal(packet_seqnr(l->b, PACKET_IN), 0);
    assert_int_equal(packet_seqnr(l->b, PACKET_OUT), 0);  /* untouched: never sent */
    assert_int_equal(tu_send(l->a, (const uint8_t *)"\x06", 1, NULL), 0);
    tu_transfer(l->a, l->b, 0, 0);
    expect_packet(l->b, (const uint8_t *)"\x06", 1, 0);
    assert_int_equal(tu_send(l->a, (const uint8_t *)"\x06", 1, NULL), 0);
    tu_transfer(l->a, l->b, 0, 0);
    expect_packet(l->b, (const uint8_t *)"\x06", 1, 1);
    tu_newkeys(l->a, l->b, "aes128-ctr", "hmac-sha2-256-etm@openssh.com", false, 1000);
    assert_int_equal(packet_seqnr(l->a, PACKET_OUT), 0);
    assert_int_equal(packet_seqnr(l->b, PACKET_IN), 0);
}

static void test_newkeys_without_keys(void **state)
{
    struct link *l = *state;

    assert_int_equal(packet_newkeys_sent(l->a, 0), -EPROTO);
    assert_int_equal(packet_fault(l->a), PACKET_FAULT_KEYS);
    assert_int_equal(packet_disconnect_reason(l->a, -EPROTO), SSH_DISCONNECT_PROTOCOL_ERROR);
    assert_int_equal(packet_newkeys_received(l->b, 0), -EPROTO);
    assert_int_equal(packet_stage_keys(l->b, PACKET_IN, NULL, false), -EINVAL);
}

/* Reads every packet that has arrived; returns how many. */
static int drain(struct packet *p)
{
    struct packet_in in;
    int n = 0, r;

    while ((r = packet_next(p, &in)) == 1)
        n++;
    assert_int_equal(r, 0);
    return n;
}

static void test_rekey_counters(void **state)
{
    struct link *l = *state;
    struct packet_rekey_limits lim = { 10000, 60, 5 };
    uint64_t wire = 0;
    uint8_t m[1000];

    assert_int_equal(packet_set_rekey_limits(l->a, &lim), 0);
    random_bytes(m, sizeof(m));
    /* never during the initial exchange, whatever the counts */
    for (int i = 0; i < 6; i++)
        assert_int_equal(tu_send(l->a, m, 10, NULL), 0);
    assert_false(packet_needs_rekey(l->a, 1000 + 3600));
    tu_transfer(l->a, l->b, 0, 0);
    assert_int_equal(drain(l->b), 6);

    finish_initial_kex(l, "aes128-gcm@openssh.com", NULL);
    assert_int_equal(packet_key_packets(l->a, PACKET_OUT), 0);
    assert_int_equal(packet_key_bytes(l->a, PACKET_OUT), 0);
    assert_false(packet_needs_rekey(l->a, 1000));
    /* packets: the fifth reaches the limit */
    for (int i = 0; i < 5; i++) {
        assert_false(packet_needs_rekey(l->a, 1000));
        assert_int_equal(tu_send(l->a, m, 10, NULL), 0);
        wire += packet_tx_pending(l->a);
        tu_transfer(l->a, l->b, 0, 0);
        assert_int_equal(drain(l->b), 1);
    }
    assert_int_equal(packet_key_packets(l->a, PACKET_OUT), 5);
    assert_int_equal(packet_key_bytes(l->a, PACKET_OUT), wire);
    assert_true(packet_needs_rekey(l->a, 1000));
    /* a new key starts afresh; then bytes */
    tu_newkeys(l->a, l->b, "aes128-gcm@openssh.com", NULL, false, 2000);
    tu_newkeys(l->b, l->a, "aes128-gcm@openssh.com", NULL, false, 2000);
    assert_false(packet_needs_rekey(l->a, 2000));
    lim.packets = 0;    /* the maximum */
    assert_int_equal(packet_set_rekey_limits(l->a, &lim), 0);
    for (int i = 0; i < 9; i++)
        assert_int_equal(tu_send(l->a, m, sizeof(m), NULL), 0);
    assert_false(packet_needs_rekey(l->a, 2000));
    assert_int_equal(tu_send(l->a, m, sizeof(m), NULL), 0);
    assert_true(packet_needs_rekey(l->a, 2000));
    tu_transfer(l->a, l->b, 0, 0);
    assert_int_equal(drain(l->b), 10);
    /* then time */
    tu_newkeys(l->a, l->b, "aes128-gcm@openssh.com", NULL, false, 3000);
    tu_newkeys(l->b, l->a, "aes128-gcm@openssh.com", NULL, false, 3000);
    assert_false(packet_needs_rekey(l->a, 3059));
    assert_true(packet_needs_rekey(l->a, 3060));
    /* the receiving side counts too */
    lim.seconds = 0;
    lim.bytes = 500;
    assert_int_equal(packet_set_rekey_limits(l->b, &lim), 0);
    assert_false(packet_needs_rekey(l->b, 99999));
    assert_int_equal(tu_send(l->a, m, 600, NULL), 0);
    tu_transfer(l->a, l->b, 0, 0);
    expect_packet(l->b, m, 600, packet_seqnr(l->b, PACKET_IN));
    assert_true(packet_needs_rekey(l->b, 99999));
}

static void test_send_queue_bounded(void **state)
{
    struct packet *a, *b;
    struct packet_in in;
    struct mpl_writer w;
    uint32_t sent = 0, got = 0;
    uint8_t m[40000];

    (void)state;
    assert_int_equal(packet_new(&a, PACKET_TX_QUEUE_MIN - 1, 0), -EINVAL);
    assert_int_equal(packet_new(&a, PACKET_TX_QUEUE_MIN, 0), 0);
    assert_int_equal(packet_new(&b, 0, 0), 0);
    tu_newkeys(a, b, "chacha20-poly1305@openssh.com", NULL, false, 0);
    assert_int_equal(packet_tx_room(a), PACKET_MAX_PAYLOAD);
    /* fill until it is full; nothing is lost and order is kept when the sender
     * drains part of it and fills again (the queue wraps to the front) */
    for (int round = 0; round < 40; round++) {
        int r;

        random_bytes(m, 8);
        memcpy(m, &sent, sizeof(sent));
        r = tu_send(a, m, 1000 + (size_t)random_uniform(sizeof(m) - 1000), NULL);
        if (r == -ENOSPC) {
            assert_true(packet_tx_room(a) < sizeof(m));
            /* drain a part, deliver it, read what completed */
            tu_transfer(a, b, 0, 1 + random_uniform((uint32_t)packet_tx_pending(a)));
            while (packet_next(b, &in) == 1) {
                assert_memory_equal(in.payload, &got, sizeof(got));
                assert_int_equal(in.seqnr, got);
                got++;
            }
            continue;
        }
        assert_int_equal(r, 0);
        sent++;
    }
    tu_transfer(a, b, 0, 0);
    while (packet_next(b, &in) == 1) {
        assert_memory_equal(in.payload, &got, sizeof(got));
        got++;
    }
    assert_int_equal(got, sent);
    assert_true(sent > 10);
    /* one packet at a time */
    assert_int_equal(packet_begin(a, 10, &w), 0);
    {
        struct mpl_writer w2;

        assert_int_equal(packet_begin(a, 10, &w2), -EBUSY);
    }
    packet_abort(a);
    assert_int_equal(packet_tx_pending(a), 0);
    assert_int_equal(packet_commit(a, &w, NULL), -EINVAL);
    packet_free(a);
    packet_free(b);
}

static void test_abort_and_writer_checks(void **state)
{
    struct link *l = *state;
    struct mpl_writer w, other;
    uint8_t buf[64];

    assert_int_equal(packet_begin(l->a, 5, &w), 0);
    mpl_write_u8(&w, 42);
    packet_abort(l->a);
    assert_int_equal(packet_tx_pending(l->a), 0);
    assert_int_equal(packet_seqnr(l->a, PACKET_OUT), 0);
    /* a writer that is not the one handed out is refused */
    assert_int_equal(packet_begin(l->a, 5, &w), 0);
    mpl_writer_init(&other, buf, sizeof(buf), 5, 0);
    assert_int_equal(packet_commit(l->a, &other, NULL), -EINVAL);
    mpl_write_u8(&w, 42);
    assert_int_equal(packet_commit(l->a, &w, NULL), 0);
    tu_transfer(l->a, l->b, 0, 0);
    expect_packet(l->b, (const uint8_t *)"\x2a", 1, 0);
}

static void test_delayed_compression(void **state)
{
    struct link *l = *state;
    size_t plain_wire;

    memset(payload_buf, 'z', 100000);
    tu_newkeys(l->a, l->b, "aes256-gcm@openssh.com", NULL, true, 0);
    /* negotiated, but before authentication nothing is compressed */
    assert_int_equal(tu_send(l->a, payload_buf, 100000, NULL), 0);
    plain_wire = packet_tx_pending(l->a);
    assert_true(plain_wire > 100000);
    tu_transfer(l->a, l->b, 0, 0);
    expect_packet(l->b, payload_buf, 100000, 0);
    /* after USERAUTH_SUCCESS it is */
    assert_int_equal(packet_enable_delayed_compression(l->a), 0);
    assert_int_equal(packet_enable_delayed_compression(l->b), 0);
    for (uint32_t i = 1; i < 4; i++) {
        assert_int_equal(tu_send(l->a, payload_buf, 100000, NULL), 0);
        assert_true(packet_tx_pending(l->a) < 2000);
        tu_transfer(l->a, l->b, 0, 0);
        expect_packet(l->b, payload_buf, 100000, i);
    }
    /* random data and the largest payload that may be compressed */
    random_bytes(payload_buf, 5000);
    assert_int_equal(tu_send(l->a, payload_buf, 5000, NULL), 0);
    tu_transfer(l->a, l->b, 0, 0);
    expect_packet(l->b, payload_buf, 5000, 4);
    assert_true(packet_tx_room(l->a) < PACKET_MAX_PAYLOAD);
    random_bytes(payload_buf, packet_tx_room(l->a));
    assert_int_equal(tu_send(l->a, payload_buf, packet_tx_room(l->a), NULL), 0);
    tu_transfer(l->a, l->b, 0, 0);
    {
        struct packet_in in;

        assert_int_equal(packet_next(l->b, &in), 1);
        assert_memory_equal(in.payload, payload_buf, in.len);
    }
    /* a re-key restarts the streams, compressed from the first packet */
    tu_newkeys(l->a, l->b, "chacha20-poly1305@openssh.com", NULL, true, 0);
    memset(payload_buf, 'y', 50000);
    assert_int_equal(tu_send(l->a, payload_buf, 50000, NULL), 0);
    assert_true(packet_tx_pending(l->a) < 2000);
    tu_transfer(l->a, l->b, 0, 0);
    expect_packet(l->b, payload_buf, 50000, 6);
}

static void test_decompression_error(void **state)
{
    struct link *l = *state;
    struct packet_in in;
    struct cipher_state *seal, *open;

    /* the sender does not compress (not authenticated), the receiver inflates */
    tu_state_pair("none", NULL, &seal, &open);
    assert_int_equal(packet_stage_keys(l->a, PACKET_OUT, seal, false), 0);
    assert_int_equal(packet_stage_keys(l->b, PACKET_IN, open, true), 0);
    assert_int_equal(packet_newkeys_sent(l->a, 0), 0);
    assert_int_equal(packet_newkeys_received(l->b, 0), 0);
    assert_int_equal(packet_enable_delayed_compression(l->b), 0);
    assert_int_equal(tu_send(l->a, (const uint8_t *)"not a zlib stream", 17, NULL), 0);
    tu_transfer(l->a, l->b, 0, 0);
    assert_int_equal(packet_next(l->b, &in), -EBADMSG);
    assert_int_equal(packet_fault(l->b), PACKET_FAULT_DECOMPRESS);
    assert_int_equal(packet_disconnect_reason(l->b, -EBADMSG), SSH_DISCONNECT_COMPRESSION_ERROR);
}

static void test_version_then_packets(void **state)
{
    struct link *l = *state;
    static const char line[] = "SSH-2.0-peer\r\n";
    const uint8_t *p;
    size_t len;

    /* the identification line and the first packet in one read */
    tu_inject(l->b, (const uint8_t *)line, strlen(line));
    assert_int_equal(tu_send(l->a, (const uint8_t *)"\x14", 1, NULL), 0);
    tu_transfer(l->a, l->b, 0, 0);
    p = packet_rx_peek(l->b, &len);
    assert_int_equal(len, strlen(line) + 16);
    assert_memory_equal(p, line, strlen(line));
    assert_int_equal(packet_rx_discard(l->b, strlen(line)), 0);
    assert_int_equal(packet_rx_discard(l->b, 17), -EINVAL);
    expect_packet(l->b, (const uint8_t *)"\x14", 1, 0);
}

static void test_error_mapping(void **state)
{
    struct link *l = *state;

    /* with no fault recorded, the errno decides */
    assert_int_equal(packet_disconnect_reason(l->a, -EBADMSG), SSH_DISCONNECT_PROTOCOL_ERROR);
    assert_int_equal(packet_disconnect_reason(l->a, -EPROTO), SSH_DISCONNECT_PROTOCOL_ERROR);
    assert_int_equal(packet_disconnect_reason(l->a, -ENOMEM), SSH_DISCONNECT_BY_APPLICATION);
    assert_int_equal(packet_disconnect_reason(NULL, -EPIPE), SSH_DISCONNECT_CONNECTION_LOST);
    assert_string_equal(packet_error_cause(l->a, -ENOSPC), "send queue full");
}

int main(void)
{
    n_pairs = cipher_pairs(pairs);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_pair),
        cmocka_unit_test_setup_teardown(test_payload_too_large, setup, teardown),
        cmocka_unit_test(test_byte_at_a_time),
        cmocka_unit_test_setup_teardown(test_several_packets_one_read, setup, teardown),
        cmocka_unit_test(test_rejections_clear),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test(test_bad_mac_every_pair),
        cmocka_unit_test_setup_teardown(test_keyed_length_over_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seqnr_wrap_initial_is_fatal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seqnr_wrap_after_kex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strict_kex_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newkeys_without_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rekey_counters, setup, teardown),
        cmocka_unit_test(test_send_queue_bounded),
        cmocka_unit_test_setup_teardown(test_abort_and_writer_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delayed_compression, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decompression_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_then_packets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_mapping, setup, teardown),
    };

    if (random_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
