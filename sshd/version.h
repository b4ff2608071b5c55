/* RFC 4253 §4.2 identification exchange: our line, and a reader for the peer's.
 *
 * The reader is fed the bytes as they arrive (from the receive buffer the packet layer
 * owns) and never consumes a byte past the peer's line feed: a client may send its
 * first binary packet in the same segment as its identification line.
 *
 * What is accepted follows OpenSSH's server (kex.c kex_exchange_identification), with
 * the line bounded by RFC 4253's 255 bytes instead of OpenSSH's 8192:
 *  - a line ends with CR LF or a bare LF; a CR anywhere else and any NUL are refused;
 *  - the line, terminator included, is at most VERSION_LINE_MAX bytes;
 *  - a line that does not start with "SSH-" is refused from a client (OpenSSH's server
 *    does not tolerate the pre-identification lines RFC 4253 allows only servers to
 *    send); the reader takes a bound on such lines for the other role;
 *  - "SSH-<major>.<minor>-<softwareversion>[ SP comments]" with protocol 2.x or 1.99
 *    is accepted; any other version (SSH-1.5-...) is a protocol mismatch.
 * Bounding the time a peer may take is the caller's job. */
#ifndef MSSHD_SSHD_VERSION_H
#define MSSHD_SSHD_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSSHD_VERSION "0.1"
/* Our software version, as it appears after "SSH-2.0-". */
#define VERSION_SOFTWARE "msshd_" MSSHD_VERSION

/* RFC 4253 §4.2: the identification line, CR LF included. */
#define VERSION_LINE_MAX 255
/* Lines a server may send before its identification; a client may send none. */
#define VERSION_SERVER_MAX_PRE_LINES 0u
#define VERSION_CLIENT_MAX_PRE_LINES 1024u

/* Writes our identification line "SSH-2.0-msshd_<version>[ SP comment]\r\n" into out,
 * NUL-terminated. comment (OpenSSH's VersionAddendum) may be NULL or empty; it must be
 * printable US-ASCII. Returns the line length with CR LF (not the NUL), -EINVAL for a
 * bad comment, -ERANGE when the line would pass VERSION_LINE_MAX, -ENOSPC when out is
 * too small. */
int version_format(char *out, size_t out_size, const char *comment);

struct version_reader {
    unsigned max_pre_lines;     /* non-"SSH-" lines allowed before the identification */
    unsigned pre_lines;         /* seen so far */
    bool saw_cr;                /* the previous byte was CR: only LF may follow */
    bool done;
    int err;                    /* sticky error, 0 while fine */
    const char *cause;          /* with err: what was wrong, for the log */
    size_t taken;               /* bytes of the current line, terminator included */
    size_t len;                 /* bytes of the current line kept in line[] */
    int major, minor;
    size_t software_off;        /* softwareversion starts at line[software_off] */
    char line[VERSION_LINE_MAX + 1];
};

/* After an error: what was wrong with the peer's line, in words for the log (a static
 * string), and the part of the line read (not NUL-safe: log it escaped).  NULL before
 * an error. */
const char *version_error_cause(const struct version_reader *vr);
const char *version_error_text(const struct version_reader *vr, size_t *len);

/* Starts reading; max_pre_lines is VERSION_SERVER_MAX_PRE_LINES on our side. */
void version_reader_init(struct version_reader *vr, unsigned max_pre_lines);

/* Feeds len received bytes. *consumed is set to the bytes used, which stop right after
 * the identification line's LF. Returns 1 when the peer's identification is complete
 * (further calls return 1 and consume nothing), 0 when more bytes are needed (all were
 * consumed), -EBADMSG for an invalid line (too long, NUL, stray CR, not an
 * identification, too many lines before it), -EPROTONOSUPPORT for a protocol version
 * other than 2.0/1.99. After an error the reader stays failed. */
int version_feed(struct version_reader *vr, const uint8_t *buf, size_t len,
                 size_t *consumed);

/* The peer's identification without CR LF (V_C of the exchange hash), NUL-terminated,
 * and its length; NULL until version_feed returned 1. */
const char *version_peer_line(const struct version_reader *vr, size_t *len);
/* The softwareversion and comments part (after "SSH-x.y-"), for logs and quirks. */
const char *version_peer_software(const struct version_reader *vr);

/* The plain-text line (CR LF included) OpenSSH's server sends before closing when
 * the identification exchange fails with err; NULL when nothing is to be sent. */
const char *version_error_line(int err);

#endif
