/* The client side of a key exchange, for the tests of sshd/kex.c: ephemeral keys from
 * crypto/, the exchange hash assembled here byte by byte (not through the codecs the
 * server uses) and digested with OpenSSL's EVP, the keys derived with OpenSSL's own
 * SSHKDF, the host-key signature checked with keyblob's verifier.  Test host keys are
 * generated once per program; the server's sign callback signs with them. */
#ifndef MSSHD_REGRESS_KEX_TEST_UTIL_H
#define MSSHD_REGRESS_KEX_TEST_UTIL_H

#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto/hostkey.h"
#include "crypto/kex_dh.h"
#include "crypto/kex_ecdh.h"
#include "crypto/kex_x25519.h"
#include "crypto/random.h"
#include "sshd/kex.h"
#include "sshd/keyblob.h"

/* ---- a growing byte buffer with SSH's encodings (RFC 4251 §5) ---- */

struct tbuf {
	uint8_t *p;
	size_t len, cap;
};

static inline void tb_put(struct tbuf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;

		while (ncap < b->len + len)
			ncap *= 2;
		b->p = realloc(b->p, ncap);
		assert_non_null(b->p);
		b->cap = ncap;
	}
	if (len > 0)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

static inline void tb_u32(struct tbuf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	tb_put(b, x, 4);
}

static inline void tb_string(struct tbuf *b, const void *data, size_t len)
{
	tb_u32(b, (uint32_t)len);
	tb_put(b, data, len);
}

/* An mpint from an unsigned big-endian magnitude (leading zeros dropped, a zero byte
 * added when the top bit is set). */
static inline void tb_mpint(struct tbuf *b, const uint8_t *mag, size_t len)
{
	while (len > 0 && mag[0] == 0) {
		mag++;
		len--;
	}
	if (len > 0 && (mag[0] & 0x80)) {
		tb_u32(b, (uint32_t)len + 1);
		tb_put(b, "", 1);
	} else {
		tb_u32(b, (uint32_t)len);
	}
	tb_put(b, mag, len);
}

static inline void tb_free(struct tbuf *b)
{
	if (b->p != NULL)
		OPENSSL_cleanse(b->p, b->cap);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* The mpint body (two's complement bytes as on the wire) of a magnitude, into out;
 * returns its length.  For building client messages by hand. */
static inline size_t mpint_body(const uint8_t *mag, size_t len, uint8_t *out, size_t cap)
{
	struct tbuf b = { 0 };
	size_t n;

	tb_mpint(&b, mag, len);
	n = b.len - 4;
	assert_true(n <= cap);
	memcpy(out, b.p + 4, n);
	tb_free(&b);
	return n;
}

/* A magnitude from an mpint body: the sign byte skipped. */
static inline struct mpl_bytes mpint_mag(struct mpl_bytes body)
{
	while (body.len > 0 && body.ptr[0] == 0) {
		body.ptr++;
		body.len--;
	}
	return body;
}

static inline const EVP_MD *evp_for(enum hash_alg h)
{
	return h == HASH_SHA256 ? EVP_sha256() : h == HASH_SHA384 ? EVP_sha384() : EVP_sha512();
}

static inline const char *evp_name_for(enum hash_alg h)
{
	return h == HASH_SHA256 ? "SHA256" : h == HASH_SHA384 ? "SHA384" : "SHA512";
}

static inline size_t evp_digest(enum hash_alg h, const struct tbuf *in, uint8_t *out)
{
	unsigned int n = 0;

	assert_int_equal(EVP_Digest(in->p, in->len, out, &n, evp_for(h), NULL), 1);
	return n;
}

/* OpenSSL's SSHKDF for one letter. */
static inline void sshkdf(enum hash_alg h, const uint8_t *k, size_t k_len, const uint8_t *xh,
			  size_t xh_len, const uint8_t *sid, size_t sid_len, char letter,
			  uint8_t *out, size_t out_len)
{
	EVP_KDF *kdf;
	EVP_KDF_CTX *ctx;
	char type[2] = { letter, '\0' };
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)evp_name_for(h), 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)k, k_len),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SSHKDF_XCGHASH, (void *)xh,
						  xh_len),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SSHKDF_SESSION_ID, (void *)sid,
						  sid_len),
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_SSHKDF_TYPE, type, 0),
		OSSL_PARAM_construct_end(),
	};

	if (out_len == 0)
		return;
	kdf = EVP_KDF_fetch(NULL, "SSHKDF", NULL);
	assert_non_null(kdf);
	ctx = EVP_KDF_CTX_new(kdf);
	assert_non_null(ctx);
	assert_int_equal(EVP_KDF_derive(ctx, out, out_len, params), 1);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
}

/* The server's keys must be what SSHKDF gives for K (encoded), H and the session id. */
static inline void check_dir_keys(enum hash_alg h, const struct tbuf *k, const uint8_t *xh,
				  size_t xh_len, const uint8_t *sid, size_t sid_len,
				  const struct kex_dir_keys *d, const char letters[3],
				  const struct kex_derive_algs *algs)
{
	uint8_t want[64];

	assert_ptr_equal(d->cipher, algs->cipher);
	assert_ptr_equal(d->mac, algs->mac);
	assert_int_equal(d->iv_len, algs->cipher->iv_len);
	assert_int_equal(d->key_len, algs->cipher->key_len);
	assert_int_equal(d->mac_key_len, algs->mac ? algs->mac->key_len : 0);
	sshkdf(h, k->p, k->len, xh, xh_len, sid, sid_len, letters[0], want, d->iv_len);
	assert_memory_equal(d->iv, want, d->iv_len);
	sshkdf(h, k->p, k->len, xh, xh_len, sid, sid_len, letters[1], want, d->key_len);
	assert_memory_equal(d->key, want, d->key_len);
	if (d->mac_key_len > 0) {
		sshkdf(h, k->p, k->len, xh, xh_len, sid, sid_len, letters[2], want,
		       d->mac_key_len);
		assert_memory_equal(d->mac_key, want, d->mac_key_len);
	}
}

/* ---- host keys and the sign callback ---- */

struct test_hostkey {
	const char *label;
	enum pubkey_type type;
	int bits;
	enum sig_alg alg;
	struct hostkey *key;
	uint8_t blob[KEYBLOB_MAX];
	size_t blob_len;
};

/* What the server's sign callback does and saw. */
struct signer {
	const struct test_hostkey *hk;
	int calls;
	int fail_with;		/* nonzero: return this instead of signing */
	uint8_t h[KEX_HASH_MAX];
	size_t h_len;
};

static inline int test_sign(void *arg, const uint8_t *key_blob, size_t key_len, const char *alg,
			    const uint8_t *h, size_t h_len, uint8_t *sig, size_t sig_cap)
{
	struct signer *s = arg;
	int a;

	s->calls++;
	if (s->fail_with != 0)
		return s->fail_with;
	assert_int_equal(key_len, s->hk->blob_len);
	assert_memory_equal(key_blob, s->hk->blob, key_len);
	a = sig_alg_from_name(alg, strlen(alg));
	assert_int_equal(a, (int)s->hk->alg);
	assert_true(h_len <= sizeof(s->h));
	memcpy(s->h, h, h_len);
	s->h_len = h_len;
	return sigblob_sign(s->hk->key, (enum sig_alg)a, h, h_len, sig, sig_cap);
}

static inline void hostkey_setup(struct test_hostkey *hk)
{
	int n;

	assert_int_equal(hostkey_generate(&hk->key, hk->type, hk->bits), 0);
	n = keyblob_encode(hostkey_pubkey(hk->key), hk->blob, sizeof(hk->blob));
	assert_true(n > 0);
	hk->blob_len = (size_t)n;
}

/* ---- one exchange's inputs ---- */

struct test_exchange {
	struct kex_negotiated neg;
	struct kex_exchange_params params;
	struct signer signer;
	uint8_t i_c[300], i_s[260];
	uint8_t session_id[KEX_HASH_MAX];
	size_t session_id_len;	/* 0: first exchange */
};

static const char test_v_c[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3";
static const char test_v_s[] = "SSH-2.0-msshd_0.1";

static inline void exchange_setup(struct test_exchange *t, const char *method,
				  const struct test_hostkey *hk, const struct kex_moduli *moduli)
{
	static const char c2s_cipher[] = "aes256-ctr", c2s_mac[] = "hmac-sha2-512";
	static const char s2c_cipher[] = "chacha20-poly1305@openssh.com";

	memset(t, 0, sizeof(*t));
	t->neg.kex = kex_method_lookup(method, strlen(method));
	assert_non_null(t->neg.kex);
	t->neg.hostkey_alg = hk->alg;
	t->neg.c2s.cipher = cipher_alg_lookup(c2s_cipher, strlen(c2s_cipher));
	t->neg.c2s.mac = mac_alg_lookup(c2s_mac, strlen(c2s_mac));
	t->neg.s2c.cipher = cipher_alg_lookup(s2c_cipher, strlen(s2c_cipher));
	assert_non_null(t->neg.c2s.cipher);
	assert_non_null(t->neg.c2s.mac);
	assert_non_null(t->neg.s2c.cipher);
	random_bytes(t->i_c, sizeof(t->i_c));
	random_bytes(t->i_s, sizeof(t->i_s));
	t->i_c[0] = t->i_s[0] = 20;	/* SSH_MSG_KEXINIT: the rest is opaque here */
	t->signer.hk = hk;
	t->params = (struct kex_exchange_params){
		.neg = &t->neg,
		.v_c = test_v_c, .v_c_len = strlen(test_v_c),
		.v_s = test_v_s, .v_s_len = strlen(test_v_s),
		.i_c = t->i_c, .i_c_len = sizeof(t->i_c),
		.i_s = t->i_s, .i_s_len = sizeof(t->i_s),
		.hostkey_blob = hk->blob, .hostkey_blob_len = hk->blob_len,
		.moduli = moduli,
		.sign = test_sign, .sign_arg = &t->signer,
	};
}

/* The start every exchange hash shares: V_C, V_S, I_C, I_S, K_S. */
static inline void hash_prefix(struct tbuf *b, const struct test_exchange *t)
{
	tb_string(b, test_v_c, strlen(test_v_c));
	tb_string(b, test_v_s, strlen(test_v_s));
	tb_string(b, t->i_c, sizeof(t->i_c));
	tb_string(b, t->i_s, sizeof(t->i_s));
	tb_string(b, t->signer.hk->blob, t->signer.hk->blob_len);
}

/* The reply must survive the wire: packed by the codec and read back equal. */
static inline void check_reply_wire(const struct ssh_msg *reply, unsigned kex_method)
{
	struct ssh_msg_state st = { .kex_method = kex_method };
	struct ssh_msg back;
	struct mpl_writer w;
	uint8_t *buf = malloc(64 * 1024);
	size_t len;

	assert_non_null(buf);
	mpl_writer_init(&w, buf, 64 * 1024, 0, 0);
	assert_int_equal(ssh_msg_pack(&w, reply, NULL), 0);
	assert_int_equal(mpl_writer_finish(&w, &len), 0);
	assert_int_equal(ssh_msg_unpack(buf, len, &st, &back, NULL), 0);
	assert_int_equal(back.kind, reply->kind);
	assert_true(ssh_msg_equal(&back, reply));
	free(buf);
}

/* After completion: H is ours, the signature verifies over it, the keys are SSHKDF's. */
static inline void check_completion(struct kex_exchange *x, struct test_exchange *t,
				    const struct tbuf *hash_in, const struct tbuf *k_enc,
				    struct mpl_bytes sig)
{
	enum hash_alg halg = t->neg.kex->hash;
	uint8_t want_h[64];
	size_t want_len = evp_digest(halg, hash_in, want_h);
	const uint8_t *h, *sid;
	size_t h_len, sid_len;
	struct pubkey *pub = NULL;
	struct kex_keys keys;
	struct kex_derive_algs c2s = { t->neg.c2s.cipher, t->neg.c2s.mac };
	struct kex_derive_algs s2c = { t->neg.s2c.cipher, NULL };

	assert_int_equal(kex_exchange_hash(x, &h, &h_len), 0);
	assert_int_equal(h_len, want_len);
	assert_memory_equal(h, want_h, h_len);
	assert_int_equal(t->signer.calls, 1);
	assert_int_equal(t->signer.h_len, h_len);
	assert_memory_equal(t->signer.h, want_h, h_len);

	assert_int_equal(keyblob_decode(t->signer.hk->blob, t->signer.hk->blob_len, &pub), 0);
	assert_int_equal(sigblob_verify(pub, t->signer.hk->alg, sig.ptr, sig.len, want_h, want_len,
					0),
			 0);
	/* and not over anything else */
	want_h[0] ^= 1;
	assert_int_equal(sigblob_verify(pub, t->signer.hk->alg, sig.ptr, sig.len, want_h, want_len,
					0),
			 -EACCES);
	want_h[0] ^= 1;
	pubkey_free(pub);

	sid = t->session_id_len > 0 ? t->session_id : want_h;
	sid_len = t->session_id_len > 0 ? t->session_id_len : want_len;
	assert_int_equal(kex_exchange_keys(x, &keys), 0);
	check_dir_keys(halg, k_enc, want_h, want_len, sid, sid_len, &keys.c2s, "ACE", &c2s);
	check_dir_keys(halg, k_enc, want_h, want_len, sid, sid_len, &keys.s2c, "BDF", &s2c);
	kex_keys_wipe(&keys);
	/* the secret is gone: a second derivation is refused */
	assert_int_equal(kex_exchange_keys(x, &keys), -EINVAL);
}

/* K as it enters the hash and the derivation: uint32 length and mpint. */
static inline void k_encode(struct tbuf *k, const uint8_t *mag, size_t len)
{
	tb_mpint(k, mag, len);
}

/* ---- the client's side of each method ---- */

/* curve25519 / ecdh-sha2-*: sends Q_C, checks the reply and everything derived. */
static inline void client_ecdh(struct test_exchange *t)
{
	const struct kex_method *m = t->neg.kex;
	struct kex_exchange *x = NULL;
	struct kex_x25519 *cx = NULL;
	struct kex_ecdh *ce = NULL;
	uint8_t q_c[KEX_ECDH_PUBLIC_MAX], shared[KEX_ECDH_SHARED_MAX];
	struct ssh_msg in, reply;
	struct ssh_msg_Transport_KexEcdhReply *r = &reply.u.Transport_KexEcdhReply;
	struct tbuf hin = { 0 }, k = { 0 };
	int q_len, s_len;

	if (m->x25519) {
		assert_int_equal(kex_x25519_new(&cx), 0);
		q_len = kex_x25519_public(cx, q_c, sizeof(q_c));
	} else {
		assert_int_equal(kex_ecdh_new(&ce, m->curve), 0);
		q_len = kex_ecdh_public(ce, q_c, sizeof(q_c));
	}
	assert_true(q_len > 0);
	assert_int_equal(kex_exchange_new(&x, &t->params), 0);
	assert_int_equal(kex_exchange_expects(x), ssh_msg_Transport_KexEcdhInit);
	ssh_msg_init(&in, ssh_msg_Transport_KexEcdhInit);
	in.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ q_c, (size_t)q_len };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), 1);
	assert_int_equal(reply.kind, ssh_msg_Transport_KexEcdhReply);
	assert_int_equal(kex_exchange_expects(x), ssh_msg_Transport_NewKeys);
	check_reply_wire(&reply, KEX_KIND_ECDH);
	assert_int_equal(r->k_s.len, t->signer.hk->blob_len);
	assert_memory_equal(r->k_s.ptr, t->signer.hk->blob, r->k_s.len);

	s_len = m->x25519 ? kex_x25519_shared(cx, r->q_s.ptr, r->q_s.len, shared, sizeof(shared))
			  : kex_ecdh_shared(ce, r->q_s.ptr, r->q_s.len, shared, sizeof(shared));
	assert_true(s_len > 0);
	k_encode(&k, shared, (size_t)s_len);
	hash_prefix(&hin, t);
	tb_string(&hin, q_c, (size_t)q_len);
	tb_string(&hin, r->q_s.ptr, r->q_s.len);
	tb_put(&hin, k.p, k.len);
	check_completion(x, t, &hin, &k, r->signature);

	tb_free(&hin);
	tb_free(&k);
	kex_x25519_free(cx);
	kex_ecdh_free(ce);
	kex_exchange_free(x);
}

/* diffie-hellman-groupN-*: sends e, checks the reply and everything derived. */
static inline void client_dh(struct test_exchange *t)
{
	struct kex_exchange *x = NULL;
	struct kex_dh *cd = NULL;
	static uint8_t e_mag[KEX_DH_MAX_BYTES], e_body[KEX_DH_MAX_BYTES + 1],
		shared[KEX_DH_MAX_BYTES];
	struct ssh_msg in, reply;
	struct ssh_msg_Transport_KexDhReply *r = &reply.u.Transport_KexDhReply;
	struct mpl_bytes f;
	struct tbuf hin = { 0 }, k = { 0 };
	int e_len, s_len;

	assert_int_equal(kex_dh_new_group(&cd, t->neg.kex->group), 0);
	e_len = kex_dh_public(cd, e_mag, sizeof(e_mag));
	assert_true(e_len > 0);
	assert_int_equal(kex_exchange_new(&x, &t->params), 0);
	assert_int_equal(kex_exchange_expects(x), ssh_msg_Transport_KexDhInit);
	ssh_msg_init(&in, ssh_msg_Transport_KexDhInit);
	in.u.Transport_KexDhInit.e = (struct mpl_bytes){
		e_body, mpint_body(e_mag, (size_t)e_len, e_body, sizeof(e_body)) };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), 1);
	assert_int_equal(reply.kind, ssh_msg_Transport_KexDhReply);
	check_reply_wire(&reply, KEX_KIND_DH);
	assert_memory_equal(r->k_s.ptr, t->signer.hk->blob, t->signer.hk->blob_len);

	f = mpint_mag(r->f);
	s_len = kex_dh_shared(cd, f.ptr, f.len, shared, sizeof(shared));
	assert_true(s_len > 0);
	k_encode(&k, shared, (size_t)s_len);
	hash_prefix(&hin, t);
	tb_mpint(&hin, e_mag, (size_t)e_len);
	tb_mpint(&hin, f.ptr, f.len);
	tb_put(&hin, k.p, k.len);
	check_completion(x, t, &hin, &k, r->signature);

	tb_free(&hin);
	tb_free(&k);
	kex_dh_free(cd);
	kex_exchange_free(x);
}

/* diffie-hellman-group-exchange-sha256: asks for (min, n, max), checks the group is
 * of the size want_bits (0: any in range), then as client_dh.  The server's modulus
 * is copied to p_out (for the caller's checks) when not NULL. */
static inline void client_gex(struct test_exchange *t, uint32_t min, uint32_t n, uint32_t max,
			      uint32_t want_bits, uint8_t *p_out, size_t *p_out_len)
{
	struct kex_exchange *x = NULL;
	struct kex_dh *cd = NULL;
	static uint8_t e_mag[KEX_DH_MAX_BYTES], e_body[KEX_DH_MAX_BYTES + 1],
		shared[KEX_DH_MAX_BYTES];
	struct ssh_msg in, reply;
	struct ssh_msg_Transport_KexGexGroup grp;
	struct ssh_msg_Transport_KexGexReply *r = &reply.u.Transport_KexGexReply;
	struct mpl_bytes f, p, g;
	struct tbuf hin = { 0 }, k = { 0 }, pg = { 0 };
	int e_len, s_len;
	uint32_t bits;

	assert_int_equal(kex_exchange_new(&x, &t->params), 0);
	assert_int_equal(kex_exchange_expects(x), ssh_msg_Transport_KexGexRequest);
	ssh_msg_init(&in, ssh_msg_Transport_KexGexRequest);
	in.u.Transport_KexGexRequest.min = min;
	in.u.Transport_KexGexRequest.n = n;
	in.u.Transport_KexGexRequest.max = max;
	assert_int_equal(kex_exchange_handle(x, &in, &reply), 0);
	assert_int_equal(reply.kind, ssh_msg_Transport_KexGexGroup);
	assert_int_equal(kex_exchange_expects(x), ssh_msg_Transport_KexGexInit);
	check_reply_wire(&reply, KEX_KIND_GEX);
	assert_int_equal(t->signer.calls, 0);
	grp = reply.u.Transport_KexGexGroup;
	p = mpint_mag(grp.p);
	g = mpint_mag(grp.g);
	/* keep p and g: the reply views are only good until the next call */
	tb_put(&pg, p.ptr, p.len);
	tb_put(&pg, g.ptr, g.len);
	p.ptr = pg.p;
	g.ptr = pg.p + p.len;
	bits = (uint32_t)(p.len * 8);
	for (uint8_t top = p.ptr[0]; !(top & 0x80); top <<= 1)
		bits--;
	if (want_bits != 0)
		assert_int_equal(bits, want_bits);
	if (p_out != NULL) {
		memcpy(p_out, p.ptr, p.len);
		*p_out_len = p.len;
	}

	assert_int_equal(kex_dh_new_generic(&cd, p.ptr, p.len, g.ptr, g.len), 0);
	e_len = kex_dh_public(cd, e_mag, sizeof(e_mag));
	assert_true(e_len > 0);
	ssh_msg_init(&in, ssh_msg_Transport_KexGexInit);
	in.u.Transport_KexGexInit.e = (struct mpl_bytes){
		e_body, mpint_body(e_mag, (size_t)e_len, e_body, sizeof(e_body)) };
	assert_int_equal(kex_exchange_handle(x, &in, &reply), 1);
	assert_int_equal(reply.kind, ssh_msg_Transport_KexGexReply);
	check_reply_wire(&reply, KEX_KIND_GEX);
	assert_memory_equal(r->k_s.ptr, t->signer.hk->blob, t->signer.hk->blob_len);

	f = mpint_mag(r->f);
	s_len = kex_dh_shared(cd, f.ptr, f.len, shared, sizeof(shared));
	assert_true(s_len > 0);
	k_encode(&k, shared, (size_t)s_len);
	hash_prefix(&hin, t);
	tb_u32(&hin, min);
	tb_u32(&hin, n);
	tb_u32(&hin, max);
	tb_mpint(&hin, p.ptr, p.len);
	tb_mpint(&hin, g.ptr, g.len);
	tb_mpint(&hin, e_mag, (size_t)e_len);
	tb_mpint(&hin, f.ptr, f.len);
	tb_put(&hin, k.p, k.len);
	check_completion(x, t, &hin, &k, r->signature);

	tb_free(&hin);
	tb_free(&k);
	tb_free(&pg);
	kex_dh_free(cd);
	kex_exchange_free(x);
}

#endif
