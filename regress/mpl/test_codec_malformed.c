/* Hand-made malformed payloads, each rejected with the right field named: a wrong
 * const, a non-canonical or negative mpint, a boolean of 2, trailing bytes, a bad
 * name-list, an out-of-range value, an unknown key type. And secrets stay out of the
 * debug printer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "keys.h"
#include "monitor.h"
#include "ssh.h"

/* A payload built piece by piece with the runtime writer. */
struct built {
    uint8_t buf[1024];
    struct mpl_writer w;
};

static void begin(struct built *b)
{
    mpl_writer_init(&b->w, b->buf, sizeof b->buf, 0, 0);
}

static void str(struct built *b, const char *s)
{
    mpl_write_string(&b->w, s, strlen(s));
}

static size_t end(struct built *b)
{
    size_t n;
    assert_int_equal(mpl_writer_finish(&b->w, &n), 0);
    return n;
}

static void expect_field(int rc, const struct mpl_error *err, int code, const char *field)
{
    assert_int_equal(rc, code);
    assert_non_null(err->field);
    assert_string_equal(err->field, field);
}

static size_t kexinit(struct built *b, uint32_t reserved, uint8_t follows)
{
    begin(b);
    mpl_write_u8(&b->w, 20);
    mpl_write_fixed(&b->w, "0123456789abcdef", 16);
    for (int i = 0; i < 10; i++)
        str(b, i < 8 ? "none" : "");
    mpl_write_u8(&b->w, follows);
    mpl_write_u32(&b->w, reserved);
    return end(b);
}

static void test_kexinit_const_and_boolean(void **state)
{
    struct built b;
    struct ssh_msg m;
    struct mpl_error err = { 0 };
    size_t n = kexinit(&b, 0, 0);
    assert_int_equal(ssh_msg_unpack(b.buf, n, NULL, &m, &err), 0);
    n = kexinit(&b, 1, 0);
    expect_field(ssh_msg_unpack(b.buf, n, NULL, &m, &err), &err, -EBADMSG,
                 "ssh_msg.Transport_KexInit.reserved");
    assert_int_equal(err.offset, n - 4);
    n = kexinit(&b, 0, 2);
    expect_field(ssh_msg_unpack(b.buf, n, NULL, &m, &err), &err, -EBADMSG,
                 "ssh_msg.Transport_KexInit.first_kex_packet_follows");
    n = kexinit(&b, 0, 0);
    b.buf[n] = 0;
    expect_field(ssh_msg_unpack(b.buf, n + 1, NULL, &m, &err), &err, -EBADMSG,
                 "ssh_msg: trailing bytes");
    assert_int_equal(err.offset, n);
}

static void test_namelist_rejected(void **state)
{
    struct built b;
    struct ssh_msg m;
    struct mpl_error err = { 0 };
    begin(&b);
    mpl_write_u8(&b.w, 51);
    str(&b, "publickey,,password");
    mpl_write_u8(&b.w, 0);
    size_t n = end(&b);
    expect_field(ssh_msg_unpack(b.buf, n, NULL, &m, &err), &err, -EBADMSG,
                 "ssh_msg.Auth_Failure.methods");
}

static void test_mpint_forms(void **state)
{
    struct built b;
    struct ssh_msg m;
    struct mpl_error err = { 0 };
    struct ssh_msg_state dh = { .kex_method = SSH_KEX_DH };
    const struct { const char *bytes; size_t len; int rc; } cases[] = {
        { "\x00\x7f", 2, -EBADMSG },      /* needless leading zero */
        { "\x00", 1, -EBADMSG },          /* zero must be empty */
        { "\x80", 1, -EBADMSG },          /* negative */
        { "\x00\x80", 2, 0 },
        { "", 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        begin(&b);
        mpl_write_u8(&b.w, 30);
        mpl_write_string(&b.w, cases[i].bytes, cases[i].len);
        size_t n = end(&b);
        int rc = ssh_msg_unpack(b.buf, n, &dh, &m, &err);
        if (cases[i].rc)
            expect_field(rc, &err, cases[i].rc, "ssh_msg.Transport_KexDhInit.e");
        else
            assert_int_equal(rc, 0);
    }
}

static void test_state_decides_message_60(void **state)
{
    struct built b;
    struct ssh_msg m;
    struct mpl_error err = { 0 };
    begin(&b);
    mpl_write_u8(&b.w, 60);
    str(&b, "ssh-ed25519");
    str(&b, "blob");
    size_t n = end(&b);
    struct ssh_msg_state pk = { .auth_method = SSH_AUTH_PUBLICKEY };
    struct ssh_msg_state pw = { .auth_method = SSH_AUTH_PASSWORD };
    struct ssh_msg_state none = { 0 };
    assert_int_equal(ssh_msg_unpack(b.buf, n, &pk, &m, &err), 0);
    assert_int_equal(m.kind, ssh_msg_Auth_PkOk);
    assert_int_equal(ssh_msg_unpack(b.buf, n, &pw, &m, &err), 0);
    assert_int_equal(m.kind, ssh_msg_Auth_PasswdChangeReq);
    assert_int_equal(ssh_msg_unpack(b.buf, n, &none, &m, &err), 0);
    assert_int_equal(m.kind, ssh_msg_Unknown);
    assert_string_equal(ssh_statecall_name(ssh_msg_receive_statecall(ssh_msg_Unknown)),
                        "Receive_Unknown");
    assert_string_equal(ssh_statecall_name(ssh_msg_transmit_statecall(ssh_msg_Auth_PkOk)),
                        "Transmit_Auth_PkOk");
}

static void test_limits_and_unknown_key(void **state)
{
    struct built b;
    struct mpl_error err = { 0 };
    struct monitor_msg mm;
    begin(&b);
    mpl_write_u8(&b.w, 50);                 /* Monitor_Log */
    mpl_write_u32(&b.w, 8);                 /* level above max(7) */
    str(&b, "hello");
    size_t n = end(&b);
    expect_field(monitor_msg_unpack(b.buf, n, &mm, &err), &err, -ERANGE,
                 "monitor_msg.Monitor_Log.level");

    struct ssh_public_key k;
    begin(&b);
    str(&b, "ssh-dss");
    n = end(&b);
    expect_field(ssh_public_key_unpack(b.buf, n, &k, &err), &err, -ENOTSUP,
                 "ssh_public_key.key_type");
    begin(&b);
    str(&b, "ssh-ed25519");
    mpl_write_string(&b.w, "0123456789012345678901234567890", 31);    /* 31, not 32 */
    n = end(&b);
    expect_field(ssh_public_key_unpack(b.buf, n, &k, &err), &err, -ERANGE,
                 "ssh_public_key.Ed25519.pk");

    struct openssh_key_v1 f;
    begin(&b);
    mpl_write_fixed(&b.w, "openssh-key-v2\0", 15);
    n = end(&b);
    expect_field(openssh_key_v1_unpack(b.buf, n, &f, &err), &err, -EBADMSG,
                 "openssh_key_v1.magic");
}

/* The printer shows a password's length, never its bytes; pack refuses a variant's
 * field out of its bounds. */
static void test_secret_elided_and_pack_checks(void **state)
{
    struct ssh_msg m;
    ssh_msg_init(&m, ssh_msg_Auth_Request_Password);
    m.u.Auth_Request_Password.user = mpl_bytes_str("alice");
    m.u.Auth_Request_Password.service = mpl_bytes_str("ssh-connection");
    m.u.Auth_Request_Password.password = mpl_bytes_str("hunter2");
    char text[1024];
    assert_true(ssh_msg_format(&m, text, sizeof text) > 0);
    assert_null(strstr(text, "hunter2"));
    assert_non_null(strstr(text, "<secret, 7 bytes>"));
    assert_non_null(strstr(text, "\"alice\""));

    uint8_t buf[256];
    struct mpl_writer w;
    struct mpl_error err = { 0 };
    size_t n;
    mpl_writer_init(&w, buf, sizeof buf, 5, 0);
    assert_int_equal(ssh_msg_pack(&w, &m, &err), 0);
    assert_int_equal(mpl_writer_finish(&w, &n), 0);
    struct ssh_msg back;
    assert_int_equal(ssh_msg_unpack(buf + 5, n, NULL, &back, &err), 0);
    assert_true(ssh_msg_equal(&m, &back));

    struct monitor_msg mm;
    monitor_msg_init(&mm, monitor_msg_Monitor_Log);
    mm.u.Monitor_Log.level = 9;
    mpl_writer_init(&w, buf, sizeof buf, 0, 0);
    expect_field(monitor_msg_pack(&w, &mm, &err), &err, -EINVAL, "monitor_msg.Monitor_Log.level");
    assert_int_equal(mpl_writer_finish(&w, &n), -EINVAL);       /* sticky */

    /* no room: the failing field is named, the writer's error sticks */
    ssh_msg_init(&m, ssh_msg_Channel_Data);
    m.u.Channel_Data.data = mpl_bytes_str("0123456789");
    mpl_writer_init(&w, buf, 12, 0, 0);
    expect_field(ssh_msg_pack(&w, &m, &err), &err, -ENOSPC, "ssh_msg.Channel_Data.data");
}

/* The transport's send path for channel data: read the data straight to where the
 * string's bytes go in CHANNEL_DATA (payload offset 1 + 4 + 4), then pack the message
 * around it: the generated pack writes the lengths and leaves the bytes in place. */
static void test_channel_data_in_place(void **state)
{
    uint8_t buf[5 + 64 + 32];
    memset(buf, 0xa5, sizeof buf);
    struct mpl_writer w;
    mpl_writer_init(&w, buf, sizeof buf, 5, 32);
    size_t len;
    uint8_t *payload = mpl_writer_payload(&w, &len);
    uint8_t *dst = payload + 9;
    memcpy(dst, "read(2) put this here", 21);
    struct ssh_msg m;
    ssh_msg_init(&m, ssh_msg_Channel_Data);
    m.u.Channel_Data.recipient_channel = 3;
    m.u.Channel_Data.data = (struct mpl_bytes){ dst, 21 };
    struct mpl_error err = { 0 };
    assert_int_equal(ssh_msg_pack(&w, &m, &err), 0);
    assert_int_equal(mpl_writer_finish(&w, &len), 0);
    assert_int_equal(len, 9 + 21);
    assert_memory_equal(payload, "\x5e\0\0\0\x03\0\0\0\x15read(2) put this here", len);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(buf[i], 0xa5);         /* header room left for the transport */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kexinit_const_and_boolean),
        cmocka_unit_test(test_namelist_rejected),
        cmocka_unit_test(test_mpint_forms),
        cmocka_unit_test(test_state_decides_message_60),
        cmocka_unit_test(test_limits_and_unknown_key),
        cmocka_unit_test(test_secret_elided_and_pack_checks),
        cmocka_unit_test(test_channel_data_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
