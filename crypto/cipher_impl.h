/* Private to crypto/cipher*.c: the per-direction state and the operations each
 * cipher family implements. Callers outside crypto/ use cipher.h only. */
#ifndef MSSHD_CRYPTO_CIPHER_IMPL_H
#define MSSHD_CRYPTO_CIPHER_IMPL_H

#include <openssl/evp.h>

#include "crypto/cipher.h"
#include "crypto/hmac.h"

#define CHACHAPOLY_KEY_LEN 32
#define AESGCM_IV_LEN      12

struct cipher_state {
    const struct cipher_alg *alg;
    const struct mac_alg *mac;      /* NULL for AEAD ciphers and for bare none */
    enum cipher_dir dir;
    bool broken;                    /* a failure happened: refuse everything */
    bool len_in_clear;              /* packet_length travels unencrypted */
    /* Receiving: what cipher_open_length learnt, checked by cipher_open. */
    bool length_known;
    uint32_t known_seqnr;
    uint32_t known_len;
    /* Encrypt-and-MAC with an encrypting cipher: the first block, decrypted once by
     * cipher_open_length (the CTR keystream must not advance twice). */
    uint8_t head_plain[CIPHER_MAX_BLOCK_LEN];
    size_t head_plain_len;
    struct hmac_ctx mac_keyed;
    union {
        struct {
            uint8_t main_key[CHACHAPOLY_KEY_LEN];    /* K_2: payload and Poly1305 key */
            uint8_t header_key[CHACHAPOLY_KEY_LEN];  /* K_1: packet length only */
        } chachapoly;
        struct {
            EVP_CIPHER_CTX *evp;
            uint8_t iv[AESGCM_IV_LEN];   /* fixed field (4) || invocation counter (8) */
        } aesgcm;
        struct {
            EVP_CIPHER_CTX *evp;         /* carries the counter across packets */
        } aesctr;
    } u;
};

struct cipher_ops {
    /* Keys the state; key/iv hold alg->key_len/iv_len bytes (the caller wipes them). */
    int (*init)(struct cipher_state *st, const uint8_t *key, const uint8_t *iv);
    /* Releases what init acquired; key bytes in the state are wiped by the caller. */
    void (*cleanup)(struct cipher_state *st);

    /* Non-AEAD: en/decrypts len bytes in place, continuing the keystream. */
    int (*crypt)(struct cipher_state *st, uint8_t *data, size_t len);

    /* AEAD: the packet length from the first 4 bytes (head not modified). */
    int (*aead_length)(struct cipher_state *st, uint32_t seqnr, const uint8_t *head,
                       uint32_t *packet_length);
    /* AEAD: seal len bytes at pkt in place (length field included), tag at pkt + len. */
    int (*aead_seal)(struct cipher_state *st, uint32_t seqnr, uint8_t *pkt, size_t len);
    /* AEAD: verify the tag at pkt + len, then decrypt len bytes in place; on a bad tag
     * return -EBADMSG with no plaintext left in the buffer. */
    int (*aead_open)(struct cipher_state *st, uint32_t seqnr, uint8_t *pkt, size_t len);
};

extern const struct cipher_ops cipher_ops_none;
extern const struct cipher_ops cipher_ops_chachapoly;
extern const struct cipher_ops cipher_ops_aesgcm;
extern const struct cipher_ops cipher_ops_aesctr;

static inline uint32_t cipher_get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
