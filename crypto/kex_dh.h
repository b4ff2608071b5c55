/* Finite-field Diffie-Hellman for diffie-hellman-group14/16/18-sha* (RFC 8268, with the
 * RFC 3526 MODP groups) and, with a p and g the server picked from its moduli file,
 * diffie-hellman-group-exchange-sha256 (RFC 4419). OpenSSL BIGNUMs; the private
 * exponent stays inside the object and is cleared when it is freed. */
#ifndef MSSHD_CRYPTO_KEX_DH_H
#define MSSHD_CRYPTO_KEX_DH_H

#include <stddef.h>
#include <stdint.h>

enum kex_dh_group {
	KEX_DH_GROUP14 = 14,	/* RFC 3526 §3, 2048 bits */
	KEX_DH_GROUP16 = 16,	/* RFC 3526 §5, 4096 bits */
	KEX_DH_GROUP18 = 18,	/* RFC 3526 §7, 8192 bits */
};

/* Moduli accepted for a generic group: RFC 8270 sets 2048 bits as the floor for group
 * exchange; 8192 is the largest group SSH defines and the largest OpenSSH offers. */
#define KEX_DH_MIN_BITS 2048
#define KEX_DH_MAX_BITS 8192
#define KEX_DH_MAX_BYTES (KEX_DH_MAX_BITS / 8)	/* largest public value or secret */

struct kex_dh;

/* A fresh ephemeral key pair in a fixed RFC 3526 group. */
int kex_dh_new_group(struct kex_dh **out, enum kex_dh_group group);

/* A fresh ephemeral key pair in the group (p, g) given as big-endian magnitudes.
 * Requires KEX_DH_MIN_BITS <= bits(p) <= KEX_DH_MAX_BITS, p odd and 1 < g < p-1
 * (-EBADMSG otherwise). Primality is the moduli file's business, not checked here. */
int kex_dh_new_generic(struct kex_dh **out, const uint8_t *p, size_t p_len, const uint8_t *g,
		       size_t g_len);

/* Wipes and frees (NULL is fine). */
void kex_dh_free(struct kex_dh *kex);

/* Bits of the private exponent this object drew (see kex_dh.c for the rule). */
int kex_dh_private_bits(const struct kex_dh *kex);

/* The modulus and generator, as big-endian magnitudes (for GEX's KEX_DH_GEX_GROUP
 * message and for the exchange hash). Each returns the length or -ENOSPC. */
int kex_dh_prime(const struct kex_dh *kex, uint8_t *out, size_t out_size);
int kex_dh_generator(const struct kex_dh *kex, uint8_t *out, size_t out_size);

/* Our public value g^x mod p (e for a client, f for a server) as a big-endian
 * magnitude. Returns its length or -ENOSPC. */
int kex_dh_public(const struct kex_dh *kex, uint8_t *out, size_t out_size);

/* The shared secret peer^x mod p as a big-endian magnitude (the mpint K). The peer's
 * value must satisfy 1 < peer < p-1 (RFC 4253 §8; -EPROTO otherwise; leading zero
 * bytes are tolerated, more bytes than p has are -EPROTO too). Returns its length or
 * -ENOSPC. */
int kex_dh_shared(const struct kex_dh *kex, const uint8_t *peer, size_t peer_len, uint8_t *out,
		  size_t out_size);

#endif
