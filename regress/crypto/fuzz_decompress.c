/* libFuzzer target for crypto/compress's inflate side, which reads peer data.
 * Input: a sequence of packets, each a 2-byte big-endian length then that many bytes,
 * inflated in turn into a 16 KiB cap: nothing may crash, read or write out of bounds,
 * or report more output than the cap. Then the whole input is deflated as packets and
 * inflated back, which must reproduce it. */
#include <stdlib.h>
#include <string.h>

#include "crypto/compress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP (16 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[CAP], z[CAP + 1024];
    struct compress_state *inf, *def;
    size_t off = 0;

    if (compress_state_new(&inf, COMPRESS_INFLATE) < 0)
        abort();
    while (off + 2 <= size) {
        size_t n = (size_t)data[off] << 8 | data[off + 1];
        ssize_t r;

        off += 2;
        if (n > size - off)
            n = size - off;
        r = decompress_packet(inf, data + off, n, out, CAP);
        if (r > CAP)
            abort();
        if (r < 0)
            break;
        off += n;
    }
    compress_state_free(inf);

    /* round trip: the input in packets of up to 1000 bytes */
    if (compress_state_new(&def, COMPRESS_DEFLATE) < 0 ||
        compress_state_new(&inf, COMPRESS_INFLATE) < 0)
        abort();
    for (off = 0; off < size; off += 1000) {
        size_t n = size - off < 1000 ? size - off : 1000;
        ssize_t zl = compress_packet(def, data + off, n, z, compress_bound(n));
        if (zl < 0 || decompress_packet(inf, z, (size_t)zl, out, CAP) != (ssize_t)n ||
            memcmp(out, data + off, n) != 0)
            abort();
    }
    compress_state_free(def);
    compress_state_free(inf);
    return 0;
}
