/* Behaviour of the packet-protection interface (crypto/cipher.h) for every cipher and
 * cipher x MAC pair: seal -> open round trips at many payload sizes, reading the
 * length before the body, rejection of every single-bit modification of length,
 * body and tag, of a wrong sequence number and of a reordered packet, the packet
 * format rules of RFC 4253 §6 (padding >= 4, alignment, bounds), misuse of the API,
 * and wiping of keys and of unauthenticated plaintext. The wire format itself is
 * checked against independent computations in test_cipher_construct.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/cipher.h"
#include "crypto/random.h"
#include "regress/crypto/cipher_pairs.h"
#include "regress/crypto/sym_packets.h"

/* Every pair crypto/ supports (regress/crypto/cipher_pairs.h), filled in by main. */
static struct cipher_pair combos[CIPHER_PAIRS_MAX];
static size_t n_combos;

/* Room for the largest packet plus tag, and for a corrupted length to be honoured. */
#define BIG (4 + CIPHER_MAX_PACKET_LEN + CIPHER_MAX_TAG_LEN)

static void pair(const struct cipher_pair *c, struct cipher_state **seal, struct cipher_state **open)
{
    assert_int_equal(make_state(seal, c->cipher, c->mac, CIPHER_SEAL, 5), 0);
    assert_int_equal(make_state(open, c->cipher, c->mac, CIPHER_OPEN, 5), 0);
}

static bool authenticated(const struct cipher_pair *c)
{
    return strcmp(c->cipher, "none") != 0 || c->mac != NULL;
}

/* --- descriptors ---------------------------------------------------------------- */

static void test_lookup(void **state)
{
    static const struct {
        const char *name;
        unsigned key, iv, block, tag;
        bool aead, lenc;
    } want[] = {
        { "chacha20-poly1305@openssh.com", 64, 0, 8, 16, true, true },
        { "aes128-gcm@openssh.com", 16, 12, 16, 16, true, false },
        { "aes256-gcm@openssh.com", 32, 12, 16, 16, true, false },
        { "aes128-ctr", 16, 16, 16, 0, false, true },
        { "aes192-ctr", 24, 16, 16, 0, false, true },
        { "aes256-ctr", 32, 16, 16, 0, false, true },
    };
    size_t n = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct cipher_alg *a = cipher_alg_lookup(want[i].name, strlen(want[i].name));
        assert_non_null(a);
        assert_string_equal(a->name, want[i].name);
        assert_int_equal(a->key_len, want[i].key);
        assert_int_equal(a->iv_len, want[i].iv);
        assert_int_equal(a->block_len, want[i].block);
        assert_int_equal(a->tag_len, want[i].tag);
        assert_int_equal(a->aead, want[i].aead);
        assert_int_equal(a->length_encrypted, want[i].lenc);
    }
    while (cipher_alg_at(n) != NULL) {
        assert_string_not_equal(cipher_alg_at(n)->name, "none");   /* never negotiated */
        n++;
    }
    assert_int_equal(n, sizeof(want) / sizeof(want[0]));
    assert_non_null(cipher_alg_lookup("none", 4));
    /* lengths are exact: no prefix or NUL-terminated-longer matches */
    assert_null(cipher_alg_lookup("aes128-ctr", 9));
    assert_null(cipher_alg_lookup("aes128-ctrx", 11));
    assert_null(cipher_alg_lookup("aes128-cbc", 10));
    assert_null(cipher_alg_lookup("", 0));
    assert_null(cipher_alg_lookup(NULL, 4));
    /* a name-list element is matched in place */
    assert_non_null(cipher_alg_lookup("aes256-ctr,aes128-ctr", 10));

    static const struct { const char *name; unsigned key, tag; bool etm; } macs[] = {
        { "hmac-sha2-256", 32, 32, false }, { "hmac-sha2-512", 64, 64, false },
        { "hmac-sha2-256-etm@openssh.com", 32, 32, true },
        { "hmac-sha2-512-etm@openssh.com", 64, 64, true },
    };
    for (size_t i = 0; i < 4; i++) {
        const struct mac_alg *m = mac_alg_lookup(macs[i].name, strlen(macs[i].name));
        assert_non_null(m);
        assert_int_equal(m->key_len, macs[i].key);
        assert_int_equal(m->tag_len, macs[i].tag);
        assert_int_equal(m->etm, macs[i].etm);
    }
    for (n = 0; mac_alg_at(n) != NULL; n++)
        ;
    assert_int_equal(n, 4);
    assert_null(mac_alg_lookup("hmac-sha1", 9));
    assert_null(mac_alg_lookup("hmac-sha2-256", 12));
}

/* --- round trips ------------------------------------------------------------------ */

static const size_t sizes[] = { 0, 1, 2, 3, 11, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255,
                                256, 1000, 4096, 32768, 35000 };

static void test_round_trips(void **state)
{
    uint8_t *buf = malloc(BIG), *payload = malloc(40000);

    (void)state;
    assert_non_null(buf);
    assert_non_null(payload);
    for (size_t c = 0; c < n_combos; c++) {
        struct cipher_state *seal, *open;
        uint32_t seqnr = 0xfffffff0u;   /* crosses the 2^32 wrap on the way */

        pair(&combos[c], &seal, &open);
        print_message("%s %s\n", combos[c].cipher, combos[c].mac ? combos[c].mac : "");
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            for (unsigned extra = 0; extra < 3; extra += 2, seqnr++) {
                size_t len, tag = cipher_tag_len(seal), head = cipher_head_len(open);
                uint32_t plen = 0, plen2 = 0;

                random_bytes(payload, sizes[s]);
                len = build_packet(seal, payload, sizes[s], extra, buf, BIG);
                assert_true(len > 0);
                assert_int_equal(cipher_seal(seal, seqnr, buf, len, BIG), (ssize_t)(len + tag));
                if (strcmp(combos[c].cipher, "none") != 0 && sizes[s] >= 16)
                    assert_memory_not_equal(buf + 5, payload, 16);
                /* the receiver knows only the head when it asks for the length */
                assert_int_equal(cipher_open_length(open, seqnr, buf, head, &plen), 0);
                assert_int_equal(plen, len - 4);
                /* asking again must not run the cipher again (CTR would advance) */
                assert_int_equal(cipher_open_length(open, seqnr, buf, head, &plen2), 0);
                assert_int_equal(plen2, plen);
                assert_int_equal(cipher_open(open, seqnr, buf, len + tag), (ssize_t)len);
                assert_int_equal(buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3], len - 4);
                assert_int_equal(4 + 1 + sizes[s] + buf[4], len);
                assert_memory_equal(buf + 5, payload, sizes[s]);
            }
        }
        cipher_state_free(seal);
        cipher_state_free(open);
    }
    free(buf);
    free(payload);
}

/* The largest packet passes; packet_length one block beyond is refused both ways. */
static void test_max_packet(void **state)
{
    uint8_t *buf = malloc(BIG + 64);

    (void)state;
    assert_non_null(buf);
    for (size_t c = 0; c < n_combos; c++) {
        struct cipher_state *seal, *open;
        size_t align, tag;
        uint32_t plen;

        pair(&combos[c], &seal, &open);
        align = cipher_block_len(seal);
        tag = cipher_tag_len(seal);
        /* the largest packet_length that is still aligned */
        plen = CIPHER_MAX_PACKET_LEN;
        while ((plen + (combos[c].mac && strstr(combos[c].mac, "etm") ? 0 :
                        cipher_alg_lookup(combos[c].cipher, strlen(combos[c].cipher))->aead
                        ? 0 : 4)) % align != 0)
            plen--;
        put_be32(buf, plen);
        buf[4] = 4;
        memset(buf + 5, 0x33, plen - 1);
        assert_int_equal(cipher_seal(seal, 0, buf, 4 + plen, BIG + 64), (ssize_t)(4 + plen + tag));
        assert_int_equal(cipher_open_length(open, 0, buf, 16, &plen), 0);
        assert_int_equal(cipher_open(open, 0, buf, 4 + plen + tag), (ssize_t)(4 + plen));
        put_be32(buf, plen + (uint32_t)align);
        assert_int_equal(cipher_seal(seal, 1, buf, 4 + plen + align, BIG + 64), -EINVAL);
        assert_int_equal(cipher_padding_len(seal, CIPHER_MAX_PACKET_LEN), -ERANGE);
        assert_int_equal(cipher_padding_len(seal, SIZE_MAX), -ERANGE);
        cipher_state_free(seal);
        cipher_state_free(open);
    }
    free(buf);
}

static void test_padding_rule(void **state)
{
    (void)state;
    for (size_t c = 0; c < n_combos; c++) {
        struct cipher_state *seal, *open;
        uint8_t buf[600];

        pair(&combos[c], &seal, &open);
        assert_true(cipher_block_len(seal) >= 8);
        for (size_t p = 0; p < 300; p++) {
            int pad = cipher_padding_len(seal, p);
            assert_in_range(pad, 4, 4 + cipher_block_len(seal) - 1);
            /* what the helper computes, seal accepts; one byte less it refuses */
            size_t len = build_packet(seal, NULL, 0, 0, buf, sizeof(buf));
            assert_true(len > 0);
            put_be32(buf, (uint32_t)(1 + p + (size_t)pad));
            buf[4] = (uint8_t)pad;
            assert_int_equal(cipher_seal(seal, 0, buf, 5 + p + (size_t)pad, sizeof(buf)),
                             (ssize_t)(5 + p + (size_t)pad + cipher_tag_len(seal)));
            put_be32(buf, (uint32_t)(p + (size_t)pad));
            buf[4] = (uint8_t)(pad - 1);
            assert_int_equal(cipher_seal(seal, 1, buf, 4 + p + (size_t)pad, sizeof(buf)), -EINVAL);
        }
        cipher_state_free(seal);
        cipher_state_free(open);
    }
}

/* --- rejection -------------------------------------------------------------------- */

/* Feeds a (possibly corrupted) wire image to a fresh receiver the way a transport
 * would: head first, then as many bytes as the length asks for (zero bytes where
 * the wire image is shorter). Returns the first error, or the open result. */
static ssize_t receive(const struct cipher_pair *c, uint32_t seqnr, const uint8_t *wire,
                       size_t wire_len, uint8_t *scratch)
{
    struct cipher_state *open;
    uint32_t plen = 0;
    size_t need;
    ssize_t r;

    assert_int_equal(make_state(&open, c->cipher, c->mac, CIPHER_OPEN, 5), 0);
    r = cipher_open_length(open, seqnr, wire, cipher_head_len(open), &plen);
    if (r == 0) {
        need = 4 + (size_t)plen + cipher_tag_len(open);
        assert_true(need <= BIG);
        memset(scratch, 0, need);
        memcpy(scratch, wire, need < wire_len ? need : wire_len);
        r = cipher_open(open, seqnr, scratch, need);
        if (r < 0) {
            /* nothing that was decrypted may be left behind */
            for (size_t i = 0; i < 4 + (size_t)plen; i++)
                if (scratch[i] != 0)
                    fail_msg("byte %zu not wiped after a rejected packet", i);
            /* and the state refuses to continue */
            assert_int_equal(cipher_open_length(open, seqnr + 1, wire, 16, &plen), -EPROTO);
        }
    } else {
        assert_int_equal(cipher_open_length(open, seqnr, wire, 16, &plen), -EPROTO);
    }
    cipher_state_free(open);
    return r;
}

static void test_every_bit_flip_rejected(void **state)
{
    uint8_t *scratch = malloc(BIG), payload[40], wire[200];

    (void)state;
    assert_non_null(scratch);
    for (size_t c = 0; c < n_combos; c++) {
        struct cipher_state *seal, *open;
        size_t len, total;
        unsigned flips = 0;

        if (!authenticated(&combos[c]))
            continue;
        pair(&combos[c], &seal, &open);
        random_bytes(payload, sizeof(payload));
        len = build_packet(seal, payload, sizeof(payload), 1, wire, sizeof(wire));
        assert_true(len > 0);
        total = (size_t)cipher_seal(seal, 77, wire, len, sizeof(wire));
        assert_int_equal(total, len + cipher_tag_len(seal));
        assert_int_equal(receive(&combos[c], 77, wire, total, scratch), (ssize_t)len);
        for (size_t byte = 0; byte < total; byte++) {
            for (int bit = 0; bit < 8; bit++, flips++) {
                wire[byte] ^= (uint8_t)(1u << bit);
                assert_int_equal(receive(&combos[c], 77, wire, total, scratch), -EBADMSG);
                wire[byte] ^= (uint8_t)(1u << bit);
            }
        }
        print_message("%s %s: %u flips rejected\n", combos[c].cipher,
                      combos[c].mac ? combos[c].mac : "", flips);
        cipher_state_free(seal);
        cipher_state_free(open);
    }
    free(scratch);
}

static void test_wrong_seqnr_rejected(void **state)
{
    uint8_t *scratch = malloc(BIG), payload[50], wire[300];

    (void)state;
    assert_non_null(scratch);
    for (size_t c = 0; c < n_combos; c++) {
        struct cipher_state *seal, *open;
        size_t len, total;

        /* GCM's nonce is its own invocation counter: see test_reordered_rejected */
        if (!authenticated(&combos[c]) || strstr(combos[c].cipher, "gcm") != NULL)
            continue;
        pair(&combos[c], &seal, &open);
        random_bytes(payload, sizeof(payload));
        len = build_packet(seal, payload, sizeof(payload), 0, wire, sizeof(wire));
        total = (size_t)cipher_seal(seal, 1000, wire, len, sizeof(wire));
        assert_int_equal(receive(&combos[c], 1000, wire, total, scratch), (ssize_t)len);
        assert_int_equal(receive(&combos[c], 1001, wire, total, scratch), -EBADMSG);
        assert_int_equal(receive(&combos[c], 999, wire, total, scratch), -EBADMSG);
        assert_int_equal(receive(&combos[c], 1000 + 65536, wire, total, scratch), -EBADMSG);
        cipher_state_free(seal);
        cipher_state_free(open);
    }
    free(scratch);
}

/* Keys of another direction or another key exchange do not open a packet (with
 * encrypt-then-MAC, a wrong cipher key or IV at least cannot recover the plaintext):
 * each key part (cipher key, IV, MAC key, both chacha20-poly1305 halves) matters. */
static void test_wrong_key_rejected(void **state)
{
    uint8_t payload[50], wire[300], copy[300];

    (void)state;
    for (size_t c = 0; c < n_combos; c++) {
        const struct cipher_alg *alg = cipher_alg_lookup(combos[c].cipher, strlen(combos[c].cipher));
        const struct mac_alg *m = combos[c].mac ? mac_alg_lookup(combos[c].mac, strlen(combos[c].mac)) : NULL;
        struct cipher_state *seal;
        size_t len, total;

        if (!authenticated(&combos[c]))
            continue;
        assert_int_equal(make_state(&seal, combos[c].cipher, combos[c].mac, CIPHER_SEAL, 5), 0);
        random_bytes(payload, sizeof(payload));
        len = build_packet(seal, payload, sizeof(payload), 0, wire, sizeof(wire));
        total = (size_t)cipher_seal(seal, 9, wire, len, sizeof(wire));
        cipher_state_free(seal);
        /* change one byte of one key part at a time */
        size_t parts = (size_t)alg->key_len + alg->iv_len + (alg->aead || m == NULL ? 0 : m->key_len);
        for (size_t at = 0; at < parts; at += (alg->key_len == 64 ? 31 : 7)) {
            uint8_t key[CIPHER_MAX_KEY_LEN], iv[CIPHER_MAX_IV_LEN], mkey[64];
            struct cipher_state *open;
            uint32_t plen;
            ssize_t r;

            fill_pattern(key, alg->key_len, 5);
            fill_pattern(iv, alg->iv_len, 6);
            fill_pattern(mkey, m ? m->key_len : 0, 7);
            if (at < alg->key_len)
                key[at] ^= 1;
            else if (at < (size_t)alg->key_len + alg->iv_len)
                iv[at - alg->key_len] ^= 1;
            else
                mkey[at - alg->key_len - alg->iv_len] ^= 1;
            assert_int_equal(cipher_state_new(&open, alg, alg->aead ? NULL : m, CIPHER_OPEN, key,
                                              alg->key_len, iv, alg->iv_len,
                                              alg->aead || m == NULL ? NULL : mkey,
                                              alg->aead || m == NULL ? 0 : m->key_len), 0);
            memcpy(copy, wire, total);
            r = cipher_open_length(open, 9, copy, cipher_head_len(open), &plen);
            if (r == 0)
                r = 4 + plen + cipher_tag_len(open) == total ? cipher_open(open, 9, copy, total)
                                                             : -EBADMSG;
            if (m != NULL && m->etm && at < (size_t)alg->key_len + alg->iv_len && r >= 0) {
                /* encrypt-then-MAC authenticates the ciphertext, which is intact; a
                 * wrong cipher key can only decrypt it to something else (and most
                 * often to a bad padding length) */
                assert_memory_not_equal(copy + 5, payload, 16);
            } else {
                assert_int_equal(r, -EBADMSG);
            }
            cipher_state_free(open);
        }
    }
}

/* A dropped or replayed packet desynchronises every cipher's state (CTR position,
 * GCM counter, sequence number), so the next packet fails to authenticate. */
static void test_reordered_rejected(void **state)
{
    uint8_t p1[100], p2[100], payload[20];

    (void)state;
    for (size_t c = 0; c < n_combos; c++) {
        struct cipher_state *seal, *open;
        size_t l1, l2, t1, t2;
        uint32_t plen;
        ssize_t r;

        if (!authenticated(&combos[c]))
            continue;
        pair(&combos[c], &seal, &open);
        random_bytes(payload, sizeof(payload));
        l1 = build_packet(seal, payload, sizeof(payload), 0, p1, sizeof(p1));
        l2 = build_packet(seal, payload, sizeof(payload), 0, p2, sizeof(p2));
        t1 = (size_t)cipher_seal(seal, 0, p1, l1, sizeof(p1));
        t2 = (size_t)cipher_seal(seal, 1, p2, l2, sizeof(p2));
        (void)t1;
        /* packet 1 is lost: the receiver expects seqnr 0 and gets packet 2 */
        r = cipher_open_length(open, 0, p2, cipher_head_len(open), &plen);
        if (r == 0) {
            if (4 + plen + cipher_tag_len(open) == t2)
                r = cipher_open(open, 0, p2, t2);
            else
                r = -EBADMSG;   /* length garbled: the transport would fail on framing */
        }
        assert_int_equal(r, -EBADMSG);
        cipher_state_free(seal);
        cipher_state_free(open);
    }
}

/* A received length out of bounds or misaligned is refused before any body is read. */
static void test_bad_received_lengths(void **state)
{
    static const uint32_t bad[] = { 0, 1, 4, 8, 13, 17, 21, CIPHER_MAX_PACKET_LEN + 4,
                                    CIPHER_MAX_PACKET_LEN + 12, 0xfffffffcu, 0xffffffffu };
    uint8_t head[16] = { 0 };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct cipher_state *open;
        uint32_t plen = 0;

        assert_int_equal(make_state(&open, "none", NULL, CIPHER_OPEN, 1), 0);
        put_be32(head, bad[i]);
        assert_int_equal(cipher_open_length(open, 0, head, 4, &plen), -EBADMSG);
        cipher_state_free(open);
        assert_int_equal(make_state(&open, "aes128-gcm@openssh.com", NULL, CIPHER_OPEN, 1), 0);
        assert_int_equal(cipher_open_length(open, 0, head, 4, &plen), -EBADMSG);
        cipher_state_free(open);
    }
    /* the smallest aligned packets: none 4 + 12 = 16 bytes (length included in the
     * alignment), GCM packet_length 16 (length excluded), and 12 is not for GCM */
    struct cipher_state *open;
    uint32_t plen = 0;
    assert_int_equal(make_state(&open, "none", NULL, CIPHER_OPEN, 1), 0);
    put_be32(head, 12);
    assert_int_equal(cipher_open_length(open, 0, head, 4, &plen), 0);
    assert_int_equal(plen, 12);
    cipher_state_free(open);
    assert_int_equal(make_state(&open, "aes256-gcm@openssh.com", NULL, CIPHER_OPEN, 1), 0);
    assert_int_equal(cipher_open_length(open, 0, head, 4, &plen), -EBADMSG);
    cipher_state_free(open);
    assert_int_equal(make_state(&open, "aes256-gcm@openssh.com", NULL, CIPHER_OPEN, 1), 0);
    put_be32(head, 16);
    assert_int_equal(cipher_open_length(open, 0, head, 4, &plen), 0);
    assert_int_equal(plen, 16);
    cipher_state_free(open);
}

/* Received packets whose padding_length is below 4 or runs past the packet are
 * refused even when correctly authenticated (RFC 4253 §6). */
static void test_bad_received_padding(void **state)
{
    uint8_t buf[64];

    (void)state;
    for (int v = 0; v < 2; v++) {
        struct cipher_state *seal, *open;
        uint32_t plen;
        /* none + MAC: the test can forge a correctly authenticated packet with any
         * plaintext, which seal itself would refuse to produce */
        assert_int_equal(make_state(&seal, "none", "hmac-sha2-256", CIPHER_SEAL, 2), 0);
        assert_int_equal(make_state(&open, "none", "hmac-sha2-256", CIPHER_OPEN, 2), 0);
        put_be32(buf, 12);
        buf[4] = 4;
        memset(buf + 5, 0, 11);
        assert_int_equal(cipher_seal(seal, 0, buf, 16, sizeof(buf)), 48);
        /* forge: change padding_length and recompute the MAC with the same key */
        buf[4] = v == 0 ? 3 : 12;
        {
            struct hmac_ctx keyed;
            uint8_t mkey[32];
            fill_pattern(mkey, 32, 4);
            assert_int_equal(hmac_init(&keyed, HMAC_SHA256, mkey, 32), 0);
            mac_packet(&keyed, 0, buf, 16, buf + 16);
            hmac_wipe(&keyed);
        }
        assert_int_equal(cipher_open_length(open, 0, buf, 4, &plen), 0);
        assert_int_equal(cipher_open(open, 0, buf, 48), -EBADMSG);
        cipher_state_free(seal);
        cipher_state_free(open);
    }
}

/* --- API misuse and key hygiene --------------------------------------------------- */

static void test_misuse(void **state)
{
    const struct cipher_alg *ctr = cipher_alg_lookup("aes128-ctr", 10);
    const struct mac_alg *m = mac_alg_lookup("hmac-sha2-256", 13);
    struct cipher_state *seal, *open, *st = (struct cipher_state *)1;
    uint8_t key[16], iv[16], mkey[32], zero[32] = { 0 }, buf[128];
    uint32_t plen;
    size_t len;

    (void)state;
    /* wrong sizes and missing MAC are refused, and the keys are wiped anyway */
    fill_pattern(key, 16, 1);
    fill_pattern(iv, 16, 2);
    fill_pattern(mkey, 32, 3);
    assert_int_equal(cipher_state_new(&st, ctr, m, CIPHER_SEAL, key, 15, iv, 16, mkey, 32), -EINVAL);
    assert_null(st);
    assert_memory_equal(key, zero, 15);
    assert_memory_equal(iv, zero, 16);
    assert_memory_equal(mkey, zero, 32);
    fill_pattern(key, 16, 1);
    assert_int_equal(cipher_state_new(&st, ctr, NULL, CIPHER_SEAL, key, 16, iv, 16, NULL, 0), -EINVAL);
    assert_memory_equal(key, zero, 16);
    assert_int_equal(cipher_state_new(&st, ctr, m, CIPHER_SEAL, key, 16, iv, 16, mkey, 31), -EINVAL);
    assert_int_equal(cipher_state_new(&st, ctr, m, (enum cipher_dir)9, key, 16, iv, 16, mkey, 32), -EINVAL);
    assert_int_equal(cipher_state_new(&st, NULL, m, CIPHER_SEAL, key, 16, iv, 16, mkey, 32), -EINVAL);
    assert_int_equal(cipher_state_new(NULL, ctr, m, CIPHER_SEAL, key, 16, iv, 16, mkey, 32), -EINVAL);
    /* success wipes the caller's copies too */
    fill_pattern(key, 16, 1);
    fill_pattern(iv, 16, 2);
    fill_pattern(mkey, 32, 3);
    assert_int_equal(cipher_state_new(&st, ctr, m, CIPHER_SEAL, key, 16, iv, 16, mkey, 32), 0);
    assert_memory_equal(key, zero, 16);
    assert_memory_equal(iv, zero, 16);
    assert_memory_equal(mkey, zero, 32);
    cipher_state_free(st);
    cipher_state_free(NULL);

    assert_int_equal(make_state(&seal, "aes128-ctr", "hmac-sha2-256", CIPHER_SEAL, 1), 0);
    assert_int_equal(make_state(&open, "aes128-ctr", "hmac-sha2-256", CIPHER_OPEN, 1), 0);
    len = build_packet(seal, (const uint8_t *)"hello", 5, 0, buf, sizeof(buf));
    /* wrong directions */
    assert_int_equal(cipher_seal(open, 0, buf, len, sizeof(buf)), -EINVAL);
    assert_int_equal(cipher_open_length(seal, 0, buf, 16, &plen), -EINVAL);
    /* no room for the MAC */
    assert_int_equal(cipher_seal(seal, 0, buf, len, len + 31), -ENOSPC);
    /* length field disagrees with the buffer */
    assert_int_equal(cipher_seal(seal, 0, buf, len - 16, sizeof(buf)), -EINVAL);
    assert_int_equal(cipher_seal(seal, 0, buf, 8, sizeof(buf)), -EINVAL);
    assert_int_equal(cipher_seal(seal, 0, NULL, len, sizeof(buf)), -EINVAL);
    assert_int_equal(cipher_seal(seal, 0, buf, len, sizeof(buf)), (ssize_t)(len + 32));
    /* head too short, open before the length, wrong total, wrong seqnr */
    assert_int_equal(cipher_open_length(open, 0, buf, 15, &plen), -EINVAL);
    assert_int_equal(cipher_open(open, 0, buf, len + 32), -EINVAL);
    assert_int_equal(cipher_open_length(open, 0, buf, 16, &plen), 0);
    assert_int_equal(cipher_open_length(open, 1, buf, 16, &plen), -EINVAL);
    assert_int_equal(cipher_open(open, 0, buf, len + 31), -EINVAL);
    assert_int_equal(cipher_open(open, 1, buf, len + 32), -EINVAL);
    assert_int_equal(cipher_open(open, 0, buf, len + 32), (ssize_t)len);
    assert_memory_equal(buf + 5, "hello", 5);
    cipher_state_free(seal);
    cipher_state_free(open);
}

int main(void)
{
    n_combos = cipher_pairs(combos);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_max_packet),
        cmocka_unit_test(test_padding_rule),
        cmocka_unit_test(test_every_bit_flip_rejected),
        cmocka_unit_test(test_wrong_seqnr_rejected),
        cmocka_unit_test(test_wrong_key_rejected),
        cmocka_unit_test(test_reordered_rejected),
        cmocka_unit_test(test_bad_received_lengths),
        cmocka_unit_test(test_bad_received_padding),
        cmocka_unit_test(test_misuse),
    };
    if (random_init() < 0)
        return 1;
    return cmocka_run_group_tests_name("crypto_cipher_packet", tests, NULL, NULL);
}
