/* Known-answer tests of crypto/hmac (HMAC-SHA-256, HMAC-SHA-512).
 * Vectors: RFC 4231 "Identifiers and Test Vectors for HMAC-SHA-224, HMAC-SHA-256,
 * HMAC-SHA-384, and HMAC-SHA-512", section 4, test cases 1-7 (test case 5's output
 * is truncated to 128 bits, as in the RFC). Every result is also cross-checked against
 * OpenSSL's independent HMAC implementation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/hmac.h"
#include "regress/crypto/sym_vectors.h"

struct hmac_vector {
    int tc;              /* RFC 4231 test case number */
    const char *key;     /* hex */
    const char *data;    /* hex */
    size_t trunc;        /* compared prefix length, 0 = whole output */
    const char *sha256;
    const char *sha512;
};

#define AA131 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
              "aaaaaaaaaaaaaaaaaaaaaa"
#define DD50 "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" \
             "dddddddddddddddddddd"
#define CD50 "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd" \
             "cdcdcdcdcdcdcdcdcdcd"

static const struct hmac_vector vectors[] = {
    { 1, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
      "4869205468657265", 0,
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
      "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
    { 2, "4a656665",
      "7768617420646f2079612077616e7420666f72206e6f7468696e673f", 0,
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
    { 3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", DD50, 0,
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
      "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
      "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" },
    { 4, "0102030405060708090a0b0c0d0e0f10111213141516171819", CD50, 0,
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
      "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
      "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
    { 5, "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
      "546573742057697468205472756e636174696f6e", 16,
      "a3b6167473100ee06e0c796c2955552b",
      "415fad6271580a531d4179bc891d87a6" },
    { 6, AA131,
      "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
      "65204b6579202d2048617368204b6579204669727374", 0,
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
      "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
      "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
    { 7, AA131,
      "5468697320697320612074657374207573696e672061206c6172676572207468"
      "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
      "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
      "647320746f20626520686173686564206265666f7265206265696e6720757365"
      "642062792074686520484d414320616c676f726974686d2e", 0,
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
      "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
      "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
};

static void check_one(enum hmac_alg alg, const struct hmac_vector *v, const char *hexmac)
{
    size_t klen, dlen, mlen;
    uint8_t *key = unhex(v->key, &klen);
    uint8_t *data = unhex(v->data, &dlen);
    uint8_t *expect = unhex(hexmac, &mlen);
    uint8_t out[HMAC_MAX_LEN], ossl[EVP_MAX_MD_SIZE];
    unsigned int ossl_len = 0;
    size_t full = hmac_len(alg);

    print_message("RFC 4231 test case %d, HMAC-SHA-%s\n", v->tc, alg == HMAC_SHA256 ? "256" : "512");
    assert_int_equal(mlen, v->trunc ? v->trunc : full);
    assert_int_equal(hmac_oneshot(alg, key, klen, data, dlen, out, sizeof(out)), (int)full);
    assert_memory_equal(out, expect, mlen);

    assert_non_null(HMAC(alg == HMAC_SHA256 ? EVP_sha256() : EVP_sha512(), key, (int)klen,
                         data, dlen, ossl, &ossl_len));
    assert_int_equal(ossl_len, full);
    assert_memory_equal(out, ossl, full);

    /* The packet path: key once, copy the keyed context per message, feed in pieces. */
    struct hmac_ctx keyed;
    assert_int_equal(hmac_init(&keyed, alg, key, klen), 0);
    for (int round = 0; round < 2; round++) {
        struct hmac_ctx use = keyed;
        hmac_update(&use, data, dlen / 3);
        hmac_update(&use, data + dlen / 3, dlen - dlen / 3);
        memset(out, 0, sizeof(out));
        assert_int_equal(hmac_final(&use, out, sizeof(out)), (int)full);
        assert_memory_equal(out, expect, mlen);
    }
    hmac_wipe(&keyed);
    free(key);
    free(data);
    free(expect);
}

static void test_rfc4231_sha256(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
        check_one(HMAC_SHA256, &vectors[i], vectors[i].sha256);
}

static void test_rfc4231_sha512(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
        check_one(HMAC_SHA512, &vectors[i], vectors[i].sha512);
}

static void test_lengths_and_errors(void **state)
{
    uint8_t out[64];
    struct hmac_ctx ctx;

    (void)state;
    assert_int_equal(hmac_len(HMAC_SHA256), 32);
    assert_int_equal(hmac_len(HMAC_SHA512), 64);
    assert_int_equal(hmac_len((enum hmac_alg)7), 0);
    assert_int_equal(hmac_init(&ctx, (enum hmac_alg)7, "k", 1), -EINVAL);
    assert_int_equal(hmac_init(&ctx, HMAC_SHA256, NULL, 3), -EINVAL);
    assert_int_equal(hmac_oneshot(HMAC_SHA512, "k", 1, "d", 1, out, 63), -ENOSPC);
    assert_int_equal(hmac_oneshot(HMAC_SHA256, "k", 1, "d", 1, out, 31), -ENOSPC);
}

/* Every key length around the block sizes (64 and 128 bytes: longer keys are hashed
 * first, shorter ones zero-padded) and data lengths around the block boundaries, fed
 * in two pieces through a copied keyed context, against OpenSSL's HMAC(). */
static void test_lengths_cross_check(void **state)
{
    static const size_t key_lens[] = { 0, 1, 31, 32, 63, 64, 65, 111, 127, 128, 129, 200 };
    static const size_t data_lens[] = { 0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129,
                                        1000, 4096 };
    uint8_t key[200], data[4096], out[HMAC_MAX_LEN], ossl[EVP_MAX_MD_SIZE];

    (void)state;
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)(i * 29u + 3u);
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 13u + 7u);
    for (int a = 0; a < 2; a++) {
        enum hmac_alg alg = a == 0 ? HMAC_SHA256 : HMAC_SHA512;
        const EVP_MD *md = a == 0 ? EVP_sha256() : EVP_sha512();
        size_t full = hmac_len(alg);

        for (size_t k = 0; k < sizeof(key_lens) / sizeof(key_lens[0]); k++) {
            struct hmac_ctx keyed;
            size_t klen = key_lens[k];

            assert_int_equal(hmac_init(&keyed, alg, key, klen), 0);
            for (size_t d = 0; d < sizeof(data_lens) / sizeof(data_lens[0]); d++) {
                size_t dlen = data_lens[d], cut = dlen / 2 + 1 < dlen ? dlen / 2 + 1 : dlen;
                struct hmac_ctx use = keyed;
                unsigned int ossl_len = 0;

                hmac_update(&use, data, cut);
                hmac_update(&use, data + cut, dlen - cut);
                assert_int_equal(hmac_final(&use, out, sizeof(out)), (int)full);
                assert_non_null(HMAC(md, key, (int)klen, data, dlen, ossl, &ossl_len));
                assert_int_equal(ossl_len, full);
                if (memcmp(out, ossl, full) != 0)
                    fail_msg("HMAC-SHA-%s key %zu bytes, data %zu bytes: mismatch",
                             a == 0 ? "256" : "512", klen, dlen);
            }
            hmac_wipe(&keyed);
        }
    }
}

/* hmac_wipe must leave no key-dependent state behind. */
static void test_wipe(void **state)
{
    struct hmac_ctx ctx;
    uint8_t zero[sizeof(ctx.st)];

    (void)state;
    memset(zero, 0, sizeof(zero));
    assert_int_equal(hmac_init(&ctx, HMAC_SHA512, "secret", 6), 0);
    assert_memory_not_equal(&ctx.st, zero, sizeof(zero));
    hmac_wipe(&ctx);
    assert_memory_equal(&ctx.st, zero, sizeof(zero));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4231_sha256),
        cmocka_unit_test(test_rfc4231_sha512),
        cmocka_unit_test(test_lengths_and_errors),
        cmocka_unit_test(test_lengths_cross_check),
        cmocka_unit_test(test_wipe),
    };
    return cmocka_run_group_tests_name("crypto_hmac", tests, NULL, NULL);
}
