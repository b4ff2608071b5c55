/* The SSH packet constructions of crypto/cipher*.c checked against independent
 * re-computations from OpenSSL primitives (whose known answers are in
 * test_cipher_kat.c), over several consecutive packets so that state carried between
 * packets (CTR counter, GCM invocation counter, sequence numbers wrapping at 2^32)
 * is covered:
 *  - chacha20-poly1305@openssh.com per OpenSSH's PROTOCOL.chacha20poly1305, rebuilt
 *    with OpenSSL's ChaCha20 and Poly1305 (the code under test uses libsodium's);
 *  - aes{128,256}-gcm@openssh.com per RFC 5647 §7 (length as AAD, IV = fixed field ||
 *    64-bit invocation counter incremented per packet);
 *  - aes{128,192,256}-ctr (RFC 4344) with hmac-sha2-{256,512} (RFC 6668, MAC over
 *    uint32 seqnr || plaintext packet, RFC 4253 §6.4) and with the -etm@openssh.com
 *    forms (OpenSSH PROTOCOL §1.5: length in clear, MAC over seqnr || length ||
 *    ciphertext), rebuilt with OpenSSL's HMAC (the code under test uses libsodium's). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/cipher.h"
#include "crypto/random.h"
#include "regress/crypto/sym_packets.h"

#define NPACKETS 4
static const uint32_t seqnrs[NPACKETS] = { 0xfffffffeu, 0xffffffffu, 0, 1 };
static const size_t payload_lens[NPACKETS] = { 0, 1, 100, 1000 };

/* ChaCha20 as in the original design (64-bit counter, 64-bit nonce) through OpenSSL,
 * whose 16-byte IV is the 32-bit LE counter followed by a 96-bit nonce: so the
 * original state is counter_lo || counter_hi || nonce. */
static void ossl_chacha20(const uint8_t key[32], uint32_t seqnr, uint32_t counter,
                          uint8_t *data, size_t len)
{
    uint8_t iv[16] = { 0 };
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int outl = 0;

    iv[0] = (uint8_t)counter;
    iv[1] = (uint8_t)(counter >> 8);
    iv[2] = (uint8_t)(counter >> 16);
    iv[3] = (uint8_t)(counter >> 24);
    put_be32(iv + 12, seqnr);   /* nonce = uint64 seqnr, big-endian: high word zero */
    assert_non_null(ctx);
    assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_chacha20(), NULL, key, iv), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, data, &outl, data, (int)len), 1);
    assert_int_equal((size_t)outl, len);
    EVP_CIPHER_CTX_free(ctx);
}

static void expect_chachapoly(const uint8_t key[64], uint32_t seqnr, uint8_t *pkt, size_t len)
{
    uint8_t poly_key[32] = { 0 };
    size_t taglen = 0;

    ossl_chacha20(key, seqnr, 0, poly_key, sizeof(poly_key));     /* K_2, block 0 */
    ossl_chacha20(key + 32, seqnr, 0, pkt, 4);                    /* K_1: length */
    ossl_chacha20(key, seqnr, 1, pkt + 4, len - 4);               /* K_2 from block 1 */
    assert_non_null(EVP_Q_mac(NULL, "POLY1305", NULL, NULL, NULL, poly_key, sizeof(poly_key),
                              pkt, len, pkt + len, 16, &taglen));
    assert_int_equal(taglen, 16);
}

static void expect_gcm(const uint8_t *key, size_t klen, const uint8_t iv[12],
                       uint8_t *pkt, size_t len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t none[16];
    int outl = 0;

    assert_non_null(ctx);
    assert_int_equal(EVP_EncryptInit_ex(ctx, klen == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(),
                                        NULL, key, iv), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &outl, pkt, 4), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, pkt + 4, &outl, pkt + 4, (int)(len - 4)), 1);
    assert_int_equal(EVP_EncryptFinal_ex(ctx, none, &outl), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, pkt + len), 1);
    EVP_CIPHER_CTX_free(ctx);
}

static void ossl_hmac(const struct mac_alg *m, const uint8_t *mkey, uint32_t seqnr,
                      const uint8_t *data, size_t len, uint8_t *out)
{
    uint8_t *msg = malloc(4 + len);
    unsigned int outl = 0;

    assert_non_null(msg);
    put_be32(msg, seqnr);
    memcpy(msg + 4, data, len);
    assert_non_null(HMAC(m->hmac == HMAC_SHA256 ? EVP_sha256() : EVP_sha512(),
                         mkey, m->key_len, msg, 4 + len, out, &outl));
    assert_int_equal(outl, m->tag_len);
    free(msg);
}

/* Seals NPACKETS packets with the code under test and with the independent
 * re-computation, compares the wire bytes, and opens them again. */
static void check_construction(const char *cipher, const char *mac)
{
    const struct cipher_alg *c = cipher_alg_lookup(cipher, strlen(cipher));
    const struct mac_alg *m = mac ? mac_alg_lookup(mac, strlen(mac)) : NULL;
    const unsigned salt = 3;
    uint8_t key[CIPHER_MAX_KEY_LEN], iv[CIPHER_MAX_IV_LEN], mkey[64];
    struct cipher_state *seal = NULL, *open = NULL;
    EVP_CIPHER_CTX *ctr = NULL;

    print_message("%s%s%s\n", cipher, mac ? " + " : "", mac ? mac : "");
    assert_non_null(c);
    fill_pattern(key, c->key_len, salt);
    fill_pattern(iv, c->iv_len, salt + 1);
    fill_pattern(mkey, m ? m->key_len : 0, salt + 2);
    assert_int_equal(make_state(&seal, cipher, mac, CIPHER_SEAL, salt), 0);
    assert_int_equal(make_state(&open, cipher, mac, CIPHER_OPEN, salt), 0);
    if (!c->aead) {
        ctr = EVP_CIPHER_CTX_new();
        assert_non_null(ctr);
        assert_int_equal(EVP_EncryptInit_ex(ctr, c->key_len == 16 ? EVP_aes_128_ctr()
                                                 : c->key_len == 24 ? EVP_aes_192_ctr()
                                                                    : EVP_aes_256_ctr(),
                                            NULL, key, iv), 1);
    }

    for (int k = 0; k < NPACKETS; k++) {
        uint8_t payload[1000], got[1200], want[1200];
        size_t len, tag = cipher_tag_len(seal);
        uint32_t plen = 0;

        random_bytes(payload, payload_lens[k]);
        len = build_packet(seal, payload, payload_lens[k], (unsigned)k, got, sizeof(got));
        assert_true(len > 0);
        memcpy(want, got, len);
        assert_int_equal(cipher_seal(seal, seqnrs[k], got, len, sizeof(got)), (ssize_t)(len + tag));

        if (strcmp(cipher, "chacha20-poly1305@openssh.com") == 0) {
            expect_chachapoly(key, seqnrs[k], want, len);
        } else if (c->aead) {
            uint8_t pkt_iv[12];
            uint64_t ctr_val = 0;
            memcpy(pkt_iv, iv, 12);
            for (int i = 4; i < 12; i++)
                ctr_val = ctr_val << 8 | pkt_iv[i];
            ctr_val += (uint64_t)k;       /* wraps mod 2^64 like the counter */
            for (int i = 11; i >= 4; i--, ctr_val >>= 8)
                pkt_iv[i] = (uint8_t)ctr_val;
            expect_gcm(key, c->key_len, pkt_iv, want, len);
        } else {
            int outl = 0;
            if (m->etm) {
                assert_int_equal(EVP_EncryptUpdate(ctr, want + 4, &outl, want + 4, (int)(len - 4)), 1);
                ossl_hmac(m, mkey, seqnrs[k], want, len, want + len);
            } else {
                ossl_hmac(m, mkey, seqnrs[k], want, len, want + len);
                assert_int_equal(EVP_EncryptUpdate(ctr, want, &outl, want, (int)len), 1);
            }
        }
        assert_memory_equal(got, want, len + tag);

        assert_int_equal(cipher_open_length(open, seqnrs[k], got, cipher_head_len(open), &plen), 0);
        assert_int_equal(plen, len - 4);
        assert_int_equal(cipher_open(open, seqnrs[k], got, len + tag), (ssize_t)len);
        assert_int_equal(got[4] + 1 + payload_lens[k] + 4, len);
        assert_memory_equal(got + 5, payload, payload_lens[k]);
    }
    EVP_CIPHER_CTX_free(ctr);
    cipher_state_free(seal);
    cipher_state_free(open);
}

static void test_chachapoly(void **state)
{
    (void)state;
    check_construction("chacha20-poly1305@openssh.com", NULL);
}

static void test_aesgcm(void **state)
{
    (void)state;
    check_construction("aes128-gcm@openssh.com", NULL);
    check_construction("aes256-gcm@openssh.com", NULL);
}

/* The invocation counter carries into the next byte and wraps at 2^64 without
 * touching the 4-byte fixed field (RFC 5647 §7.1). */
static void test_aesgcm_counter_wrap(void **state)
{
    const struct cipher_alg *c = cipher_alg_lookup("aes128-gcm@openssh.com", 22);
    uint8_t key[16], iv[12], payload[20];
    struct cipher_state *st = NULL;

    (void)state;
    assert_non_null(c);
    fill_pattern(key, sizeof(key), 9);
    memcpy(iv, "\x01\x02\x03\x04\xff\xff\xff\xff\xff\xff\xff\xfe", 12);
    {
        uint8_t k2[16];
        memcpy(k2, key, 16);
        assert_int_equal(cipher_state_new(&st, c, NULL, CIPHER_SEAL, k2, 16, iv, 12, NULL, 0), 0);
    }
    static const char *const next_ivs[] = {
        "\x01\x02\x03\x04\xff\xff\xff\xff\xff\xff\xff\xfe",
        "\x01\x02\x03\x04\xff\xff\xff\xff\xff\xff\xff\xff",
        "\x01\x02\x03\x04\x00\x00\x00\x00\x00\x00\x00\x00",
        "\x01\x02\x03\x04\x00\x00\x00\x00\x00\x00\x00\x01",
    };
    for (int k = 0; k < 4; k++) {
        uint8_t got[64], want[64];
        size_t len;
        random_bytes(payload, sizeof(payload));
        len = build_packet(st, payload, sizeof(payload), 0, got, sizeof(got));
        assert_true(len > 0);
        memcpy(want, got, len);
        assert_int_equal(cipher_seal(st, (uint32_t)k, got, len, sizeof(got)), (ssize_t)(len + 16));
        expect_gcm(key, 16, (const uint8_t *)next_ivs[k], want, len);
        assert_memory_equal(got, want, len + 16);
    }
    cipher_state_free(st);
}

static void test_aesctr_hmac(void **state)
{
    static const char *const ciphers[] = { "aes128-ctr", "aes192-ctr", "aes256-ctr" };
    static const char *const macs[] = { "hmac-sha2-256", "hmac-sha2-512",
                                        "hmac-sha2-256-etm@openssh.com",
                                        "hmac-sha2-512-etm@openssh.com" };
    (void)state;
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 4; j++)
            check_construction(ciphers[i], macs[j]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chachapoly),
        cmocka_unit_test(test_aesgcm),
        cmocka_unit_test(test_aesgcm_counter_wrap),
        cmocka_unit_test(test_aesctr_hmac),
    };
    if (random_init() < 0)
        return 1;
    return cmocka_run_group_tests_name("crypto_cipher_construct", tests, NULL, NULL);
}
