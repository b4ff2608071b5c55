/* chacha20-poly1305@openssh.com (OpenSSH's PROTOCOL.chacha20poly1305) on libsodium's
 * original ChaCha20 (64-bit nonce, 64-bit block counter) and Poly1305.
 *
 * The 64 key bytes are K_2 (first 32: payload and Poly1305 key) and K_1 (last 32:
 * packet length only). Per packet, the nonce is the sequence number as a big-endian
 * uint64; the Poly1305 key is the first 32 bytes of K_2's block 0, the payload is
 * encrypted from K_2's block 1, the length with K_1 from block 0, and the tag covers
 * the encrypted length and the ciphertext. A separate length key means decrypting
 * the length of a forged packet reveals nothing about the payload keystream. */
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "crypto/cipher_impl.h"
#include "crypto/ct.h"

#define POLY_KEY_LEN crypto_onetimeauth_poly1305_KEYBYTES

static void seqnr_nonce(uint32_t seqnr, uint8_t nonce[crypto_stream_chacha20_NONCEBYTES])
{
    memset(nonce, 0, 4);
    nonce[4] = (uint8_t)(seqnr >> 24);
    nonce[5] = (uint8_t)(seqnr >> 16);
    nonce[6] = (uint8_t)(seqnr >> 8);
    nonce[7] = (uint8_t)seqnr;
}

static int chachapoly_init(struct cipher_state *st, const uint8_t *key, const uint8_t *iv)
{
    (void)iv;
    memcpy(st->u.chachapoly.main_key, key, CHACHAPOLY_KEY_LEN);
    memcpy(st->u.chachapoly.header_key, key + CHACHAPOLY_KEY_LEN, CHACHAPOLY_KEY_LEN);
    return 0;
}

static void chachapoly_cleanup(struct cipher_state *st)
{
    ct_wipe(&st->u.chachapoly, sizeof(st->u.chachapoly));
}

static int chachapoly_length(struct cipher_state *st, uint32_t seqnr, const uint8_t *head,
                             uint32_t *packet_length)
{
    uint8_t nonce[crypto_stream_chacha20_NONCEBYTES], plain[4];

    seqnr_nonce(seqnr, nonce);
    crypto_stream_chacha20_xor(plain, head, sizeof(plain), nonce, st->u.chachapoly.header_key);
    *packet_length = cipher_get_be32(plain);
    ct_wipe(plain, sizeof(plain));
    return 0;
}

static int chachapoly_seal(struct cipher_state *st, uint32_t seqnr, uint8_t *pkt, size_t len)
{
    uint8_t nonce[crypto_stream_chacha20_NONCEBYTES], poly_key[POLY_KEY_LEN];

    seqnr_nonce(seqnr, nonce);
    crypto_stream_chacha20(poly_key, sizeof(poly_key), nonce, st->u.chachapoly.main_key);
    crypto_stream_chacha20_xor(pkt, pkt, 4, nonce, st->u.chachapoly.header_key);
    crypto_stream_chacha20_xor_ic(pkt + 4, pkt + 4, len - 4, nonce, 1,
                                  st->u.chachapoly.main_key);
    crypto_onetimeauth_poly1305(pkt + len, pkt, len, poly_key);
    ct_wipe(poly_key, sizeof(poly_key));
    return 0;
}

static int chachapoly_open(struct cipher_state *st, uint32_t seqnr, uint8_t *pkt, size_t len)
{
    uint8_t nonce[crypto_stream_chacha20_NONCEBYTES], poly_key[POLY_KEY_LEN];
    int ok;

    seqnr_nonce(seqnr, nonce);
    crypto_stream_chacha20(poly_key, sizeof(poly_key), nonce, st->u.chachapoly.main_key);
    /* constant-time verification, before anything is decrypted */
    ok = crypto_onetimeauth_poly1305_verify(pkt + len, pkt, len, poly_key) == 0;
    ct_wipe(poly_key, sizeof(poly_key));
    if (!ok)
        return -EBADMSG;
    crypto_stream_chacha20_xor(pkt, pkt, 4, nonce, st->u.chachapoly.header_key);
    crypto_stream_chacha20_xor_ic(pkt + 4, pkt + 4, len - 4, nonce, 1,
                                  st->u.chachapoly.main_key);
    return 0;
}

const struct cipher_ops cipher_ops_chachapoly = {
    .init = chachapoly_init,
    .cleanup = chachapoly_cleanup,
    .aead_length = chachapoly_length,
    .aead_seal = chachapoly_seal,
    .aead_open = chachapoly_open,
};
