/* libFuzzer target for key-exchange peer values: the first byte picks X25519, ECDH on
 * one of the NIST curves, or DH group 14; the rest is the peer's public value. Every
 * outcome is a documented error or a secret that fits the output and has no leading
 * zero byte. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "crypto/kex_dh.h"
#include "crypto/kex_ecdh.h"
#include "crypto/kex_x25519.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int rc, const uint8_t *out, size_t max)
{
	if (rc < 0) {
		if (rc != -EBADMSG && rc != -EPROTO && rc != -ENOMEM)
			abort();
		return;
	}
	if ((size_t)rc > max || (rc > 0 && out[0] == 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[KEX_DH_MAX_BYTES];

	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0: {
		struct kex_x25519 *k = NULL;

		if (kex_x25519_new(&k) != 0)
			abort();
		check(kex_x25519_shared(k, data + 1, size - 1, out, KEX_X25519_SHARED_MAX), out,
		      KEX_X25519_SHARED_MAX);
		kex_x25519_free(k);
		break;
	}
	case 4: {
		struct kex_dh *k = NULL;

		if (kex_dh_new_group(&k, KEX_DH_GROUP14) != 0)
			abort();
		check(kex_dh_shared(k, data + 1, size - 1, out, sizeof(out)), out, 256);
		kex_dh_free(k);
		break;
	}
	default: {
		struct kex_ecdh *k = NULL;

		if (kex_ecdh_new(&k, (enum ec_curve)(data[0] % 5)) != 0)
			abort();
		check(kex_ecdh_shared(k, data + 1, size - 1, out, KEX_ECDH_SHARED_MAX), out,
		      KEX_ECDH_SHARED_MAX);
		kex_ecdh_free(k);
		break;
	}
	}
	return 0;
}
