/* The runtime writer: exact fill and one byte more, the sticky error, the header and
 * trailer rooms left untouched, in-place strings, and encodings read back. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mpl/rt/mpl_rt.h"

#define HEAD 5
#define TAIL 64
#define SENTINEL 0xa5

static void test_init_rooms(void **state)
{
    uint8_t buf[16];
    struct mpl_writer w;
    size_t n;
    assert_int_equal(mpl_writer_init(&w, buf, 16, 17, 0), -EINVAL);
    assert_int_equal(mpl_write_u8(&w, 1), -EINVAL);
    assert_int_equal(mpl_writer_finish(&w, &n), -EINVAL);
    assert_int_equal(mpl_writer_init(&w, buf, 16, 8, 9), -EINVAL);
    assert_int_equal(mpl_writer_init(&w, buf, 16, SIZE_MAX, SIZE_MAX), -EINVAL);
    assert_int_equal(mpl_writer_init(&w, NULL, 16, 0, 0), -EINVAL);
    assert_int_equal(mpl_writer_init(&w, buf, 16, 8, 8), 0);
    assert_int_equal(mpl_write_u8(&w, 1), -ENOSPC);          /* no payload room at all */
    assert_int_equal(mpl_writer_init(&w, buf, 16, 0, 0), 0);
    assert_int_equal(mpl_writer_finish(&w, &n), 0);
    assert_int_equal(n, 0);
}

/* Fills a payload area of exactly `room` bytes with u8 writes, then one more. */
static void test_exact_fill_then_sticky(void **state)
{
    for (size_t room = 0; room < 24; room++) {
        uint8_t buf[HEAD + 24 + TAIL];
        memset(buf, SENTINEL, sizeof buf);
        struct mpl_writer w;
        size_t n;
        assert_int_equal(mpl_writer_init(&w, buf, HEAD + room + TAIL, HEAD, TAIL), 0);
        for (size_t i = 0; i < room; i++)
            assert_int_equal(mpl_write_u8(&w, (uint8_t)i), 0);
        assert_int_equal(mpl_writer_finish(&w, &n), 0);
        assert_int_equal(n, room);
        assert_int_equal(mpl_write_u8(&w, 0xee), -ENOSPC);
        /* sticky: even writes that would fit now fail, and finish reports it */
        assert_int_equal(mpl_write_fixed(&w, "", 0), -ENOSPC);
        assert_int_equal(mpl_write_string(&w, NULL, 0), -ENOSPC);
        assert_int_equal(mpl_writer_finish(&w, &n), -ENOSPC);
        assert_int_equal(n, 0);
        for (size_t i = 0; i < HEAD; i++)
            assert_int_equal(buf[i], SENTINEL);
        for (size_t i = HEAD + room; i < sizeof buf; i++)
            assert_int_equal(buf[i], SENTINEL);
    }
}

/* A string that exactly fills the room fits; one byte longer fails with nothing written. */
static void test_string_max_and_max_plus_one(void **state)
{
    uint8_t buf[HEAD + 32 + TAIL];
    uint8_t data[32];
    memset(data, 'd', sizeof data);
    struct mpl_writer w;
    size_t n;
    mpl_writer_init(&w, buf, sizeof buf, HEAD, TAIL);
    assert_int_equal(mpl_write_string(&w, data, 28), 0);
    assert_int_equal(mpl_writer_finish(&w, &n), 0);
    assert_int_equal(n, 32);

    memset(buf, SENTINEL, sizeof buf);
    mpl_writer_init(&w, buf, sizeof buf, HEAD, TAIL);
    assert_int_equal(mpl_write_string(&w, data, 29), -ENOSPC);
    assert_int_equal(buf[HEAD], SENTINEL);                    /* no half-written length */
    mpl_writer_init(&w, buf, sizeof buf, HEAD, TAIL);
    assert_int_equal(mpl_write_string(&w, data, 0xffffffff), -ENOSPC);
    mpl_writer_init(&w, buf, sizeof buf, HEAD, TAIL);
    assert_int_equal(mpl_write_string(&w, data, (size_t)UINT32_MAX + 1), -ERANGE);
    mpl_writer_init(&w, buf, sizeof buf, HEAD, TAIL);
    assert_int_equal(mpl_write_fixed(&w, data, 33), -ENOSPC);
    mpl_writer_init(&w, buf, sizeof buf, HEAD, TAIL);
    assert_int_equal(mpl_write_fixed(&w, NULL, 1), -EINVAL);
}

static void test_encodings_read_back(void **state)
{
    uint8_t buf[256];
    struct mpl_writer w;
    size_t n;
    mpl_writer_init(&w, buf, sizeof buf, HEAD, 0);
    mpl_write_u8(&w, 0x5e);
    mpl_write_u32(&w, 0xdeadbeef);
    mpl_write_u64(&w, 0x0102030405060708ull);
    mpl_write_bool(&w, true);
    mpl_write_bool(&w, false);
    mpl_write_string(&w, "abc", 3);
    mpl_write_namelist(&w, "a,b", 3);
    mpl_write_fixed(&w, "\x01\x02", 2);
    assert_int_equal(mpl_writer_finish(&w, &n), 0);
    const uint8_t want[] = { 0x5e, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 1, 0,
                             0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 3, 'a', ',', 'b', 1, 2 };
    assert_int_equal(n, sizeof want);
    size_t plen;
    uint8_t *payload = mpl_writer_payload(&w, &plen);
    assert_ptr_equal(payload, buf + HEAD);
    assert_memory_equal(payload, want, sizeof want);

    struct mpl_reader r;
    uint8_t u8;
    uint32_t u32;
    uint64_t u64;
    bool b;
    struct mpl_bytes s;
    mpl_reader_init(&r, payload, plen);
    assert_int_equal(mpl_read_u8(&r, &u8), 0);
    assert_int_equal(u8, 0x5e);
    assert_int_equal(mpl_read_u32(&r, &u32), 0);
    assert_true(u32 == 0xdeadbeef);
    assert_int_equal(mpl_read_u64(&r, &u64), 0);
    assert_true(u64 == 0x0102030405060708ull);
    assert_int_equal(mpl_read_bool(&r, &b), 0);
    assert_true(b);
    assert_int_equal(mpl_read_bool(&r, &b), 0);
    assert_false(b);
    assert_int_equal(mpl_read_string(&r, &s), 0);
    assert_true(mpl_bytes_eq_str(s, "abc"));
    assert_int_equal(mpl_read_namelist(&r, &s), 0);
    assert_int_equal(mpl_read_fixed(&r, 2, &s), 0);
    assert_int_equal(mpl_reader_end(&r), 0);
}

static void test_invalid_values_refused(void **state)
{
    uint8_t buf[64];
    struct mpl_writer w;
    size_t n;
    mpl_writer_init(&w, buf, sizeof buf, 0, 0);
    assert_int_equal(mpl_write_namelist(&w, "a,,b", 4), -EINVAL);
    assert_int_equal(mpl_writer_finish(&w, &n), -EINVAL);
    mpl_writer_init(&w, buf, sizeof buf, 0, 0);
    assert_int_equal(mpl_write_mpint(&w, "\x00\x01", 2, false), -EINVAL);
    mpl_writer_init(&w, buf, sizeof buf, 0, 0);
    assert_int_equal(mpl_write_mpint(&w, "\x80", 1, false), -EINVAL);
    mpl_writer_init(&w, buf, sizeof buf, 0, 0);
    assert_int_equal(mpl_write_mpint(&w, "\x80", 1, true), 0);
}

/* Unsigned magnitudes become canonical mpints: zeros dropped, sign byte added. */
static void test_mpint_unsigned(void **state)
{
    struct { const char *mag; size_t len; const char *want; size_t want_len; } v[] = {
        { "", 0, "\0\0\0\0", 4 },
        { "\0\0", 2, "\0\0\0\0", 4 },
        { "\x80", 1, "\0\0\0\x02\0\x80", 6 },
        { "\0\0\x7f", 3, "\0\0\0\x01\x7f", 5 },
        { "\x09\xa3\x78\xf9\xb2\xe3\x32\xa7", 8, "\0\0\0\x08\x09\xa3\x78\xf9\xb2\xe3\x32\xa7", 12 },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t buf[32];
        struct mpl_writer w;
        size_t n;
        mpl_writer_init(&w, buf, sizeof buf, 0, 0);
        assert_int_equal(mpl_write_mpint_unsigned(&w, v[i].mag, v[i].len), 0);
        assert_int_equal(mpl_writer_finish(&w, &n), 0);
        assert_int_equal(n, v[i].want_len);
        assert_memory_equal(buf, v[i].want, n);
        struct mpl_reader r;
        struct mpl_bytes m;
        mpl_reader_init(&r, buf, n);
        assert_int_equal(mpl_read_mpint(&r, false, &m), 0);
    }
    /* 0x80 needs 2 bytes + 4 of length: 5 bytes of room are too few */
    uint8_t small[5];
    struct mpl_writer w;
    mpl_writer_init(&w, small, sizeof small, 0, 0);
    assert_int_equal(mpl_write_mpint_unsigned(&w, "\x80", 1), -ENOSPC);
}

/* The transport reads channel data straight to where the string's bytes belong, then
 * writes the string with that very pointer: length is filled in, nothing is copied,
 * the header room stays free for the packet length and padding length. */
static void test_string_in_place(void **state)
{
    uint8_t buf[HEAD + 9 + 100 + TAIL];
    memset(buf, SENTINEL, sizeof buf);
    struct mpl_writer w;
    mpl_writer_init(&w, buf, sizeof buf, HEAD, TAIL);
    mpl_write_u8(&w, 94);
    mpl_write_u32(&w, 7);
    size_t room;
    uint8_t *dst = mpl_writer_string_room(&w, &room);
    assert_ptr_equal(dst, buf + HEAD + 9);
    assert_int_equal(room, 100);             /* 9 + 100 minus the 5 written and 4 of length */
    memcpy(dst, "channel bytes", 13);                  /* as read(2) would */
    assert_int_equal(mpl_write_string(&w, dst, 13), 0);
    size_t n;
    assert_int_equal(mpl_writer_finish(&w, &n), 0);
    assert_int_equal(n, 1 + 4 + 4 + 13);
    assert_memory_equal(buf + HEAD, "\x5e\0\0\0\x07\0\0\0\x0d" "channel bytes", n);
    for (size_t i = 0; i < HEAD; i++)
        assert_int_equal(buf[i], SENTINEL);

    /* the whole room is usable; no room at all once failed */
    mpl_writer_init(&w, buf, sizeof buf, HEAD, TAIL);
    dst = mpl_writer_string_room(&w, &room);
    assert_int_equal(mpl_write_string(&w, dst, room), 0);
    assert_int_equal(mpl_write_u8(&w, 0), -ENOSPC);
    assert_null(mpl_writer_string_room(&w, &room));
    assert_int_equal(room, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rooms),
        cmocka_unit_test(test_exact_fill_then_sticky),
        cmocka_unit_test(test_string_max_and_max_plus_one),
        cmocka_unit_test(test_encodings_read_back),
        cmocka_unit_test(test_invalid_values_refused),
        cmocka_unit_test(test_mpint_unsigned),
        cmocka_unit_test(test_string_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
