/* The bounded writer over a caller buffer, with header/trailer room and a sticky error. */
#include "mpl/rt/mpl_rt.h"

#include <errno.h>
#include <string.h>

int mpl_writer_init(struct mpl_writer *w, void *buf, size_t cap, size_t head_room,
                    size_t tail_room)
{
    w->buf = buf;
    w->head = w->pos = w->end = 0;
    w->err = 0;
    if (!buf || head_room > cap || tail_room > cap - head_room) {
        w->err = -EINVAL;
        return w->err;
    }
    w->head = w->pos = head_room;
    w->end = cap - tail_room;
    return 0;
}

/* Claims n bytes at the cursor, or records -ENOSPC; NULL once the writer has failed. */
static uint8_t *claim(struct mpl_writer *w, size_t n)
{
    if (w->err)
        return NULL;
    if (n > w->end - w->pos) {
        w->err = -ENOSPC;
        return NULL;
    }
    uint8_t *p = w->buf + w->pos;
    w->pos += n;
    return p;
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int mpl_write_u8(struct mpl_writer *w, uint8_t v)
{
    uint8_t *p = claim(w, 1);
    if (p)
        p[0] = v;
    return w->err;
}

int mpl_write_u32(struct mpl_writer *w, uint32_t v)
{
    uint8_t *p = claim(w, 4);
    if (p)
        store_be32(p, v);
    return w->err;
}

int mpl_write_u64(struct mpl_writer *w, uint64_t v)
{
    uint8_t *p = claim(w, 8);
    if (p) {
        store_be32(p, (uint32_t)(v >> 32));
        store_be32(p + 4, (uint32_t)v);
    }
    return w->err;
}

int mpl_write_bool(struct mpl_writer *w, bool v)
{
    return mpl_write_u8(w, v ? 1 : 0);
}

int mpl_write_fixed(struct mpl_writer *w, const void *src, size_t len)
{
    if (len && !src && !w->err)
        w->err = -EINVAL;
    uint8_t *p = claim(w, len);
    /* bytes already in place (read there by the caller) are not copied again */
    if (p && len && p != src)
        memmove(p, src, len);
    return w->err;
}

int mpl_write_string(struct mpl_writer *w, const void *src, size_t len)
{
    if (len > UINT32_MAX && !w->err)
        w->err = -ERANGE;
    if (w->err)
        return w->err;
    if (len > w->end - w->pos || w->end - w->pos - len < 4) {
        w->err = -ENOSPC;
        return w->err;
    }
    mpl_write_u32(w, (uint32_t)len);
    return mpl_write_fixed(w, src, len);
}

int mpl_write_mpint(struct mpl_writer *w, const void *src, size_t len, bool allow_negative)
{
    if (!w->err && (len > MPL_MPINT_MAX_BYTES || (len && !src) ||
                    mpl_mpint_canonical(src, len, allow_negative) < 0))
        w->err = -EINVAL;
    return mpl_write_string(w, src, len);
}

int mpl_write_mpint_unsigned(struct mpl_writer *w, const void *mag, size_t len)
{
    const uint8_t *m = mag;
    if (len && !m && !w->err)
        w->err = -EINVAL;
    if (w->err)
        return w->err;
    while (len > 0 && m[0] == 0) {
        m++;
        len--;
    }
    bool sign_byte = len > 0 && (m[0] & 0x80);
    if (len + sign_byte > MPL_MPINT_MAX_BYTES) {
        w->err = -EINVAL;
        return w->err;
    }
    if (len + sign_byte > w->end - w->pos || w->end - w->pos - len - sign_byte < 4) {
        w->err = -ENOSPC;
        return w->err;
    }
    mpl_write_u32(w, (uint32_t)(len + sign_byte));
    if (sign_byte)
        mpl_write_u8(w, 0);
    return mpl_write_fixed(w, m, len);
}

int mpl_write_namelist(struct mpl_writer *w, const void *src, size_t len)
{
    if (!w->err && ((len && !src) || mpl_namelist_valid(src, len) < 0))
        w->err = -EINVAL;
    return mpl_write_string(w, src, len);
}

uint8_t *mpl_writer_string_room(const struct mpl_writer *w, size_t *room)
{
    *room = 0;
    if (w->err || w->end - w->pos <= 4)
        return NULL;
    *room = w->end - w->pos - 4;
    if (*room > UINT32_MAX)
        *room = UINT32_MAX;
    return w->buf + w->pos + 4;
}

uint8_t *mpl_writer_payload(const struct mpl_writer *w, size_t *len)
{
    *len = w->pos - w->head;
    return w->buf ? w->buf + w->head : NULL;
}

int mpl_writer_finish(const struct mpl_writer *w, size_t *payload_len)
{
    *payload_len = w->err ? 0 : w->pos - w->head;
    return w->err;
}
