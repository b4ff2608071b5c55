/* The body shared by the codec fuzz targets: one packet table entry, driven with the
 * fuzzer's bytes. Whatever unpacks must pack back to exactly the same bytes and to an
 * equal struct, and must format without trouble; nothing may read outside the input. */
#ifndef FUZZ_CODEC_H
#define FUZZ_CODEC_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mpl/rt/mpl_rt.h"

static inline void fuzz_codec_one(const struct mpl_packet_info *info, const uint8_t *data,
                                  size_t size)
{
    /* with state variables, the first byte chooses them: two bits each */
    uint64_t state[8] = { 0 };
    if (info->nstate) {
        if (size == 0)
            return;
        for (size_t i = 0; i < info->nstate && i < 4; i++)
            state[i] = (data[0] >> (2 * i)) & 3;
        data++;
        size--;
    }
    /* an exact-size copy, so that any overread is seen */
    uint8_t *in = malloc(size ? size : 1);
    void *m = calloc(1, info->size), *m2 = calloc(1, info->size);
    if (!in || !m || !m2)
        abort();
    memcpy(in, data, size);
    struct mpl_reader r;
    struct mpl_error err = { 0 };
    mpl_reader_init(&r, in, size);
    int rc = info->read(&r, state, m, &err);
    if (rc == 0 && mpl_reader_end(&r) == 0) {
        static uint8_t out[1 << 18];
        struct mpl_writer w;
        size_t n;
        mpl_writer_init(&w, out, sizeof out, 0, 0);
        if (info->pack(&w, m, NULL) < 0 || mpl_writer_finish(&w, &n) < 0)
            abort();                /* what unpacked must pack */
        if (n != size || memcmp(out, in, n) != 0)
            abort();                /* canonical: the same bytes */
        mpl_reader_init(&r, out, n);
        if (info->read(&r, state, m2, NULL) < 0 || !info->equal(m, m2))
            abort();
        static char text[1 << 16];
        info->format(m, text, sizeof text);
    } else if (rc < 0 && !err.field) {
        abort();                    /* every rejection names its field */
    }
    free(in);
    free(m);
    free(m2);
}

#endif
