/* Big-endian magnitudes <-> OpenSSL BIGNUMs (see magnitude.h). */
#include "crypto/magnitude.h"

#include <errno.h>

size_t magnitude_trim(const uint8_t *in, size_t len, const uint8_t **start)
{
	while (len > 0 && in[0] == 0) {
		in++;
		len--;
	}
	*start = in;
	return len;
}

BIGNUM *magnitude_to_bn(const uint8_t *in, size_t len, int secret)
{
	BIGNUM *bn = secret ? BN_secure_new() : BN_new();

	if (bn == NULL)
		return NULL;
	if (secret)
		BN_set_flags(bn, BN_FLG_CONSTTIME);
	/* BN_bin2bn takes an int length; every caller's input is bounded far below. */
	if (len > 65536 || BN_bin2bn(in, (int)len, bn) == NULL) {
		BN_clear_free(bn);
		return NULL;
	}
	return bn;
}

int magnitude_from_bn(const BIGNUM *bn, uint8_t *out, size_t out_size)
{
	int n;

	if (BN_is_negative(bn))
		return -EINVAL;
	n = BN_num_bytes(bn);
	if (n < 0 || (size_t)n > out_size)
		return -ENOSPC;
	return BN_bn2bin(bn, out);
}

int magnitude_from_bn_padded(const BIGNUM *bn, uint8_t *out, size_t width)
{
	if (BN_is_negative(bn) || width > 65536)
		return -EINVAL;
	if ((size_t)BN_num_bytes(bn) > width)
		return -ENOSPC;
	if (BN_bn2binpad(bn, out, (int)width) != (int)width)
		return -ENOSPC;
	return (int)width;
}
