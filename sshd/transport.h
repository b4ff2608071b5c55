/* The SSH transport layer of the net child (RFC 4253 §7-§11, RFC 8308, OpenSSH's
 * PROTOCOL "strict kex" and "ping"), on top of the gates of conn.h:
 *
 *   - key exchange, initial and re-key from either side: our KEXINIT (the proposal
 *     built once per connection), negotiation from the client's KEXINIT, the method's
 *     messages computed by kex.h (signature by the monitor through a callback), NEWKEYS
 *     both ways with the keys handed to the packet layer; the session id is fixed by
 *     the first exchange (T6);
 *   - strict kex (T1, T2: the automata refuse anything in between; here the client's
 *     KEXINIT must be its packet 0 and sequence numbers restart at each NEWKEYS);
 *   - EXT_INFO after our first NEWKEYS when the client asked with ext-info-c;
 *   - re-key when the packet layer's limits (RekeyLimit's data, its time, the packet
 *     count) are reached, checked by transport_tick from the event loop;
 *   - the generic messages: IGNORE, DEBUG, UNIMPLEMENTED (logged), PING (answered with
 *     PONG), DISCONNECT from the client (logged as OpenSSH does; the connection ends
 *     with status 0).
 *
 * c->kex_active is true from the first KEXINIT of an exchange (ours or the client's)
 * until the client's NEWKEYS: upper layers send nothing then (T3). */
#ifndef MSSHD_TRANSPORT_H
#define MSSHD_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/pubkey.h"
#include "mpl/rt/mpl_rt.h"
#include "sshd/conn.h"
#include "sshd/kex.h"
#include "sshd/kex_moduli.h"
#include "sshd/kex_negotiate.h"

/* What the transport is built from; everything is copied by transport_new except the
 * objects pointed at by hostkeys and moduli, which must outlive the transport. */
struct transport_params {
	const struct kex_proposal *proposal;	/* our KEXINIT lists (kex_proposal_build) */
	const char *v_s;			/* our identification, without CR LF */
	size_t v_s_len;
	/* The host keys: public blobs (K_S) and the keys decoded from them, same order. */
	const struct mpl_bytes *hostkey_blobs;
	const struct pubkey *const *hostkeys;
	size_t n_hostkeys;
	const struct kex_moduli *moduli;	/* group exchange; NULL: refused */
	kex_sign_fn sign;			/* host key signatures (mon_sign in the daemon) */
	void *sign_arg;
};

/* Attaches a transport to c (c->tr) and sets the packet layer's re-key limits from
 * RekeyLimit (c->cfg; unset: 1 GiB and 1 hour, PROPERTIES T5).  Returns 0, -ENOMEM,
 * -EINVAL. */
int transport_new(struct conn *c, const struct transport_params *p);
/* Changes the re-key limits of the packet layer (bytes 0: 1 GiB, seconds 0: 1 hour):
 * RekeyLimit as a Match block set it, once the user is known.  They apply to the
 * current keys at once (what they already carried counts).  Returns 0, -EINVAL. */
int transport_set_rekey_limits(struct conn *c, uint64_t bytes, uint32_t seconds);
/* Wipes and releases c->tr (NULL is fine) and sets it to NULL. */
void transport_free(struct conn *c);

/* The client's identification line (V_C), without CR LF, once it is read. */
int transport_set_peer_version(struct conn *c, const char *v_c, size_t len);

/* Queues our first KEXINIT (T1: our first binary packet), right after our
 * identification line went out.  Returns 0 or a negative errno (fatal). */
int transport_start(struct conn *c);

/* Every Transport_* message but SERVICE_REQUEST, accepted by conn_recv; in is the
 * packet it came in (the KEXINIT payload is I_C of the exchange hash; the sequence
 * number of the client's first KEXINIT must be 0 with strict kex).  Returns 0; a
 * negative errno after conn_disconnect (the connection is closing); c->closing with
 * c->exit_status 0 after the client's DISCONNECT. */
int transport_handle(struct conn *c, const struct ssh_msg *m, const struct packet_in *in);

/* True once for the packet right after a KEXINIT whose guessed first kex packet was
 * wrong (RFC 4253 §7.1): the event loop drops that packet unread. */
bool transport_drop_guessed(struct conn *c);

/* Called by the event loop with c->now_ms current: starts a re-key when a limit of the
 * current keys is reached.  *next_ms (may be NULL) is lowered to the time left before
 * the time limit.  Returns 0 or a negative errno after conn_disconnect. */
int transport_tick(struct conn *c, int *next_ms);

/* Starts a re-key now (our KEXINIT), unless one runs or the initial exchange has not
 * ended (then 0 and nothing is done).  Returns 0 or a negative errno. */
int transport_rekey(struct conn *c);

/* The exchanges completed so far (the initial one counts), for tests and logs. */
unsigned transport_kex_count(const struct conn *c);

#endif
