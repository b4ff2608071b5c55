/* SSH MAC algorithms for non-AEAD ciphers (RFC 4253 §6.4, RFC 6668, OpenSSH's
 * PROTOCOL "-etm@openssh.com" forms): the name table the transport negotiates from,
 * and the packet MAC itself, HMAC over uint32 sequence number || data. */
#ifndef MSSHD_CRYPTO_MAC_H
#define MSSHD_CRYPTO_MAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/hmac.h"

struct mac_alg {
    const char *name;
    enum hmac_alg hmac;
    uint8_t key_len;     /* bytes of derived MAC key (RFC 4253 §7.2 letters E/F) */
    uint8_t tag_len;     /* bytes appended to every packet */
    bool etm;            /* encrypt-then-MAC: length in clear, MAC over ciphertext */
};

/* The algorithm named by the len bytes at name (not NUL-terminated: name-lists are
 * parsed in place), or NULL when unsupported. */
const struct mac_alg *mac_alg_lookup(const char *name, size_t len);
/* The i-th supported algorithm, in our preference order; NULL past the end. */
const struct mac_alg *mac_alg_at(size_t i);

/* Computes alg->tag_len bytes of MAC into tag from a context keyed once per
 * direction; the keyed context is copied, never modified, so no allocation happens. */
void mac_packet(const struct hmac_ctx *keyed, uint32_t seqnr,
                const uint8_t *data, size_t len, uint8_t *tag);
/* True when tag matches; the comparison is constant-time. */
bool mac_packet_verify(const struct hmac_ctx *keyed, uint32_t seqnr,
                       const uint8_t *data, size_t len, const uint8_t *tag);

#endif
