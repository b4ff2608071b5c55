/* libFuzzer target for keyblob_decode and sigblob_decode: a key blob either is refused
 * with a documented error or re-encodes to exactly the input (the codec accepts only
 * canonical blobs); a signature blob either is refused or yields components inside the
 * input, which sigblob_verify then rejects for an unrelated key without crashing. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/keyblob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	return n == 0 || (p >= data && p + n <= data + size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t ed_pk[32] = { 0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a,
		0x92, 0xb7, 0x0a, 0xa7, 0x4d, 0x1b, 0x7e, 0xbc, 0x9c, 0x98, 0x2c, 0xcf, 0x2e,
		0xc4, 0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c };
	struct pubkey *key = NULL, *ed = NULL;
	uint8_t again[KEYBLOB_MAX];
	struct sig_parts parts;
	enum sig_alg alg;
	int rc = keyblob_decode(data, size, &key);

	if (rc < 0) {
		if (key != NULL || (rc != -EBADMSG && rc != -ENOTSUP && rc != -ERANGE &&
				    rc != -ENOMEM))
			abort();
	} else {
		int n = keyblob_encode(key, again, sizeof(again));

		if (n < 0 || (size_t)n != size || memcmp(again, data, size) != 0)
			abort();
		pubkey_free(key);
	}
	rc = sigblob_decode(data, size, &alg, &parts);
	if (rc < 0) {
		if (rc != -EBADMSG && rc != -ENOTSUP)
			abort();
		return 0;
	}
	if (!inside(parts.sig, parts.sig_len, data, size) ||
	    !inside(parts.r, parts.r_len, data, size) || !inside(parts.s, parts.s_len, data, size))
		abort();
	if (pubkey_from_ed25519(&ed, ed_pk, sizeof(ed_pk)) != 0)
		abort();
	if (sigblob_verify(ed, 0, data, size, data, size, PUBKEY_VERIFY_ALLOW_SHA1) == 0)
		abort();
	pubkey_free(ed);
	return 0;
}
