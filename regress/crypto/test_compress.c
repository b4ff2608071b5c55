/* Tests of crypto/compress (zlib@openssh.com). The format is checked against zlib used
 * directly, the way OpenSSH uses it (deflate with Z_PARTIAL_FLUSH per packet, inflate
 * with Z_SYNC_FLUSH per packet, one stream per direction): our packets inflate one at
 * a time with a plain zlib stream, and plain zlib's packets inflate with ours. The
 * decompression-bomb cap, exact-fit boundaries, corrupt input and a peer ending the
 * stream are covered too. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "crypto/compress.h"
#include "crypto/random.h"

#define CAP (256 * 1024)

static const char text[] =
    "SSH_MSG_CHANNEL_DATA carries the bytes of an interactive session; shells echo the "
    "same prompts and file listings over and over, which is what compression is for. ";

/* Payload k of a test sequence: repetitive text, zeros, random, empty, large. */
static size_t make_payload(int k, uint8_t *buf, size_t size)
{
    static const size_t lens[] = { sizeof(text) - 1, 1, 0, 1000, 4096, 32768, 65536 + 7,
                                   sizeof(text) - 1, 200000 };
    size_t n = lens[k % 9];

    assert_true(n <= size);
    switch (k % 3) {
    case 0:
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)text[i % (sizeof(text) - 1)];
        break;
    case 1:
        memset(buf, 0, n);
        break;
    default:
        random_bytes(buf, n);
    }
    return n;
}

static void test_round_trip_sequence(void **state)
{
    struct compress_state *def, *inf;
    uint8_t *in = malloc(CAP), *z = malloc(compress_bound(CAP)), *out = malloc(CAP);

    (void)state;
    assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
    assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
    for (int k = 0; k < 27; k++) {
        size_t n = make_payload(k, in, CAP);
        ssize_t zl = compress_packet(def, in, n, z, compress_bound(n));
        assert_true(zl > 0 || (zl == 0 && n == 0));
        assert_int_equal(decompress_packet(inf, z, (size_t)zl, out, CAP), (ssize_t)n);
        assert_memory_equal(out, in, n);
    }
    compress_state_free(def);
    compress_state_free(inf);
    free(in);
    free(z);
    free(out);
}

/* The dictionary carries across packets: the same text sent twice costs far less the
 * second time, which only works if both sides keep one stream. */
static void test_history_carried(void **state)
{
    struct compress_state *def, *inf;
    uint8_t z1[512], z2[512], out[512];
    ssize_t l1, l2;

    (void)state;
    assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
    assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
    l1 = compress_packet(def, (const uint8_t *)text, sizeof(text) - 1, z1, sizeof(z1));
    l2 = compress_packet(def, (const uint8_t *)text, sizeof(text) - 1, z2, sizeof(z2));
    assert_true(l1 > 0 && l2 > 0);
    assert_true(l2 * 3 < l1);
    assert_int_equal(decompress_packet(inf, z1, (size_t)l1, out, sizeof(out)), sizeof(text) - 1);
    assert_int_equal(decompress_packet(inf, z2, (size_t)l2, out, sizeof(out)), sizeof(text) - 1);
    assert_memory_equal(out, text, sizeof(text) - 1);
    /* a fresh receiver that missed the first packet cannot follow */
    struct compress_state *late;
    assert_int_equal(compress_state_new(&late, COMPRESS_INFLATE), 0);
    assert_int_equal(decompress_packet(late, z2, (size_t)l2, out, sizeof(out)), -EBADMSG);
    compress_state_free(late);
    compress_state_free(def);
    compress_state_free(inf);
}

/* Our packets, inflated one at a time by plain zlib as OpenSSH's receiver does. */
static void test_plain_zlib_reads_ours(void **state)
{
    struct compress_state *def;
    z_stream zs;
    uint8_t *in = malloc(CAP), *z = malloc(compress_bound(CAP)), *out = malloc(CAP);

    (void)state;
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit(&zs), Z_OK);
    assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
    for (int k = 0; k < 18; k++) {
        size_t n = make_payload(k, in, CAP);
        ssize_t zl = compress_packet(def, in, n, z, compress_bound(n));
        assert_true(zl > 0 || (zl == 0 && n == 0));
        zs.next_in = z;
        zs.avail_in = (uInt)zl;
        zs.next_out = out;
        zs.avail_out = CAP;
        int zr = inflate(&zs, Z_SYNC_FLUSH);
        assert_true(zr == Z_OK || (zr == Z_BUF_ERROR && n == 0));
        assert_int_equal(zs.avail_in, 0);
        assert_int_equal(CAP - zs.avail_out, n);
        assert_memory_equal(out, in, n);
    }
    inflateEnd(&zs);
    compress_state_free(def);
    free(in);
    free(z);
    free(out);
}

/* Plain zlib's Z_PARTIAL_FLUSH packets (OpenSSH's sender) inflate with ours. */
static void test_ours_reads_plain_zlib(void **state)
{
    struct compress_state *inf;
    z_stream zs;
    uint8_t *in = malloc(CAP), *z = malloc(compress_bound(CAP)), *out = malloc(CAP);

    (void)state;
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit(&zs, 6), Z_OK);
    assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
    for (int k = 0; k < 18; k++) {
        size_t n = make_payload(k, in, CAP);
        zs.next_in = in;
        zs.avail_in = (uInt)n;
        zs.next_out = z;
        zs.avail_out = (uInt)compress_bound(CAP);
        int zr = deflate(&zs, Z_PARTIAL_FLUSH);
        /* zlib reports "no progress" for an empty input right after a flush */
        assert_true(zr == Z_OK || (zr == Z_BUF_ERROR && n == 0));
        assert_int_equal(zs.avail_in, 0);
        size_t zl = compress_bound(CAP) - zs.avail_out;
        assert_int_equal(decompress_packet(inf, z, zl, out, CAP), (ssize_t)n);
        assert_memory_equal(out, in, n);
    }
    deflateEnd(&zs);
    compress_state_free(inf);
    free(in);
    free(z);
    free(out);
}

/* compress_bound holds for incompressible data of every size up to 70000. */
static void test_bound_suffices(void **state)
{
    struct compress_state *def;
    uint8_t *in = malloc(70001), *z = malloc(compress_bound(70001));

    (void)state;
    assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
    random_bytes(in, 70001);
    for (size_t n = 0; n <= 70000; n += n < 300 ? 1 : 997) {
        ssize_t zl = compress_packet(def, in, n, z, compress_bound(n));
        assert_true(zl > 0 || (zl == 0 && n == 0));
        assert_true(zl <= (ssize_t)compress_bound(n));
    }
    compress_state_free(def);
    free(in);
    free(z);
}

static void test_deflate_out_too_small(void **state)
{
    struct compress_state *def;
    uint8_t in[4096], z[100];

    (void)state;
    random_bytes(in, sizeof(in));
    assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
    assert_int_equal(compress_packet(def, in, sizeof(in), z, sizeof(z)), -ENOSPC);
    /* the stream has consumed part of the input: no second chance */
    assert_int_equal(compress_packet(def, in, 10, z, sizeof(z)), -EPROTO);
    compress_state_free(def);
}

/* 16 MiB of one letter deflate to ~16 KiB; inflating must stop at the cap with an
 * error, leave nothing behind and refuse further input. */
static void test_bomb_capped(void **state)
{
    const size_t big = 16u << 20;
    struct compress_state *def, *inf;
    uint8_t *in = malloc(big), *z = malloc(compress_bound(big)), *out = malloc(CAP);
    ssize_t zl;

    (void)state;
    assert_non_null(in);
    memset(in, 'A', big);
    assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
    assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
    zl = compress_packet(def, in, big, z, compress_bound(big));
    assert_true(zl > 0 && (size_t)zl < big / 500);
    print_message("bomb: %zu bytes compressed to %zd\n", big, zl);
    memset(out, 0xa5, CAP);
    assert_int_equal(decompress_packet(inf, z, (size_t)zl, out, CAP), -EBADMSG);
    for (size_t i = 0; i < CAP; i++)
        if (out[i] != 0)
            fail_msg("output byte %zu left behind after the refused packet", i);
    assert_int_equal(decompress_packet(inf, z, 1, out, CAP), -EPROTO);
    compress_state_free(def);
    compress_state_free(inf);
    free(in);
    free(z);
    free(out);
}

/* A payload of exactly the cap inflates; one byte more is refused. */
static void test_cap_boundary(void **state)
{
    const size_t cap = 5000;
    uint8_t in[5001], z[6000], out[5001];

    (void)state;
    for (int extra = 0; extra <= 1; extra++) {
        for (int kind = 0; kind < 2; kind++) {
            struct compress_state *def, *inf;
            size_t n = cap + (size_t)extra;
            ssize_t zl;

            if (kind == 0)
                memset(in, 'x', n);
            else
                random_bytes(in, n);
            assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
            assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
            zl = compress_packet(def, in, n, z, sizeof(z));
            assert_true(zl > 0);
            if (extra == 0) {
                assert_int_equal(decompress_packet(inf, z, (size_t)zl, out, cap), (ssize_t)cap);
                assert_memory_equal(out, in, cap);
                /* and the stream goes on normally after an exact fit */
                zl = compress_packet(def, in, 100, z, sizeof(z));
                assert_int_equal(decompress_packet(inf, z, (size_t)zl, out, cap), 100);
            } else {
                assert_int_equal(decompress_packet(inf, z, (size_t)zl, out, cap), -EBADMSG);
            }
            compress_state_free(def);
            compress_state_free(inf);
        }
    }
}

/* Truncated packets (a peer may cut the flush marker or stop in the middle of a
 * match) against plain zlib without a cap: for every prefix of a packet, ours returns
 * exactly what plain zlib produces when that fits the cap, and an error when it does
 * not. Cutting inside a long match is what makes the output outlast the input. */
static void test_truncated_against_plain_zlib(void **state)
{
    enum { N = 6000 };
    static const size_t caps[] = { 1000, 4095, 4096, 5999, 6000, 6001 };
    uint8_t in[N], z[N + 200], out[N + 10], want[N + 10];

    (void)state;
    for (int kind = 0; kind < 3; kind++) {
        struct compress_state *def;
        ssize_t zl;

        for (size_t i = 0; i < N; i++)
            in[i] = kind == 0 ? 'x' : kind == 1 ? (uint8_t)text[i % (sizeof(text) - 1)] : 0;
        if (kind == 2)
            random_bytes(in, N);
        assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
        zl = compress_packet(def, in, N, z, sizeof(z));
        assert_true(zl > 0);
        compress_state_free(def);
        for (size_t cut = 1; cut <= (size_t)zl; cut++) {
            z_stream zs;
            size_t full;

            memset(&zs, 0, sizeof(zs));
            assert_int_equal(inflateInit(&zs), Z_OK);
            zs.next_in = z;
            zs.avail_in = (uInt)cut;
            zs.next_out = want;
            zs.avail_out = sizeof(want);
            int zr = inflate(&zs, Z_SYNC_FLUSH);
            assert_true(zr == Z_OK || zr == Z_BUF_ERROR);
            full = sizeof(want) - zs.avail_out;
            inflateEnd(&zs);
            for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
                struct compress_state *inf;
                ssize_t r;

                assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
                r = decompress_packet(inf, z, cut, out, caps[c]);
                if (full > caps[c]) {
                    assert_int_equal(r, -EBADMSG);
                } else {
                    assert_int_equal(r, (ssize_t)full);
                    assert_memory_equal(out, want, full);
                }
                compress_state_free(inf);
            }
        }
    }
}

static void test_corrupt_and_ended_streams(void **state)
{
    struct compress_state *inf, *def;
    uint8_t junk[64], z[256], out[256];
    z_stream zs;
    ssize_t zl;

    (void)state;
    /* not a zlib stream at all */
    memset(junk, 0xff, sizeof(junk));
    assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
    assert_int_equal(decompress_packet(inf, junk, sizeof(junk), out, sizeof(out)), -EBADMSG);
    assert_int_equal(decompress_packet(inf, junk, 1, out, sizeof(out)), -EPROTO);
    compress_state_free(inf);

    /* a valid first packet, then a corrupted second one */
    assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
    assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
    zl = compress_packet(def, (const uint8_t *)text, 50, z, sizeof(z));
    assert_int_equal(decompress_packet(inf, z, (size_t)zl, out, sizeof(out)), 50);
    zl = compress_packet(def, (const uint8_t *)"abcdefgh", 8, z, sizeof(z));
    assert_true(zl >= 3);
    z[0] ^= 0x07;   /* the block type bits of the next block: 3 = reserved, invalid */
    z[0] |= 0x06;
    assert_int_equal(decompress_packet(inf, z, (size_t)zl, out, sizeof(out)), -EBADMSG);
    compress_state_free(def);
    compress_state_free(inf);

    /* a peer that finishes the stream (Z_FINISH) is refused: the stream must not end */
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit(&zs, 6), Z_OK);
    zs.next_in = (Bytef *)(uintptr_t)text;
    zs.avail_in = 20;
    zs.next_out = z;
    zs.avail_out = sizeof(z);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
    assert_int_equal(decompress_packet(inf, z, sizeof(z) - zs.avail_out, out, sizeof(out)), -EBADMSG);
    deflateEnd(&zs);
    compress_state_free(inf);
}

static void test_misuse(void **state)
{
    struct compress_state *def, *inf;
    uint8_t buf[64];

    (void)state;
    assert_int_equal(compress_state_new(NULL, COMPRESS_DEFLATE), -EINVAL);
    assert_int_equal(compress_state_new(&def, (enum compress_dir)5), -EINVAL);
    assert_int_equal(compress_state_new(&def, COMPRESS_DEFLATE), 0);
    assert_int_equal(compress_state_new(&inf, COMPRESS_INFLATE), 0);
    assert_int_equal(compress_packet(inf, buf, 1, buf, sizeof(buf)), -EINVAL);
    assert_int_equal(decompress_packet(def, buf, 1, buf, sizeof(buf)), -EINVAL);
    assert_int_equal(compress_packet(def, NULL, 1, buf, sizeof(buf)), -EINVAL);
    assert_int_equal(decompress_packet(inf, buf, 1, NULL, 0), -EINVAL);
    assert_int_equal(decompress_packet(inf, NULL, 0, buf, sizeof(buf)), 0);
    compress_state_free(def);
    compress_state_free(inf);
    compress_state_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_sequence),
        cmocka_unit_test(test_history_carried),
        cmocka_unit_test(test_plain_zlib_reads_ours),
        cmocka_unit_test(test_ours_reads_plain_zlib),
        cmocka_unit_test(test_bound_suffices),
        cmocka_unit_test(test_deflate_out_too_small),
        cmocka_unit_test(test_bomb_capped),
        cmocka_unit_test(test_cap_boundary),
        cmocka_unit_test(test_truncated_against_plain_zlib),
        cmocka_unit_test(test_corrupt_and_ended_streams),
        cmocka_unit_test(test_misuse),
    };
    if (random_init() < 0)
        return 1;
    return cmocka_run_group_tests_name("crypto_compress", tests, NULL, NULL);
}
