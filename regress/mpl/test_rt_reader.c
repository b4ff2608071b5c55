/* The runtime reader at every boundary: empty input, truncation at every byte, lengths
 * of 0xffffffff and len+1, the largest accepted values and one more. A failed read must
 * leave the reader exactly where it was. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mpl/rt/mpl_rt.h"

/* Reads that all share the shape "reader -> status"; each wraps one runtime call. */
typedef int (*read_fn)(struct mpl_reader *r);
static int rd_u8(struct mpl_reader *r) { uint8_t v; return mpl_read_u8(r, &v); }
static int rd_u32(struct mpl_reader *r) { uint32_t v; return mpl_read_u32(r, &v); }
static int rd_u64(struct mpl_reader *r) { uint64_t v; return mpl_read_u64(r, &v); }
static int rd_bool(struct mpl_reader *r) { bool v; return mpl_read_bool(r, &v); }
static int rd_string(struct mpl_reader *r) { struct mpl_bytes v; return mpl_read_string(r, &v); }
static int rd_mpint(struct mpl_reader *r) { struct mpl_bytes v; return mpl_read_mpint(r, false, &v); }
static int rd_mpint_neg(struct mpl_reader *r) { struct mpl_bytes v; return mpl_read_mpint(r, true, &v); }
static int rd_namelist(struct mpl_reader *r) { struct mpl_bytes v; return mpl_read_namelist(r, &v); }

/* Runs fn on buf[0..len) and checks the outcome; on failure the reader must not move. */
static void expect(read_fn fn, const void *buf, size_t len, int want_rc, size_t want_used)
{
    struct mpl_reader r;
    mpl_reader_init(&r, buf, len);
    int rc = fn(&r);
    assert_int_equal(rc, want_rc);
    if (rc < 0)
        assert_int_equal(mpl_reader_offset(&r), 0);
    else
        assert_int_equal(mpl_reader_offset(&r), want_used);
    assert_int_equal(mpl_reader_left(&r), len - mpl_reader_offset(&r));
}

/* Every strict prefix of a valid encoding is rejected, the whole is accepted. */
static void expect_truncations(read_fn fn, const uint8_t *buf, size_t len)
{
    for (size_t n = 0; n < len; n++)
        expect(fn, buf, n, -EBADMSG, 0);
    expect(fn, buf, len, 0, len);
}

static void test_empty_input(void **state)
{
    read_fn all[] = { rd_u8, rd_u32, rd_u64, rd_bool, rd_string, rd_mpint, rd_namelist };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        expect(all[i], "", 0, -EBADMSG, 0);
        expect(all[i], NULL, 0, -EBADMSG, 0);
    }
    struct mpl_reader r;
    mpl_reader_init(&r, NULL, 0);
    assert_int_equal(mpl_reader_end(&r), 0);
    struct mpl_bytes v;
    assert_int_equal(mpl_read_fixed(&r, 0, &v), 0);
    assert_int_equal(v.len, 0);
    assert_int_equal(mpl_read_fixed(&r, 1, &v), -EBADMSG);
}

static void test_integers(void **state)
{
    const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
    expect_truncations(rd_u8, b, 1);
    expect_truncations(rd_u32, b, 4);
    expect_truncations(rd_u64, b, 8);

    struct mpl_reader r;
    uint8_t u8;
    uint32_t u32;
    uint64_t u64;
    mpl_reader_init(&r, b, sizeof b);
    assert_int_equal(mpl_read_u8(&r, &u8), 0);
    assert_int_equal(u8, 0x01);
    assert_int_equal(mpl_read_u32(&r, &u32), 0);
    assert_int_equal(u32, 0x02030405);
    assert_int_equal(mpl_read_u64(&r, &u64), -EBADMSG);     /* only 3 left */
    assert_int_equal(mpl_reader_offset(&r), 5);
    mpl_reader_init(&r, b, sizeof b);
    assert_int_equal(mpl_read_u64(&r, &u64), 0);
    assert_true(u64 == 0x0102030405060708ull);
    assert_int_equal(mpl_reader_end(&r), 0);

    const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    mpl_reader_init(&r, ones, 8);
    assert_int_equal(mpl_read_u32(&r, &u32), 0);
    assert_true(u32 == UINT32_MAX);
    mpl_reader_init(&r, ones, 8);
    assert_int_equal(mpl_read_u64(&r, &u64), 0);
    assert_true(u64 == UINT64_MAX);
}

static void test_boolean_strict(void **state)
{
    struct mpl_reader r;
    bool v;
    for (unsigned x = 0; x < 256; x++) {
        uint8_t b = (uint8_t)x;
        mpl_reader_init(&r, &b, 1);
        int rc = mpl_read_bool(&r, &v);
        if (x <= 1) {
            assert_int_equal(rc, 0);
            assert_int_equal(v, x == 1);
        } else {
            assert_int_equal(rc, -EBADMSG);
            assert_int_equal(mpl_reader_offset(&r), 0);
        }
    }
}

static void test_string(void **state)
{
    const uint8_t s[] = { 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o', 'X' };
    expect_truncations(rd_string, s, 9);

    struct mpl_reader r;
    struct mpl_bytes v;
    mpl_reader_init(&r, s, sizeof s);
    assert_int_equal(mpl_read_string(&r, &v), 0);
    assert_ptr_equal(v.ptr, s + 4);                         /* zero copy */
    assert_int_equal(v.len, 5);
    assert_true(mpl_bytes_eq_str(v, "hello"));
    assert_int_equal(mpl_reader_end(&r), -EBADMSG);          /* 'X' trails */

    /* length len+1 and 0xffffffff: rejected, nothing consumed */
    uint8_t big[9];
    memcpy(big, s, 9);
    big[3] = 6;
    expect(rd_string, big, 9, -EBADMSG, 0);
    memset(big, 0xff, 4);
    expect(rd_string, big, 9, -EBADMSG, 0);
    const uint8_t huge[4] = { 0xff, 0xff, 0xff, 0xff };
    expect(rd_string, huge, 4, -EBADMSG, 0);

    const uint8_t empty[] = { 0, 0, 0, 0 };
    expect(rd_string, empty, 4, 0, 4);
}

static void test_fixed(void **state)
{
    const uint8_t b[16] = { 0 };
    struct mpl_reader r;
    struct mpl_bytes v;
    mpl_reader_init(&r, b, sizeof b);
    assert_int_equal(mpl_read_fixed(&r, 17, &v), -EBADMSG);
    assert_int_equal(mpl_read_fixed(&r, SIZE_MAX, &v), -EBADMSG);
    assert_int_equal(mpl_reader_offset(&r), 0);
    assert_int_equal(mpl_read_fixed(&r, 16, &v), 0);
    assert_ptr_equal(v.ptr, b);
    assert_int_equal(mpl_reader_end(&r), 0);
}

/* RFC 4251 §5 examples, and the forms that are not canonical. */
static void test_mpint(void **state)
{
    const uint8_t zero[] = { 0, 0, 0, 0 };
    const uint8_t ex1[] = { 0, 0, 0, 8, 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7 };
    const uint8_t ex80[] = { 0, 0, 0, 2, 0x00, 0x80 };
    const uint8_t neg1234[] = { 0, 0, 0, 2, 0xed, 0xcc };
    const uint8_t negdeadbeef[] = { 0, 0, 0, 5, 0xff, 0x21, 0x52, 0x41, 0x11 };
    expect(rd_mpint, zero, 4, 0, 4);
    expect_truncations(rd_mpint, ex1, sizeof ex1);
    expect_truncations(rd_mpint, ex80, sizeof ex80);
    expect(rd_mpint, neg1234, sizeof neg1234, -EBADMSG, 0);    /* negative not allowed */
    expect(rd_mpint_neg, neg1234, sizeof neg1234, 0, sizeof neg1234);
    expect(rd_mpint_neg, negdeadbeef, sizeof negdeadbeef, 0, sizeof negdeadbeef);

    const uint8_t zero_byte[] = { 0, 0, 0, 1, 0x00 };          /* zero must be empty */
    const uint8_t lead_zero[] = { 0, 0, 0, 2, 0x00, 0x7f };
    const uint8_t lead_ff[] = { 0, 0, 0, 2, 0xff, 0x80 };
    const uint8_t neg_byte[] = { 0, 0, 0, 1, 0x80 };
    expect(rd_mpint, zero_byte, sizeof zero_byte, -EBADMSG, 0);
    expect(rd_mpint_neg, zero_byte, sizeof zero_byte, -EBADMSG, 0);
    expect(rd_mpint, lead_zero, sizeof lead_zero, -EBADMSG, 0);
    expect(rd_mpint_neg, lead_ff, sizeof lead_ff, -EBADMSG, 0);
    expect(rd_mpint, neg_byte, sizeof neg_byte, -EBADMSG, 0);
    expect(rd_mpint_neg, neg_byte, sizeof neg_byte, 0, sizeof neg_byte);

    /* the largest accepted mpint, and one byte more */
    static uint8_t big[4 + MPL_MPINT_MAX_BYTES + 1];
    memset(big + 4, 0x80, sizeof big - 4);
    big[4] = 0x00;
    uint32_t n = MPL_MPINT_MAX_BYTES;
    big[0] = 0, big[1] = 0, big[2] = (uint8_t)(n >> 8), big[3] = (uint8_t)n;
    expect(rd_mpint, big, 4 + n, 0, 4 + n);
    n++;
    big[2] = (uint8_t)(n >> 8), big[3] = (uint8_t)n;
    expect(rd_mpint, big, 4 + n, -ERANGE, 0);
}

/* Encodes s as a string32 into buf; returns the encoded length. */
static size_t put_string(uint8_t *buf, const char *s)
{
    size_t n = strlen(s);
    buf[0] = (uint8_t)(n >> 24), buf[1] = (uint8_t)(n >> 16);
    buf[2] = (uint8_t)(n >> 8), buf[3] = (uint8_t)n;
    memcpy(buf + 4, s, n);
    return 4 + n;
}

static int namelist_rc(const char *s)
{
    static uint8_t buf[16384];
    size_t n = put_string(buf, s);
    struct mpl_reader r;
    struct mpl_bytes v;
    mpl_reader_init(&r, buf, n);
    int rc = mpl_read_namelist(&r, &v);
    assert_int_equal(mpl_reader_offset(&r), rc == 0 ? n : 0);
    return rc;
}

static void test_namelist(void **state)
{
    assert_int_equal(namelist_rc(""), 0);
    assert_int_equal(namelist_rc("a"), 0);
    assert_int_equal(namelist_rc("curve25519-sha256,ext-info-c,kex-strict-c-v00@openssh.com"), 0);
    const char *bad[] = { ",", ",a", "a,", "a,,b", "a b", "a\tb", "a\x7f", "a\x1f",
                          "caf\xc3\xa9", "a,\x80" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(namelist_rc(bad[i]), -EBADMSG);

    char name[MPL_NAME_MAX_LEN + 2];
    memset(name, 'n', MPL_NAME_MAX_LEN);
    name[MPL_NAME_MAX_LEN] = 0;
    assert_int_equal(namelist_rc(name), 0);
    name[MPL_NAME_MAX_LEN] = 'n', name[MPL_NAME_MAX_LEN + 1] = 0;
    assert_int_equal(namelist_rc(name), -EBADMSG);

    /* MPL_NAMELIST_MAX_NAMES names, then one more */
    static char list[4 * MPL_NAMELIST_MAX_NAMES + 8];
    size_t p = 0;
    for (int i = 0; i < MPL_NAMELIST_MAX_NAMES; i++) {
        if (i)
            list[p++] = ',';
        list[p++] = 'x';
    }
    list[p] = 0;
    assert_int_equal(namelist_rc(list), 0);
    strcat(list, ",y");
    assert_int_equal(namelist_rc(list), -EBADMSG);

    /* a truncated list is rejected at every byte */
    uint8_t buf[64];
    size_t n = put_string(buf, "aes128-ctr,aes256-ctr");
    expect_truncations(rd_namelist, buf, n);
}

static void test_namelist_iterate(void **state)
{
    struct mpl_bytes list = mpl_bytes_str("one,two,three");
    const char *want[] = { "one", "two", "three" };
    size_t pos = 0, i = 0;
    struct mpl_bytes name;
    while (mpl_namelist_next(list, &pos, &name) == 1) {
        assert_true(i < 3);
        assert_true(mpl_bytes_eq_str(name, want[i]));
        i++;
    }
    assert_int_equal(i, 3);
    assert_true(mpl_namelist_contains(list, "two"));
    assert_false(mpl_namelist_contains(list, "tw"));
    assert_false(mpl_namelist_contains(list, "three,"));
    assert_false(mpl_namelist_contains(mpl_bytes_str(""), ""));
}

static void test_end_rejects_trailing(void **state)
{
    const uint8_t b[] = { 1, 2 };
    struct mpl_reader r;
    uint8_t v;
    mpl_reader_init(&r, b, 2);
    assert_int_equal(mpl_reader_end(&r), -EBADMSG);
    assert_int_equal(mpl_read_u8(&r, &v), 0);
    assert_int_equal(mpl_reader_end(&r), -EBADMSG);
    assert_int_equal(mpl_read_u8(&r, &v), 0);
    assert_int_equal(mpl_reader_end(&r), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_boolean_strict),
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_mpint),
        cmocka_unit_test(test_namelist),
        cmocka_unit_test(test_namelist_iterate),
        cmocka_unit_test(test_end_rejects_trailing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
