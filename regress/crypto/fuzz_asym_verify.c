/* libFuzzer target for public keys from components and pubkey_verify. Input layout
 * (all fields taken in order, each length a single byte times a scale):
 *   type (1 byte: 0 ed25519, 1-3 ecdsa nistp256/384/521, 4 rsa), alg (1 byte),
 *   key component(s), then r/s or signature, then the signed data (the rest).
 * Whatever comes in, construction either fails with a documented error or yields a
 * key whose accessors return what went in, and verification returns one of the
 * documented codes. A signature may verify (the seeds hold the RFC 8032 and RFC 6979
 * vectors), but then the same signature over data with one bit changed must not: a
 * signature that verifies for both would be a finding (abort). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/pubkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct cursor {
	const uint8_t *p;
	size_t left;
};

/* Takes a length byte (times scale) and that many bytes; short input gives what is left. */
static const uint8_t *take(struct cursor *c, size_t scale, size_t *len)
{
	const uint8_t *at;
	size_t n;

	if (c->left == 0) {
		*len = 0;
		return c->p;
	}
	n = (size_t)c->p[0] * scale;
	c->p++;
	c->left--;
	if (n > c->left)
		n = c->left;
	at = c->p;
	c->p += n;
	c->left -= n;
	*len = n;
	return at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	struct pubkey *key = NULL;
	struct sig_parts parts = { 0 };
	const uint8_t *a, *b;
	size_t a_len, b_len;
	int type, alg, rc;

	if (size < 2)
		return 0;
	type = data[0] % 5;
	alg = data[1] % 9;	/* includes 0 and 8, which are no algorithm */
	c.p += 2;
	c.left -= 2;
	switch (type) {
	case 0:
		a = take(&c, 1, &a_len);
		rc = pubkey_from_ed25519(&key, a, a_len);
		break;
	case 4:
		a = take(&c, 1, &a_len);	/* e */
		b = take(&c, 8, &b_len);	/* n, up to 2040 bytes */
		rc = pubkey_from_rsa(&key, a, a_len, b, b_len);
		break;
	default:
		a = take(&c, 1, &a_len);
		rc = pubkey_from_ecdsa(&key, (enum ec_curve)type, a, a_len);
		if (rc == 0) {
			enum ec_curve curve;
			const uint8_t *q;
			size_t q_len;

			if (pubkey_ecdsa(key, &curve, &q, &q_len) != 0 || q_len != a_len ||
			    memcmp(q, a, a_len) != 0)
				abort();
		}
		break;
	}
	if (rc < 0) {
		if (key != NULL || (rc != -EBADMSG && rc != -ERANGE && rc != -ENOMEM))
			abort();
		return 0;
	}
	parts.sig = take(&c, 8, &parts.sig_len);
	parts.r = take(&c, 1, &parts.r_len);
	parts.s = take(&c, 1, &parts.s_len);
	rc = pubkey_verify(key, (enum sig_alg)alg, &parts, c.p, c.left, PUBKEY_VERIFY_ALLOW_SHA1);
	if (rc == 0) {
		uint8_t *changed = malloc(c.left + 1);

		if (changed == NULL)
			abort();
		memcpy(changed, c.p, c.left);
		if (c.left > 0)
			changed[0] ^= 1;
		else
			changed[c.left++] = 0;	/* empty data becomes one zero byte */
		rc = pubkey_verify(key, (enum sig_alg)alg, &parts, changed, c.left,
				   PUBKEY_VERIFY_ALLOW_SHA1);
		free(changed);
		if (rc == 0)
			abort();
	}
	if ((rc != -EACCES && rc != -EBADMSG && rc != -EPROTO && rc != -ENOTSUP &&
			rc != -ENOMEM))
		abort();
	pubkey_free(key);
	return 0;
}
