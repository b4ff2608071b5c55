/* The server side of one key exchange (see kex.h).
 *
 * Every method has the same three steps once the client's public value is in hand:
 * our ephemeral key and the shared secret K (crypto/), the exchange hash H over the
 * transcript (packed by the codecs generated from keys.mpl: kex_hash_ecdh, kex_hash_dh,
 * kex_hash_gex), and the host key's signature of H (the monitor, through the callback).
 * Group exchange adds a first round: the client's size request, answered with a group
 * from the moduli file or, as OpenSSH does when none fits, a fixed RFC 3526 group.
 *
 * Everything a reply views (K_S, our public value, p and g, the signature) lives in the
 * exchange itself.  K is kept only in its encoded form (the mpint that enters the hash
 * and the key derivation) and is wiped once the keys are derived, on failure and in
 * kex_exchange_free, with the ephemeral key objects freed (and so wiped) as soon as K
 * is known. */
#include "sshd/kex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/kex_dh.h"
#include "crypto/kex_ecdh.h"
#include "crypto/kex_x25519.h"
#include "keys.h"	/* generated from sshd/proto/keys.mpl */
#include "mpl/rt/mpl_rt.h"
#include "sshd/keyblob.h"

/* RFC 4253 §4.2: an identification line is at most 255 bytes with its CR LF. */
#define KEX_VERSION_MAX 253
/* A KEXINIT payload is bounded by the packet size (35000 bytes for any peer RFC 4253
 * §6.1 obliges us to accept); more than this is a caller's mistake. */
#define KEX_KEXINIT_MAX (256 * 1024)

/* RFC 8270: no group under 2048 bits; 8192 is the largest OpenSSH offers. */
#define KEX_GEX_MIN_BITS 2048
#define KEX_GEX_MAX_BITS 8192

/* An mpint encoded with its uint32 length, as kex_derive_encode_mpint writes it; the
 * codecs take the bytes after the length. */
struct mpint_buf {
	uint8_t enc[KEX_DERIVE_K_MAX];
	size_t len;	/* of enc, length prefix included */
};

enum kex_state {
	KEX_WAIT_INIT,		/* ECDH/X25519/DH init, or GEX init after the group */
	KEX_WAIT_GEX_REQUEST,
	KEX_DONE,
	KEX_FAILED,
};

struct kex_exchange {
	const struct kex_method *method;
	enum sig_alg hostkey_alg;
	struct kex_derive_algs c2s, s2c;
	kex_sign_fn sign;
	void *sign_arg;
	const struct kex_moduli *moduli;

	/* the caller's inputs, copied into one block */
	uint8_t *copies;
	size_t copies_len;
	struct mpl_bytes v_c, v_s, i_c, i_s, k_s, session_id;

	enum kex_state state;
	bool keys_taken;

	struct kex_x25519 *x25519;
	struct kex_ecdh *ecdh;
	struct kex_dh *dh;

	/* group exchange: the client's request as sent (H covers those values) */
	uint32_t gex_min, gex_n, gex_max;
	struct mpint_buf p, g;

	/* our public value: Q_S (string) or f (mpint) */
	uint8_t q_s[KEX_ECDH_PUBLIC_MAX];
	size_t q_s_len;
	struct mpint_buf f;

	struct mpint_buf k;	/* secret until wiped */
	uint8_t h[KEX_HASH_MAX];
	size_t h_len;
	uint8_t sig[KEX_SIG_MAX];
	size_t sig_len;
};

static struct mpl_bytes mpint_view(const struct mpint_buf *b)
{
	return (struct mpl_bytes){ b->enc + 4, b->len - 4 };
}

static int mpint_set(struct mpint_buf *b, const uint8_t *mag, size_t mag_len)
{
	int n = kex_derive_encode_mpint(mag, mag_len, b->enc, sizeof(b->enc));

	if (n < 4)
		return n < 0 ? n : -EINVAL;
	b->len = (size_t)n;
	return 0;
}

static void drop_ephemeral(struct kex_exchange *x)
{
	kex_x25519_free(x->x25519);
	kex_ecdh_free(x->ecdh);
	kex_dh_free(x->dh);
	x->x25519 = NULL;
	x->ecdh = NULL;
	x->dh = NULL;
}

static void wipe_secret(struct kex_exchange *x)
{
	sodium_memzero(&x->k, sizeof(x->k));
}

/* Ends the exchange after an error: nothing secret survives it. */
static int fail(struct kex_exchange *x, int rc)
{
	drop_ephemeral(x);
	wipe_secret(x);
	x->state = KEX_FAILED;
	return rc;
}

/* crypto/ reports a bad peer value as -EBADMSG or -EPROTO; to the transport both are
 * the client's fault (KEY_EXCHANGE_FAILED).  Resource errors stay what they are. */
static int peer_error(int rc)
{
	return rc == -ENOMEM ? rc : -EBADMSG;
}

void kex_exchange_free(struct kex_exchange *x)
{
	if (x == NULL)
		return;
	drop_ephemeral(x);
	if (x->copies != NULL) {
		sodium_memzero(x->copies, x->copies_len);
		free(x->copies);
	}
	sodium_memzero(x, sizeof(*x));
	free(x);
}

static bool method_supported(const struct kex_method *m)
{
	switch (m->kind) {
	case KEX_KIND_ECDH:
		return m->x25519 || m->curve == EC_CURVE_NISTP256 ||
		       m->curve == EC_CURVE_NISTP384 || m->curve == EC_CURVE_NISTP521;
	case KEX_KIND_DH:
		return m->group == KEX_DH_GROUP14 || m->group == KEX_DH_GROUP16 ||
		       m->group == KEX_DH_GROUP18;
	case KEX_KIND_GEX:
		return true;
	}
	return false;
}

static struct mpl_bytes copy_in(uint8_t **pos, const void *src, size_t len)
{
	struct mpl_bytes v = { *pos, len };

	if (len > 0)
		memcpy(*pos, src, len);
	*pos += len;
	return v;
}

int kex_exchange_new(struct kex_exchange **out, const struct kex_exchange_params *p)
{
	struct kex_exchange *x;
	const struct kex_negotiated *neg;
	uint8_t *pos;

	if (out == NULL)
		return -EINVAL;
	*out = NULL;
	if (p == NULL || (neg = p->neg) == NULL || neg->kex == NULL || p->sign == NULL ||
	    p->v_c == NULL || p->v_s == NULL || p->i_c == NULL || p->i_s == NULL ||
	    p->hostkey_blob == NULL || p->hostkey_blob_len == 0 ||
	    (p->session_id == NULL && p->session_id_len > 0))
		return -EINVAL;
	if (p->v_c_len > KEX_VERSION_MAX || p->v_s_len > KEX_VERSION_MAX ||
	    p->i_c_len > KEX_KEXINIT_MAX || p->i_s_len > KEX_KEXINIT_MAX ||
	    p->hostkey_blob_len > KEYBLOB_MAX || p->session_id_len > KEX_HASH_MAX)
		return -EINVAL;
	if (sig_alg_name(neg->hostkey_alg) == NULL || neg->c2s.cipher == NULL ||
	    neg->s2c.cipher == NULL)
		return -EINVAL;
	if (!method_supported(neg->kex))
		return -ENOTSUP;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return -ENOMEM;
	x->copies_len = p->v_c_len + p->v_s_len + p->i_c_len + p->i_s_len +
			p->hostkey_blob_len + p->session_id_len;
	if ((x->copies = malloc(x->copies_len)) == NULL) {
		free(x);
		return -ENOMEM;
	}
	pos = x->copies;
	x->v_c = copy_in(&pos, p->v_c, p->v_c_len);
	x->v_s = copy_in(&pos, p->v_s, p->v_s_len);
	x->i_c = copy_in(&pos, p->i_c, p->i_c_len);
	x->i_s = copy_in(&pos, p->i_s, p->i_s_len);
	x->k_s = copy_in(&pos, p->hostkey_blob, p->hostkey_blob_len);
	x->session_id = copy_in(&pos, p->session_id, p->session_id_len);

	x->method = neg->kex;
	x->hostkey_alg = neg->hostkey_alg;
	x->c2s = (struct kex_derive_algs){ neg->c2s.cipher, neg->c2s.mac };
	x->s2c = (struct kex_derive_algs){ neg->s2c.cipher, neg->s2c.mac };
	x->sign = p->sign;
	x->sign_arg = p->sign_arg;
	x->moduli = p->moduli;
	x->state = x->method->kind == KEX_KIND_GEX ? KEX_WAIT_GEX_REQUEST : KEX_WAIT_INIT;
	*out = x;
	return 0;
}

enum ssh_msg_kind kex_exchange_expects(const struct kex_exchange *x)
{
	if (x == NULL || x->state == KEX_DONE || x->state == KEX_FAILED)
		return ssh_msg_Transport_NewKeys;
	switch (x->method->kind) {
	case KEX_KIND_ECDH:
		return ssh_msg_Transport_KexEcdhInit;
	case KEX_KIND_DH:
		return ssh_msg_Transport_KexDhInit;
	case KEX_KIND_GEX:
		return x->state == KEX_WAIT_GEX_REQUEST ? ssh_msg_Transport_KexGexRequest
							: ssh_msg_Transport_KexGexInit;
	}
	return ssh_msg_Transport_NewKeys;
}

/* H = HASH(hash input), the input packed by the generated codec `pack` from `fields`
 * into a buffer of `len` bytes (which holds K: wiped before it is freed). */
static int hash_packed(struct kex_exchange *x, size_t len,
		       int (*pack)(struct mpl_writer *, const void *), const void *fields)
{
	struct mpl_writer w;
	uint8_t *buf;
	size_t used;
	int rc;

	if ((buf = malloc(len)) == NULL)
		return -ENOMEM;
	mpl_writer_init(&w, buf, len, 0, 0);
	rc = pack(&w, fields);
	if (rc == 0)
		rc = mpl_writer_finish(&w, &used);
	if (rc == 0)
		rc = hash_oneshot(x->method->hash, buf, used, x->h, sizeof(x->h));
	sodium_memzero(buf, len);
	free(buf);
	if (rc < 0)
		return rc;
	x->h_len = (size_t)rc;
	return 0;
}

static int pack_ecdh(struct mpl_writer *w, const void *m)
{
	return kex_hash_ecdh_pack(w, m, NULL);
}

static int pack_dh(struct mpl_writer *w, const void *m)
{
	return kex_hash_dh_pack(w, m, NULL);
}

static int pack_gex(struct mpl_writer *w, const void *m)
{
	return kex_hash_gex_pack(w, m, NULL);
}

/* The transcript fields every method starts with, and their packed size. */
static size_t common_len(const struct kex_exchange *x)
{
	return 5 * 4 + x->v_c.len + x->v_s.len + x->i_c.len + x->i_s.len + x->k_s.len;
}

/* Asks for the host key's signature of H. */
static int sign_hash(struct kex_exchange *x)
{
	int n = x->sign(x->sign_arg, x->k_s.ptr, x->k_s.len, sig_alg_name(x->hostkey_alg), x->h,
			x->h_len, x->sig, sizeof(x->sig));

	if (n < 0)
		return n;
	if (n == 0 || (size_t)n > sizeof(x->sig))
		return -EINVAL;
	x->sig_len = (size_t)n;
	return 0;
}

/* curve25519-sha256 and ecdh-sha2-*: Q_C in, Q_S and the signature out. */
static int handle_ecdh(struct kex_exchange *x, const struct ssh_msg_Transport_KexEcdhInit *in,
		       struct ssh_msg *reply)
{
	uint8_t shared[KEX_ECDH_SHARED_MAX];
	struct kex_hash_ecdh hin;
	int n, rc;

	if (in->q_c.ptr == NULL && in->q_c.len > 0)
		return -EINVAL;
	if (x->method->x25519) {
		if ((rc = kex_x25519_new(&x->x25519)) < 0)
			return rc;
		if ((n = kex_x25519_public(x->x25519, x->q_s, sizeof(x->q_s))) < 0)
			return n;
		x->q_s_len = (size_t)n;
		/* RFC 8731 §3.1: the 32 bytes of X25519's output are read as a big-endian
		 * number and enter the hash as an mpint; crypto/ hands the magnitude. */
		n = in->q_c.len == 0 ? -EBADMSG
				     : kex_x25519_shared(x->x25519, in->q_c.ptr, in->q_c.len,
							 shared, sizeof(shared));
	} else {
		if ((rc = kex_ecdh_new(&x->ecdh, x->method->curve)) < 0)
			return rc;
		if ((n = kex_ecdh_public(x->ecdh, x->q_s, sizeof(x->q_s))) < 0)
			return n;
		x->q_s_len = (size_t)n;
		n = in->q_c.len == 0 ? -EBADMSG
				     : kex_ecdh_shared(x->ecdh, in->q_c.ptr, in->q_c.len, shared,
						       sizeof(shared));
	}
	drop_ephemeral(x);
	if (n < 0) {
		sodium_memzero(shared, sizeof(shared));
		return peer_error(n);
	}
	rc = mpint_set(&x->k, shared, (size_t)n);
	sodium_memzero(shared, sizeof(shared));
	if (rc < 0)
		return rc;

	kex_hash_ecdh_init(&hin);
	hin.v_c = x->v_c;
	hin.v_s = x->v_s;
	hin.i_c = x->i_c;
	hin.i_s = x->i_s;
	hin.k_s = x->k_s;
	hin.q_c = in->q_c;
	hin.q_s = (struct mpl_bytes){ x->q_s, x->q_s_len };
	hin.k = mpint_view(&x->k);
	rc = hash_packed(x, common_len(x) + 4 + in->q_c.len + 4 + x->q_s_len + x->k.len,
			 pack_ecdh, &hin);
	sodium_memzero(&hin, sizeof(hin));
	if (rc < 0 || (rc = sign_hash(x)) < 0)
		return rc;

	ssh_msg_init(reply, ssh_msg_Transport_KexEcdhReply);
	reply->u.Transport_KexEcdhReply.k_s = x->k_s;
	reply->u.Transport_KexEcdhReply.q_s = (struct mpl_bytes){ x->q_s, x->q_s_len };
	reply->u.Transport_KexEcdhReply.signature = (struct mpl_bytes){ x->sig, x->sig_len };
	return 1;
}

/* Bits set in a magnitude. */
static unsigned bits_set(struct mpl_bytes v)
{
	unsigned n = 0;

	for (size_t i = 0; i < v.len; i++)
		for (uint8_t b = v.ptr[i]; b != 0; b &= (uint8_t)(b - 1))
			n++;
	return n;
}

/* The finite-field half shared by fixed groups and group exchange: e in (checked),
 * f and K computed; the ephemeral key is freed. */
static int dh_compute(struct kex_exchange *x, struct mpl_bytes e)
{
	uint8_t pub[KEX_DH_MAX_BYTES];
	uint8_t *shared;
	int n, rc;

	/* A codec-made view is canonical already; a hand-made one may not be (a negative
	 * or padded e is malformed, whatever its value). */
	if (e.len == 0 || e.ptr == NULL || mpl_mpint_canonical(e.ptr, e.len, false) < 0)
		return -EBADMSG;
	/* As OpenSSH's dh_pub_is_valid, beyond RFC 4253's 1 < e < p-1: an e with fewer
	 * than four bits set is refused.  With g = 2 its logarithm, the client's exponent,
	 * is plain to see, and K with it: no honest client sends one. */
	if (bits_set(e) < 4)
		return -EBADMSG;
	if ((n = kex_dh_public(x->dh, pub, sizeof(pub))) < 0)
		return n;
	if ((rc = mpint_set(&x->f, pub, (size_t)n)) < 0)
		return rc;
	if ((shared = sodium_malloc(KEX_DH_MAX_BYTES)) == NULL)
		return -ENOMEM;
	n = kex_dh_shared(x->dh, e.ptr, e.len, shared, KEX_DH_MAX_BYTES);
	drop_ephemeral(x);
	if (n < 0) {
		sodium_free(shared);
		return peer_error(n);
	}
	rc = mpint_set(&x->k, shared, (size_t)n);
	sodium_free(shared);	/* wipes it */
	return rc;
}

static int handle_dh(struct kex_exchange *x, const struct ssh_msg_Transport_KexDhInit *in,
		     struct ssh_msg *reply)
{
	struct kex_hash_dh hin;
	int rc;

	if ((rc = kex_dh_new_group(&x->dh, x->method->group)) < 0)
		return rc;
	if ((rc = dh_compute(x, in->e)) < 0)
		return rc;

	kex_hash_dh_init(&hin);
	hin.v_c = x->v_c;
	hin.v_s = x->v_s;
	hin.i_c = x->i_c;
	hin.i_s = x->i_s;
	hin.k_s = x->k_s;
	hin.e = in->e;
	hin.f = mpint_view(&x->f);
	hin.k = mpint_view(&x->k);
	rc = hash_packed(x, common_len(x) + 4 + in->e.len + x->f.len + x->k.len, pack_dh, &hin);
	sodium_memzero(&hin, sizeof(hin));
	if (rc < 0 || (rc = sign_hash(x)) < 0)
		return rc;

	ssh_msg_init(reply, ssh_msg_Transport_KexDhReply);
	reply->u.Transport_KexDhReply.k_s = x->k_s;
	reply->u.Transport_KexDhReply.f = mpint_view(&x->f);
	reply->u.Transport_KexDhReply.signature = (struct mpl_bytes){ x->sig, x->sig_len };
	return 1;
}

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* OpenSSH's dh_new_group_fallback: the fixed group by the (clamped) largest size the
 * client takes. */
static enum kex_dh_group fallback_group(uint32_t max)
{
	if (max < 3072)
		return KEX_DH_GROUP14;
	if (max < 6144)
		return KEX_DH_GROUP16;
	return KEX_DH_GROUP18;
}

/* RFC 4419 §3: the client's sizes in, a group out.  The sizes are judged as OpenSSH
 * does: as sent they must be ordered (min <= n <= max) and max reach 2048 bits; the
 * choice is then made within 2048..8192. */
static int handle_gex_request(struct kex_exchange *x,
			      const struct ssh_msg_Transport_KexGexRequest *in,
			      struct ssh_msg *reply)
{
	const uint8_t *gp = NULL, *gg = NULL;
	size_t gp_len = 0, gg_len = 0;
	uint8_t buf[KEX_DH_MAX_BYTES];
	uint32_t min, n, max;
	int rc, len;

	if (in->max < in->min || in->n < in->min || in->max < in->n ||
	    in->max < KEX_GEX_MIN_BITS)
		return -EBADMSG;
	x->gex_min = in->min;
	x->gex_n = in->n;
	x->gex_max = in->max;
	min = in->min < KEX_GEX_MIN_BITS ? KEX_GEX_MIN_BITS : in->min;
	max = in->max > KEX_GEX_MAX_BITS ? KEX_GEX_MAX_BITS : in->max;
	n = clamp_u32(in->n, KEX_GEX_MIN_BITS, KEX_GEX_MAX_BITS);

	rc = x->moduli == NULL ? -ENOENT
			       : kex_moduli_choose(x->moduli, min, n, max, &gp, &gp_len, &gg,
						   &gg_len);
	if (rc == 0)
		rc = kex_dh_new_generic(&x->dh, gp, gp_len, gg, gg_len);
	else if (rc == -ENOENT)
		rc = kex_dh_new_group(&x->dh, fallback_group(max));
	if (rc < 0)
		return rc;

	if ((len = kex_dh_prime(x->dh, buf, sizeof(buf))) < 0 ||
	    (rc = mpint_set(&x->p, buf, (size_t)len)) < 0)
		return len < 0 ? len : rc;
	if ((len = kex_dh_generator(x->dh, buf, sizeof(buf))) < 0 ||
	    (rc = mpint_set(&x->g, buf, (size_t)len)) < 0)
		return len < 0 ? len : rc;

	ssh_msg_init(reply, ssh_msg_Transport_KexGexGroup);
	reply->u.Transport_KexGexGroup.p = mpint_view(&x->p);
	reply->u.Transport_KexGexGroup.g = mpint_view(&x->g);
	x->state = KEX_WAIT_INIT;
	return 0;
}

static int handle_gex_init(struct kex_exchange *x, const struct ssh_msg_Transport_KexGexInit *in,
			   struct ssh_msg *reply)
{
	struct kex_hash_gex hin;
	int rc;

	if ((rc = dh_compute(x, in->e)) < 0)
		return rc;

	kex_hash_gex_init(&hin);
	hin.v_c = x->v_c;
	hin.v_s = x->v_s;
	hin.i_c = x->i_c;
	hin.i_s = x->i_s;
	hin.k_s = x->k_s;
	hin.min = x->gex_min;
	hin.n = x->gex_n;
	hin.max = x->gex_max;
	hin.p = mpint_view(&x->p);
	hin.g = mpint_view(&x->g);
	hin.e = in->e;
	hin.f = mpint_view(&x->f);
	hin.k = mpint_view(&x->k);
	rc = hash_packed(x, common_len(x) + 3 * 4 + x->p.len + x->g.len + 4 + in->e.len +
				    x->f.len + x->k.len,
			 pack_gex, &hin);
	sodium_memzero(&hin, sizeof(hin));
	if (rc < 0 || (rc = sign_hash(x)) < 0)
		return rc;

	ssh_msg_init(reply, ssh_msg_Transport_KexGexReply);
	reply->u.Transport_KexGexReply.k_s = x->k_s;
	reply->u.Transport_KexGexReply.f = mpint_view(&x->f);
	reply->u.Transport_KexGexReply.signature = (struct mpl_bytes){ x->sig, x->sig_len };
	return 1;
}

int kex_exchange_handle(struct kex_exchange *x, const struct ssh_msg *in, struct ssh_msg *reply)
{
	int rc;

	if (x == NULL || in == NULL || reply == NULL)
		return -EINVAL;
	if (x->state == KEX_FAILED)
		return -EINVAL;
	/* after completion nothing more is expected: any message is out of order */
	if (x->state == KEX_DONE || in->kind != kex_exchange_expects(x))
		return -EPROTO;
	switch (in->kind) {
	case ssh_msg_Transport_KexEcdhInit:
		rc = handle_ecdh(x, &in->u.Transport_KexEcdhInit, reply);
		break;
	case ssh_msg_Transport_KexDhInit:
		rc = handle_dh(x, &in->u.Transport_KexDhInit, reply);
		break;
	case ssh_msg_Transport_KexGexRequest:
		rc = handle_gex_request(x, &in->u.Transport_KexGexRequest, reply);
		break;
	case ssh_msg_Transport_KexGexInit:
		rc = handle_gex_init(x, &in->u.Transport_KexGexInit, reply);
		break;
	default:
		rc = -EPROTO;
		break;
	}
	if (rc < 0)
		return fail(x, rc);
	if (rc == 1)
		x->state = KEX_DONE;
	return rc;
}

int kex_exchange_hash(const struct kex_exchange *x, const uint8_t **h, size_t *h_len)
{
	if (x == NULL || h == NULL || h_len == NULL || x->state != KEX_DONE)
		return -EINVAL;
	*h = x->h;
	*h_len = x->h_len;
	return 0;
}

int kex_exchange_keys(struct kex_exchange *x, struct kex_keys *out)
{
	const uint8_t *sid;
	size_t sid_len;
	int rc;

	if (x == NULL || out == NULL || x->state != KEX_DONE || x->keys_taken)
		return -EINVAL;
	/* the first exchange's H is the session id for the life of the connection */
	sid = x->session_id.len > 0 ? x->session_id.ptr : x->h;
	sid_len = x->session_id.len > 0 ? x->session_id.len : x->h_len;
	rc = kex_derive_keys(x->method->hash, x->k.enc, x->k.len, x->h, x->h_len, sid, sid_len,
			     &x->c2s, &x->s2c, out);
	x->keys_taken = true;
	wipe_secret(x);
	return rc;
}
