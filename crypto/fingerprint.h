/* Key fingerprints as OpenSSH prints them (ssh-keygen -l, log lines): "SHA256:"
 * followed by the unpadded base64 of the SHA-256 of the public-key blob. */
#ifndef MSSHD_CRYPTO_FINGERPRINT_H
#define MSSHD_CRYPTO_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/* "SHA256:" (7) + 43 base64 characters + NUL. */
#define FINGERPRINT_SHA256_SIZE 51

/* The fingerprint of a key blob (the wire encoding of the public key, as the
 * generated blob codec produces it), NUL-terminated in out. Returns its length (50)
 * or -ENOSPC. */
int fingerprint_sha256(const uint8_t *blob, size_t blob_len, char *out, size_t out_size);

#endif
