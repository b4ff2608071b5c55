/* The per-packet path of crypto/cipher.h must not allocate: seal, open_length and open
 * are run for many packets of every cipher x MAC pair while OpenSSL's allocator is
 * counted (CRYPTO_set_mem_functions). Our own code on that path calls no allocator
 * and libsodium's stream/MAC functions allocate nothing, so OpenSSL (EVP ciphers, the
 * SHA-2 under crypto/hmac.c) is the only place an allocation could hide; its EVP digest
 * and HMAC re-inits are known to allocate, which is why crypto/hmac.c copies low-level
 * SHA256_CTX/SHA512_CTX states instead. Creating states may allocate; that is not
 * counted. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/cipher.h"
#include "crypto/random.h"
#include "regress/crypto/sym_packets.h"

/* Test-program counter, read only by this file's tests. */
static size_t ossl_allocs;

static void *count_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    ossl_allocs++;
    return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    ossl_allocs++;
    return realloc(p, n);
}

static void count_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    free(p);
}

/* The counter must see OpenSSL's allocations at all, or the test proves nothing. */
static void test_counter_works(void **state)
{
    size_t before = ossl_allocs;
    EVP_CIPHER_CTX *ctx;

    (void)state;
    ctx = EVP_CIPHER_CTX_new();
    assert_non_null(ctx);
    EVP_CIPHER_CTX_free(ctx);
    assert_true(ossl_allocs > before);
}

static void test_no_allocation_per_packet(void **state)
{
    static const char *const pairs[][2] = {
        { "none", NULL },
        { "chacha20-poly1305@openssh.com", NULL },
        { "aes128-gcm@openssh.com", NULL },
        { "aes256-gcm@openssh.com", NULL },
        { "aes128-ctr", "hmac-sha2-256" },
        { "aes192-ctr", "hmac-sha2-512-etm@openssh.com" },
        { "aes256-ctr", "hmac-sha2-512" },
        { "aes256-ctr", "hmac-sha2-256-etm@openssh.com" },
    };
    uint8_t buf[2048], payload[1500];

    (void)state;
    random_bytes(payload, sizeof(payload));
    for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
        struct cipher_state *seal, *open;
        size_t before;

        assert_int_equal(make_state(&seal, pairs[p][0], pairs[p][1], CIPHER_SEAL, 1), 0);
        assert_int_equal(make_state(&open, pairs[p][0], pairs[p][1], CIPHER_OPEN, 1), 0);
        before = ossl_allocs;
        for (uint32_t seqnr = 0; seqnr < 200; seqnr++) {
            size_t plen_in = (seqnr * 37) % sizeof(payload);
            size_t len = build_packet(seal, payload, plen_in, seqnr % 3, buf, sizeof(buf));
            uint32_t plen;
            ssize_t total;

            assert_true(len > 0);
            total = cipher_seal(seal, seqnr, buf, len, sizeof(buf));
            assert_true(total > 0);
            assert_int_equal(cipher_open_length(open, seqnr, buf, cipher_head_len(open), &plen), 0);
            assert_int_equal(cipher_open(open, seqnr, buf, (size_t)total), (ssize_t)len);
            assert_memory_equal(buf + 5, payload, plen_in);
        }
        print_message("%s %s: %zu OpenSSL allocations in 200 packets\n", pairs[p][0],
                      pairs[p][1] ? pairs[p][1] : "", ossl_allocs - before);
        assert_int_equal(ossl_allocs - before, 0);
        cipher_state_free(seal);
        cipher_state_free(open);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_works),
        cmocka_unit_test(test_no_allocation_per_packet),
    };
    /* must precede every OpenSSL call */
    if (CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free) != 1)
        return 1;
    if (random_init() < 0)
        return 1;
    return cmocka_run_group_tests_name("crypto_cipher_noalloc", tests, NULL, NULL);
}
