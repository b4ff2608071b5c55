/* Helpers shared by the transport tests (see transport_test_util.h). */
#include "regress/transport/transport_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/mac.h"
#include "crypto/random.h"

size_t tu_unhex(const char *hex, uint8_t *out, size_t out_size)
{
    size_t n = strlen(hex) / 2;

    assert_int_equal(strlen(hex) % 2, 0);
    assert_true(n <= out_size);
    for (size_t i = 0; i < n; i++) {
        unsigned v;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

void tu_state_pair(const char *cipher, const char *mac, struct cipher_state **seal,
                   struct cipher_state **open)
{
    const struct cipher_alg *c = cipher_alg_lookup(cipher, strlen(cipher));
    const struct mac_alg *m = mac != NULL ? mac_alg_lookup(mac, strlen(mac)) : NULL;
    uint8_t key[2][CIPHER_MAX_KEY_LEN], iv[2][CIPHER_MAX_IV_LEN], mk[2][64];
    size_t mk_len = m != NULL ? m->key_len : 0;

    assert_non_null(c);
    assert_true(mac == NULL || m != NULL);
    random_bytes(key[0], sizeof(key[0]));
    random_bytes(iv[0], sizeof(iv[0]));
    random_bytes(mk[0], sizeof(mk[0]));
    memcpy(key[1], key[0], sizeof(key[0]));
    memcpy(iv[1], iv[0], sizeof(iv[0]));
    memcpy(mk[1], mk[0], sizeof(mk[0]));
    assert_int_equal(cipher_state_new(seal, c, m, CIPHER_SEAL, key[0], c->key_len,
                                      c->iv_len ? iv[0] : NULL, c->iv_len,
                                      mk_len ? mk[0] : NULL, mk_len), 0);
    assert_int_equal(cipher_state_new(open, c, m, CIPHER_OPEN, key[1], c->key_len,
                                      c->iv_len ? iv[1] : NULL, c->iv_len,
                                      mk_len ? mk[1] : NULL, mk_len), 0);
}

void tu_newkeys(struct packet *from, struct packet *to, const char *cipher,
                const char *mac, bool zlib, uint64_t now)
{
    struct cipher_state *seal, *open;

    tu_state_pair(cipher, mac, &seal, &open);
    assert_int_equal(packet_stage_keys(from, PACKET_OUT, seal, zlib), 0);
    assert_int_equal(packet_stage_keys(to, PACKET_IN, open, zlib), 0);
    assert_int_equal(packet_newkeys_sent(from, now), 0);
    assert_int_equal(packet_newkeys_received(to, now), 0);
}

int tu_send(struct packet *p, const uint8_t *payload, size_t len, uint32_t *seqnr)
{
    struct mpl_writer w;
    int r;

    if ((r = packet_begin(p, len, &w)) < 0)
        return r;
    mpl_write_fixed(&w, payload, len);
    return packet_commit(p, &w, seqnr);
}

size_t tu_transfer(struct packet *from, struct packet *to, size_t chunk, size_t max)
{
    size_t moved = 0;

    while (max == 0 || moved < max) {
        const uint8_t *src;
        uint8_t *dst;
        size_t len, room, n;

        src = packet_tx_peek(from, &len);
        if (src == NULL || len == 0)
            break;
        assert_int_equal(packet_rx_space(to, &dst, &room), 0);
        n = len < room ? len : room;
        if (chunk != 0 && n > chunk)
            n = chunk;
        if (max != 0 && n > max - moved)
            n = max - moved;
        memcpy(dst, src, n);
        assert_int_equal(packet_rx_commit(to, n), 0);
        assert_int_equal(packet_tx_consume(from, n), 0);
        moved += n;
    }
    return moved;
}

void tu_inject(struct packet *p, const uint8_t *data, size_t len)
{
    while (len > 0) {
        uint8_t *dst;
        size_t room, n;

        assert_int_equal(packet_rx_space(p, &dst, &room), 0);
        n = len < room ? len : room;
        memcpy(dst, data, n);
        assert_int_equal(packet_rx_commit(p, n), 0);
        data += n;
        len -= n;
    }
}
