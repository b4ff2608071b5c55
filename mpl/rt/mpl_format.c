/* The debug printer's text builder: one field per line, secrets reduced to a length,
 * binary shown as hex, everything truncated at the caller's buffer. */
#include "mpl/rt/mpl_rt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Beyond this many bytes a value is cut (the log line stays readable). */
#define FMT_MAX_SHOWN 256

void mpl_fmt_init(struct mpl_fmt *f, char *buf, size_t cap)
{
    f->buf = buf;
    f->cap = buf ? cap : 0;
    f->len = 0;
    if (f->cap)
        f->buf[0] = 0;
}

static void put(struct mpl_fmt *f, const char *s, size_t n)
{
    if (f->len < f->cap) {
        size_t room = f->cap - 1 - f->len;
        size_t k = n < room ? n : room;
        memcpy(f->buf + f->len, s, k);
        f->buf[f->len + k] = 0;
    }
    f->len += n;
}

void mpl_fmt_text(struct mpl_fmt *f, const char *s)
{
    put(f, s, strlen(s));
}

void mpl_fmt_name(struct mpl_fmt *f, int indent, const char *name)
{
    for (int i = 0; i < indent; i++)
        put(f, "  ", 2);
    mpl_fmt_text(f, name);
    put(f, ": ", 2);
}

void mpl_fmt_u64(struct mpl_fmt *f, int indent, const char *name, uint64_t v)
{
    char num[32];
    mpl_fmt_name(f, indent, name);
    snprintf(num, sizeof num, "%" PRIu64 "\n", v);
    mpl_fmt_text(f, num);
}

void mpl_fmt_bool(struct mpl_fmt *f, int indent, const char *name, bool v)
{
    mpl_fmt_name(f, indent, name);
    mpl_fmt_text(f, v ? "true\n" : "false\n");
}

static void put_hex(struct mpl_fmt *f, struct mpl_bytes v)
{
    static const char digits[] = "0123456789abcdef";
    size_t n = v.len < FMT_MAX_SHOWN ? v.len : FMT_MAX_SHOWN;
    for (size_t i = 0; i < n; i++) {
        char h[2] = { digits[v.ptr[i] >> 4], digits[v.ptr[i] & 15] };
        put(f, h, 2);
    }
}

static void put_tail(struct mpl_fmt *f, struct mpl_bytes v)
{
    char tail[48];
    if (v.len > FMT_MAX_SHOWN)
        snprintf(tail, sizeof tail, "... (%zu bytes)\n", v.len);
    else
        snprintf(tail, sizeof tail, "\n");
    mpl_fmt_text(f, tail);
}

void mpl_fmt_hex(struct mpl_fmt *f, int indent, const char *name, struct mpl_bytes v)
{
    mpl_fmt_name(f, indent, name);
    if (v.len == 0)
        mpl_fmt_text(f, "(empty)");
    put_hex(f, v);
    put_tail(f, v);
}

void mpl_fmt_bytes(struct mpl_fmt *f, int indent, const char *name, struct mpl_bytes v)
{
    for (size_t i = 0; i < v.len; i++)
        if (v.ptr[i] < 0x20 || v.ptr[i] > 0x7e) {
            mpl_fmt_hex(f, indent, name, v);
            return;
        }
    mpl_fmt_name(f, indent, name);
    put(f, "\"", 1);
    put(f, (const char *)v.ptr, v.len < FMT_MAX_SHOWN ? v.len : FMT_MAX_SHOWN);
    put(f, "\"", 1);
    put_tail(f, v);
}

void mpl_fmt_secret(struct mpl_fmt *f, int indent, const char *name, struct mpl_bytes v)
{
    char s[48];
    mpl_fmt_name(f, indent, name);
    snprintf(s, sizeof s, "<secret, %zu bytes>\n", v.len);
    mpl_fmt_text(f, s);
}

int mpl_fmt_result(const struct mpl_fmt *f)
{
    return f->len > INT32_MAX ? INT32_MAX : (int)f->len;
}
