/* aes128-gcm@openssh.com and aes256-gcm@openssh.com: AES-GCM in SSH per RFC 5647
 * (names and negotiation as OpenSSH's PROTOCOL §1.6), on OpenSSL EVP.
 *
 * packet_length travels in clear as the 4 bytes of additional authenticated data;
 * the rest of the packet is encrypted; the 16-byte tag follows. The 12-byte nonce is
 * the derived IV, a 4-byte fixed field then a 64-bit big-endian invocation counter
 * incremented after every packet (RFC 5647 §7.1), so no nonce repeats under one key
 * and a dropped, replayed or reordered packet fails authentication. The sequence
 * number is not an input. */
#include <errno.h>
#include <openssl/evp.h>
#include <string.h>

#include "crypto/cipher_impl.h"
#include "crypto/ct.h"

#define GCM_TAG_LEN 16

static int aesgcm_init(struct cipher_state *st, const uint8_t *key, const uint8_t *iv)
{
    const EVP_CIPHER *evp = st->alg->key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int enc = st->dir == CIPHER_SEAL;

    if (ctx == NULL)
        return -ENOMEM;
    if (EVP_CipherInit_ex(ctx, evp, NULL, NULL, NULL, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, AESGCM_IV_LEN, NULL) != 1 ||
        EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, enc) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return -ENOMEM;
    }
    st->u.aesgcm.evp = ctx;
    memcpy(st->u.aesgcm.iv, iv, AESGCM_IV_LEN);
    return 0;
}

static void aesgcm_cleanup(struct cipher_state *st)
{
    /* EVP_CIPHER_CTX_free cleanses the expanded key */
    EVP_CIPHER_CTX_free(st->u.aesgcm.evp);
    st->u.aesgcm.evp = NULL;
    ct_wipe(st->u.aesgcm.iv, sizeof(st->u.aesgcm.iv));
}

/* The invocation counter: the last 8 IV bytes as a big-endian integer, mod 2^64. */
static void next_iv(uint8_t iv[AESGCM_IV_LEN])
{
    for (int i = AESGCM_IV_LEN - 1; i >= 4; i--)
        if (++iv[i] != 0)
            break;
}

/* Starts a packet: nonce from the current IV, the length bytes as AAD. */
static int start_packet(EVP_CIPHER_CTX *ctx, const uint8_t *iv, const uint8_t *pkt)
{
    int outl;

    return EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv, -1) == 1 &&
           EVP_CipherUpdate(ctx, NULL, &outl, pkt, 4) == 1 ? 0 : -EPROTO;
}

static int aesgcm_length(struct cipher_state *st, uint32_t seqnr, const uint8_t *head,
                         uint32_t *packet_length)
{
    (void)st;
    (void)seqnr;
    *packet_length = cipher_get_be32(head);
    return 0;
}

static int aesgcm_seal(struct cipher_state *st, uint32_t seqnr, uint8_t *pkt, size_t len)
{
    EVP_CIPHER_CTX *ctx = st->u.aesgcm.evp;
    uint8_t none[16];
    int outl = 0, finl = 0;

    (void)seqnr;
    if (start_packet(ctx, st->u.aesgcm.iv, pkt) < 0 ||
        EVP_CipherUpdate(ctx, pkt + 4, &outl, pkt + 4, (int)(len - 4)) != 1 ||
        (size_t)outl != len - 4 ||
        EVP_CipherFinal_ex(ctx, none, &finl) != 1 || finl != 0 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG_LEN, pkt + len) != 1)
        return -EPROTO;
    next_iv(st->u.aesgcm.iv);
    return 0;
}

static int aesgcm_open(struct cipher_state *st, uint32_t seqnr, uint8_t *pkt, size_t len)
{
    EVP_CIPHER_CTX *ctx = st->u.aesgcm.evp;
    uint8_t none[16];
    int outl = 0, finl = 0;

    (void)seqnr;
    if (start_packet(ctx, st->u.aesgcm.iv, pkt) < 0 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG_LEN, pkt + len) != 1 ||
        EVP_CipherUpdate(ctx, pkt + 4, &outl, pkt + 4, (int)(len - 4)) != 1 ||
        (size_t)outl != len - 4)
        return -EPROTO;
    /* OpenSSL decrypts before it can compare the tag (in constant time, in Final):
     * on a mismatch the caller wipes the plaintext already written. */
    if (EVP_CipherFinal_ex(ctx, none, &finl) != 1 || finl != 0)
        return -EBADMSG;
    next_iv(st->u.aesgcm.iv);
    return 0;
}

const struct cipher_ops cipher_ops_aesgcm = {
    .init = aesgcm_init,
    .cleanup = aesgcm_cleanup,
    .aead_length = aesgcm_length,
    .aead_seal = aesgcm_seal,
    .aead_open = aesgcm_open,
};
