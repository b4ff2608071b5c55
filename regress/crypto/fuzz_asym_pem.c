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
	int a = pubkey_sig_alg(hostkey_pubkey(key), SIG_ALG_RSA_SHA2_256);
	if (a < 0)
		abort();
	alg = (enum sig_alg)a;
	if (hostkey_sign(key, alg, data, size, &out) != 0)
		abort();
	sig_out_parts(&out, &parts);
	if (pubkey_verify(hostkey_pubkey(key), alg, &parts, data, size, 0) != 0)
		abort();
	hostkey_free(key);
	return 0;
}
