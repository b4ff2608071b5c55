/* X25519 key agreement (RFC 7748) for curve25519-sha256 and curve25519-sha256@libssh.org
 * (RFC 8731), through libsodium. The ephemeral private scalar stays inside the object
 * and is wiped when it is freed. */
#ifndef MSSHD_CRYPTO_KEX_X25519_H
#define MSSHD_CRYPTO_KEX_X25519_H

#include <stddef.h>
#include <stdint.h>

#define KEX_X25519_KEY_LEN 32		/* public values and private scalars */
#define KEX_X25519_SHARED_MAX 32	/* largest shared secret magnitude */

struct kex_x25519;

/* A fresh ephemeral key pair. */
int kex_x25519_new(struct kex_x25519 **out);

/* A key pair from a given 32-byte private scalar: for known-answer tests only; an
 * exchange always uses kex_x25519_new. */
int kex_x25519_new_from_private(struct kex_x25519 **out, const uint8_t *priv, size_t len);

/* Wipes and frees (NULL is fine). */
void kex_x25519_free(struct kex_x25519 *kex);

/* Our public value (Q_C or Q_S of RFC 8731): 32 bytes written to out. Returns 32, or
 * -ENOSPC. */
int kex_x25519_public(const struct kex_x25519 *kex, uint8_t *out, size_t out_size);

/* The shared secret with the peer's public value, as the big-endian magnitude (leading
 * zero bytes removed) that the exchange hash encodes as the mpint K (RFC 8731 §3.1).
 * Returns its length. Rejects (-EBADMSG) a peer value that is not exactly 32 bytes and
 * (-EPROTO) a peer value giving the all-zero secret (a small-order point, RFC 7748 §6.1).
 * -ENOSPC if out is too small. */
int kex_x25519_shared(const struct kex_x25519 *kex, const uint8_t *peer, size_t peer_len,
		      uint8_t *out, size_t out_size);

#endif
