/* The bounded reader over received bytes: every read advances only when it succeeds. */
#include "mpl/rt/mpl_rt.h"

#include <errno.h>

void mpl_reader_init(struct mpl_reader *r, const void *buf, size_t len)
{
    r->start = buf;
    r->p = buf;
    r->left = buf ? len : 0;
    r->trace = NULL;
}

static void trace(struct mpl_reader *r, enum mpl_trace_kind kind)
{
    if (r->trace && r->trace->n < MPL_TRACE_MAX) {
        r->trace->offset[r->trace->n] = mpl_reader_offset(r);
        r->trace->kind[r->trace->n++] = (uint8_t)kind;
    }
}

size_t mpl_reader_left(const struct mpl_reader *r)
{
    return r->left;
}

size_t mpl_reader_offset(const struct mpl_reader *r)
{
    return (size_t)(r->p - r->start);
}

/* Hands out the next n bytes, or fails without moving. */
static int take(struct mpl_reader *r, size_t n, const uint8_t **out)
{
    if (n > r->left)
        return -EBADMSG;
    *out = r->p;
    r->p += n;
    r->left -= n;
    return 0;
}

int mpl_read_u8(struct mpl_reader *r, uint8_t *out)
{
    const uint8_t *p;
    int rc = take(r, 1, &p);
    if (rc == 0)
        *out = p[0];
    return rc;
}

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int mpl_read_u32(struct mpl_reader *r, uint32_t *out)
{
    const uint8_t *p;
    int rc = take(r, 4, &p);
    if (rc == 0)
        *out = load_be32(p);
    return rc;
}

int mpl_read_u64(struct mpl_reader *r, uint64_t *out)
{
    const uint8_t *p;
    int rc = take(r, 8, &p);
    if (rc == 0)
        *out = (uint64_t)load_be32(p) << 32 | load_be32(p + 4);
    return rc;
}

int mpl_read_bool(struct mpl_reader *r, bool *out)
{
    if (r->left < 1 || r->p[0] > 1)
        return -EBADMSG;
    *out = r->p[0] == 1;
    trace(r, MPL_TRACE_BOOL);
    r->p++;
    r->left--;
    return 0;
}

/* Peeks a string's length and checks the whole string is present, without moving. */
static int peek_string(const struct mpl_reader *r, struct mpl_bytes *out)
{
    if (r->left < 4)
        return -EBADMSG;
    uint32_t n = load_be32(r->p);
    if (n > r->left - 4)
        return -EBADMSG;
    out->ptr = r->p + 4;
    out->len = n;
    return 0;
}

static void skip_string(struct mpl_reader *r, const struct mpl_bytes *s)
{
    trace(r, MPL_TRACE_LENGTH);
    r->p += 4 + s->len;
    r->left -= 4 + s->len;
}

int mpl_read_string(struct mpl_reader *r, struct mpl_bytes *out)
{
    struct mpl_bytes s;
    int rc = peek_string(r, &s);
    if (rc < 0)
        return rc;
    skip_string(r, &s);
    *out = s;
    return 0;
}

int mpl_read_fixed(struct mpl_reader *r, size_t n, struct mpl_bytes *out)
{
    const uint8_t *p;
    int rc = take(r, n, &p);
    if (rc == 0) {
        out->ptr = p;
        out->len = n;
    }
    return rc;
}

int mpl_read_mpint(struct mpl_reader *r, bool allow_negative, struct mpl_bytes *out)
{
    struct mpl_bytes s;
    int rc = peek_string(r, &s);
    if (rc < 0)
        return rc;
    if (s.len > MPL_MPINT_MAX_BYTES)
        return -ERANGE;
    rc = mpl_mpint_canonical(s.ptr, s.len, allow_negative);
    if (rc < 0)
        return rc;
    skip_string(r, &s);
    *out = s;
    return 0;
}

int mpl_read_namelist(struct mpl_reader *r, struct mpl_bytes *out)
{
    struct mpl_bytes s;
    int rc = peek_string(r, &s);
    if (rc < 0)
        return rc;
    rc = mpl_namelist_valid(s.ptr, s.len);
    if (rc < 0)
        return rc;
    skip_string(r, &s);
    *out = s;
    return 0;
}

int mpl_reader_end(const struct mpl_reader *r)
{
    return r->left == 0 ? 0 : -EBADMSG;
}
