/* libFuzzer target for the receive path of crypto/cipher.h, the code that handles
 * bytes from the network before anything is authenticated.
 * Input: byte 0 picks a cipher x MAC pair, byte 1 a mode, the rest is data.
 *  mode 0: the data is a received wire image; it is read the way the transport will
 *          (length from the head, then the body) and must never be accepted by an
 *          authenticated pair (a forgery), nor crash, nor read out of bounds;
 *  mode 1: the data (after 2 bytes) is a payload; seal -> open must give it back;
 *  mode 2: as mode 1, with one bit of the sealed packet flipped (its position from
 *          the 2 bytes): the packet must be rejected. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cipher.h"
#include "crypto/random.h"
#include "regress/crypto/sym_packets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const pairs[][2] = {
    { "none", NULL },
    { "none", "hmac-sha2-256-etm@openssh.com" },
    { "chacha20-poly1305@openssh.com", NULL },
    { "aes128-gcm@openssh.com", NULL },
    { "aes256-gcm@openssh.com", NULL },
    { "aes128-ctr", "hmac-sha2-256" },
    { "aes192-ctr", "hmac-sha2-512" },
    { "aes256-ctr", "hmac-sha2-256-etm@openssh.com" },
    { "aes128-ctr", "hmac-sha2-512-etm@openssh.com" },
};
#define N_PAIRS (sizeof(pairs) / sizeof(pairs[0]))
#define MAX_IN 4096

static void receive_wire(const char *const pair[2], const uint8_t *wire, size_t len)
{
    static uint8_t buf[4 + CIPHER_MAX_PACKET_LEN + CIPHER_MAX_TAG_LEN];
    struct cipher_state *open;
    uint32_t plen;
    size_t need;
    ssize_t r;

    if (make_state(&open, pair[0], pair[1], CIPHER_OPEN, 7) < 0)
        abort();
    if (len >= cipher_head_len(open) &&
        cipher_open_length(open, 0, wire, len, &plen) == 0) {
        need = 4 + (size_t)plen + cipher_tag_len(open);
        if (need <= len) {
            memcpy(buf, wire, need);
            r = cipher_open(open, 0, buf, need);
            if (r >= 0 && (pair[1] != NULL || strcmp(pair[0], "none") != 0))
                abort();   /* an authenticated pair accepted bytes nobody sealed */
            if (r >= 0 && (r != (ssize_t)(need) || memcmp(buf, wire, need) != 0))
                abort();   /* none must pass the packet through unchanged */
        }
    }
    cipher_state_free(open);
}

static void seal_and_open(const char *const pair[2], const uint8_t *payload, size_t len,
                          int flip, unsigned flip_at)
{
    static uint8_t buf[MAX_IN + 512];
    struct cipher_state *seal, *open;
    size_t pkt;
    ssize_t total, r = -EBADMSG;
    uint32_t plen;

    if (make_state(&seal, pair[0], pair[1], CIPHER_SEAL, 7) < 0 ||
        make_state(&open, pair[0], pair[1], CIPHER_OPEN, 7) < 0)
        abort();
    pkt = build_packet(seal, payload, len, 0, buf, sizeof(buf));
    if (pkt == 0)
        abort();
    total = cipher_seal(seal, 3, buf, pkt, sizeof(buf));
    if (total != (ssize_t)(pkt + cipher_tag_len(seal)))
        abort();
    if (flip)
        buf[(flip_at / 8) % (size_t)total] ^= (uint8_t)(1u << (flip_at % 8));
    if (cipher_open_length(open, 3, buf, (size_t)total, &plen) == 0 &&
        4 + (size_t)plen + cipher_tag_len(open) == (size_t)total)
        r = cipher_open(open, 3, buf, (size_t)total);
    if (!flip && (r != (ssize_t)pkt || memcmp(buf + 5, payload, len) != 0))
        abort();
    if (flip && r >= 0 && (pair[1] != NULL || strcmp(pair[0], "none") != 0))
        abort();
    cipher_state_free(seal);
    cipher_state_free(open);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *const *pair;

    if (size < 4 || size > MAX_IN + 4)
        return 0;
    if (random_init() < 0)
        abort();
    pair = pairs[data[0] % N_PAIRS];
    switch (data[1] % 3) {
    case 0:
        receive_wire(pair, data + 2, size - 2);
        break;
    case 1:
        seal_and_open(pair, data + 4, size - 4, 0, 0);
        break;
    default:
        seal_and_open(pair, data + 4, size - 4, 1, (unsigned)data[2] << 8 | data[3]);
    }
    return 0;
}
