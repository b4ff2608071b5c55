/* RFC 4253 §7.2 key derivation: the NIST CAVS 14.1 SSH KDF vectors (as carried in
 * OpenSSL's test/recipes/30-test_evp_data/evpkdf_ssh.txt), an independent computation
 * with OpenSSL's own SSHKDF for random inputs and every length, the mpint encoding of
 * K through mpl/rt, and key sets that key working cipher states.
 * Cross-check with OpenSSH's behaviour: done end to end once the transport runs a key
 * exchange against the OpenSSH client (issue 5); not possible at this layer alone. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto/random.h"
#include "regress/transport/transport_test_util.h"
#include "sshd/kex_derive.h"

/* NIST CAVS 14.1 SSH KDF, SHA-256, first vector (K is already mpint-encoded). */
static const char cavs_k[] =
    "0000008100875c551cef526a4a8be1a7df27e9ed354bac9afb71f53dbae905679d14f9faf2469c53457c"
    "f80a366be278965ba6255276ca2d9f4a97d271f71e50d8a9ec46253a6a906ac2c5e4f48b27a63ce08d80"
    "390a492aa43bad9d882ccac23dac88bcada4b4d426a362083dab6569c54c224dd2d87643aa227693e141"
    "ad1630ce13144e";
static const char cavs_h[] = "0e683fc8a9ed7c2ff02def23b2745ebc99b267daa86a4aa7697239088253f642";
static const char *const cavs_out[6] = {
    "41ff2ead1683f1e6",
    "e619ecfd9edb50cd",
    "4a6314d2f7511bf88fad39fb6892f3f218cafd530e72fe43",
    "084c15fb7f99c65ff134eeb407cee5d540c341dea45a42a5",
    "41ec5a94fecce7707ea156a6ad29239a891621adacbedb8be70675008d6f9274",
    "47d3c20aba60981e47b30533623613ff1cacbcf1642fb4ad86ee712f2aed9af8",
};

static int setup(void **state)
{
    (void)state;
    return random_init();
}

static void test_cavs_vector(void **state)
{
    uint8_t k[256], h[32], want[64], got[64];
    size_t k_len, h_len, n;

    (void)state;
    k_len = tu_unhex(cavs_k, k, sizeof(k));
    h_len = tu_unhex(cavs_h, h, sizeof(h));
    for (int i = 0; i < 6; i++) {
        n = tu_unhex(cavs_out[i], want, sizeof(want));
        assert_int_equal(kex_derive_part(HASH_SHA256, k, k_len, h, h_len, (char)('A' + i),
                                         h, h_len, got, n), 0);
        assert_memory_equal(got, want, n);
    }
}

static void test_mpint_encoding(void **state)
{
    uint8_t k[256], mag[256], out[300];
    size_t k_len;
    int n;

    (void)state;
    /* the CAVS K's magnitude (sign byte dropped) encodes back to it */
    k_len = tu_unhex(cavs_k, k, sizeof(k));
    memcpy(mag, k + 5, k_len - 5);
    n = kex_derive_encode_mpint(mag, k_len - 5, out, sizeof(out));
    assert_int_equal(n, (int)k_len);
    assert_memory_equal(out, k, k_len);
    /* leading zero bytes of a magnitude are not part of the mpint */
    memset(mag, 0, 3);
    mag[3] = 0x7f;
    mag[4] = 0x01;
    n = kex_derive_encode_mpint(mag, 5, out, sizeof(out));
    assert_int_equal(n, 6);
    assert_memory_equal(out, "\x00\x00\x00\x02\x7f\x01", 6);
    /* zero is the empty string */
    n = kex_derive_encode_mpint(mag, 3, out, sizeof(out));
    assert_int_equal(n, 4);
    assert_memory_equal(out, "\x00\x00\x00\x00", 4);
    /* no room */
    mag[0] = 0x80;
    assert_int_equal(kex_derive_encode_mpint(mag, 32, out, 35), -ENOSPC);
    assert_int_equal(kex_derive_encode_mpint(mag, 32, out, 37), 37);
    assert_int_equal(kex_derive_encode_mpint(NULL, 1, out, 37), -EINVAL);
}

/* OpenSSL's SSHKDF (an implementation we share no code with) for the same inputs. */
static void openssl_sshkdf(const char *digest, const uint8_t *k, size_t k_len,
                           const uint8_t *h, size_t h_len, const uint8_t *sid,
                           size_t sid_len, char letter, uint8_t *out, size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SSHKDF", NULL);
    EVP_KDF_CTX *ctx;
    char type[2] = { letter, '\0' };
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)k, k_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SSHKDF_XCGHASH, (void *)h, h_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SSHKDF_SESSION_ID, (void *)sid,
                                          sid_len),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_SSHKDF_TYPE, type, 0),
        OSSL_PARAM_construct_end(),
    };

    assert_non_null(kdf);
    ctx = EVP_KDF_CTX_new(kdf);
    assert_non_null(ctx);
    assert_int_equal(EVP_KDF_derive(ctx, out, out_len, params), 1);
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
}

static void test_against_openssl(void **state)
{
    static const struct { enum hash_alg alg; const char *name; } hashes[] = {
        { HASH_SHA256, "SHA256" }, { HASH_SHA384, "SHA384" }, { HASH_SHA512, "SHA512" },
    };
    uint8_t mag[64], k[KEX_DERIVE_K_MAX], h[64], sid[64], got[64], want[64];

    (void)state;
    for (size_t hi = 0; hi < 3; hi++) {
        size_t dlen = hash_digest_len(hashes[hi].alg);

        for (int round = 0; round < 4; round++) {
            int k_len;

            random_bytes(mag, sizeof(mag));
            mag[0] |= (uint8_t)(round & 1 ? 0x80 : 0);   /* with and without sign byte */
            k_len = kex_derive_encode_mpint(mag, 32 + (size_t)round * 8, k, sizeof(k));
            assert_true(k_len > 0);
            random_bytes(h, dlen);
            /* a re-key: session id from an earlier exchange, unlike H */
            random_bytes(sid, dlen);
            for (char letter = 'A'; letter <= 'F'; letter++) {
                for (size_t len = 1; len <= KEX_DERIVE_PART_MAX; len += 7) {
                    assert_int_equal(kex_derive_part(hashes[hi].alg, k, (size_t)k_len, h, dlen,
                                                     letter, sid, dlen, got, len), 0);
                    openssl_sshkdf(hashes[hi].name, k, (size_t)k_len, h, dlen, sid, dlen,
                                   letter, want, len);
                    assert_memory_equal(got, want, len);
                }
                /* exactly one digest and exactly two: the extension boundary */
                assert_int_equal(kex_derive_part(hashes[hi].alg, k, (size_t)k_len, h, dlen,
                                                 letter, sid, dlen, got, 64), 0);
                openssl_sshkdf(hashes[hi].name, k, (size_t)k_len, h, dlen, sid, dlen,
                               letter, want, 64);
                assert_memory_equal(got, want, 64);
            }
        }
    }
}

static void test_key_set(void **state)
{
    const struct kex_derive_algs chacha = {
        cipher_alg_lookup("chacha20-poly1305@openssh.com", 29), NULL };
    const struct kex_derive_algs ctr = {
        cipher_alg_lookup("aes256-ctr", 10), mac_alg_lookup("hmac-sha2-512", 13) };
    uint8_t mag[32], k[64], h[32], part[64], zero[sizeof(struct kex_dir_keys)];
    struct kex_keys keys, again;
    struct cipher_state *seal, *open;
    int k_len;

    (void)state;
    random_bytes(mag, sizeof(mag));
    random_bytes(h, sizeof(h));
    k_len = kex_derive_encode_mpint(mag, sizeof(mag), k, sizeof(k));
    assert_true(k_len > 0);
    assert_int_equal(kex_derive_keys(HASH_SHA256, k, (size_t)k_len, h, 32, h, 32,
                                     &chacha, &ctr, &keys), 0);
    assert_int_equal(keys.c2s.key_len, 64);
    assert_int_equal(keys.c2s.iv_len, 0);
    assert_int_equal(keys.c2s.mac_key_len, 0);
    assert_int_equal(keys.s2c.key_len, 32);
    assert_int_equal(keys.s2c.iv_len, 16);
    assert_int_equal(keys.s2c.mac_key_len, 64);
    /* each piece is its letter's derivation */
    kex_derive_part(HASH_SHA256, k, (size_t)k_len, h, 32, 'C', h, 32, part, 64);
    assert_memory_equal(keys.c2s.key, part, 64);
    kex_derive_part(HASH_SHA256, k, (size_t)k_len, h, 32, 'B', h, 32, part, 16);
    assert_memory_equal(keys.s2c.iv, part, 16);
    kex_derive_part(HASH_SHA256, k, (size_t)k_len, h, 32, 'D', h, 32, part, 32);
    assert_memory_equal(keys.s2c.key, part, 32);
    kex_derive_part(HASH_SHA256, k, (size_t)k_len, h, 32, 'F', h, 32, part, 64);
    assert_memory_equal(keys.s2c.mac_key, part, 64);

    /* the two ends of a direction key cipher states that understand each other */
    assert_int_equal(kex_derive_keys(HASH_SHA256, k, (size_t)k_len, h, 32, h, 32,
                                     &chacha, &ctr, &again), 0);
    assert_int_equal(kex_dir_keys_cipher_state(&keys.s2c, CIPHER_SEAL, &seal), 0);
    assert_int_equal(kex_dir_keys_cipher_state(&again.s2c, CIPHER_OPEN, &open), 0);
    memset(zero, 0, sizeof(zero));
    assert_memory_equal(&keys.s2c, zero, sizeof(zero));     /* wiped once used */
    {
        uint8_t pkt[64 + 64];
        uint32_t plen;
        int pad = cipher_padding_len(seal, 5);

        assert_true(pad >= 4);
        memset(pkt, 0, sizeof(pkt));
        pkt[3] = (uint8_t)(1 + 5 + pad);
        pkt[4] = (uint8_t)pad;
        memcpy(pkt + 5, "hello", 5);
        assert_int_equal(cipher_seal(seal, 3, pkt, 4 + 1 + 5 + (size_t)pad, sizeof(pkt)),
                         4 + 1 + 5 + pad + 64);
        assert_int_equal(cipher_open_length(open, 3, pkt, 16, &plen), 0);
        assert_int_equal(cipher_open(open, 3, pkt, 4 + plen + 64), 4 + (ssize_t)plen);
        assert_memory_equal(pkt + 5, "hello", 5);
    }
    cipher_state_free(seal);
    cipher_state_free(open);
    kex_keys_wipe(&keys);
    kex_keys_wipe(&again);
}

static void test_bad_arguments(void **state)
{
    const struct kex_derive_algs ctr_no_mac = { cipher_alg_lookup("aes128-ctr", 10), NULL };
    const struct kex_derive_algs gcm = { cipher_alg_lookup("aes128-gcm@openssh.com", 22),
                                         NULL };
    uint8_t k[8] = { 0, 0, 0, 1, 1 }, h[32] = { 0 }, out[65];
    struct kex_keys keys;

    (void)state;
    assert_int_equal(kex_derive_part(HASH_SHA256, k, 5, h, 32, 'A', h, 32, out, 65), -EINVAL);
    assert_int_equal(kex_derive_part((enum hash_alg)9, k, 5, h, 32, 'A', h, 32, out, 8),
                     -EINVAL);
    assert_int_equal(kex_derive_part(HASH_SHA256, NULL, 5, h, 32, 'A', h, 32, out, 8),
                     -EINVAL);
    /* a CTR cipher needs a MAC */
    assert_int_equal(kex_derive_keys(HASH_SHA256, k, 5, h, 32, h, 32, &ctr_no_mac, &gcm,
                                     &keys), -EINVAL);
    assert_int_equal(kex_derive_keys(HASH_SHA256, k, 5, h, 32, h, 32, &gcm, &gcm, &keys), 0);
    assert_int_equal(keys.c2s.iv_len, 12);
    kex_keys_wipe(&keys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cavs_vector),
        cmocka_unit_test(test_mpint_encoding),
        cmocka_unit_test(test_against_openssl),
        cmocka_unit_test(test_key_set),
        cmocka_unit_test(test_bad_arguments),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
