/* Validity rules for the SSH value types that are more than bytes (RFC 4251 §5, §6):
 * name-lists and mpints, and small helpers on byte views. */
#include "mpl/rt/mpl_rt.h"

#include <errno.h>
#include <string.h>

static bool name_char(uint8_t c)
{
    /* printable US-ASCII without space, DEL or the separator */
    return c > 0x20 && c < 0x7f && c != ',';
}

int mpl_namelist_valid(const uint8_t *p, size_t len)
{
    if (len == 0)
        return 0;
    size_t names = 1, name_len = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == ',') {
            if (name_len == 0)
                return -EBADMSG;            /* empty name: ",x" or "x,,y" */
            if (++names > MPL_NAMELIST_MAX_NAMES)
                return -EBADMSG;
            name_len = 0;
        } else if (!name_char(p[i]) || ++name_len > MPL_NAME_MAX_LEN) {
            return -EBADMSG;
        }
    }
    return name_len == 0 ? -EBADMSG : 0;    /* trailing comma */
}

int mpl_namelist_next(struct mpl_bytes list, size_t *pos, struct mpl_bytes *name)
{
    if (*pos >= list.len)
        return 0;
    const uint8_t *start = list.ptr + *pos;
    const uint8_t *comma = memchr(start, ',', list.len - *pos);
    size_t n = comma ? (size_t)(comma - start) : list.len - *pos;
    name->ptr = start;
    name->len = n;
    *pos += n + 1;
    return 1;
}

bool mpl_namelist_contains(struct mpl_bytes list, const char *name)
{
    size_t pos = 0;
    struct mpl_bytes n;
    while (mpl_namelist_next(list, &pos, &n) == 1)
        if (mpl_bytes_eq_str(n, name))
            return true;
    return false;
}

int mpl_mpint_canonical(const uint8_t *p, size_t len, bool allow_negative)
{
    if (len == 0)
        return 0;                           /* zero */
    if (p[0] & 0x80 && !allow_negative)
        return -EBADMSG;
    if (len == 1)
        return p[0] == 0 ? -EBADMSG : 0;    /* zero must be the empty string */
    /* a leading 0x00 is needed only before a set top bit, 0xff only before a clear one */
    if (p[0] == 0x00 && !(p[1] & 0x80))
        return -EBADMSG;
    if (p[0] == 0xff && (p[1] & 0x80))
        return -EBADMSG;
    return 0;
}

bool mpl_bytes_eq(struct mpl_bytes a, struct mpl_bytes b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool mpl_bytes_eq_str(struct mpl_bytes a, const char *s)
{
    return mpl_bytes_eq(a, mpl_bytes_str(s));
}

struct mpl_bytes mpl_bytes_str(const char *s)
{
    return (struct mpl_bytes){ (const uint8_t *)s, strlen(s) };
}
