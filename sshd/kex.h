/* One server-side key exchange (RFC 4253 §8, RFC 5656 §4, RFC 8731, RFC 4419): from the
 * client's first method message to our reply, with the exchange hash, the host-key
 * signature (asked of the monitor through a callback: the net child holds no private
 * key) and the keys of both directions.
 *
 * The caller (the transport, sshd/transport.c) owns the order of messages (the SPL
 * automaton enforces it too) and KEXINIT/NEWKEYS; this module only computes.  Every
 * secret (our ephemeral key, the shared secret, derived keys) is wiped by
 * kex_exchange_free.  The client's public value is checked before use (X25519 low-order
 * points, EC points off the curve, DH e outside 1 < e < p-1). */
#ifndef MSSHD_SSHD_KEX_H
#define MSSHD_SSHD_KEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/hash.h"
#include "crypto/sig.h"
#include "sshd/kex_derive.h"
#include "sshd/kex_moduli.h"
#include "sshd/kex_negotiate.h"
#include "ssh.h"	/* generated from sshd/proto/ssh.mpl */

/* Largest exchange hash (SHA-512) and signature blob (RSA 16384 bits, with names). */
#define KEX_HASH_MAX 64
#define KEX_SIG_MAX 2100

/* Signs the exchange hash h with the host key named by key_blob and algorithm alg,
 * writing the signature blob into sig; returns its length or a negative errno.  In the
 * daemon this is mon_sign (mon_client.h). */
typedef int (*kex_sign_fn)(void *arg, const uint8_t *key_blob, size_t key_len,
			   const char *alg, const uint8_t *h, size_t h_len, uint8_t *sig,
			   size_t sig_cap);

struct kex_exchange_params {
	const struct kex_negotiated *neg;	/* the method and host-key algorithm */
	const char *v_c; size_t v_c_len;	/* identification lines, without CR LF */
	const char *v_s; size_t v_s_len;
	const uint8_t *i_c; size_t i_c_len;	/* the client's KEXINIT payload */
	const uint8_t *i_s; size_t i_s_len;	/* ours */
	const uint8_t *hostkey_blob;		/* K_S: our host key for neg->hostkey_alg */
	size_t hostkey_blob_len;
	const uint8_t *session_id;		/* NULL in the first exchange of the connection */
	size_t session_id_len;
	const struct kex_moduli *moduli;	/* for group exchange; NULL (or no group of
						   the sizes asked): the fixed group 14, 16
						   or 18 by the largest size, as OpenSSH */
	kex_sign_fn sign;
	void *sign_arg;
};

struct kex_exchange;

/* Starts an exchange; everything in p is copied (the caller may reuse its buffers).
 * Returns 0, -ENOMEM, -EINVAL, -ENOTSUP (a method this module does not implement). */
int kex_exchange_new(struct kex_exchange **out, const struct kex_exchange_params *p);
/* Wipes and releases; NULL is fine. */
void kex_exchange_free(struct kex_exchange *x);

/* The message kind the exchange waits for next: ssh_msg_Transport_KexEcdhInit,
 * _KexDhInit, _KexGexRequest or _KexGexInit; once it is complete or has failed,
 * ssh_msg_Transport_NewKeys (which kex_exchange_handle does not take). */
enum ssh_msg_kind kex_exchange_expects(const struct kex_exchange *x);

/* Handles the client's message `in` (of the kind expected) and fills *reply with the
 * message to send (KEX_ECDH_REPLY, KEXDH_REPLY, KEX_DH_GEX_GROUP or KEX_DH_GEX_REPLY;
 * views into x, valid until the next call or kex_exchange_free).
 * Returns 1 when the exchange is complete once *reply is sent (the hash and keys are
 * ready), 0 when another client message is expected (after GEX_GROUP), -EBADMSG for a
 * bad client value (the caller disconnects with KEY_EXCHANGE_FAILED; also a GEX
 * request whose sizes are not min <= n <= max or whose max is under 2048 bits),
 * -EPROTO for a message of the wrong kind (the exchange is unchanged), or the sign
 * callback's error.  After any other error the exchange is over: -EINVAL from then. */
int kex_exchange_handle(struct kex_exchange *x, const struct ssh_msg *in, struct ssh_msg *reply);

/* After completion: the exchange hash H (the session id when p->session_id was NULL).
 * -EINVAL before. */
int kex_exchange_hash(const struct kex_exchange *x, const uint8_t **h, size_t *h_len);

/* After completion: the keys of both directions (RFC 4253 §7.2) for the negotiated
 * ciphers and MACs, with the session id given (or H).  The shared secret is wiped
 * afterwards; a second call is -EINVAL.  Returns 0, -EINVAL, -ENOMEM. */
int kex_exchange_keys(struct kex_exchange *x, struct kex_keys *out);

#endif
