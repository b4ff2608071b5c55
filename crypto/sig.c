/* Signature algorithm names (see sig.h). */
#include "crypto/sig.h"

#include <errno.h>
#include <string.h>

static const char *const names[] = {
	[SIG_ALG_ED25519] = "ssh-ed25519",
	[SIG_ALG_ECDSA_NISTP256] = "ecdsa-sha2-nistp256",
	[SIG_ALG_ECDSA_NISTP384] = "ecdsa-sha2-nistp384",
	[SIG_ALG_ECDSA_NISTP521] = "ecdsa-sha2-nistp521",
	[SIG_ALG_RSA_SHA2_256] = "rsa-sha2-256",
	[SIG_ALG_RSA_SHA2_512] = "rsa-sha2-512",
	[SIG_ALG_RSA_SHA1] = "ssh-rsa",
};

const char *sig_alg_name(enum sig_alg alg)
{
	if ((int)alg < SIG_ALG_ED25519 || (int)alg > SIG_ALG_RSA_SHA1)
		return NULL;
	return names[alg];
}

int sig_alg_from_name(const char *name, size_t len)
{
	if (name == NULL)
		return -EINVAL;
	for (int i = SIG_ALG_ED25519; i <= SIG_ALG_RSA_SHA1; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return i;
	}
	return -ENOTSUP;
}

int sig_alg_for_curve(enum ec_curve curve)
{
	switch (curve) {
	case EC_CURVE_NISTP256:
		return SIG_ALG_ECDSA_NISTP256;
	case EC_CURVE_NISTP384:
		return SIG_ALG_ECDSA_NISTP384;
	case EC_CURVE_NISTP521:
		return SIG_ALG_ECDSA_NISTP521;
	}
	return -EINVAL;
}

void sig_out_parts(const struct sig_out *out, struct sig_parts *parts)
{
	memset(parts, 0, sizeof(*parts));
	if (out->alg == SIG_ALG_ECDSA_NISTP256 || out->alg == SIG_ALG_ECDSA_NISTP384 ||
	    out->alg == SIG_ALG_ECDSA_NISTP521) {
		parts->r = out->r;
		parts->r_len = out->r_len;
		parts->s = out->s;
		parts->s_len = out->s_len;
	} else {
		parts->sig = out->sig;
		parts->sig_len = out->sig_len;
	}
}
