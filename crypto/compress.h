/* zlib@openssh.com payload compression (RFC 4253 §6.2 "zlib", enabled after user
 * authentication as OpenSSH's PROTOCOL §2.1 describes): one zlib stream per direction
 * for the life of the keys, each packet's payload deflated with Z_PARTIAL_FLUSH so
 * the receiver can inflate it on its own, the dictionary carried across packets.
 *
 * Inflating never writes beyond the caller's buffer: the output buffer size is a hard
 * cap, and a packet that would inflate past it (a decompression bomb) is an error,
 * not a reason to grow. zlib allocates its windows once per stream, never per packet.
 * Any error leaves the state unusable: the stream is out of step with the peer's and
 * the connection must end. */
#ifndef MSSHD_CRYPTO_COMPRESS_H
#define MSSHD_CRYPTO_COMPRESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum compress_dir {
    COMPRESS_DEFLATE,   /* outgoing payloads */
    COMPRESS_INFLATE,   /* incoming payloads */
};

struct compress_state;

/* Returns 0, -EINVAL, -ENOMEM. */
int compress_state_new(struct compress_state **out, enum compress_dir dir);
/* Releases the stream, wiping the history window (it holds recent plaintext). */
void compress_state_free(struct compress_state *st);

/* An output size that always suffices for deflating in_len bytes in one packet
 * (stored-block overhead, flush marker and stream header included). */
size_t compress_bound(size_t in_len);

/* Deflates in_len bytes at in into out. Returns the compressed length (possibly 0 for
 * an empty payload, which inflates back to empty), -ENOSPC when out_size is below
 * what was needed (give compress_bound(in_len)), -EINVAL, -EPROTO (state unusable). */
ssize_t compress_packet(struct compress_state *st, const uint8_t *in, size_t in_len,
                        uint8_t *out, size_t out_size);

/* Inflates the in_len bytes of one received payload into out. Returns the inflated
 * length; -EBADMSG when the data is not a valid continuation of the stream, ends the
 * stream, or would inflate to more than out_size bytes (whatever was written is
 * wiped); -EINVAL, -ENOMEM, -EPROTO (state unusable). */
ssize_t decompress_packet(struct compress_state *st, const uint8_t *in, size_t in_len,
                          uint8_t *out, size_t out_size);

#endif
