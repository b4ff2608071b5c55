/* Known-answer tests of the primitives under crypto/cipher*.c, called the way the
 * cipher code calls them (same library entry points, same parameters):
 *  - AES-CTR-128/192/256 through OpenSSL EVP: NIST SP 800-38A (2001), Appendix F.5.1,
 *    F.5.3, F.5.5 (CTR-AESxxx.Encrypt) and F.5.2/F.5.4/F.5.6 (Decrypt);
 *  - AES-GCM-128/256 through OpenSSL EVP: McGrew & Viega, "The Galois/Counter Mode of
 *    Operation (GCM)", revised 2005, Appendix B, test cases 2, 3, 4 (AES-128) and
 *    14, 15, 16 (AES-256), plus rejection of a modified tag, ciphertext and AAD;
 *  - ChaCha20 and Poly1305 through libsodium: RFC 8439 §2.3.2 (block function),
 *    §2.4.2 (encryption), §2.5.2 (Poly1305 MAC).
 * The SSH constructions built on top are checked in test_cipher_construct.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "regress/crypto/sym_vectors.h"

/* --- AES-CTR, NIST SP 800-38A Appendix F.5 --------------------------------------- */

static const char ctr_iv[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
static const char ctr_plain[] =
    "6bc1bee22e409f96e93d7e117393172a" "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef" "f69f2445df4f9b17ad2b417be66c3710";

static const struct {
    const char *section, *key, *cipher;
} ctr_vectors[] = {
    { "F.5.1/F.5.2 CTR-AES128", "2b7e151628aed2a6abf7158809cf4f3c",
      "874d6191b620e3261bef6864990db6ce" "9806f66b7970fdff8617187bb9fffdff"
      "5ae4df3edbd5d35e5b4f09020db03eab" "1e031dda2fbe03d1792170a0f3009cee" },
    { "F.5.3/F.5.4 CTR-AES192", "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
      "1abc932417521ca24f2b0459fe7e6e0b" "090339ec0aa6faefd5ccc2c6f4ce8e94"
      "1e36b26bd1ebc670d1bd1d665620abf7" "4f78a7f6d29809585a97daec58c6b050" },
    { "F.5.5/F.5.6 CTR-AES256",
      "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
      "601ec313775789a5b7a7f504bbf3d228" "f443e3ca4d62b59aca84e990cacaf5c5"
      "2b0930daa23de94ce87017ba2d84988d" "dfc9c58db67aada613c2dd08457941a6" },
};

static const EVP_CIPHER *ctr_evp(size_t key_len)
{
    return key_len == 16 ? EVP_aes_128_ctr() : key_len == 24 ? EVP_aes_192_ctr()
                                                             : EVP_aes_256_ctr();
}

/* Encrypts (and decrypts) in place, one call per block, so that the counter carried
 * inside one EVP context across calls is exercised as the packet code relies on. */
static void test_aes_ctr_sp800_38a(void **state)
{
    (void)state;
    for (size_t v = 0; v < sizeof(ctr_vectors) / sizeof(ctr_vectors[0]); v++) {
        size_t klen, ivlen, plen, clen;
        uint8_t *key = unhex(ctr_vectors[v].key, &klen);
        uint8_t *iv = unhex(ctr_iv, &ivlen);
        uint8_t *plain = unhex(ctr_plain, &plen);
        uint8_t *expect = unhex(ctr_vectors[v].cipher, &clen);
        uint8_t buf[64];

        print_message("SP 800-38A %s\n", ctr_vectors[v].section);
        assert_int_equal(plen, sizeof(buf));
        for (int enc = 1; enc >= 0; enc--) {
            EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
            assert_non_null(ctx);
            assert_int_equal(EVP_CipherInit_ex(ctx, ctr_evp(klen), NULL, key, iv, 1), 1);
            memcpy(buf, enc ? plain : expect, sizeof(buf));
            for (size_t off = 0; off < sizeof(buf); off += 16) {
                int outl = 0;
                assert_int_equal(EVP_CipherUpdate(ctx, buf + off, &outl, buf + off, 16), 1);
                assert_int_equal(outl, 16);
            }
            assert_memory_equal(buf, enc ? expect : plain, sizeof(buf));
            EVP_CIPHER_CTX_free(ctx);
        }
        free(key);
        free(iv);
        free(plain);
        free(expect);
    }
}

/* --- AES-GCM, McGrew & Viega Appendix B ------------------------------------------ */

#define GCM_P3 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
               "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define GCM_P4 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
               "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_A4 "feedfacedeadbeeffeedfacedeadbeefabaddad2"
#define GCM_K3 "feffe9928665731c6d6a8f9467308308"

static const struct {
    int tc;
    const char *key, *iv, *plain, *aad, *cipher, *tag;
} gcm_vectors[] = {
    { 2, "00000000000000000000000000000000", "000000000000000000000000",
      "00000000000000000000000000000000", "",
      "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf" },
    { 3, GCM_K3, "cafebabefacedbaddecaf888", GCM_P3, "",
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
      "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
      "4d5c2af327cd64a62cf35abd2ba6fab4" },
    { 4, GCM_K3, "cafebabefacedbaddecaf888", GCM_P4, GCM_A4,
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
      "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
      "5bc94fbc3221a5db94fae95ae7121a47" },
    { 14, "0000000000000000000000000000000000000000000000000000000000000000",
      "000000000000000000000000", "00000000000000000000000000000000", "",
      "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919" },
    { 15, GCM_K3 GCM_K3, "cafebabefacedbaddecaf888", GCM_P3, "",
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
      "b094dac5d93471bdec1a502270e3cc6c" },
    { 16, GCM_K3 GCM_K3, "cafebabefacedbaddecaf888", GCM_P4, GCM_A4,
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
      "76fc6ece0f4e1768cddf8853bb2d551b" },
};

/* One GCM operation with the call sequence of cipher_aesgcm.c: key once, then IV,
 * AAD, data in place, final, tag. Returns 0 or -EBADMSG on a tag mismatch. */
static int gcm_run(int enc, const uint8_t *key, size_t klen, const uint8_t *iv,
                   const uint8_t *aad, size_t alen, uint8_t *data, size_t dlen, uint8_t tag[16])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t none[16];
    int outl = 0, r;

    assert_non_null(ctx);
    assert_int_equal(EVP_CipherInit_ex(ctx, klen == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(),
                                       NULL, NULL, NULL, enc), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL), 1);
    assert_int_equal(EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, enc), 1);
    assert_int_equal(EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv, -1), 1);
    if (alen > 0)
        assert_int_equal(EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)alen), 1);
    if (!enc)
        assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag), 1);
    if (dlen > 0) {
        assert_int_equal(EVP_CipherUpdate(ctx, data, &outl, data, (int)dlen), 1);
        assert_int_equal(outl, (int)dlen);
    }
    r = EVP_CipherFinal_ex(ctx, none, &outl) == 1 ? 0 : -EBADMSG;
    if (enc && r == 0)
        assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
    EVP_CIPHER_CTX_free(ctx);
    return r;
}

static void test_aes_gcm_mcgrew_viega(void **state)
{
    (void)state;
    for (size_t v = 0; v < sizeof(gcm_vectors) / sizeof(gcm_vectors[0]); v++) {
        size_t klen, ivlen, plen, alen, clen, tlen;
        uint8_t *key = unhex(gcm_vectors[v].key, &klen);
        uint8_t *iv = unhex(gcm_vectors[v].iv, &ivlen);
        uint8_t *plain = unhex(gcm_vectors[v].plain, &plen);
        uint8_t *aad = unhex(gcm_vectors[v].aad, &alen);
        uint8_t *cipher = unhex(gcm_vectors[v].cipher, &clen);
        uint8_t *want_tag = unhex(gcm_vectors[v].tag, &tlen);
        uint8_t buf[64], tag[16];

        print_message("GCM test case %d\n", gcm_vectors[v].tc);
        assert_int_equal(plen, clen);
        assert_int_equal(ivlen, 12);
        assert_int_equal(tlen, 16);
        memcpy(buf, plain, plen);
        assert_int_equal(gcm_run(1, key, klen, iv, aad, alen, buf, plen, tag), 0);
        assert_memory_equal(buf, cipher, clen);
        assert_memory_equal(tag, want_tag, 16);

        assert_int_equal(gcm_run(0, key, klen, iv, aad, alen, buf, clen, tag), 0);
        assert_memory_equal(buf, plain, plen);

        /* a modified tag, ciphertext byte or AAD byte must be rejected */
        tag[15] ^= 0x01;
        memcpy(buf, cipher, clen);
        assert_int_equal(gcm_run(0, key, klen, iv, aad, alen, buf, clen, tag), -EBADMSG);
        tag[15] ^= 0x01;
        memcpy(buf, cipher, clen);
        buf[0] ^= 0x80;
        assert_int_equal(gcm_run(0, key, klen, iv, aad, alen, buf, clen, tag), -EBADMSG);
        if (alen > 0) {
            memcpy(buf, cipher, clen);
            aad[alen - 1] ^= 0x01;
            assert_int_equal(gcm_run(0, key, klen, iv, aad, alen, buf, clen, tag), -EBADMSG);
        }
        free(key);
        free(iv);
        free(plain);
        free(aad);
        free(cipher);
        free(want_tag);
    }
}

/* --- ChaCha20 / Poly1305, RFC 8439 ----------------------------------------------- */

static const char sunscreen[] =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
    "the future, sunscreen would be it.";

static void key_00_1f(uint8_t key[32])
{
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
}

/* RFC 8439 §2.3.2: key 00..1f, nonce 000000090000004a00000000, block counter 1.
 * The keystream of one block is the block function's serialized output. */
static void test_chacha20_block_rfc8439(void **state)
{
    uint8_t key[32], nonce[12], block[64] = { 0 };
    size_t n;
    uint8_t *want = unhex("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                          "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e", &n);
    uint8_t *nb = unhex("000000090000004a00000000", &n);

    (void)state;
    key_00_1f(key);
    memcpy(nonce, nb, 12);
    assert_int_equal(crypto_stream_chacha20_ietf_xor_ic(block, block, 64, nonce, 1, key), 0);
    assert_memory_equal(block, want, 64);
    free(want);
    free(nb);
}

/* RFC 8439 §2.4.2: the sunscreen plaintext, nonce 000000000000004a00000000, initial
 * counter 1. */
static void test_chacha20_encrypt_rfc8439(void **state)
{
    uint8_t key[32], nonce[12], buf[sizeof(sunscreen) - 1];
    size_t n, cn;
    uint8_t *nb = unhex("000000000000004a00000000", &n);
    uint8_t *want = unhex(
        "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
        "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
        "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
        "5af90bbf74a35be6b40b8eedf2785e42874d", &cn);

    (void)state;
    key_00_1f(key);
    memcpy(nonce, nb, 12);
    assert_int_equal(cn, sizeof(buf));
    memcpy(buf, sunscreen, sizeof(buf));
    /* in place, as the packet code does */
    assert_int_equal(crypto_stream_chacha20_ietf_xor_ic(buf, buf, sizeof(buf), nonce, 1, key), 0);
    assert_memory_equal(buf, want, sizeof(buf));
    assert_int_equal(crypto_stream_chacha20_ietf_xor_ic(buf, buf, sizeof(buf), nonce, 1, key), 0);
    assert_memory_equal(buf, sunscreen, sizeof(buf));
    free(nb);
    free(want);
}

/* The packet code uses the original (64-bit nonce, 64-bit counter) ChaCha20. With a
 * nonce whose first 32 bits are zero, the IETF variant's state is the same, so the
 * §2.4.2 vector carries over: original nonce = last 8 bytes of the IETF nonce. */
static void test_chacha20_original_matches_ietf(void **state)
{
    uint8_t key[32], nonce8[8] = { 0, 0, 0, 0x4a, 0, 0, 0, 0 }, nonce12[12] = { 0 };
    uint8_t a[200], b[200];

    (void)state;
    key_00_1f(key);
    memcpy(nonce12 + 4, nonce8, 8);
    for (uint64_t ic = 0; ic < 3; ic++) {
        memset(a, 0x5a, sizeof(a));
        memset(b, 0x5a, sizeof(b));
        assert_int_equal(crypto_stream_chacha20_xor_ic(a, a, sizeof(a), nonce8, ic, key), 0);
        assert_int_equal(crypto_stream_chacha20_ietf_xor_ic(b, b, sizeof(b), nonce12,
                                                            (uint32_t)ic, key), 0);
        assert_memory_equal(a, b, sizeof(a));
    }
}

/* RFC 8439 §2.5.2: key 85d6...f51b, message "Cryptographic Forum Research Group". */
static void test_poly1305_rfc8439(void **state)
{
    static const char msg[] = "Cryptographic Forum Research Group";
    size_t kn, tn;
    uint8_t *key = unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", &kn);
    uint8_t *want = unhex("a8061dc1305136c6c22b8baf0c0127a9", &tn);
    uint8_t tag[16];

    (void)state;
    assert_int_equal(crypto_onetimeauth_poly1305(tag, (const uint8_t *)msg, sizeof(msg) - 1, key), 0);
    assert_memory_equal(tag, want, 16);
    assert_int_equal(crypto_onetimeauth_poly1305_verify(tag, (const uint8_t *)msg,
                                                        sizeof(msg) - 1, key), 0);
    tag[0] ^= 1;
    assert_int_not_equal(crypto_onetimeauth_poly1305_verify(tag, (const uint8_t *)msg,
                                                            sizeof(msg) - 1, key), 0);
    free(key);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aes_ctr_sp800_38a),
        cmocka_unit_test(test_aes_gcm_mcgrew_viega),
        cmocka_unit_test(test_chacha20_block_rfc8439),
        cmocka_unit_test(test_chacha20_encrypt_rfc8439),
        cmocka_unit_test(test_chacha20_original_matches_ietf),
        cmocka_unit_test(test_poly1305_rfc8439),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests_name("crypto_cipher_kat", tests, NULL, NULL);
}
