/* Base64 through libsodium (see base64.h). */
#include "crypto/base64.h"

#include <errno.h>
#include <string.h>

#include <sodium.h>

int base64_encode(const uint8_t *in, size_t len, int unpadded, char *out, size_t out_size)
{
	int variant = unpadded ? sodium_base64_VARIANT_ORIGINAL_NO_PADDING
			       : sodium_base64_VARIANT_ORIGINAL;

	if ((in == NULL && len != 0) || out == NULL)
		return -EINVAL;
	if (len > (SIZE_MAX / 4) * 3 - 3 || out_size < sodium_base64_ENCODED_LEN(len, variant))
		return -ENOSPC;
	sodium_bin2base64(out, out_size, in, len, variant);
	return (int)strlen(out);
}

/* 1 if c may appear in padded standard base64 text. */
static int base64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

int base64_decode(const char *in, size_t len, uint8_t *out, size_t out_size)
{
	const char *end = NULL;
	size_t bin_len = 0;

	if ((in == NULL && len != 0) || out == NULL)
		return -EINVAL;
	if (len > (size_t)1 << 30)
		return -EBADMSG;
	/* libsodium 1.0.18 reads some bytes >= 0x80 as alphabet characters (fuzzing found
	 * "\xa6\xc2\xc2\xc2" decoding like "////"): screen the alphabet first. This is
	 * public text (keys, not secrets), so a data-dependent scan leaks nothing. */
	for (size_t i = 0; i < len; i++) {
		if (!base64_char((unsigned char)in[i]))
			return -EBADMSG;
	}
	/* Room check first: libsodium reports a too-small buffer and bad input alike. */
	if (out_size < len / 4 * 3)
		return -ENOSPC;
	if (sodium_base642bin(out, out_size, in, len, NULL, &bin_len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != in + len)
		return -EBADMSG;
	return (int)bin_len;
}
