/* libFuzzer target: kex_moduli_parse on any text, then the chooser on sizes taken from
 * the input's first bytes.  Whatever is chosen must be a group the parser could only
 * have accepted: an odd modulus of min..max bits within 2048..8192, generator 2 or 5. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/random.h"
#include "sshd/kex_moduli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t size_from(const uint8_t *data, size_t size, size_t at)
{
	/* 1024..9215: below, inside and above the supported range */
	uint32_t v = at + 1 < size ? (uint32_t)data[at] << 8 | data[at + 1] : 0;

	return 1024 + v % 8192;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kex_moduli *m = NULL;
	size_t skipped = 0;
	int rc;

	if (random_init() < 0)
		abort();
	rc = kex_moduli_parse((const char *)data, size, &m, &skipped);
	if (rc != 0) {
		if (m != NULL || (rc != -ENOENT && rc != -E2BIG && rc != -ENOMEM))
			abort();
		return 0;
	}
	for (size_t i = 0; i < 4; i++) {
		uint32_t a = size_from(data, size, 2 * i), b = size_from(data, size, 2 * i + 8),
			 c = size_from(data, size, 2 * i + 16);
		const uint8_t *p, *g;
		size_t p_len, g_len;
		uint32_t bits;

		rc = kex_moduli_choose(m, a, b, c, &p, &p_len, &g, &g_len);
		if (rc == -ENOENT)
			continue;
		if (rc != 0 || p_len == 0 || p[0] == 0 || !(p[p_len - 1] & 1) || g_len != 1 ||
		    (g[0] != 2 && g[0] != 5))
			abort();
		bits = (uint32_t)p_len * 8;
		for (uint8_t top = p[0]; !(top & 0x80); top <<= 1)
			bits--;
		if (bits < a || bits > c || bits < KEX_MODULI_MIN_BITS || bits > KEX_MODULI_MAX_BITS)
			abort();
	}
	kex_moduli_free(m);
	return 0;
}
