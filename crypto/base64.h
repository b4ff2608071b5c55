/* Standard base64 (RFC 4648 §4) for authorized_keys lines, known_hosts-style output
 * and fingerprints, through libsodium's codec. */
#ifndef MSSHD_CRYPTO_BASE64_H
#define MSSHD_CRYPTO_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters base64_encode needs for len input bytes, NUL included (padded form). */
#define BASE64_ENCODED_SIZE(len) ((((len) + 2) / 3) * 4 + 1)

/* Encodes in into out as NUL-terminated text, with '=' padding unless unpadded is set
 * (OpenSSH prints fingerprints unpadded). Returns the text length (NUL excluded) or
 * -ENOSPC. */
int base64_encode(const uint8_t *in, size_t len, int unpadded, char *out, size_t out_size);

/* Decodes exactly len characters of padded base64 (no whitespace, nothing after the
 * padding: -EBADMSG otherwise) into out. Returns the decoded length or -ENOSPC. */
int base64_decode(const char *in, size_t len, uint8_t *out, size_t out_size);

#endif
