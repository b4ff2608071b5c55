/* make bench, in-process part: MB/s through crypto/'s per-packet path for each cipher x
 * MAC pair the transport can negotiate, sealing and opening 32 KiB payloads (the size of
 * a full channel data packet), so that a slow primitive shows up without a network or a
 * second server in the way. The clock is the process's CPU time, so that other work on
 * a shared machine does not count against us (the loop never sleeps or waits, so on an
 * idle machine it equals wall time). Timings only: nothing here passes or fails.
 *
 * Usage: packet_speed [MIB]   (MiB per direction and pair, default 256) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/cipher.h"
#include "crypto/random.h"
#include "regress/crypto/sym_packets.h"

#define PAYLOAD_LEN 32768u

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Seals, then opens, enough packets for mib MiB; prints both rates. Returns 0 or -1. */
static int run_pair(const char *cipher, const char *mac, size_t mib)
{
    static uint8_t payload[PAYLOAD_LEN], buf[PAYLOAD_LEN + 4096];
    struct cipher_state *seal = NULL, *open = NULL;
    size_t npkt = mib * 1024u * 1024u / PAYLOAD_LEN, len = 0;
    double t_seal = 0, t_open = 0;
    int r = -1;

    random_bytes(payload, sizeof(payload));
    if (make_state(&seal, cipher, mac, CIPHER_SEAL, 1) < 0 ||
        make_state(&open, cipher, mac, CIPHER_OPEN, 1) < 0)
        goto out;
    for (size_t i = 0; i < npkt; i++) {
        uint32_t seqnr = (uint32_t)i, plen;
        ssize_t total;
        double t0, t1, t2;

        /* building the plaintext packet is the transport's work, not timed */
        len = build_packet(seal, payload, sizeof(payload), 0, buf, sizeof(buf));
        if (len == 0)
            goto out;
        t0 = now_s();
        total = cipher_seal(seal, seqnr, buf, len, sizeof(buf));
        t1 = now_s();
        if (total < 0 ||
            cipher_open_length(open, seqnr, buf, cipher_head_len(open), &plen) < 0 ||
            cipher_open(open, seqnr, buf, (size_t)total) != (ssize_t)len)
            goto out;
        t2 = now_s();
        t_seal += t1 - t0;
        t_open += t2 - t1;
    }
    printf("%-32s %-30s seal %7.1f MB/s  open %7.1f MB/s\n", cipher, mac != NULL ? mac : "",
           (double)(npkt * len) / t_seal / 1e6, (double)(npkt * len) / t_open / 1e6);
    r = 0;
out:
    if (r < 0)
        printf("%-32s %-30s failed\n", cipher, mac != NULL ? mac : "");
    cipher_state_free(seal);
    cipher_state_free(open);
    return r;
}

int main(int argc, char **argv)
{
    static const char *const pairs[][2] = {
        { "chacha20-poly1305@openssh.com", NULL },
        { "aes128-gcm@openssh.com", NULL },
        { "aes256-gcm@openssh.com", NULL },
        { "aes128-ctr", "hmac-sha2-256" },
        { "aes128-ctr", "hmac-sha2-256-etm@openssh.com" },
        { "aes128-ctr", "hmac-sha2-512" },
        { "aes256-ctr", "hmac-sha2-512-etm@openssh.com" },
    };
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
    int r = 0;

    if (mib == 0 || mib > 65536 || random_init() < 0)
        return 2;
    printf("packet path, %u-byte payloads, %zu MiB per pair:\n", PAYLOAD_LEN, mib);
    for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++)
        if (run_pair(pairs[p][0], pairs[p][1], mib) < 0)
            r = 1;
    return r;
}
