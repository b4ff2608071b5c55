/* The net child's side of user authentication (RFC 4252, DESIGN §1): the
 * SERVICE_REQUEST for "ssh-userauth", then USERAUTH_REQUESTs until one succeeds.  Every
 * decision is the monitor's (mon_client.h); this side only frames the questions, counts
 * tries (MaxAuthTries, A4), and keeps the user and service fixed (A5).
 *
 * Methods: "none" (answers the list), "publickey" without signature (PK_OK when the
 * monitor allows the key) and with one (the signed data rebuilt here with keys.mpl's
 * userauth_signed_data and the session id, and checked by the monitor), and
 * "publickey-hostbound-v00@openssh.com" the same way.  Others answer FAILURE with the
 * list.  Replies for an unknown user take the same shape as for a known one. */
#ifndef MSSHD_USERAUTH_H
#define MSSHD_USERAUTH_H

#include "sshd/conn.h"

struct userauth;

int userauth_new(struct userauth **out, struct conn *c);
void userauth_free(struct userauth *ua);

/* Transport_ServiceRequest and every Auth_* message (already accepted by SPL).  On
 * success sets c->authenticated and c->user, sends USERAUTH_SUCCESS and turns on delayed
 * compression.  Returns 0, or a negative errno after conn_disconnect (MaxAuthTries and
 * a change of user or service: PROTOCOL_ERROR, as OpenSSH; unknown service:
 * SERVICE_NOT_AVAILABLE). */
int userauth_handle(struct conn *c, const struct ssh_msg *m);

/* Called by the event loop; disconnects once LoginGraceTime has passed without
 * success.  Returns 0 or the negative errno of conn_disconnect.  *next_ms (may be NULL)
 * is lowered to the time left, for the loop's poll timeout. */
int userauth_tick(struct conn *c, int *next_ms);

#endif
