/* libFuzzer target: the blobs of keys.mpl (public keys, signatures, certificates,
 * private key files, signed data); the first byte picks the packet. */
#include "keys.h"
#include "regress/mpl/fuzz_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fuzz_codec_one(&keys_packets[data[0] % keys_npackets], data + 1, size - 1);
    return 0;
}
