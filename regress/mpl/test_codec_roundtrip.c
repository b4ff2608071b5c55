/* Every variant of every packet in ssh.mpl, monitor.mpl and keys.mpl, driven through the
 * generated packet tables:
 *   - unpack(pack(m)) == m and pack(unpack(b)) == b for sample messages;
 *   - truncation at every byte, a trailing byte, every length prefix set to 0xffffffff
 *     and to len+1, every boolean set to 2: all rejected, the failing field named
 *     (its offset is where the corrupted bytes are, or later for len+1).
 * Inputs are copied into buffers of their exact size so that ASan sees any overread. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "keys.h"
#include "monitor.h"
#include "ssh.h"

#define SEEDS 6
#define MAX_STATE 8

struct table {
    const char *file;
    const struct mpl_packet_info *v;
    const size_t *n;
};

static const struct table tables[] = {
    { "ssh.mpl", ssh_packets, &ssh_npackets },
    { "monitor.mpl", monitor_packets, &monitor_npackets },
    { "keys.mpl", keys_packets, &keys_npackets },
};

struct counts {
    size_t variants, messages, rejected;
};

/* Unpacks exactly b[0..n) (copied to the heap); 0 or the error. */
static int unpack_exact(const struct mpl_packet_info *info, const uint64_t *state,
                        const uint8_t *b, size_t n, void *out, struct mpl_error *err)
{
    uint8_t *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, b, n);
    struct mpl_reader r;
    mpl_reader_init(&r, copy, n);
    int rc = info->read(&r, state, out, err);
    if (rc == 0 && mpl_reader_end(&r) < 0)
        rc = mpl_fail(err, -EBADMSG, "trailing", mpl_reader_offset(&r));
    free(copy);
    return rc;
}

static void fail_case(const struct mpl_packet_info *info, unsigned kind, uint64_t seed,
                      const char *what, size_t at)
{
    print_error("%s %s seed %llu: %s (offset %zu)\n", info->name, info->kind_name(kind),
                (unsigned long long)seed, what, at);
    fail();
}

/* Where the rejection must point: anywhere (truncation), exactly at the corrupted bytes,
 * or at them or later (len+1 shifts what follows). */
enum where { ANYWHERE, EXACTLY, AT_OR_AFTER };

static void check_rejected(const struct mpl_packet_info *info, unsigned kind, uint64_t seed,
                           const uint64_t *state, const uint8_t *b, size_t n, void *scratch,
                           const char *what, size_t at, enum where where, struct counts *cnt)
{
    struct mpl_error err = { 0 };
    int rc = unpack_exact(info, state, b, n, scratch, &err);
    /* a longer string can turn a known name into an unknown one: a different variant
     * (the catch-all) is then the right reading, not an acceptance of a bad length */
    if (rc >= 0 && where == AT_OR_AFTER && info->kind_of(scratch) != kind) {
        cnt->rejected++;
        return;
    }
    if (rc >= 0)
        fail_case(info, kind, seed, what, at);
    if (!err.field)
        fail_case(info, kind, seed, "rejected without naming a field", at);
    if ((where == EXACTLY && err.offset != at) || (where == AT_OR_AFTER && err.offset < at))
        fail_case(info, kind, seed, "rejected, but at the wrong offset", err.offset);
    cnt->rejected++;
}

static void one_message(const struct mpl_packet_info *info, unsigned kind, uint64_t seed,
                        struct counts *cnt)
{
    static uint8_t pool[32768], buf[65536], bad[65536];
    struct mpl_sample s;
    mpl_sample_init(&s, pool, sizeof pool, seed * 131 + kind);
    void *m = calloc(1, info->size), *m2 = calloc(1, info->size);
    assert_non_null(m);
    assert_non_null(m2);
    uint64_t state[MAX_STATE] = { 0 };
    info->sample_state(kind, state);
    if (info->sample(m, kind, &s) < 0)
        fail_case(info, kind, seed, "sample did not fit the pool", 0);

    struct mpl_writer w;
    struct mpl_error err = { 0 };
    size_t n;
    mpl_writer_init(&w, buf, sizeof buf, 5, 64);
    if (info->pack(&w, m, &err) < 0)
        fail_case(info, kind, seed, err.field ? err.field : "pack failed", err.offset);
    assert_int_equal(mpl_writer_finish(&w, &n), 0);
    const uint8_t *payload = mpl_writer_payload(&w, &n);

    /* unpack(pack(m)) == m, with every length prefix and boolean traced */
    uint8_t *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, payload, n);
    static struct mpl_trace trace;
    memset(&trace, 0, sizeof trace);
    struct mpl_reader r;
    mpl_reader_init(&r, copy, n);
    r.trace = &trace;
    if (info->read(&r, state, m2, &err) < 0 || mpl_reader_end(&r) < 0)
        fail_case(info, kind, seed, err.field ? err.field : "trailing bytes", err.offset);
    if (!info->equal(m, m2))
        fail_case(info, kind, seed, "unpack(pack(m)) != m", 0);

    /* pack(unpack(b)) == b */
    uint8_t again[65536];
    size_t n2;
    mpl_writer_init(&w, again, sizeof again, 0, 0);
    assert_int_equal(info->pack(&w, m2, NULL), 0);
    assert_int_equal(mpl_writer_finish(&w, &n2), 0);
    if (n2 != n || memcmp(again, copy, n) != 0)
        fail_case(info, kind, seed, "pack(unpack(b)) != b", 0);

    char text[8192];
    assert_true(info->format(m2, text, sizeof text) > 0);

    /* malformed forms of b */
    bool may_truncate = info->may_truncate(m);
    for (size_t t = 0; t < n && !may_truncate; t++)
        check_rejected(info, kind, seed, state, copy, t, m2, "truncated input accepted", t,
                       ANYWHERE, cnt);
    if (!may_truncate) {
        memcpy(bad, copy, n);
        bad[n] = 0;
        check_rejected(info, kind, seed, state, bad, n + 1, m2, "trailing byte accepted", n,
                       AT_OR_AFTER, cnt);
    }
    for (size_t i = 0; i < trace.n; i++) {
        size_t at = trace.offset[i];
        memcpy(bad, copy, n);
        if (trace.kind[i] == MPL_TRACE_BOOL) {
            bad[at] = 2;
            check_rejected(info, kind, seed, state, bad, n, m2, "boolean 2 accepted", at, EXACTLY,
                           cnt);
            continue;
        }
        memset(bad + at, 0xff, 4);
        check_rejected(info, kind, seed, state, bad, n, m2, "length 0xffffffff accepted", at,
                       EXACTLY, cnt);
        uint32_t len = (uint32_t)copy[at] << 24 | (uint32_t)copy[at + 1] << 16 |
                       (uint32_t)copy[at + 2] << 8 | copy[at + 3];
        len++;
        bad[at] = (uint8_t)(len >> 24), bad[at + 1] = (uint8_t)(len >> 16);
        bad[at + 2] = (uint8_t)(len >> 8), bad[at + 3] = (uint8_t)len;
        if (!may_truncate)
            check_rejected(info, kind, seed, state, bad, n, m2, "length len+1 accepted", at,
                           AT_OR_AFTER, cnt);
    }
    free(copy);
    free(m);
    free(m2);
    cnt->messages++;
}

static void run_table(const struct table *t)
{
    struct counts cnt = { 0 };
    for (size_t p = 0; p < *t->n; p++) {
        const struct mpl_packet_info *info = &t->v[p];
        for (unsigned kind = 0; kind < info->nkinds; kind++) {
            cnt.variants++;
            for (uint64_t seed = 0; seed < SEEDS; seed++)
                one_message(info, kind, seed, &cnt);
        }
    }
    print_message("%s: %zu variants, %zu messages round-tripped, %zu malformed forms "
                  "rejected\n", t->file, cnt.variants, cnt.messages, cnt.rejected);
    assert_true(cnt.variants > 0);
}

static void test_ssh(void **state) { run_table(&tables[0]); }
static void test_monitor(void **state) { run_table(&tables[1]); }
static void test_keys(void **state) { run_table(&tables[2]); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ssh),
        cmocka_unit_test(test_monitor),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
