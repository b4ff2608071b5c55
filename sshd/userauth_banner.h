/* SSH_MSG_USERAUTH_BANNER (RFC 4252 §5.4) from sshd_config's Banner: the net child asks
 * the monitor for the file's text (it opens no file itself) and sends it once, before
 * its answer to the first USERAUTH_REQUEST, as OpenSSH does.  auth.spl allows the
 * banner only before an answer, so never after SUCCESS (A4). */
#ifndef MSSHD_USERAUTH_BANNER_H
#define MSSHD_USERAUTH_BANNER_H

#include "sshd/conn.h"

/* Sends the banner when Banner names a file (not "none") and the monitor found text in
 * it; nothing otherwise.  Returns 0, or a negative errno after conn_disconnect (the
 * monitor failed, or the message could not be queued). */
int userauth_banner_send(struct conn *c);

#endif
