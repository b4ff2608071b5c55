/* X25519 key agreement through libsodium (see kex_x25519.h). */
#include "crypto/kex_x25519.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/magnitude.h"

struct kex_x25519 {
	uint8_t priv[KEX_X25519_KEY_LEN];
	uint8_t pub[KEX_X25519_KEY_LEN];
};

static int make(struct kex_x25519 **out, const uint8_t *priv)
{
	struct kex_x25519 *kex;

	if (out == NULL)
		return -EINVAL;
	if (sodium_init() < 0)
		return -ENOMEM;
	if ((kex = calloc(1, sizeof(*kex))) == NULL)
		return -ENOMEM;
	if (priv != NULL)
		memcpy(kex->priv, priv, sizeof(kex->priv));
	else
		randombytes_buf(kex->priv, sizeof(kex->priv));
	/* Clamping happens inside crypto_scalarmult, so any 32 bytes are a valid scalar. */
	if (crypto_scalarmult_base(kex->pub, kex->priv) != 0) {
		kex_x25519_free(kex);
		return -EINVAL;
	}
	*out = kex;
	return 0;
}

int kex_x25519_new(struct kex_x25519 **out)
{
	return make(out, NULL);
}

int kex_x25519_new_from_private(struct kex_x25519 **out, const uint8_t *priv, size_t len)
{
	if (priv == NULL || len != KEX_X25519_KEY_LEN)
		return -EINVAL;
	return make(out, priv);
}

void kex_x25519_free(struct kex_x25519 *kex)
{
	if (kex == NULL)
		return;
	sodium_memzero(kex, sizeof(*kex));
	free(kex);
}

int kex_x25519_public(const struct kex_x25519 *kex, uint8_t *out, size_t out_size)
{
	if (kex == NULL || out == NULL)
		return -EINVAL;
	if (out_size < KEX_X25519_KEY_LEN)
		return -ENOSPC;
	memcpy(out, kex->pub, KEX_X25519_KEY_LEN);
	return KEX_X25519_KEY_LEN;
}

int kex_x25519_shared(const struct kex_x25519 *kex, const uint8_t *peer, size_t peer_len,
		      uint8_t *out, size_t out_size)
{
	uint8_t shared[KEX_X25519_KEY_LEN];
	const uint8_t *start;
	size_t len;

	if (kex == NULL || peer == NULL || out == NULL)
		return -EINVAL;
	if (peer_len != KEX_X25519_KEY_LEN)
		return -EBADMSG;
	/* libsodium returns -1 when the result is all zeros, which is what a small-order
	 * peer value produces; check again in constant time so the rule does not depend
	 * on the library version. */
	if (crypto_scalarmult(shared, kex->priv, peer) != 0 ||
	    sodium_is_zero(shared, sizeof(shared))) {
		sodium_memzero(shared, sizeof(shared));
		return -EPROTO;
	}
	/* RFC 8731 §3.1: K is the 32 octets read as a big-endian number; as an mpint its
	 * leading zero octets go. The exchange hash takes the mpint of exactly this length
	 * anyway (as in OpenSSH), so trimming here adds no new data-dependent branch. */
	len = magnitude_trim(shared, sizeof(shared), &start);
	if (len > out_size) {
		sodium_memzero(shared, sizeof(shared));
		return -ENOSPC;
	}
	memmove(out, start, len);
	sodium_memzero(shared, sizeof(shared));
	return (int)len;
}
