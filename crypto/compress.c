/* zlib@openssh.com streams (see compress.h). */
#include "crypto/compress.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crypto/ct.h"

struct compress_state {
    z_stream z;
    enum compress_dir dir;
    bool broken;
};

/* zlib's allocations carry their size in front so that they can be wiped when freed:
 * the deflate window and the inflate window hold recent plaintext. */
struct zalloc_head {
    size_t size;
    max_align_t align;   /* keeps the user area aligned as malloc's is */
};

static voidpf wiping_alloc(voidpf opaque, uInt items, uInt size)
{
    struct zalloc_head *h;
    size_t n;

    (void)opaque;
    if (size != 0 && items > (SIZE_MAX - sizeof(*h)) / size)
        return Z_NULL;
    n = (size_t)items * size;
    h = malloc(sizeof(*h) + n);
    if (h == NULL)
        return Z_NULL;
    h->size = n;
    return (voidpf)(h + 1);
}

static void wiping_free(voidpf opaque, voidpf p)
{
    struct zalloc_head *h;

    (void)opaque;
    if (p == Z_NULL)
        return;
    h = (struct zalloc_head *)p - 1;
    ct_wipe(p, h->size);
    free(h);
}

int compress_state_new(struct compress_state **out, enum compress_dir dir)
{
    struct compress_state *st;
    int zr;

    if (out == NULL || (dir != COMPRESS_DEFLATE && dir != COMPRESS_INFLATE))
        return -EINVAL;
    *out = NULL;
    st = calloc(1, sizeof(*st));
    if (st == NULL)
        return -ENOMEM;
    st->dir = dir;
    st->z.zalloc = wiping_alloc;
    st->z.zfree = wiping_free;
    st->z.opaque = Z_NULL;
    /* OpenSSH's default level; the zlib format (header + adler) as it expects */
    zr = dir == COMPRESS_DEFLATE ? deflateInit(&st->z, Z_DEFAULT_COMPRESSION)
                                 : inflateInit(&st->z);
    if (zr != Z_OK) {
        free(st);
        return zr == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
    }
    *out = st;
    return 0;
}

void compress_state_free(struct compress_state *st)
{
    if (st == NULL)
        return;
    if (st->dir == COMPRESS_DEFLATE)
        deflateEnd(&st->z);
    else
        inflateEnd(&st->z);
    ct_wipe(st, sizeof(*st));
    free(st);
}

size_t compress_bound(size_t in_len)
{
    /* stored blocks cost 5 bytes each and are at least 16 KiB long; 64 bytes cover
     * the zlib header, the partial-flush empty block and bits pending from before */
    return in_len + in_len / 1024 + 64;
}

ssize_t compress_packet(struct compress_state *st, const uint8_t *in, size_t in_len,
                        uint8_t *out, size_t out_size)
{
    int zr;

    if (st == NULL || st->dir != COMPRESS_DEFLATE || out == NULL ||
        (in == NULL && in_len > 0) || in_len > UINT_MAX || out_size > UINT_MAX)
        return -EINVAL;
    if (st->broken)
        return -EPROTO;
    st->z.next_in = (Bytef *)(uintptr_t)in;   /* zlib does not write through next_in */
    st->z.avail_in = (uInt)in_len;
    st->z.next_out = out;
    st->z.avail_out = (uInt)out_size;
    zr = deflate(&st->z, Z_PARTIAL_FLUSH);
    /* nothing new to flush (an empty payload right after a flush): nothing to send */
    if (zr == Z_BUF_ERROR && in_len == 0 && st->z.avail_out == out_size)
        return 0;
    /* A full output buffer may hide pending output: the packet would be cut short,
     * and the stream cannot be rewound, so this is the end of the state too. */
    if (zr != Z_OK || st->z.avail_in != 0 || st->z.avail_out == 0) {
        st->broken = true;
        ct_wipe(out, out_size);
        return zr == Z_OK ? -ENOSPC : -EPROTO;
    }
    return (ssize_t)(out_size - st->z.avail_out);
}

ssize_t decompress_packet(struct compress_state *st, const uint8_t *in, size_t in_len,
                          uint8_t *out, size_t out_size)
{
    uint8_t probe;
    size_t produced;
    int zr;

    if (st == NULL || st->dir != COMPRESS_INFLATE || out == NULL ||
        (in == NULL && in_len > 0) || in_len > UINT_MAX || out_size > UINT_MAX)
        return -EINVAL;
    if (st->broken)
        return -EPROTO;
    st->z.next_in = (Bytef *)(uintptr_t)in;
    st->z.avail_in = (uInt)in_len;
    st->z.next_out = out;
    st->z.avail_out = (uInt)out_size;
    zr = inflate(&st->z, Z_SYNC_FLUSH);
    produced = out_size - st->z.avail_out;
    if (zr == Z_OK && st->z.avail_in == 0 && st->z.avail_out == 0) {
        /* Exactly full: is there more? One more byte of room tells without risk. */
        st->z.next_out = &probe;
        st->z.avail_out = 1;
        zr = inflate(&st->z, Z_SYNC_FLUSH);
        ct_wipe(&probe, 1);
        if (st->z.avail_out == 0)
            goto over_cap;           /* it produced more: past the cap */
        if (zr == Z_OK || zr == Z_BUF_ERROR)
            return (ssize_t)produced;
        /* otherwise the rest of the input was bad: fall through to the error */
    }
    if (zr == Z_BUF_ERROR && in_len == 0)
        return 0;                    /* an empty payload inflates to nothing */
    if (zr == Z_OK && st->z.avail_in == 0)
        return (ssize_t)produced;
    if (zr == Z_OK || zr == Z_BUF_ERROR)
        goto over_cap;               /* input left over with the output full */
    /* Z_STREAM_END (the peer may not end the stream), Z_DATA_ERROR, Z_NEED_DICT,
     * Z_MEM_ERROR, Z_STREAM_ERROR */
    st->broken = true;
    ct_wipe(out, produced);
    return zr == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
over_cap:
    st->broken = true;
    ct_wipe(out, out_size);
    return -EBADMSG;
}
