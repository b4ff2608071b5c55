/* Protection of SSH binary packets (RFC 4253 §6), in place, one state per direction.
 *
 * Ciphers: none, chacha20-poly1305@openssh.com, aes128-gcm@openssh.com,
 * aes256-gcm@openssh.com (RFC 5647), aes128-ctr, aes192-ctr, aes256-ctr (RFC 4344);
 * the CTR ciphers combine with a MAC from crypto/mac.h (encrypt-and-MAC or, for the
 * -etm@openssh.com MACs, encrypt-then-MAC).
 *
 * A packet buffer is laid out as on the wire:
 *     uint32 packet_length | byte padding_length | payload | padding | tag
 * where packet_length counts the bytes after itself up to (not including) the tag.
 *
 * Sending:   build the plaintext packet (padding from cipher_padding_len), then
 *            cipher_seal() encrypts it in place and writes the tag right behind it.
 * Receiving: once cipher_head_len() bytes are in, cipher_open_length() gives the
 *            packet_length; once 4 + packet_length + cipher_tag_len() bytes are in,
 *            cipher_open() authenticates and decrypts them in place.
 * Any failure while receiving leaves the state unusable (every later call fails):
 * after a bad packet the connection must be dropped, never resynchronised.
 * Nothing on the per-packet path allocates memory. */
#ifndef MSSHD_CRYPTO_CIPHER_H
#define MSSHD_CRYPTO_CIPHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "crypto/mac.h"

/* Largest packet_length accepted or produced (OpenSSH's PACKET_MAX_SIZE). */
#define CIPHER_MAX_PACKET_LEN (256u * 1024u)
/* Largest tag any cipher/MAC pair appends, and largest key/IV/block sizes. */
#define CIPHER_MAX_TAG_LEN   64
#define CIPHER_MAX_KEY_LEN   64
#define CIPHER_MAX_IV_LEN    16
#define CIPHER_MAX_BLOCK_LEN 16

struct cipher_ops;

struct cipher_alg {
    const char *name;
    uint8_t key_len;        /* bytes of derived key (RFC 4253 §7.2 letters C/D) */
    uint8_t iv_len;         /* bytes of derived IV (letters A/B); 0 when unused */
    uint8_t block_len;      /* cipher block size; padding aligns to max(8, block_len) */
    uint8_t tag_len;        /* AEAD tag length; 0 for non-AEAD (the MAC adds its own) */
    bool aead;              /* authenticates by itself; a negotiated MAC is ignored */
    bool length_encrypted;  /* packet_length is encrypted (with an E&M MAC for CTR) */
    const struct cipher_ops *ops;
};

/* The cipher named by the len bytes at name (not NUL-terminated), or NULL. */
const struct cipher_alg *cipher_alg_lookup(const char *name, size_t len);
/* The i-th supported cipher in our preference order, "none" excluded; NULL past the end. */
const struct cipher_alg *cipher_alg_at(size_t i);

enum cipher_dir {
    CIPHER_SEAL,   /* outgoing packets */
    CIPHER_OPEN,   /* incoming packets */
};

struct cipher_state;

/* Creates the state of one direction. mac is required for non-AEAD ciphers other
 * than none, optional for none, and ignored for AEAD ciphers. key, iv and mac_key
 * must hold exactly the lengths the descriptors ask for (NULL when 0); they are
 * wiped before return, whether or not it succeeds.
 * Returns 0, -EINVAL (NULL/mismatched arguments), -ENOMEM. */
int cipher_state_new(struct cipher_state **out, const struct cipher_alg *alg,
                     const struct mac_alg *mac, enum cipher_dir dir,
                     uint8_t *key, size_t key_len, uint8_t *iv, size_t iv_len,
                     uint8_t *mac_key, size_t mac_key_len);
/* Wipes all key state and releases it; NULL is fine. */
void cipher_state_free(struct cipher_state *st);

/* Padding alignment: packet_length plus, unless the length is authenticated data
 * (AEAD or -etm), its own 4 bytes, must be a multiple of this (RFC 4253 §6). */
size_t cipher_block_len(const struct cipher_state *st);
/* Bytes that follow every packet (AEAD tag or MAC). */
size_t cipher_tag_len(const struct cipher_state *st);
/* Bytes needed before cipher_open_length can tell the packet length. */
size_t cipher_head_len(const struct cipher_state *st);
/* Smallest padding length (>= 4, RFC 4253 §6) that aligns a payload of payload_len
 * bytes; the caller may add multiples of cipher_block_len(). -ERANGE when the packet
 * would exceed CIPHER_MAX_PACKET_LEN. */
int cipher_padding_len(const struct cipher_state *st, size_t payload_len);

/* Encrypts the pkt_len-byte packet at pkt in place and writes the tag at pkt + pkt_len
 * (buf_size >= pkt_len + cipher_tag_len()). The packet must be well formed: its
 * length field equal to pkt_len - 4, padding of at least 4 bytes, aligned.
 * Returns pkt_len + cipher_tag_len(), or -EINVAL, -ENOSPC, -EPROTO (state unusable). */
ssize_t cipher_seal(struct cipher_state *st, uint32_t seqnr,
                    uint8_t *pkt, size_t pkt_len, size_t buf_size);

/* Reads the packet length from the first head_len (>= cipher_head_len()) received
 * bytes, decrypting where the mode encrypts it; head is not modified. Calling it
 * again for the same packet returns the same answer without touching the cipher.
 * Returns 0, -EBADMSG (length out of bounds or misaligned), -EINVAL, -EPROTO. */
int cipher_open_length(struct cipher_state *st, uint32_t seqnr,
                       const uint8_t *head, size_t head_len, uint32_t *packet_length);

/* Authenticates and decrypts, in place, the len = 4 + packet_length + cipher_tag_len()
 * bytes received, after cipher_open_length for the same seqnr. On success the buffer
 * holds the plaintext packet (length field included) and the return value is
 * 4 + packet_length. A bad tag/MAC or bad padding length gives -EBADMSG and no
 * plaintext: whatever was decrypted is wiped. Also -EINVAL, -EPROTO. */
ssize_t cipher_open(struct cipher_state *st, uint32_t seqnr, uint8_t *pkt, size_t len);

#endif
