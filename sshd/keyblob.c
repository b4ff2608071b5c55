/* Key and signature blobs <-> crypto/ components, through the generated codecs. */
#include "sshd/keyblob.h"

#include <errno.h>
#include <string.h>

#include "crypto/fingerprint.h"
#include "keys.h"

/* mplc's readers fail with -ENOTSUP when a classify value names no variant (an
 * algorithm we do not know); everything else they refuse is malformed. */
static int codec_error(int rc)
{
	return rc == -ENOTSUP || rc == -ENOMEM ? rc : -EBADMSG;
}

static int curve_of_kind(enum ssh_public_key_kind kind)
{
	switch (kind) {
	case ssh_public_key_EcdsaP256:
		return EC_CURVE_NISTP256;
	case ssh_public_key_EcdsaP384:
		return EC_CURVE_NISTP384;
	case ssh_public_key_EcdsaP521:
		return EC_CURVE_NISTP521;
	default:
		return -EINVAL;
	}
}

/* crypto/ hands out unsigned magnitudes; the codec carries mpints as their canonical
 * two's complement bytes (RFC 4251 §5): no leading zeros, and a zero byte in front when
 * the top bit is set. buf has room for len + 1 bytes. */
static struct mpl_bytes mpint_of_magnitude(const uint8_t *mag, size_t len, uint8_t *buf)
{
	while (len > 0 && mag[0] == 0) {
		mag++;
		len--;
	}
	if (len > 0 && (mag[0] & 0x80)) {
		buf[0] = 0;
		memcpy(buf + 1, mag, len);
		return (struct mpl_bytes){ buf, len + 1 };
	}
	return (struct mpl_bytes){ mag, len };
}

int keyblob_decode(const uint8_t *blob, size_t len, struct pubkey **out)
{
	struct ssh_public_key k;
	int rc;

	if (blob == NULL || out == NULL)
		return -EINVAL;
	*out = NULL;
	rc = ssh_public_key_unpack(blob, len, &k, NULL);
	if (rc < 0)
		return codec_error(rc);
	switch (k.kind) {
	case ssh_public_key_Ed25519:
		rc = pubkey_from_ed25519(out, k.u.Ed25519.pk.ptr, k.u.Ed25519.pk.len);
		break;
	case ssh_public_key_EcdsaP256:
		rc = pubkey_from_ecdsa(out, EC_CURVE_NISTP256, k.u.EcdsaP256.q.ptr,
				       k.u.EcdsaP256.q.len);
		break;
	case ssh_public_key_EcdsaP384:
		rc = pubkey_from_ecdsa(out, EC_CURVE_NISTP384, k.u.EcdsaP384.q.ptr,
				       k.u.EcdsaP384.q.len);
		break;
	case ssh_public_key_EcdsaP521:
		rc = pubkey_from_ecdsa(out, EC_CURVE_NISTP521, k.u.EcdsaP521.q.ptr,
				       k.u.EcdsaP521.q.len);
		break;
	case ssh_public_key_Rsa:
		rc = pubkey_from_rsa(out, k.u.Rsa.e.ptr, k.u.Rsa.e.len, k.u.Rsa.n.ptr,
				     k.u.Rsa.n.len);
		break;
	default:
		/* Certificates are not plain keys: their checks (signature by a CA,
		 * principals, validity) belong to a certificate module. */
		return -ENOTSUP;
	}
	if (rc < 0) {
		*out = NULL;
		return rc == -ERANGE || rc == -ENOMEM ? rc : -EBADMSG;
	}
	return 0;
}

int keyblob_encode(const struct pubkey *key, uint8_t *out, size_t cap)
{
	struct ssh_public_key k;
	struct mpl_writer w;
	uint8_t e_buf[MPL_MPINT_MAX_BYTES], n_buf[MPL_MPINT_MAX_BYTES];
	size_t len = 0;
	int rc, curve;

	if (key == NULL || out == NULL)
		return -EINVAL;
	switch (pubkey_type(key)) {
	case PUBKEY_ED25519: {
		const uint8_t *pk;

		if ((rc = pubkey_ed25519(key, &pk)) < 0)
			return rc;
		ssh_public_key_init(&k, ssh_public_key_Ed25519);
		k.u.Ed25519.pk = (struct mpl_bytes){ pk, PUBKEY_ED25519_LEN };
		break;
	}
	case PUBKEY_ECDSA: {
		enum ec_curve c;
		const uint8_t *q;
		size_t q_len;
		struct mpl_bytes *qf;

		if ((rc = pubkey_ecdsa(key, &c, &q, &q_len)) < 0)
			return rc;
		if (c == EC_CURVE_NISTP256) {
			ssh_public_key_init(&k, ssh_public_key_EcdsaP256);
			qf = &k.u.EcdsaP256.q;
		} else if (c == EC_CURVE_NISTP384) {
			ssh_public_key_init(&k, ssh_public_key_EcdsaP384);
			qf = &k.u.EcdsaP384.q;
		} else if (c == EC_CURVE_NISTP521) {
			ssh_public_key_init(&k, ssh_public_key_EcdsaP521);
			qf = &k.u.EcdsaP521.q;
		} else {
			return -EINVAL;
		}
		*qf = (struct mpl_bytes){ q, q_len };
		curve = curve_of_kind(k.kind);
		if (curve != (int)c)
			return -EINVAL;
		break;
	}
	case PUBKEY_RSA: {
		const uint8_t *e, *n;
		size_t e_len, n_len;

		if ((rc = pubkey_rsa(key, &e, &e_len, &n, &n_len)) < 0)
			return rc;
		if (e_len > sizeof(e_buf) - 1 || n_len > sizeof(n_buf) - 1)
			return -EINVAL;
		ssh_public_key_init(&k, ssh_public_key_Rsa);
		k.u.Rsa.e = mpint_of_magnitude(e, e_len, e_buf);
		k.u.Rsa.n = mpint_of_magnitude(n, n_len, n_buf);
		break;
	}
	default:
		return -EINVAL;
	}
	mpl_writer_init(&w, out, cap, 0, 0);
	ssh_public_key_pack(&w, &k, NULL);
	if ((rc = mpl_writer_finish(&w, &len)) < 0)
		return rc == -EINVAL ? -EINVAL : -ENOSPC;
	return (int)len;
}

int keyblob_type_name(const uint8_t *blob, size_t len, const uint8_t **name, size_t *name_len)
{
	struct mpl_reader r;
	struct mpl_bytes t;

	if (blob == NULL || name == NULL || name_len == NULL)
		return -EINVAL;
	mpl_reader_init(&r, blob, len);
	if (mpl_read_string(&r, &t) < 0)
		return -EBADMSG;
	*name = t.ptr;
	*name_len = t.len;
	return 0;
}

int keyblob_fingerprint(const struct pubkey *key, char *out, size_t out_size)
{
	uint8_t blob[KEYBLOB_MAX];
	int len = keyblob_encode(key, blob, sizeof(blob));

	if (len < 0)
		return len;
	return fingerprint_sha256(blob, (size_t)len, out, out_size);
}

/* The inner r/s blob of an ECDSA signature (RFC 5656 §3.1.2). */
static int ecdsa_parts(struct mpl_bytes sig, struct sig_parts *parts)
{
	struct ecdsa_signature_values v;

	if (ecdsa_signature_values_unpack(sig.ptr, sig.len, &v, NULL) < 0)
		return -EBADMSG;
	parts->r = v.r.ptr;
	parts->r_len = v.r.len;
	parts->s = v.s.ptr;
	parts->s_len = v.s.len;
	return 0;
}

int sigblob_decode(const uint8_t *blob, size_t len, enum sig_alg *alg, struct sig_parts *parts)
{
	struct ssh_signature s;
	int rc;

	if (blob == NULL || alg == NULL || parts == NULL)
		return -EINVAL;
	memset(parts, 0, sizeof(*parts));
	rc = ssh_signature_unpack(blob, len, &s, NULL);
	if (rc < 0)
		return codec_error(rc);
	switch (s.kind) {
	case ssh_signature_Ed25519:
		*alg = SIG_ALG_ED25519;
		parts->sig = s.u.Ed25519.sig.ptr;
		parts->sig_len = s.u.Ed25519.sig.len;
		return 0;
	case ssh_signature_EcdsaP256:
		*alg = SIG_ALG_ECDSA_NISTP256;
		return ecdsa_parts(s.u.EcdsaP256.sig, parts);
	case ssh_signature_EcdsaP384:
		*alg = SIG_ALG_ECDSA_NISTP384;
		return ecdsa_parts(s.u.EcdsaP384.sig, parts);
	case ssh_signature_EcdsaP521:
		*alg = SIG_ALG_ECDSA_NISTP521;
		return ecdsa_parts(s.u.EcdsaP521.sig, parts);
	case ssh_signature_RsaSha256:
		*alg = SIG_ALG_RSA_SHA2_256;
		parts->sig = s.u.RsaSha256.sig.ptr;
		parts->sig_len = s.u.RsaSha256.sig.len;
		return 0;
	case ssh_signature_RsaSha512:
		*alg = SIG_ALG_RSA_SHA2_512;
		parts->sig = s.u.RsaSha512.sig.ptr;
		parts->sig_len = s.u.RsaSha512.sig.len;
		return 0;
	case ssh_signature_RsaSha1:
		*alg = SIG_ALG_RSA_SHA1;
		parts->sig = s.u.RsaSha1.sig.ptr;
		parts->sig_len = s.u.RsaSha1.sig.len;
		return 0;
	}
	return -ENOTSUP;
}

int sigblob_encode(const struct sig_out *sig, uint8_t *out, size_t cap)
{
	struct ssh_signature s;
	struct mpl_writer w;
	struct mpl_bytes *field;
	struct ecdsa_signature_values v;
	uint8_t r_buf[EC_CURVE_FIELD_MAX + 1], s_buf[EC_CURVE_FIELD_MAX + 1];
	uint8_t inner[2 * (4 + 1 + EC_CURVE_FIELD_MAX)];
	size_t len = 0;
	int rc;

	if (sig == NULL || out == NULL || sig->sig_len > sizeof(sig->sig) ||
	    sig->r_len > sizeof(sig->r) || sig->s_len > sizeof(sig->s))
		return -EINVAL;
	switch (sig->alg) {
	case SIG_ALG_ED25519:
		ssh_signature_init(&s, ssh_signature_Ed25519);
		s.u.Ed25519.sig = (struct mpl_bytes){ sig->sig, sig->sig_len };
		break;
	case SIG_ALG_RSA_SHA2_256:
		ssh_signature_init(&s, ssh_signature_RsaSha256);
		s.u.RsaSha256.sig = (struct mpl_bytes){ sig->sig, sig->sig_len };
		break;
	case SIG_ALG_RSA_SHA2_512:
		ssh_signature_init(&s, ssh_signature_RsaSha512);
		s.u.RsaSha512.sig = (struct mpl_bytes){ sig->sig, sig->sig_len };
		break;
	case SIG_ALG_RSA_SHA1:
		ssh_signature_init(&s, ssh_signature_RsaSha1);
		s.u.RsaSha1.sig = (struct mpl_bytes){ sig->sig, sig->sig_len };
		break;
	case SIG_ALG_ECDSA_NISTP256:
	case SIG_ALG_ECDSA_NISTP384:
	case SIG_ALG_ECDSA_NISTP521:
		if (sig->alg == SIG_ALG_ECDSA_NISTP256) {
			ssh_signature_init(&s, ssh_signature_EcdsaP256);
			field = &s.u.EcdsaP256.sig;
		} else if (sig->alg == SIG_ALG_ECDSA_NISTP384) {
			ssh_signature_init(&s, ssh_signature_EcdsaP384);
			field = &s.u.EcdsaP384.sig;
		} else {
			ssh_signature_init(&s, ssh_signature_EcdsaP521);
			field = &s.u.EcdsaP521.sig;
		}
		/* The inner blob is an ecdsa_signature_values of its own. */
		ecdsa_signature_values_init(&v);
		v.r = mpint_of_magnitude(sig->r, sig->r_len, r_buf);
		v.s = mpint_of_magnitude(sig->s, sig->s_len, s_buf);
		mpl_writer_init(&w, inner, sizeof(inner), 0, 0);
		ecdsa_signature_values_pack(&w, &v, NULL);
		if (mpl_writer_finish(&w, &len) < 0)
			return -EINVAL;
		*field = (struct mpl_bytes){ inner, len };
		break;
	default:
		return -EINVAL;
	}
	mpl_writer_init(&w, out, cap, 0, 0);
	ssh_signature_pack(&w, &s, NULL);
	if ((rc = mpl_writer_finish(&w, &len)) < 0)
		return rc == -EINVAL ? -EINVAL : -ENOSPC;
	return (int)len;
}

int sigblob_sign(const struct hostkey *key, enum sig_alg alg, const uint8_t *data,
		 size_t data_len, uint8_t *out, size_t cap)
{
	struct sig_out sig;
	int rc;

	if (key == NULL || out == NULL)
		return -EINVAL;
	rc = hostkey_sign(key, alg, data, data_len, &sig);
	if (rc == 0)
		rc = sigblob_encode(&sig, out, cap);
	/* Signatures are public, but the structure is large and on the stack: clear it so
	 * no stale key-dependent scratch lingers. */
	memset(&sig, 0, sizeof(sig));
	return rc;
}

int sigblob_verify(const struct pubkey *key, enum sig_alg want_alg, const uint8_t *blob,
		   size_t blob_len, const uint8_t *data, size_t data_len, unsigned flags)
{
	struct sig_parts parts;
	enum sig_alg alg;
	int rc;

	if (key == NULL || blob == NULL || (data == NULL && data_len > 0))
		return -EINVAL;
	if ((rc = sigblob_decode(blob, blob_len, &alg, &parts)) < 0)
		return rc == -ENOTSUP ? -EPROTO : rc;
	if (want_alg != 0 && alg != want_alg)
		return -EPROTO;
	if (!pubkey_sig_alg_matches(key, alg))
		return -EPROTO;
	if (alg == SIG_ALG_RSA_SHA1 && !(flags & PUBKEY_VERIFY_ALLOW_SHA1))
		return -ENOTSUP;
	return pubkey_verify(key, alg, &parts, data, data_len, flags);
}
