/* DESIGN §2: nothing on the per-packet path allocates. This program is linked with
 * malloc, calloc and realloc wrapped (-Wl,--wrap, see tests.mk), which reaches every
 * call made from our own code and the static libraries (libsshd, libmcrypto, libmplrt);
 * OpenSSL's EVP calls are counted separately by crypto's own no-allocation test, and
 * zlib allocates only for a new stream (its inflate window at the stream's first
 * packet). Creating a connection and installing keys may allocate; sending, framing
 * and receiving packets may not. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/random.h"
#include "regress/transport/transport_test_util.h"
#include "sshd/packet.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

/* Test-program counter of allocation calls through the wrappers. */
static size_t allocs;

void *__wrap_malloc(size_t n)
{
    allocs++;
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    allocs++;
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    allocs++;
    return __real_realloc(p, n);
}

/* The wrapper must see our allocations at all, or the test proves nothing. */
static void test_counter_works(void **state)
{
    struct packet *p;
    size_t before = allocs;

    (void)state;
    assert_int_equal(packet_new(&p, 0, 0), 0);
    assert_true(allocs >= before + 3);      /* the layer and its two buffers */
    packet_free(p);
}

static void run_pair(const char *cipher, const char *mac, bool zlib)
{
    static uint8_t msg[70000];
    struct packet *a, *b;
    struct packet_in in;
    size_t before;

    assert_int_equal(packet_new(&a, 0, 0), 0);
    assert_int_equal(packet_new(&b, 0, 0), 0);
    tu_newkeys(a, b, cipher, mac, zlib, 0);
    if (zlib) {
        assert_int_equal(packet_enable_delayed_compression(a), 0);
        assert_int_equal(packet_enable_delayed_compression(b), 0);
    }
    random_bytes(msg, sizeof(msg));
    /* zlib allocates a stream's inflate window at its first packet, once: warm up */
    assert_int_equal(tu_send(a, msg, 100, NULL), 0);
    tu_transfer(a, b, 0, 0);
    assert_int_equal(packet_next(b, &in), 1);
    before = allocs;
    for (size_t i = 0; i < 200; i++) {
        size_t len = (i * 7919) % sizeof(msg);

        assert_int_equal(tu_send(a, msg, len, NULL), 0);
        tu_transfer(a, b, i % 3 == 0 ? 1000 : 0, 0);
        assert_int_equal(packet_next(b, &in), 1);
        assert_int_equal(in.len, len);
    }
    assert_int_equal(allocs, before);
    packet_free(a);
    packet_free(b);
}

static void test_no_allocation_per_packet(void **state)
{
    (void)state;
    run_pair("chacha20-poly1305@openssh.com", NULL, false);
    run_pair("aes128-gcm@openssh.com", NULL, false);
    run_pair("aes256-ctr", "hmac-sha2-512", false);
    run_pair("aes192-ctr", "hmac-sha2-256-etm@openssh.com", false);
    run_pair("aes256-gcm@openssh.com", NULL, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_works),
        cmocka_unit_test(test_no_allocation_per_packet),
    };

    if (random_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
