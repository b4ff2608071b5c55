/* libFuzzer target: monitor_msg, every IPC message body (monitor.mpl), and the frame
 * header: the first byte picks which. */
#include "monitor.h"
#include "regress/mpl/fuzz_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fuzz_codec_one(&monitor_packets[data[0] % monitor_npackets], data + 1, size - 1);
    return 0;
}
