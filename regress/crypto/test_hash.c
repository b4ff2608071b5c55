/* Known-answer tests of crypto/hash (SHA-256/384/512).
 * Vectors: FIPS 180-4 examples as published by NIST CSRC "Examples with Intermediate
 * Values" (SHA256.pdf, SHA384.pdf, SHA512.pdf): "abc" (one block), the 448-bit message
 * "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" (two blocks); the empty
 * message digests from the NIST CAVP SHAVS byte-oriented short-message files (Len = 0). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/hash.h"
#include "regress/crypto/sym_vectors.h"

struct hash_vector {
    enum hash_alg alg;
    const char *msg;
    const char *digest;
};

static const char msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

static const struct hash_vector vectors[] = {
    { HASH_SHA256, "abc",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { HASH_SHA256, "",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { HASH_SHA256, msg448,
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { HASH_SHA384, "abc",
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
      "8086072ba1e7cc2358baeca134c825a7" },
    { HASH_SHA384, "",
      "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
      "274edebfe76f65fbd51ad2f14898b95b" },
    { HASH_SHA384, msg448,
      "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6"
      "b0455a8520bc4e6f5fe95b1fe3c8452b" },
    { HASH_SHA512, "abc",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
    { HASH_SHA512, "",
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
    { HASH_SHA512, msg448,
      "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
      "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
};

static void test_digest_lengths(void **state)
{
    (void)state;
    assert_int_equal(hash_digest_len(HASH_SHA256), 32);
    assert_int_equal(hash_digest_len(HASH_SHA384), 48);
    assert_int_equal(hash_digest_len(HASH_SHA512), 64);
    assert_int_equal(hash_digest_len((enum hash_alg)99), 0);
}

static void test_oneshot_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        size_t elen;
        uint8_t *expect = unhex(vectors[i].digest, &elen);
        uint8_t out[HASH_MAX_DIGEST_LEN];

        assert_int_equal(elen, hash_digest_len(vectors[i].alg));
        assert_int_equal(hash_oneshot(vectors[i].alg, vectors[i].msg,
                                      strlen(vectors[i].msg), out, sizeof(out)), (int)elen);
        assert_memory_equal(out, expect, elen);
        free(expect);
    }
}

/* Feeding the message in every split (including empty pieces) must give the same
 * digest: the incremental path is what the exchange hash uses. */
static void test_incremental_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        size_t elen, mlen = strlen(vectors[i].msg);
        uint8_t *expect = unhex(vectors[i].digest, &elen);

        for (size_t cut = 0; cut <= mlen; cut++) {
            struct hash_ctx ctx;
            uint8_t out[HASH_MAX_DIGEST_LEN];

            assert_int_equal(hash_init(&ctx, vectors[i].alg), 0);
            assert_int_equal(hash_update(&ctx, vectors[i].msg, cut), 0);
            assert_int_equal(hash_update(&ctx, "", 0), 0);
            assert_int_equal(hash_update(&ctx, vectors[i].msg + cut, mlen - cut), 0);
            assert_int_equal(hash_final(&ctx, out, sizeof(out)), (int)elen);
            assert_memory_equal(out, expect, elen);
        }
        free(expect);
    }
}

/* hash_copy lets one running prefix finish twice with different suffixes. */
static void test_copy(void **state)
{
    struct hash_ctx a, b;
    uint8_t d1[32], d2[32], e1[32], e2[32];

    (void)state;
    assert_int_equal(hash_init(&a, HASH_SHA256), 0);
    assert_int_equal(hash_update(&a, "ab", 2), 0);
    assert_int_equal(hash_copy(&b, &a), 0);
    assert_int_equal(hash_update(&a, "c", 1), 0);
    assert_int_equal(hash_update(&b, "cd", 2), 0);
    assert_int_equal(hash_final(&a, d1, sizeof(d1)), 32);
    assert_int_equal(hash_final(&b, d2, sizeof(d2)), 32);
    assert_int_equal(hash_oneshot(HASH_SHA256, "abc", 3, e1, sizeof(e1)), 32);
    assert_int_equal(hash_oneshot(HASH_SHA256, "abcd", 4, e2, sizeof(e2)), 32);
    assert_memory_equal(d1, e1, 32);
    assert_memory_equal(d2, e2, 32);
    assert_memory_not_equal(d1, d2, 32);
}

static void test_bad_arguments(void **state)
{
    struct hash_ctx ctx;
    uint8_t out[64];

    (void)state;
    assert_int_equal(hash_init(&ctx, (enum hash_alg)42), -EINVAL);
    assert_int_equal(hash_oneshot((enum hash_alg)42, "a", 1, out, sizeof(out)), -EINVAL);
    assert_int_equal(hash_oneshot(HASH_SHA512, "a", 1, out, 63), -ENOSPC);
    assert_int_equal(hash_oneshot(HASH_SHA256, NULL, 1, out, sizeof(out)), -EINVAL);
    assert_int_equal(hash_init(&ctx, HASH_SHA384), 0);
    assert_int_equal(hash_final(&ctx, out, 47), -ENOSPC);
    /* the context is released by the failed final: further use is refused */
    assert_int_equal(hash_update(&ctx, "a", 1), -EINVAL);
    assert_int_equal(hash_final(&ctx, out, sizeof(out)), -EINVAL);
    hash_free(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest_lengths),
        cmocka_unit_test(test_oneshot_vectors),
        cmocka_unit_test(test_incremental_vectors),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests_name("crypto_hash", tests, NULL, NULL);
}
