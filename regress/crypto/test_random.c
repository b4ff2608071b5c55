/* Tests of crypto/random and crypto/ct. Randomness cannot be checked against a known
 * answer; these tests catch the failures that matter in practice: a source that returns
 * constant or zero output, a short fill, and out-of-range uniform values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/ct.h"
#include "crypto/random.h"

static int setup(void **state)
{
    (void)state;
    return random_init();
}

static void test_two_outputs_differ(void **state)
{
    uint8_t a[32], b[32];

    (void)state;
    random_bytes(a, sizeof(a));
    random_bytes(b, sizeof(b));
    /* equal by chance with probability 2^-256 */
    assert_memory_not_equal(a, b, sizeof(a));
}

/* Every byte of the buffer is written: fill a zeroed and a 0xff buffer many times and
 * require each position to have left its initial value at least once. */
static void test_whole_buffer_filled(void **state)
{
    uint8_t buf[257], seen_nonzero[257] = { 0 }, seen_nonff[257] = { 0 };

    (void)state;
    for (int round = 0; round < 16; round++) {
        memset(buf, 0, sizeof(buf));
        random_bytes(buf, sizeof(buf));
        for (size_t i = 0; i < sizeof(buf); i++)
            seen_nonzero[i] |= buf[i] != 0;
        memset(buf, 0xff, sizeof(buf));
        random_bytes(buf, sizeof(buf));
        for (size_t i = 0; i < sizeof(buf); i++)
            seen_nonff[i] |= buf[i] != 0xff;
    }
    for (size_t i = 0; i < sizeof(buf); i++) {
        assert_true(seen_nonzero[i]);
        assert_true(seen_nonff[i]);
    }
    random_bytes(buf, 0);   /* a zero-length request is valid */
}

static void test_uniform_bounds(void **state)
{
    static const uint32_t bounds[] = { 2, 3, 7, 10, 255, 256, 1000, 65537, 0x80000001u,
                                       UINT32_MAX };
    (void)state;
    for (size_t b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++)
        for (int i = 0; i < 2000; i++)
            assert_true(random_uniform(bounds[b]) < bounds[b]);
    assert_int_equal(random_uniform(0), 0);
    assert_int_equal(random_uniform(1), 0);
}

/* Over 6000 draws from [0, 6) every value appears, and none grossly dominates
 * (each count within 1000 +- 200, a > 6-sigma margin). */
static void test_uniform_spread(void **state)
{
    unsigned count[6] = { 0 };

    (void)state;
    for (int i = 0; i < 6000; i++)
        count[random_uniform(6)]++;
    for (int v = 0; v < 6; v++) {
        assert_in_range(count[v], 800, 1200);
    }
}

static void test_ct_equal_and_wipe(void **state)
{
    uint8_t a[48], b[48];

    (void)state;
    random_bytes(a, sizeof(a));
    memcpy(b, a, sizeof(a));
    assert_true(ct_equal(a, b, sizeof(a)));
    for (size_t i = 0; i < sizeof(a); i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            assert_false(ct_equal(a, b, sizeof(a)));
            b[i] ^= (uint8_t)(1u << bit);
        }
    }
    assert_true(ct_equal(a, b, 0));
    ct_wipe(a, sizeof(a));
    memset(b, 0, sizeof(b));
    assert_memory_equal(a, b, sizeof(a));
    ct_wipe(NULL, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_outputs_differ),
        cmocka_unit_test(test_whole_buffer_filled),
        cmocka_unit_test(test_uniform_bounds),
        cmocka_unit_test(test_uniform_spread),
        cmocka_unit_test(test_ct_equal_and_wipe),
    };
    return cmocka_run_group_tests_name("crypto_random", tests, setup, NULL);
}
