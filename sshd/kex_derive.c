/* RFC 4253 §7.2 key derivation (see kex_derive.h). */
#include "sshd/kex_derive.h"

#include <errno.h>
#include <string.h>

#include "crypto/ct.h"

int kex_derive_encode_mpint(const uint8_t *mag, size_t mag_len, uint8_t *out,
                            size_t out_size)
{
    struct mpl_writer w;
    size_t len;
    int r;

    if ((mag == NULL && mag_len > 0) || out == NULL)
        return -EINVAL;
    mpl_writer_init(&w, out, out_size, 0, 0);
    mpl_write_mpint_unsigned(&w, mag, mag_len);
    if ((r = mpl_writer_finish(&w, &len)) < 0) {
        ct_wipe(out, out_size);
        return r;
    }
    return (int)len;
}

/* HASH(K || H) once; each letter's hashes continue from a copy of it. */
static int hash_prefix(struct hash_ctx *ctx, enum hash_alg hash, const uint8_t *k,
                       size_t k_len, const uint8_t *h, size_t h_len)
{
    int r;

    if ((r = hash_init(ctx, hash)) < 0)
        return r;
    if ((r = hash_update(ctx, k, k_len)) < 0 || (r = hash_update(ctx, h, h_len)) < 0) {
        hash_free(ctx);
        return r;
    }
    return 0;
}

/* Extends from the K || H prefix: first HASH(prefix || letter || session_id), then
 * HASH(prefix || everything so far) until out_len bytes are there. */
static int derive_from_prefix(const struct hash_ctx *prefix, char letter,
                              const uint8_t *session_id, size_t session_id_len,
                              uint8_t *out, size_t out_len)
{
    /* up to 64 bytes from digests of at least 32: at most two rounds, sized for more */
    uint8_t acc[KEX_DERIVE_PART_MAX + HASH_MAX_DIGEST_LEN];
    struct hash_ctx ctx;
    size_t have = 0, dlen = hash_digest_len(prefix->alg);
    uint8_t x = (uint8_t)letter;
    int r = 0;

    while (have < out_len) {
        if ((r = hash_copy(&ctx, prefix)) < 0)
            break;
        if (have == 0) {
            r = hash_update(&ctx, &x, 1);
            if (r == 0)
                r = hash_update(&ctx, session_id, session_id_len);
        } else {
            r = hash_update(&ctx, acc, have);
        }
        if (r < 0) {
            hash_free(&ctx);
            break;
        }
        if ((r = hash_final(&ctx, acc + have, sizeof(acc) - have)) < 0)
            break;
        have += dlen;
    }
    if (r >= 0)
        memcpy(out, acc, out_len);
    ct_wipe(acc, sizeof(acc));
    return r < 0 ? r : 0;
}

int kex_derive_part(enum hash_alg hash, const uint8_t *k, size_t k_len,
                    const uint8_t *h, size_t h_len, char letter,
                    const uint8_t *session_id, size_t session_id_len,
                    uint8_t *out, size_t out_len)
{
    struct hash_ctx prefix;
    int r;

    if (k == NULL || h == NULL || session_id == NULL || (out == NULL && out_len > 0) ||
        out_len > KEX_DERIVE_PART_MAX || hash_digest_len(hash) == 0)
        return -EINVAL;
    if ((r = hash_prefix(&prefix, hash, k, k_len, h, h_len)) < 0)
        return r;
    r = derive_from_prefix(&prefix, letter, session_id, session_id_len, out, out_len);
    hash_free(&prefix);
    if (r < 0)
        ct_wipe(out, out_len);
    return r;
}

static int check_algs(const struct kex_derive_algs *a)
{
    if (a == NULL || a->cipher == NULL)
        return -EINVAL;
    if (!a->cipher->aead && a->mac == NULL && strcmp(a->cipher->name, "none") != 0)
        return -EINVAL;
    return 0;
}

/* Fills one direction: letters iv/key/mac are A/C/E for c2s and B/D/F for s2c. */
static int derive_dir(const struct hash_ctx *prefix, const uint8_t *sid, size_t sid_len,
                      const struct kex_derive_algs *a, char iv_letter,
                      struct kex_dir_keys *d)
{
    int r;

    d->cipher = a->cipher;
    d->mac = a->cipher->aead ? NULL : a->mac;
    d->iv_len = a->cipher->iv_len;
    d->key_len = a->cipher->key_len;
    d->mac_key_len = d->mac != NULL ? d->mac->key_len : 0;
    if ((r = derive_from_prefix(prefix, iv_letter, sid, sid_len, d->iv, d->iv_len)) < 0 ||
        (r = derive_from_prefix(prefix, (char)(iv_letter + 2), sid, sid_len, d->key,
                                d->key_len)) < 0 ||
        (r = derive_from_prefix(prefix, (char)(iv_letter + 4), sid, sid_len, d->mac_key,
                                d->mac_key_len)) < 0)
        return r;
    return 0;
}

int kex_derive_keys(enum hash_alg hash, const uint8_t *k, size_t k_len,
                    const uint8_t *h, size_t h_len,
                    const uint8_t *session_id, size_t session_id_len,
                    const struct kex_derive_algs *c2s, const struct kex_derive_algs *s2c,
                    struct kex_keys *out)
{
    struct hash_ctx prefix;
    int r;

    if (out == NULL)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    if (k == NULL || h == NULL || session_id == NULL || hash_digest_len(hash) == 0 ||
        check_algs(c2s) < 0 || check_algs(s2c) < 0)
        return -EINVAL;
    if ((r = hash_prefix(&prefix, hash, k, k_len, h, h_len)) < 0)
        return r;
    if ((r = derive_dir(&prefix, session_id, session_id_len, c2s, 'A', &out->c2s)) == 0)
        r = derive_dir(&prefix, session_id, session_id_len, s2c, 'B', &out->s2c);
    hash_free(&prefix);
    if (r < 0)
        kex_keys_wipe(out);
    return r;
}

int kex_dir_keys_cipher_state(struct kex_dir_keys *keys, enum cipher_dir dir,
                              struct cipher_state **out)
{
    int r;

    if (keys == NULL || out == NULL)
        return -EINVAL;
    r = cipher_state_new(out, keys->cipher, keys->mac, dir, keys->key, keys->key_len,
                         keys->iv_len > 0 ? keys->iv : NULL, keys->iv_len,
                         keys->mac_key_len > 0 ? keys->mac_key : NULL,
                         keys->mac_key_len);
    ct_wipe(keys, sizeof(*keys));
    return r;
}

void kex_keys_wipe(struct kex_keys *keys)
{
    if (keys != NULL)
        ct_wipe(keys, sizeof(*keys));
}
