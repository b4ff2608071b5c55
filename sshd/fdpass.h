/* Frames of bytes, each with at most one file descriptor, over a SOCK_SEQPACKET unix
 * socketpair (the monitor <-> net child IPC channel).
 *
 * The layer is format-agnostic: a frame is a 4-byte big-endian payload length followed by
 * the payload (a monitor.mpl message, which this layer never looks into).  SEQPACKET keeps
 * frames whole, so a reader woken by poll never waits for the rest of a frame a hostile
 * peer chose not to send, and the fd travels with the frame it belongs to.  A received
 * frame whose length header disagrees with what arrived is malformed.
 *
 * Sockets are expected to be non-blocking; waiting is done with poll and a time bound. */
#ifndef MSSHD_FDPASS_H
#define MSSHD_FDPASS_H

#include <stddef.h>

/* Largest payload: an SSH packet (256 KiB, OpenSSH's PACKET_MAX_SIZE) plus room for the
 * IPC message around it. */
#define FDPASS_PAYLOAD_MAX (256 * 1024 + 4096)
#define FDPASS_HEADER_LEN 4

/* A SOCK_SEQPACKET socketpair, non-blocking and close-on-exec, with send buffers large
 * enough for a frame of FDPASS_PAYLOAD_MAX.  Returns 0 or a negative errno. */
int fdpass_socketpair(int sv[2]);

/* Sends `len` bytes (at most FDPASS_PAYLOAD_MAX) and, when `fd` >= 0, that descriptor
 * (it stays open in the caller).  Waits at most `timeout_ms` for room (< 0: no bound,
 * for callers whose loop is itself bounded).  Returns 0, -EINVAL, -EMSGSIZE, -EPIPE (peer
 * gone), -ETIMEDOUT, or another negative errno. */
int fdpass_send(int sock, const void *buf, size_t len, int fd, int timeout_ms);

/* Receives one frame into buf (capacity `cap`) and returns its payload length.
 * fd_out == NULL: the frame must carry no descriptor.  fd_out != NULL: *fd_out is set to
 * the received descriptor (close-on-exec) or -1; at most one is accepted.  Any descriptor
 * that arrives against these rules is closed and the call fails with -EPROTO.
 * timeout_ms: 0 returns -EAGAIN at once when no frame is waiting; > 0 waits at most that
 * long (-ETIMEDOUT); < 0 waits without bound.
 * Errors: -EPIPE peer closed, -EBADMSG malformed frame (short, length mismatch, cut
 * control data), -EMSGSIZE frame larger than cap or FDPASS_PAYLOAD_MAX, -EPROTO
 * descriptors against the rules; the frame is consumed in every case. */
int fdpass_recv(int sock, void *buf, size_t cap, int *fd_out, int timeout_ms);

/* Records: the same socket, but the caller's bytes are the whole SEQPACKET message (no
 * length header of this layer: the caller's format has its own) and up to
 * FDPASS_RECORD_FDS_MAX descriptors ride with it.  Used by mon_wire.h. */
#define FDPASS_RECORD_MAX (FDPASS_PAYLOAD_MAX + FDPASS_HEADER_LEN)
#define FDPASS_RECORD_FDS_MAX 4

/* Sends the n_parts buffers parts[i] (lengths lens[i]) as one record of at most
 * FDPASS_RECORD_MAX bytes, with the nfds descriptors fds (they stay open in the caller).
 * Waits for room as fdpass_send.  Returns 0, -EINVAL, -EMSGSIZE, -EPIPE, -ETIMEDOUT, or
 * another negative errno. */
int fdpass_send_record(int sock, const void *const *parts, const size_t *lens, size_t n_parts,
		       const int *fds, size_t nfds, int timeout_ms);

/* Receives one record into buf (capacity cap) and returns its length; fds (room for
 * max_fds) gets the descriptors that came with it (close-on-exec), *nfds their count.
 * More than max_fds descriptors, control data cut by the kernel (MSG_CTRUNC) or any
 * other control message: every received descriptor is closed and -EPROTO.  A record
 * larger than cap: -EMSGSIZE (descriptors closed).  An empty record: -EPIPE, as the
 * peer's close.  timeout_ms and the other errors as fdpass_recv; on any error *nfds is
 * 0 and no descriptor is left open. */
int fdpass_recv_record(int sock, void *buf, size_t cap, int *fds, size_t max_fds,
		       size_t *nfds, int timeout_ms);

#endif
