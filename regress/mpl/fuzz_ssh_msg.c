/* libFuzzer target: ssh_msg, every SSH message payload (ssh.mpl). */
#include "ssh.h"
#include "regress/mpl/fuzz_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < ssh_npackets; i++)
        if (strcmp(ssh_packets[i].name, "ssh_msg") == 0)
            fuzz_codec_one(&ssh_packets[i], data, size);
    return 0;
}
