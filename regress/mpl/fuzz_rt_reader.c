/* libFuzzer target for the runtime reader: the first byte of each step picks a read;
 * every successful read must stay inside the input, every failed one must not move,
 * and whatever is read must re-encode to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mpl/rt/mpl_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_inside(const struct mpl_bytes *v, const uint8_t *data, size_t size)
{
    if (v->len && (v->ptr < data || v->len > size || v->ptr > data + size - v->len))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mpl_reader r;
    mpl_reader_init(&r, data, size);
    uint8_t out[64 * 1024];
    struct mpl_writer w;
    mpl_writer_init(&w, out, sizeof out, 0, 0);

    for (int steps = 0; steps < 256; steps++) {
        uint8_t op;
        if (mpl_read_u8(&r, &op) < 0)
            break;
        size_t before = mpl_reader_offset(&r);
        const uint8_t *at = data + before;
        struct mpl_bytes v = { 0 };
        uint8_t u8;
        uint32_t u32;
        uint64_t u64;
        bool b;
        int rc;
        switch (op % 9) {
        case 0: rc = mpl_read_u8(&r, &u8); break;
        case 1: rc = mpl_read_u32(&r, &u32); break;
        case 2: rc = mpl_read_u64(&r, &u64); break;
        case 3: rc = mpl_read_bool(&r, &b); break;
        case 4: rc = mpl_read_string(&r, &v); break;
        case 5: rc = mpl_read_fixed(&r, op >> 4, &v); break;
        case 6: rc = mpl_read_mpint(&r, op & 0x10, &v); break;
        case 7: rc = mpl_read_namelist(&r, &v); break;
        default: rc = mpl_reader_end(&r); break;
        }
        size_t used = mpl_reader_offset(&r) - before;
        if (rc < 0) {
            if (used != 0)
                abort();
            continue;
        }
        check_inside(&v, data, size);
        /* the canonical re-encoding of what was read is exactly the bytes consumed */
        size_t wrote_before = w.pos;
        switch (op % 9) {
        case 0: mpl_write_u8(&w, u8); break;
        case 1: mpl_write_u32(&w, u32); break;
        case 2: mpl_write_u64(&w, u64); break;
        case 3: mpl_write_bool(&w, b); break;
        case 4: mpl_write_string(&w, v.ptr, v.len); break;
        case 5: mpl_write_fixed(&w, v.ptr, v.len); break;
        case 6: mpl_write_mpint(&w, v.ptr, v.len, op & 0x10); break;
        case 7: mpl_write_namelist(&w, v.ptr, v.len); break;
        default: break;
        }
        if (w.err)
            break;
        if (w.pos - wrote_before != used || memcmp(out + wrote_before, at, used) != 0)
            abort();
        if (op % 9 == 7) {
            size_t pos = 0, names = 0;
            struct mpl_bytes name;
            while (mpl_namelist_next(v, &pos, &name) == 1)
                if (name.len == 0 || ++names > MPL_NAMELIST_MAX_NAMES)
                    abort();
        }
    }
    return 0;
}
