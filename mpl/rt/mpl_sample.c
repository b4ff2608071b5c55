/* Sample values for the generated *_sample() functions: every value valid for its type
 * (canonical mpints, well-formed name-lists), deterministic from a seed, so that a
 * failing round trip can be replayed. Test support: the daemon never calls it. */
#include "mpl/rt/mpl_rt.h"

#include <errno.h>
#include <string.h>

void mpl_sample_init(struct mpl_sample *s, void *pool, size_t cap, uint64_t seed)
{
    s->pool = pool;
    s->cap = cap;
    s->used = 0;
    s->rng = seed * 0x9e3779b97f4a7c15ull + 1;
    s->err = 0;
}

uint64_t mpl_sample_u64(struct mpl_sample *s)
{
    /* xorshift64*: good enough to vary sample values, not for anything secret */
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return s->rng * 0x2545f4914f6cdd1dull;
}

uint64_t mpl_sample_range(struct mpl_sample *s, uint64_t lo, uint64_t hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = hi - lo;
    if (span == UINT64_MAX)
        return mpl_sample_u64(s);
    return lo + mpl_sample_u64(s) % (span + 1);
}

struct mpl_bytes mpl_sample_bytes(struct mpl_sample *s, size_t n)
{
    if (n > s->cap - s->used) {
        s->err = -ENOSPC;
        return (struct mpl_bytes){ s->pool, 0 };
    }
    uint8_t *p = s->pool + s->used;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)mpl_sample_u64(s);
    s->used += n;
    return (struct mpl_bytes){ p, n };
}

struct mpl_bytes mpl_sample_string(struct mpl_sample *s, uint64_t min, uint64_t max)
{
    uint64_t hi = max - min > 12 ? min + 12 : max;
    return mpl_sample_bytes(s, (size_t)mpl_sample_range(s, min, hi));
}

struct mpl_bytes mpl_sample_namelist(struct mpl_sample *s)
{
    static const char *const lists[] = { "", "none", "aes128-ctr,aes256-ctr",
                                         "curve25519-sha256,ext-info-c" };
    const char *l = lists[mpl_sample_u64(s) % 4];
    struct mpl_bytes v = mpl_sample_bytes(s, strlen(l));
    if (v.len)
        memcpy((uint8_t *)v.ptr, l, v.len);
    return v;
}

struct mpl_bytes mpl_sample_mpint(struct mpl_sample *s, bool allow_negative)
{
    struct mpl_bytes v = mpl_sample_bytes(s, (size_t)mpl_sample_range(s, 0, 9));
    uint8_t *p = (uint8_t *)v.ptr;
    if (v.len == 0)
        return v;
    /* make it canonical: a leading 0x00 only before a set top bit, and the sign */
    if (!allow_negative || !(p[0] & 0x80)) {
        if (v.len == 1)
            p[0] = (uint8_t)((p[0] & 0x7f) | 1);
        else if (p[0] == 0 || (p[0] & 0x80))
            p[0] = 0, p[1] |= 0x80;
    } else if (v.len > 1 && p[0] == 0xff) {
        p[1] &= 0x7f;
    }
    return v;
}

struct mpl_bytes mpl_sample_other_string(struct mpl_sample *s)
{
    struct mpl_bytes v = mpl_sample_bytes(s, 12);
    uint8_t *p = (uint8_t *)v.ptr;
    for (size_t i = 0; i < v.len; i++)
        p[i] = (uint8_t)('a' + p[i] % 26);
    if (v.len)
        memcpy(p, "x-", 2);      /* no label of ours starts so */
    return v;
}

struct mpl_bytes mpl_sample_copy(struct mpl_sample *s, const void *p, size_t n)
{
    struct mpl_bytes v = mpl_sample_bytes(s, n);
    if (v.len)
        memcpy((uint8_t *)v.ptr, p, n);
    return v;
}
