/* RFC 4253 §7.2: the IVs, encryption keys and MAC keys of both directions, derived
 * from the shared secret K, the exchange hash H and the session id:
 *     letter X:  K1 = HASH(K || H || X || session_id),
 *                Kn = HASH(K || H || K1 || ... || Kn-1),   key = K1 || K2 || ...
 * with X = 'A' IV c->s, 'B' IV s->c, 'C' key c->s, 'D' key s->c, 'E' MAC key c->s,
 * 'F' MAC key s->c. K enters the hash as it is encoded on the wire: an mpint for the
 * classic methods (kex_derive_encode_mpint builds it), a string for the hybrid
 * post-quantum ones. Every intermediate value is wiped. */
#ifndef MSSHD_SSHD_KEX_DERIVE_H
#define MSSHD_SSHD_KEX_DERIVE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/cipher.h"
#include "crypto/hash.h"
#include "crypto/mac.h"
#include "mpl/rt/mpl_rt.h"

/* Longest K encoding: a uint32 length and an mpint of the largest DH group (8192
 * bits) with its sign byte. */
#define KEX_DERIVE_K_MAX (4 + 1 + 8192 / 8)
/* Longest piece derived (chacha20-poly1305's 64-byte key, HMAC-SHA-512's key). */
#define KEX_DERIVE_PART_MAX 64

/* Encodes the shared secret magnitude mag (big-endian, unsigned) as an SSH mpint
 * (uint32 length || two's complement bytes) into out, through mpl/rt's writer.
 * Returns the encoded length, -EINVAL, -ENOSPC. */
int kex_derive_encode_mpint(const uint8_t *mag, size_t mag_len, uint8_t *out,
                            size_t out_size);

/* One letter's bytes: out_len bytes (any length up to KEX_DERIVE_PART_MAX, extended
 * with further digests past one) of the derivation above. k is the encoded secret.
 * Returns 0, -EINVAL, -ENOMEM. */
int kex_derive_part(enum hash_alg hash, const uint8_t *k, size_t k_len,
                    const uint8_t *h, size_t h_len, char letter,
                    const uint8_t *session_id, size_t session_id_len,
                    uint8_t *out, size_t out_len);

/* What one direction needs: its cipher and, unless the cipher is AEAD, its MAC. */
struct kex_derive_algs {
    const struct cipher_alg *cipher;
    const struct mac_alg *mac;      /* NULL for AEAD ciphers */
};

/* The keys of one direction, lengths set by the negotiated algorithms. */
struct kex_dir_keys {
    uint8_t iv[CIPHER_MAX_IV_LEN];
    uint8_t key[CIPHER_MAX_KEY_LEN];
    uint8_t mac_key[KEX_DERIVE_PART_MAX];
    size_t iv_len, key_len, mac_key_len;
    const struct cipher_alg *cipher;
    const struct mac_alg *mac;
};

struct kex_keys {
    struct kex_dir_keys c2s;   /* letters A, C, E: what the client sends */
    struct kex_dir_keys s2c;   /* letters B, D, F: what the server sends */
};

/* Derives every key both directions need. On failure out is wiped.
 * Returns 0, -EINVAL, -ENOMEM. */
int kex_derive_keys(enum hash_alg hash, const uint8_t *k, size_t k_len,
                    const uint8_t *h, size_t h_len,
                    const uint8_t *session_id, size_t session_id_len,
                    const struct kex_derive_algs *c2s, const struct kex_derive_algs *s2c,
                    struct kex_keys *out);

/* Makes the cipher state for one direction's keys (CIPHER_OPEN for c2s on a server,
 * CIPHER_SEAL for s2c) and wipes those keys, whether or not it succeeds.
 * Returns what cipher_state_new returns. */
int kex_dir_keys_cipher_state(struct kex_dir_keys *keys, enum cipher_dir dir,
                              struct cipher_state **out);

/* Wipes every key in keys. */
void kex_keys_wipe(struct kex_keys *keys);

#endif
