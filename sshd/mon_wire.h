/* One monitor.mpl message on the IPC socket (both ends: mon_client.c and monitor.c).
 *
 * A message is one SEQPACKET record (fdpass.h records): the monitor_frame header
 * (body_len, fd_count; generated codec) followed by the monitor_msg body (generated
 * codec), with fd_count descriptors attached by SCM_RIGHTS.  The record keeps the
 * header, body and descriptors together, so a reader never waits for a part a hostile
 * peer held back.
 *
 * Receiving checks everything before handing anything out: the record is exactly the
 * header plus body_len bytes, body_len within the codec's bounds, fd_count equal to the
 * descriptors that came and not above what the caller accepts, the body a well-formed
 * monitor_msg with no trailing bytes.  On any failure every received descriptor is
 * closed. */
#ifndef MSSHD_MON_WIRE_H
#define MSSHD_MON_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "mpl/rt/mpl_rt.h"
/* Angle brackets: "monitor.h" would find sshd/monitor.h (the monitor loop) beside this
 * file; this is the codec generated from sshd/proto/monitor.mpl, in $(B)/gen. */
#include <monitor.h>

#define MON_WIRE_FRAME_LEN 5	/* monitor_frame: uint32 body_len, byte fd_count */
#define MON_WIRE_BODY_MAX MONITOR_MONITOR_MAX_BODY
#define MON_WIRE_MAX_FDS MONITOR_MONITOR_MAX_FDS
#define MON_WIRE_RECORD_MAX (MON_WIRE_FRAME_LEN + MON_WIRE_BODY_MAX)

/* Packs m into scratch (room for MON_WIRE_BODY_MAX is always enough; less is fine for
 * small messages) and sends it with the nfds descriptors fds (at most MON_WIRE_MAX_FDS;
 * they stay open in the caller).  timeout_ms: as fdpass_send (< 0 waits for room without
 * bound).  Returns 0, or -EINVAL (bad arguments, a field the codec refuses), -ENOSPC
 * (does not fit scratch), -EMSGSIZE, -EPIPE (peer gone), -ETIMEDOUT, another errno. */
int mon_wire_send(int sock, const struct monitor_msg *m, const int *fds, size_t nfds,
		  uint8_t *scratch, size_t scratch_cap, int timeout_ms, struct mpl_error *err);

/* Checks a received record (len bytes) that came with nfds descriptors, and unpacks
 * its body into *m (views into rec).  Returns 0, -EBADMSG (header or body malformed,
 * length disagreeing; *err says where when err is not NULL), -EPROTO (fd_count is not
 * nfds).  No descriptor is touched: this is the pure part of mon_wire_recv (and what
 * the fuzz targets feed). */
int mon_wire_decode(const uint8_t *rec, size_t len, size_t nfds, struct monitor_msg *m,
		    struct mpl_error *err);

/* Receives one message into buf (capacity cap; MON_WIRE_RECORD_MAX holds any) and
 * unpacks it into *m (views into buf).  fds (room for max_fds, at most MON_WIRE_MAX_FDS)
 * gets the descriptors that came with it, *nfds their count; the caller owns them.
 * timeout_ms: 0 returns -EAGAIN at once when nothing waits; > 0 bounds the wait
 * (-ETIMEDOUT); < 0 waits without bound.
 * Errors: -EPIPE (peer closed), -EMSGSIZE (larger than cap), -EBADMSG (malformed),
 * -EPROTO (descriptors against the rules: more than max_fds, not fd_count, cut
 * control data); *nfds is then 0 and every received descriptor is closed.  The record
 * is consumed in every case. */
int mon_wire_recv(int sock, uint8_t *buf, size_t cap, struct monitor_msg *m, int *fds,
		  size_t max_fds, size_t *nfds, int timeout_ms, struct mpl_error *err);

/* Closes fds[0..n) (for a message whose descriptors the receiver does not want). */
void mon_wire_close_fds(int *fds, size_t n);

#endif
