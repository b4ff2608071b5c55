/* Helpers shared by the packet-cipher tests: deterministic key material and the
 * construction of well-formed plaintext packets, the way the transport will do it. */
#ifndef MSSHD_REGRESS_SYM_PACKETS_H
#define MSSHD_REGRESS_SYM_PACKETS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/cipher.h"
#include "crypto/random.h"

/* Key bytes that differ per use (salt) and per position, so swapped or truncated keys
 * show up as mismatches. */
static inline void fill_pattern(uint8_t *p, size_t n, unsigned salt)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(salt * 131u + i * 7u + 1u);
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Writes length | padlen | payload | random padding at buf for the state's alignment,
 * with extra_blocks more padding blocks than the minimum; returns the packet length
 * (without tag), or 0 when buf is too small. */
static inline size_t build_packet(const struct cipher_state *st, const uint8_t *payload,
                                  size_t payload_len, unsigned extra_blocks,
                                  uint8_t *buf, size_t buf_size)
{
    int pad = cipher_padding_len(st, payload_len);
    size_t total;

    if (pad < 0)
        return 0;
    pad += (int)(extra_blocks * cipher_block_len(st));
    if (pad > 255)
        return 0;
    total = 4 + 1 + payload_len + (size_t)pad;
    if (total + cipher_tag_len(st) > buf_size)
        return 0;
    put_be32(buf, (uint32_t)(total - 4));
    buf[4] = (uint8_t)pad;
    if (payload_len > 0)
        memcpy(buf + 5, payload, payload_len);
    random_bytes(buf + 5 + payload_len, (size_t)pad);
    return total;
}

/* Creates a state for the named cipher/MAC with pattern keys (salt picks them). */
static inline int make_state(struct cipher_state **st, const char *cipher, const char *mac,
                             enum cipher_dir dir, unsigned salt)
{
    const struct cipher_alg *c = cipher_alg_lookup(cipher, strlen(cipher));
    const struct mac_alg *m = mac != NULL ? mac_alg_lookup(mac, strlen(mac)) : NULL;
    uint8_t key[CIPHER_MAX_KEY_LEN], iv[CIPHER_MAX_IV_LEN], mkey[64];

    if (c == NULL || (mac != NULL && m == NULL))
        return -ENOTSUP;
    fill_pattern(key, c->key_len, salt);
    fill_pattern(iv, c->iv_len, salt + 1);
    fill_pattern(mkey, m != NULL ? m->key_len : 0, salt + 2);
    return cipher_state_new(st, c, c->aead ? NULL : m, dir, key, c->key_len, iv, c->iv_len,
                            c->aead || m == NULL ? NULL : mkey,
                            c->aead || m == NULL ? 0 : m->key_len);
}

#endif
