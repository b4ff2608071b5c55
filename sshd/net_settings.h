/* The net child's side of Match: the settings it enforces (MaxAuthTries, RekeyLimit,
 * LogLevel, AcceptEnv, ClientAliveInterval and ClientAliveCountMax) come with the
 * monitor's answer to the user lookup, as the monitor's Match pass left them for this connection (OpenSSH's unprivileged child
 * takes the options from the passwd answer likewise), and replace the global values
 * at once: before the request that asked is counted against MaxAuthTries, before any
 * session's env request, for the data the current keys carry from then on. */
#ifndef MSSHD_NET_SETTINGS_H
#define MSSHD_NET_SETTINGS_H

#include "sshd/conn.h"
#include "sshd/mon_client.h"

/* Applies s (checked by mon_user) to c: c->cfg's max_authtries, rekey_limit,
 * rekey_interval, client_alive_interval, client_alive_count_max, accept_env (taken
 * over from s, which is left empty), the packet layer's re-key limits when the
 * transport is attached, and c->log's level.
 * Returns 0 or -EINVAL. */
int net_settings_apply(struct conn *c, struct mon_net_settings *s);

#endif
