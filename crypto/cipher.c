/* SSH binary packet protection: the algorithm table, the checks every packet goes
 * through, and the composition of non-AEAD ciphers with MACs (encrypt-and-MAC per
 * RFC 4253 §6.4, encrypt-then-MAC per OpenSSH's PROTOCOL §1.5). The cipher families
 * themselves are in cipher_none.c, cipher_chachapoly.c, cipher_aesgcm.c and
 * cipher_aesctr.c. */
#include "crypto/cipher.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cipher_impl.h"
#include "crypto/ct.h"

/* Preference order: AEAD first (one pass, length protected by construction). */
static const struct cipher_alg cipher_algs[] = {
    { "chacha20-poly1305@openssh.com", 64,  0,  8, 16, true,  true,  &cipher_ops_chachapoly },
    { "aes128-gcm@openssh.com",        16, 12, 16, 16, true,  false, &cipher_ops_aesgcm },
    { "aes256-gcm@openssh.com",        32, 12, 16, 16, true,  false, &cipher_ops_aesgcm },
    { "aes128-ctr",                    16, 16, 16,  0, false, true,  &cipher_ops_aesctr },
    { "aes192-ctr",                    24, 16, 16,  0, false, true,  &cipher_ops_aesctr },
    { "aes256-ctr",                    32, 16, 16,  0, false, true,  &cipher_ops_aesctr },
};

/* Only for the packets before the first key exchange; never offered in negotiation. */
static const struct cipher_alg cipher_none = {
    "none", 0, 0, 8, 0, false, false, &cipher_ops_none
};

#define N_CIPHER_ALGS (sizeof(cipher_algs) / sizeof(cipher_algs[0]))

const struct cipher_alg *cipher_alg_lookup(const char *name, size_t len)
{
    if (name == NULL)
        return NULL;
    if (len == 4 && memcmp(name, "none", 4) == 0)
        return &cipher_none;
    for (size_t i = 0; i < N_CIPHER_ALGS; i++)
        if (strlen(cipher_algs[i].name) == len && memcmp(cipher_algs[i].name, name, len) == 0)
            return &cipher_algs[i];
    return NULL;
}

const struct cipher_alg *cipher_alg_at(size_t i)
{
    return i < N_CIPHER_ALGS ? &cipher_algs[i] : NULL;
}

/* packet_length is authenticated data outside the aligned, encrypted region. */
static bool length_is_aad(const struct cipher_state *st)
{
    return st->alg->aead || (st->mac != NULL && st->mac->etm);
}

size_t cipher_block_len(const struct cipher_state *st)
{
    return st->alg->block_len > 8 ? st->alg->block_len : 8;
}

size_t cipher_tag_len(const struct cipher_state *st)
{
    if (st->alg->aead)
        return st->alg->tag_len;
    return st->mac != NULL ? st->mac->tag_len : 0;
}

size_t cipher_head_len(const struct cipher_state *st)
{
    return st->alg->aead || st->len_in_clear ? 4 : st->alg->block_len;
}

/* Bounds and alignment of a packet_length, whoever produced it. */
static bool packet_length_ok(const struct cipher_state *st, uint32_t packet_length)
{
    size_t region = (size_t)packet_length + (length_is_aad(st) ? 0 : 4);

    return packet_length >= 5 && packet_length <= CIPHER_MAX_PACKET_LEN &&
           region % cipher_block_len(st) == 0;
}

int cipher_padding_len(const struct cipher_state *st, size_t payload_len)
{
    size_t align = cipher_block_len(st);
    size_t region, pad;

    if (payload_len > CIPHER_MAX_PACKET_LEN)
        return -ERANGE;
    region = (length_is_aad(st) ? 0 : 4) + 1 + payload_len;
    pad = align - region % align;
    if (pad < 4)
        pad += align;
    if (1 + payload_len + pad > CIPHER_MAX_PACKET_LEN)
        return -ERANGE;
    return (int)pad;
}

static void wipe_keys(uint8_t *key, size_t key_len, uint8_t *iv, size_t iv_len,
                      uint8_t *mac_key, size_t mac_key_len)
{
    ct_wipe(key, key_len);
    ct_wipe(iv, iv_len);
    ct_wipe(mac_key, mac_key_len);
}

int cipher_state_new(struct cipher_state **out, const struct cipher_alg *alg,
                     const struct mac_alg *mac, enum cipher_dir dir,
                     uint8_t *key, size_t key_len, uint8_t *iv, size_t iv_len,
                     uint8_t *mac_key, size_t mac_key_len)
{
    struct cipher_state *st = NULL;
    int r = -EINVAL;

    if (out == NULL)
        goto done;
    *out = NULL;
    if (alg == NULL || (dir != CIPHER_SEAL && dir != CIPHER_OPEN) ||
        key_len != alg->key_len || iv_len != alg->iv_len ||
        (key == NULL && key_len > 0) || (iv == NULL && iv_len > 0))
        goto done;
    if (alg->aead) {
        mac = NULL;
    } else if (mac == NULL ? alg->ops != &cipher_ops_none
                           : mac_key_len != mac->key_len || mac_key == NULL) {
        goto done;
    }
    st = calloc(1, sizeof(*st));
    if (st == NULL) {
        r = -ENOMEM;
        goto done;
    }
    st->alg = alg;
    st->mac = mac;
    st->dir = dir;
    st->len_in_clear = !alg->length_encrypted || (mac != NULL && mac->etm);
    if (mac != NULL && (r = hmac_init(&st->mac_keyed, mac->hmac, mac_key, mac_key_len)) < 0)
        goto done;
    r = alg->ops->init(st, key, iv);
    if (r == 0) {
        *out = st;
        st = NULL;
    }
done:
    if (st != NULL) {
        /* init failed: it released what it had acquired; wipe whatever it wrote */
        ct_wipe(st, sizeof(*st));
        free(st);
    }
    wipe_keys(key, key_len, iv, iv_len, mac_key, mac_key_len);
    return r;
}

void cipher_state_free(struct cipher_state *st)
{
    if (st == NULL)
        return;
    st->alg->ops->cleanup(st);
    ct_wipe(st, sizeof(*st));
    free(st);
}

/* The state is unusable after any receive failure (see cipher.h). */
static int fail(struct cipher_state *st, int err)
{
    st->broken = true;
    st->length_known = false;
    ct_wipe(st->head_plain, sizeof(st->head_plain));
    return err;
}

ssize_t cipher_seal(struct cipher_state *st, uint32_t seqnr,
                    uint8_t *pkt, size_t pkt_len, size_t buf_size)
{
    size_t tag_len;
    uint32_t packet_length;
    int r;

    if (st == NULL || pkt == NULL || st->dir != CIPHER_SEAL)
        return -EINVAL;
    if (st->broken)
        return -EPROTO;
    if (pkt_len < 4 + 5 || pkt_len - 4 > CIPHER_MAX_PACKET_LEN)
        return -EINVAL;
    packet_length = cipher_get_be32(pkt);
    if (packet_length != pkt_len - 4 || !packet_length_ok(st, packet_length) ||
        pkt[4] < 4 || (uint32_t)pkt[4] + 1 > packet_length)
        return -EINVAL;
    tag_len = cipher_tag_len(st);
    if (buf_size < pkt_len + tag_len)
        return -ENOSPC;

    if (st->alg->aead) {
        r = st->alg->ops->aead_seal(st, seqnr, pkt, pkt_len);
    } else if (st->mac != NULL && st->mac->etm) {
        r = st->alg->ops->crypt(st, pkt + 4, pkt_len - 4);
        if (r == 0)
            mac_packet(&st->mac_keyed, seqnr, pkt, pkt_len, pkt + pkt_len);
    } else {
        if (st->mac != NULL)
            mac_packet(&st->mac_keyed, seqnr, pkt, pkt_len, pkt + pkt_len);
        r = st->alg->ops->crypt(st, pkt, pkt_len);
    }
    if (r < 0) {
        /* never leave a half-encrypted packet for the caller to send */
        ct_wipe(pkt, pkt_len + tag_len);
        st->broken = true;
        return -EPROTO;
    }
    return (ssize_t)(pkt_len + tag_len);
}

int cipher_open_length(struct cipher_state *st, uint32_t seqnr,
                       const uint8_t *head, size_t head_len, uint32_t *packet_length)
{
    uint32_t len;
    int r = 0;

    if (st == NULL || head == NULL || packet_length == NULL || st->dir != CIPHER_OPEN)
        return -EINVAL;
    if (st->broken)
        return -EPROTO;
    if (head_len < cipher_head_len(st))
        return -EINVAL;
    if (st->length_known) {
        /* asked again for the same packet: answer without running the cipher again */
        if (st->known_seqnr != seqnr)
            return -EINVAL;
        *packet_length = st->known_len;
        return 0;
    }
    if (st->alg->aead) {
        r = st->alg->ops->aead_length(st, seqnr, head, &len);
    } else if (st->len_in_clear) {
        len = cipher_get_be32(head);
    } else {
        st->head_plain_len = st->alg->block_len;
        memcpy(st->head_plain, head, st->head_plain_len);
        r = st->alg->ops->crypt(st, st->head_plain, st->head_plain_len);
        len = cipher_get_be32(st->head_plain);
    }
    if (r < 0)
        return fail(st, -EPROTO);
    if (!packet_length_ok(st, len))
        return fail(st, -EBADMSG);
    st->length_known = true;
    st->known_seqnr = seqnr;
    st->known_len = len;
    *packet_length = len;
    return 0;
}

/* Decrypts, then checks the MAC over the plaintext (RFC 4253 §6.4); the MAC cannot
 * be checked first because it covers the plaintext. */
static int open_encrypt_and_mac(struct cipher_state *st, uint32_t seqnr,
                                uint8_t *pkt, size_t total)
{
    size_t done = st->head_plain_len;

    memcpy(pkt, st->head_plain, done);
    if (st->alg->ops->crypt(st, pkt + done, total - done) < 0)
        return -EPROTO;
    if (st->mac != NULL && !mac_packet_verify(&st->mac_keyed, seqnr, pkt, total, pkt + total))
        return -EBADMSG;
    return 0;
}

/* Checks the MAC over length || ciphertext before decrypting anything. */
static int open_encrypt_then_mac(struct cipher_state *st, uint32_t seqnr,
                                 uint8_t *pkt, size_t total)
{
    if (!mac_packet_verify(&st->mac_keyed, seqnr, pkt, total, pkt + total))
        return -EBADMSG;
    return st->alg->ops->crypt(st, pkt + 4, total - 4) < 0 ? -EPROTO : 0;
}

ssize_t cipher_open(struct cipher_state *st, uint32_t seqnr, uint8_t *pkt, size_t len)
{
    size_t total;
    int r;

    if (st == NULL || pkt == NULL || st->dir != CIPHER_OPEN)
        return -EINVAL;
    if (st->broken)
        return -EPROTO;
    if (!st->length_known || st->known_seqnr != seqnr)
        return -EINVAL;
    total = 4 + (size_t)st->known_len;
    if (len != total + cipher_tag_len(st))
        return -EINVAL;

    if (st->alg->aead)
        r = st->alg->ops->aead_open(st, seqnr, pkt, total);
    else if (st->mac != NULL && st->mac->etm)
        r = open_encrypt_then_mac(st, seqnr, pkt, total);
    else
        r = open_encrypt_and_mac(st, seqnr, pkt, total);

    /* The length the packet was framed with must be the one it carries, and the
     * padding must be at least 4 bytes and fit (RFC 4253 §6). */
    if (r == 0 && (cipher_get_be32(pkt) != st->known_len || pkt[4] < 4 ||
                   (uint32_t)pkt[4] + 1 > st->known_len))
        r = -EBADMSG;
    if (r < 0) {
        ct_wipe(pkt, total);
        return fail(st, r);
    }
    st->length_known = false;
    ct_wipe(st->head_plain, sizeof(st->head_plain));
    st->head_plain_len = 0;
    return (ssize_t)total;
}
