/* Public-key and signature blobs (RFC 4253 §6.6, RFC 5656 §3, RFC 8332, RFC 8709) to
 * and from crypto/'s components, through the codecs mplc generates from
 * sshd/proto/keys.mpl. Nothing here reads or writes a wire field by hand; this module
 * only maps codec variants to key types and enforces the rules a codec cannot state:
 * which signature algorithm suits which key, and what the caller asked for. */
#ifndef MSSHD_SSHD_KEYBLOB_H
#define MSSHD_SSHD_KEYBLOB_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/hostkey.h"
#include "crypto/pubkey.h"
#include "crypto/sig.h"

/* Largest blob we make or accept: a 16384-bit RSA key (4 + 7 + 4 + e + 4 + 2049) and
 * a signature of that size fit with room to spare. */
#define KEYBLOB_MAX 4096
#define SIGBLOB_MAX 4096

/* The key a public-key blob holds. -EBADMSG for a malformed blob (truncated, trailing
 * bytes, an ECDSA curve that is not the one the type names, a point of the wrong size,
 * a non-canonical mpint, a key crypto/ rejects); -ENOTSUP for a type we do not accept
 * as a plain key (certificates, unknown names); -ERANGE for an RSA modulus out of
 * bounds. */
int keyblob_decode(const uint8_t *blob, size_t len, struct pubkey **out);

/* The blob of key into out; returns its length or -ENOSPC. */
int keyblob_encode(const struct pubkey *key, uint8_t *out, size_t cap);

/* The blob type name of a blob ("ssh-ed25519", ...): a view into blob, its length in
 * *name_len; -EBADMSG when the blob does not even start with a string. For log lines
 * and for matching an authorized_keys line's type field. */
int keyblob_type_name(const uint8_t *blob, size_t len, const uint8_t **name, size_t *name_len);

/* SHA256 fingerprint of key ("SHA256:..."), as ssh-keygen -l prints it. Returns the
 * text length or a negative errno. */
int keyblob_fingerprint(const struct pubkey *key, char *out, size_t out_size);

/* Takes a signature blob apart: its algorithm and its components (views into blob).
 * -EBADMSG for a malformed blob (also a malformed inner ECDSA r/s blob, an Ed25519
 * signature not 64 bytes); -ENOTSUP for an unknown algorithm name. */
int sigblob_decode(const uint8_t *blob, size_t len, enum sig_alg *alg, struct sig_parts *parts);

/* The blob of a signature we made; returns its length or -ENOSPC. */
int sigblob_encode(const struct sig_out *sig, uint8_t *out, size_t cap);

/* Signs data with host key `key` and algorithm alg and writes the signature blob into
 * out. Returns the blob length or a negative errno (-EPROTO: alg does not suit the key). */
int sigblob_sign(const struct hostkey *key, enum sig_alg alg, const uint8_t *data,
		 size_t data_len, uint8_t *out, size_t cap);

/* Verifies a signature blob over data with key.
 *   want_alg: the algorithm the peer named next to the signature (the publickey
 *             request's algorithm, the negotiated host-key algorithm), or 0 for none;
 *             the blob's algorithm must be exactly that one (RFC 8332 §3.2: an RSA key
 *             named with "rsa-sha2-512" must come with an rsa-sha2-512 signature).
 * An RSA key accepts rsa-sha2-256 and rsa-sha2-512; "ssh-rsa" (SHA-1) only with
 * PUBKEY_VERIFY_ALLOW_SHA1 in flags (-ENOTSUP otherwise). An ECDSA signature must name
 * the key's own curve. Returns 0 when it verifies, -EACCES when it does not, -EPROTO for
 * an algorithm that does not fit the key or want_alg, -EBADMSG for a malformed blob. */
int sigblob_verify(const struct pubkey *key, enum sig_alg want_alg, const uint8_t *blob,
		   size_t blob_len, const uint8_t *data, size_t data_len, unsigned flags);

#endif
