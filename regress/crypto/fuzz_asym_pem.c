/* libFuzzer target for hostkey_from_pem: any input either is refused with one of the
 * documented errors or yields a key that signs, and whose signature its own public key
 * accepts. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "crypto/hostkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostkey *key = NULL;
	struct sig_out out;
	struct sig_parts parts;
	enum sig_alg alg;
	int rc = hostkey_from_pem(&key, data, size);

	if (rc < 0) {
		if (key != NULL || (rc != -EBADMSG && rc != -EACCES && rc != -ENOTSUP &&
				    rc != -ERANGE && rc != -ENOMEM))
			abort();
		return 0;
	}
	switch (pubkey_type(hostkey_pubkey(key))) {
	case PUBKEY_ED25519:
		alg = SIG_ALG_ED25519;
		break;
	case PUBKEY_RSA:
		alg = SIG_ALG_RSA_SHA2_256;
		break;
	default: {
		enum ec_curve curve;
		const uint8_t *q;
		size_t q_len;

		if (pubkey_ecdsa(hostkey_pubkey(key), &curve, &q, &q_len) != 0)
			abort();
		alg = (enum sig_alg)sig_alg_for_curve(curve);
	}
	}
	if (hostkey_sign(key, alg, data, size, &out) != 0)
		abort();
	sig_out_parts(&out, &parts);
	if (pubkey_verify(hostkey_pubkey(key), alg, &parts, data, size, 0) != 0)
		abort();
	hostkey_free(key);
	return 0;
}
