/* libFuzzer target for keyfile_parse: any input is refused with a documented error and
 * a reason, or yields a key whose signature its own public key accepts. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sshd/keyblob.h"
#include "sshd/keyfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t msg[] = "fuzz";
	struct hostkey *key = NULL;
	char why[KEYFILE_REASON_SIZE] = "";
	uint8_t sig[SIGBLOB_MAX];
	enum sig_alg alg;
	int rc = keyfile_parse(data, size, &key, why, sizeof(why));

	if (rc < 0) {
		if (key != NULL || why[0] == '\0' ||
		    (rc != -EBADMSG && rc != -EACCES && rc != -ENOTSUP && rc != -ERANGE &&
		     rc != -ENOMEM && rc != -EFBIG))
			abort();
		return 0;
	}
	int a = pubkey_sig_alg(hostkey_pubkey(key), SIG_ALG_RSA_SHA2_512);
	if (a < 0)
		abort();
	alg = (enum sig_alg)a;
	rc = sigblob_sign(key, alg, msg, sizeof(msg), sig, sizeof(sig));
	if (rc <= 0 || sigblob_verify(hostkey_pubkey(key), alg, sig, (size_t)rc, msg,
				      sizeof(msg), 0) != 0)
		abort();
	hostkey_free(key);
	return 0;
}
