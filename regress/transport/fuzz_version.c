/* libFuzzer target: the identification-line reader (sshd/version.h), the first code
 * that sees a client's bytes. Byte 0 splits the rest into two feeds (as two reads
 * would) and picks the reader's role. Invariants: never more consumed than given; a
 * complete line is a well-formed identification without CR, LF or NUL, at most 255
 * bytes with its terminator; the split never changes the outcome. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run(const uint8_t *data, size_t size, size_t split, unsigned pre,
               struct version_reader *vr, size_t *used_total)
{
    size_t used = 0;
    int r;

    version_reader_init(vr, pre);
    r = version_feed(vr, data, split, &used);
    if (used > split)
        abort();
    *used_total = used;
    if (r == 0) {
        r = version_feed(vr, data + split, size - split, &used);
        if (used > size - split)
            abort();
        *used_total += used;
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct version_reader a, b;
    size_t split, used_a, used_b, len;
    unsigned pre;
    const char *line;
    int ra, rb;

    if (size < 1)
        return 0;
    split = data[0] % (size);
    pre = data[0] & 0x80 ? VERSION_CLIENT_MAX_PRE_LINES : VERSION_SERVER_MAX_PRE_LINES;
    data++;
    size--;
    if (split > size)
        split = size;
    ra = run(data, size, split, pre, &a, &used_a);
    rb = run(data, size, size, pre, &b, &used_b);
    if (ra != rb || (ra == 1 && used_a != used_b))
        abort();
    if (ra != 1)
        return 0;
    line = version_peer_line(&a, &len);
    /* 255 bytes with the terminator: 254 before a bare LF, 253 before CR LF */
    if (line == NULL || len != strlen(line) || len > VERSION_LINE_MAX - 1 ||
        (used_a >= 2 && data[used_a - 2] == '\r' && len > VERSION_LINE_MAX - 2) ||
        strncmp(line, "SSH-", 4) != 0 || strpbrk(line, "\r\n") != NULL ||
        data[used_a - 1] != '\n' || version_peer_software(&a) == NULL ||
        *version_peer_software(&a) == '\0')
        abort();
    if (!(a.major == 2 || (a.major == 1 && a.minor == 99)))
        abort();
    return 0;
}
