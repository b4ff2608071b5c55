/* Private key files as ssh-keygen writes them: the openssh-key-v1 format (PROTOCOL.key;
 * unencrypted only: the daemon never asks for a passphrase), read through the codec
 * generated from sshd/proto/keys.mpl, and PEM (PKCS#1, SEC1, PKCS#8), read by
 * crypto/hostkey through OpenSSL. Every refusal comes with a reason for the log. */
#ifndef MSSHD_SSHD_KEYFILE_H
#define MSSHD_SSHD_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/hostkey.h"

/* Larger than any key file ssh-keygen writes (a 16384-bit RSA key is about 13 KiB). */
#define KEYFILE_MAX (64 * 1024)
/* Room for a reason: a short phrase, perhaps a codec field path or a file name. */
#define KEYFILE_REASON_SIZE 256

/* Parses the text of a key file (len bytes, no NUL needed) into a host key.
 * Returns 0, or:
 *   -EACCES  the key is encrypted (openssh-key-v1 with a cipher, or encrypted PEM);
 *   -ENOTSUP a key type or curve we do not use;
 *   -ERANGE  an RSA modulus out of bounds;
 *   -EBADMSG anything malformed or inconsistent: bad armour or base64, a field the
 *            codec rejects (every truncation, more than one key, a kdf without a
 *            cipher), check-ints that differ, padding that is not 1, 2, 3, ..., a
 *            public copy that is not the private key's public half.
 * why (may be NULL) gets a NUL-terminated reason in every failure case. */
int keyfile_parse(const uint8_t *text, size_t len, struct hostkey **out, char *why,
		  size_t why_size);

/* Reads and parses the key file at path. With check_modes (StrictModes), a file that
 * group or others may read, write or execute is refused (-EACCES, "UNPROTECTED PRIVATE
 * KEY FILE", as OpenSSH says) whoever owns it; OpenSSH checks only files the caller
 * owns, but a key anyone else can read is compromised whoever owns it. Not a regular
 * file: -EINVAL; over KEYFILE_MAX: -EFBIG; open/read errors as negative errno. The
 * file's contents are wiped from memory once parsed. */
int keyfile_load(const char *path, bool check_modes, struct hostkey **out, char *why,
		 size_t why_size);

#endif
