/* RFC 4253 §4.2 identification exchange: our line, and the peer's line as OpenSSH's
 * server takes it (see sshd/version.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sshd/version.h"

/* Feeds a whole string at once to a server-side reader. */
static int feed_str(struct version_reader *vr, const char *s, size_t *consumed)
{
    return version_feed(vr, (const uint8_t *)s, strlen(s), consumed);
}

static int feed_server(const char *s)
{
    struct version_reader vr;
    size_t used;

    version_reader_init(&vr, VERSION_SERVER_MAX_PRE_LINES);
    return feed_str(&vr, s, &used);
}

static void test_our_line(void **state)
{
    char buf[VERSION_LINE_MAX + 1];

    (void)state;
    assert_int_equal(version_format(buf, sizeof(buf), NULL),
                     (int)strlen("SSH-2.0-msshd_" MSSHD_VERSION "\r\n"));
    assert_string_equal(buf, "SSH-2.0-msshd_" MSSHD_VERSION "\r\n");
    assert_int_equal(version_format(buf, sizeof(buf), ""), (int)strlen(buf));
    assert_string_equal(buf, "SSH-2.0-msshd_" MSSHD_VERSION "\r\n");
    assert_true(version_format(buf, sizeof(buf), "Debian-2 test") > 0);
    assert_string_equal(buf, "SSH-2.0-msshd_" MSSHD_VERSION " Debian-2 test\r\n");
    /* the comment must not break the line */
    assert_int_equal(version_format(buf, sizeof(buf), "a\r\nSSH-1.5-x"), -EINVAL);
    assert_int_equal(version_format(buf, sizeof(buf), "tab\there"), -EINVAL);
    assert_int_equal(version_format(buf, 10, NULL), -ENOSPC);
    assert_int_equal(version_format(NULL, 10, NULL), -EINVAL);
}

static void test_our_line_limit(void **state)
{
    char buf[512], comment[300];
    size_t base = strlen("SSH-2.0-msshd_" MSSHD_VERSION " \r\n");

    (void)state;
    /* exactly 255 bytes with CR LF is fine, one more is not */
    memset(comment, 'c', sizeof(comment));
    comment[VERSION_LINE_MAX - base] = '\0';
    assert_int_equal(version_format(buf, sizeof(buf), comment), VERSION_LINE_MAX);
    comment[VERSION_LINE_MAX - base] = 'c';
    comment[VERSION_LINE_MAX - base + 1] = '\0';
    assert_int_equal(version_format(buf, sizeof(buf), comment), -ERANGE);
}

static void test_good_lines(void **state)
{
    struct version_reader vr;
    const char *line;
    size_t used, len;

    (void)state;
    version_reader_init(&vr, VERSION_SERVER_MAX_PRE_LINES);
    assert_null(version_peer_line(&vr, &len));
    assert_int_equal(feed_str(&vr, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", &used), 1);
    line = version_peer_line(&vr, &len);
    assert_string_equal(line, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
    assert_int_equal(len, strlen(line));
    assert_string_equal(version_peer_software(&vr), "OpenSSH_9.2p1 Debian-2+deb12u3");
    assert_int_equal(vr.major, 2);
    assert_int_equal(vr.minor, 0);
    /* done: nothing more is consumed */
    assert_int_equal(feed_str(&vr, "more", &used), 1);
    assert_int_equal(used, 0);

    /* a bare LF ends the line too (OpenSSH accepts it) */
    assert_int_equal(feed_server("SSH-2.0-PuTTY_Release_0.78\n"), 1);
    /* 1.99 means "2 and 1": accepted */
    version_reader_init(&vr, VERSION_SERVER_MAX_PRE_LINES);
    assert_int_equal(feed_str(&vr, "SSH-1.99-OpenSSH_3.9\r\n", &used), 1);
    assert_int_equal(vr.major, 1);
    assert_int_equal(vr.minor, 99);
}

static void test_stops_after_line(void **state)
{
    static const char in[] = "SSH-2.0-x\r\n\x00\x00\x01\x0c\x0a\x14";
    struct version_reader vr;
    size_t used;

    (void)state;
    /* the client's first packet may follow in the same read: it must stay unread */
    version_reader_init(&vr, VERSION_SERVER_MAX_PRE_LINES);
    assert_int_equal(version_feed(&vr, (const uint8_t *)in, sizeof(in) - 1, &used), 1);
    assert_int_equal(used, strlen("SSH-2.0-x\r\n"));
    assert_string_equal(version_peer_line(&vr, NULL), "SSH-2.0-x");
}

static void test_byte_at_a_time(void **state)
{
    static const char in[] = "SSH-2.0-OpenSSH_9.6\r\n";
    struct version_reader vr;
    size_t used;

    (void)state;
    version_reader_init(&vr, VERSION_SERVER_MAX_PRE_LINES);
    for (size_t i = 0; i + 1 < sizeof(in) - 1; i++) {
        assert_int_equal(version_feed(&vr, (const uint8_t *)in + i, 1, &used), 0);
        assert_int_equal(used, 1);
    }
    assert_int_equal(version_feed(&vr, (const uint8_t *)in + sizeof(in) - 2, 1, &used), 1);
    assert_int_equal(used, 1);
    assert_string_equal(version_peer_line(&vr, NULL), "SSH-2.0-OpenSSH_9.6");
}

/* A line of total bytes including its terminator term. */
static int feed_line_of(size_t total, const char *term)
{
    char line[600];
    size_t body = total - strlen(term);

    memset(line, 'v', body);
    memcpy(line, "SSH-2.0-", 8);
    strcpy(line + body, term);
    return feed_server(line);
}

static void test_255_boundary(void **state)
{
    (void)state;
    assert_int_equal(feed_line_of(255, "\r\n"), 1);
    assert_int_equal(feed_line_of(256, "\r\n"), -EBADMSG);
    assert_int_equal(feed_line_of(255, "\n"), 1);
    assert_int_equal(feed_line_of(256, "\n"), -EBADMSG);
    /* without any terminator, the 256th byte is already too many */
    {
        char line[300];
        struct version_reader vr;
        size_t used;

        memset(line, 'v', sizeof(line));
        memcpy(line, "SSH-2.0-", 8);
        version_reader_init(&vr, VERSION_SERVER_MAX_PRE_LINES);
        assert_int_equal(version_feed(&vr, (const uint8_t *)line, 255, &used), 0);
        assert_int_equal(version_feed(&vr, (const uint8_t *)line, 1, &used), -EBADMSG);
    }
}

static void test_refused(void **state)
{
    struct version_reader vr;
    size_t used;

    (void)state;
    /* OpenSSH's proto-mismatch test: SSH-1.5 is refused (after our own banner) */
    assert_int_equal(feed_server("SSH-1.5-HALLO\r\n"), -EPROTONOSUPPORT);
    assert_int_equal(feed_server("SSH-1.0-x\r\n"), -EPROTONOSUPPORT);
    assert_int_equal(feed_server("SSH-3.0-x\r\n"), -EPROTONOSUPPORT);
    assert_string_equal(version_error_line(-EPROTONOSUPPORT),
                        "Protocol major versions differ.\r\n");
    /* malformed identifications */
    assert_int_equal(feed_server("SSH-2.0-\r\n"), -EBADMSG);
    assert_int_equal(feed_server("SSH-2.0\r\n"), -EBADMSG);
    assert_int_equal(feed_server("SSH-2-x\r\n"), -EBADMSG);
    assert_int_equal(feed_server("SSH-.0-x\r\n"), -EBADMSG);
    assert_int_equal(feed_server("SSH-2.x-y\r\n"), -EBADMSG);
    assert_int_equal(feed_server("SSH-2222222222.0-x\r\n"), -EBADMSG);
    assert_int_equal(feed_server("SSH-\r\n"), -EBADMSG);
    assert_string_equal(version_error_line(-EBADMSG), "Invalid SSH identification string.\r\n");
    assert_null(version_error_line(-EINVAL));
    /* a NUL byte, or a CR that is not followed by LF */
    version_reader_init(&vr, VERSION_SERVER_MAX_PRE_LINES);
    assert_int_equal(version_feed(&vr, (const uint8_t *)"SSH-2.0-a\0b\r\n", 13, &used),
                     -EBADMSG);
    assert_int_equal(feed_server("SSH-2.0-a\rb\r\n"), -EBADMSG);
    assert_int_equal(feed_server("SSH-2.0-a\r\r\n"), -EBADMSG);
    /* the error sticks */
    assert_int_equal(version_feed(&vr, (const uint8_t *)"SSH-2.0-x\r\n", 11, &used), -EBADMSG);
    assert_int_equal(used, 0);
    assert_null(version_peer_line(&vr, NULL));
    /* bad arguments */
    assert_int_equal(version_feed(&vr, NULL, 1, &used), -EINVAL);
    assert_int_equal(version_feed(&vr, (const uint8_t *)"x", 1, NULL), -EINVAL);
}

static void test_lines_before(void **state)
{
    struct version_reader vr;
    size_t used;

    (void)state;
    /* from a client, OpenSSH's server refuses any line before the identification */
    assert_int_equal(feed_server("hello\r\nSSH-2.0-x\r\n"), -EBADMSG);
    assert_int_equal(feed_server("\r\nSSH-2.0-x\r\n"), -EBADMSG);
    /* the other role tolerates a bounded number */
    version_reader_init(&vr, 2);
    assert_int_equal(feed_str(&vr, "banner one\r\nbanner two\nSSH-2.0-srv\r\n", &used), 1);
    assert_string_equal(version_peer_line(&vr, NULL), "SSH-2.0-srv");
    version_reader_init(&vr, 2);
    assert_int_equal(feed_str(&vr, "1\r\n2\r\n3\r\nSSH-2.0-srv\r\n", &used), -EBADMSG);
}

/* The cause of each refusal, in words, and the part of the line read, for the log. */
static void expect_cause(const char *in, size_t len, const char *cause, const char *text)
{
    struct version_reader vr;
    size_t used, tlen = 99;

    version_reader_init(&vr, VERSION_SERVER_MAX_PRE_LINES);
    assert_null(version_error_cause(&vr));
    assert_null(version_error_text(&vr, &tlen));
    assert_true(version_feed(&vr, (const uint8_t *)in, len, &used) < 0);
    assert_string_equal(version_error_cause(&vr), cause);
    const char *t = version_error_text(&vr, &tlen);
    assert_non_null(t);
    assert_int_equal(tlen, strlen(text));
    assert_memory_equal(t, text, tlen);
}

static void test_causes(void **state)
{
    char longline[300], kept[VERSION_LINE_MAX + 1];

    (void)state;
    expect_cause("SSH-1.5-HALLO\r\n", 15, "protocol major versions differ (not 2.0)",
                 "SSH-1.5-HALLO");
    expect_cause("SSH-2.0\r\n", 9, "not SSH-<major>.<minor>-<software>", "SSH-2.0");
    expect_cause("GET / HTTP/1.1\r\n", 16, "does not start with SSH-", "GET / HTTP/1.1");
    expect_cause("SSH-2.0-a\0b\r\n", 13, "a NUL byte", "SSH-2.0-a");
    expect_cause("SSH-2.0-a\rb\r\n", 13, "a CR not followed by LF", "SSH-2.0-a");
    memset(longline, 'x', sizeof(longline));
    memcpy(longline, "SSH-2.0-", 8);
    /* the line is cut where the limit was passed */
    memcpy(kept, longline, VERSION_LINE_MAX);
    kept[VERSION_LINE_MAX] = '\0';
    expect_cause(longline, sizeof(longline), "longer than 255 bytes", kept);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_our_line),
        cmocka_unit_test(test_our_line_limit),
        cmocka_unit_test(test_good_lines),
        cmocka_unit_test(test_stops_after_line),
        cmocka_unit_test(test_byte_at_a_time),
        cmocka_unit_test(test_255_boundary),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_lines_before),
        cmocka_unit_test(test_causes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
