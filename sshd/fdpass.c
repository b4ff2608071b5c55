/* Framed bytes plus at most one fd, or records with a few fds, over a SOCK_SEQPACKET
 * socketpair.  See fdpass.h. */
#include "sshd/fdpass.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Room for more descriptors than we ever accept, so that a peer sending a few too many
 * is seen (and they are closed) rather than silently cut by the kernel. */
#define FDPASS_FDS_SEEN (FDPASS_RECORD_FDS_MAX + 4)

/* The unix datagram code refuses a message larger than the send buffer minus a little
 * overhead; leave generous room. */
#define FDPASS_SNDBUF (2 * (FDPASS_PAYLOAD_MAX + FDPASS_HEADER_LEN) + 4096)

static int set_sndbuf(int s)
{
	int want = FDPASS_SNDBUF, have = 0;
	socklen_t sl = sizeof(have);

	/* SO_SNDBUFFORCE passes net.core.wmem_max when we are root; otherwise the kernel
	 * doubles what we ask, up to twice wmem_max. */
	if (setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)) < 0) {
		int half = want / 2;
		if (setsockopt(s, SOL_SOCKET, SO_SNDBUF, &half, sizeof(half)) < 0)
			return -errno;
	}
	if (getsockopt(s, SOL_SOCKET, SO_SNDBUF, &have, &sl) < 0)
		return -errno;
	if (have < FDPASS_PAYLOAD_MAX + FDPASS_HEADER_LEN + 1024)
		return -ENOBUFS;
	return 0;
}

int fdpass_socketpair(int sv[2])
{
	if (sv == NULL)
		return -EINVAL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	int r = set_sndbuf(sv[0]);
	if (r == 0)
		r = set_sndbuf(sv[1]);
	if (r < 0) {
		close(sv[0]);
		close(sv[1]);
		sv[0] = sv[1] = -1;
	}
	return r;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `events` on sock until `deadline` (ms, CLOCK_MONOTONIC; < 0: none).
 * Returns 0 when ready (or on error/hangup: the next call reports it), -ETIMEDOUT. */
static int wait_for(int sock, short events, int64_t deadline)
{
	for (;;) {
		int wait = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				return -ETIMEDOUT;
			wait = left > INT32_MAX ? INT32_MAX : (int)left;
		}
		struct pollfd pfd = { .fd = sock, .events = events };
		int n = poll(&pfd, 1, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > 0)
			return 0;
	}
}

static int64_t deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/* Sends one SEQPACKET message made of iov[0..niov) with the descriptors fds[0..nfds). */
static int send_msg(int sock, struct iovec *iov, size_t niov, size_t total, const int *fds,
		    size_t nfds, int timeout_ms)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(FDPASS_RECORD_FDS_MAX * sizeof(int))];
	} ctl;
	struct msghdr msg;

	if (nfds > FDPASS_RECORD_FDS_MAX)
		return -EINVAL;
	for (size_t i = 0; i < nfds; i++)
		if (fds[i] < 0)
			return -EINVAL;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = niov;
	if (nfds > 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}

	int64_t deadline = deadline_of(timeout_ms);
	for (;;) {
		ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0) {
			/* a SEQPACKET message goes whole or not at all */
			return (size_t)n == total ? 0 : -EIO;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
			int r = wait_for(sock, POLLOUT, deadline);
			if (r < 0)
				return r;
			continue;
		}
		if (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN)
			return -EPIPE;
		return -errno;
	}
}

int fdpass_send(int sock, const void *buf, size_t len, int fd, int timeout_ms)
{
	uint8_t hdr[FDPASS_HEADER_LEN];
	struct iovec iov[2];

	if (sock < 0 || (buf == NULL && len > 0))
		return -EINVAL;
	if (len > FDPASS_PAYLOAD_MAX)
		return -EMSGSIZE;
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)buf;
	iov[1].iov_len = len;
	return send_msg(sock, iov, 2, sizeof(hdr) + len, &fd, fd >= 0 ? 1 : 0, timeout_ms);
}

#define FDPASS_MAX_PARTS 8

int fdpass_send_record(int sock, const void *const *parts, const size_t *lens, size_t n_parts,
		       const int *fds, size_t nfds, int timeout_ms)
{
	struct iovec iov[FDPASS_MAX_PARTS];
	size_t total = 0;

	if (sock < 0 || n_parts == 0 || n_parts > FDPASS_MAX_PARTS || parts == NULL ||
	    lens == NULL || (nfds > 0 && fds == NULL))
		return -EINVAL;
	for (size_t i = 0; i < n_parts; i++) {
		if (parts[i] == NULL && lens[i] > 0)
			return -EINVAL;
		if (lens[i] > FDPASS_RECORD_MAX - total)
			return -EMSGSIZE;
		total += lens[i];
		iov[i].iov_base = (void *)(uintptr_t)parts[i];
		iov[i].iov_len = lens[i];
	}
	if (total == 0)		/* the receiver would take it for the peer's close */
		return -EINVAL;
	return send_msg(sock, iov, n_parts, total, fds, nfds, timeout_ms);
}

static void close_all(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

/* Receives one SEQPACKET message into iov[0..niov) and the descriptors that came with it
 * into fds (at most max_fds).  Returns the message length (> 0) or a negative errno; on
 * error no received descriptor is left open and *nfds is 0. */
static int recv_msg(int sock, struct iovec *iov, size_t niov, int *fds, size_t max_fds,
		    size_t *nfds, int timeout_ms)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(FDPASS_FDS_SEEN * sizeof(int))];
	} ctl;
	struct msghdr msg;
	int got[FDPASS_FDS_SEEN];
	size_t ngot = 0;
	bool bad_ctl = false;
	ssize_t n;

	*nfds = 0;
	int64_t deadline = deadline_of(timeout_ms);
	for (;;) {
		memset(&msg, 0, sizeof(msg));
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_iov = iov;
		msg.msg_iovlen = niov;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);

		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (timeout_ms == 0)
				return -EAGAIN;
			int r = wait_for(sock, POLLIN, deadline);
			if (r < 0)
				return r;
			continue;
		}
		if (errno == ECONNRESET || errno == ENOTCONN)
			return -EPIPE;
		return -errno;
	}

	/* Take every descriptor the kernel installed before judging the message, so that
	 * none leaks whatever the verdict. */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0)) {
			bad_ctl = true;
			continue;
		}
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (ngot < FDPASS_FDS_SEEN)
				got[ngot++] = fd;
			else
				close(fd);	/* cannot happen with our buffer size; be safe */
		}
	}

	if (n == 0) {			/* orderly shutdown (or an empty datagram: same end) */
		close_all(got, ngot);
		return -EPIPE;
	}
	if (msg.msg_flags & MSG_TRUNC) {
		close_all(got, ngot);
		return -EMSGSIZE;
	}
	if ((msg.msg_flags & MSG_CTRUNC) || bad_ctl || ngot > max_fds) {
		close_all(got, ngot);
		return -EPROTO;
	}
	if (n > INT32_MAX) {		/* cannot happen: the buffers are smaller */
		close_all(got, ngot);
		return -EMSGSIZE;
	}
	if (ngot > 0)
		memcpy(fds, got, ngot * sizeof(int));
	*nfds = ngot;
	return (int)n;
}

int fdpass_recv(int sock, void *buf, size_t cap, int *fd_out, int timeout_ms)
{
	uint8_t hdr[FDPASS_HEADER_LEN];
	struct iovec iov[2];
	int fd = -1;
	size_t nfds = 0;

	if (fd_out != NULL)
		*fd_out = -1;
	if (sock < 0 || (buf == NULL && cap > 0))
		return -EINVAL;
	if (cap > FDPASS_PAYLOAD_MAX)
		cap = FDPASS_PAYLOAD_MAX;
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = buf;
	iov[1].iov_len = cap;
	int n = recv_msg(sock, iov, 2, &fd, fd_out != NULL ? 1 : 0, &nfds, timeout_ms);
	if (n < 0)
		return n;
	if ((size_t)n < sizeof(hdr)) {
		close_all(&fd, nfds);
		return -EBADMSG;
	}
	size_t want = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
	if (want != (size_t)n - sizeof(hdr)) {
		close_all(&fd, nfds);
		return -EBADMSG;
	}
	if (nfds == 1)
		*fd_out = fd;
	return (int)want;
}

int fdpass_recv_record(int sock, void *buf, size_t cap, int *fds, size_t max_fds,
		       size_t *nfds, int timeout_ms)
{
	struct iovec iov;

	if (nfds != NULL)
		*nfds = 0;
	if (sock < 0 || buf == NULL || cap == 0 || nfds == NULL ||
	    (max_fds > 0 && fds == NULL) || max_fds > FDPASS_RECORD_FDS_MAX)
		return -EINVAL;
	if (cap > FDPASS_RECORD_MAX)
		cap = FDPASS_RECORD_MAX;
	iov.iov_base = buf;
	iov.iov_len = cap;
	return recv_msg(sock, &iov, 1, fds, max_fds, nfds, timeout_ms);
}
