/* SHA256 key fingerprints (see fingerprint.h). */
#include "crypto/fingerprint.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/base64.h"

int fingerprint_sha256(const uint8_t *blob, size_t blob_len, char *out, size_t out_size)
{
	static const char prefix[] = "SHA256:";
	uint8_t digest[32];
	unsigned int digest_len = 0;
	int rc;

	if ((blob == NULL && blob_len != 0) || out == NULL)
		return -EINVAL;
	if (out_size < FINGERPRINT_SHA256_SIZE)
		return -ENOSPC;
	/* SHA-256 straight from libcrypto: the public blob is no secret. */
	if (EVP_Digest(blob ? blob : (const uint8_t *)"", blob_len, digest, &digest_len,
		       EVP_sha256(), NULL) != 1 ||
	    digest_len != sizeof(digest))
		return -ENOMEM;
	memcpy(out, prefix, sizeof(prefix) - 1);
	rc = base64_encode(digest, sizeof(digest), 1, out + sizeof(prefix) - 1,
			   out_size - (sizeof(prefix) - 1));
	if (rc < 0)
		return rc;
	return (int)(sizeof(prefix) - 1) + rc;
}
