/* libFuzzer target for base64_decode: whatever decodes must encode back to exactly the
 * input (the decoder is strict, so there is one text per byte string). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bin[4096];
	static char text[BASE64_ENCODED_SIZE(sizeof(bin))];
	int n, m;

	if (size > 4096)
		return 0;
	n = base64_decode((const char *)data, size, bin, sizeof(bin));
	if (n < 0) {
		if (n != -EBADMSG)
			abort();
		return 0;
	}
	m = base64_encode(bin, (size_t)n, 0, text, sizeof(text));
	if (m < 0 || (size_t)m != size || memcmp(text, data, size) != 0)
		abort();
	return 0;
}
