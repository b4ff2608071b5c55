/* monitor.mpl messages as SEQPACKET records with descriptors.  See mon_wire.h. */
#include "sshd/mon_wire.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sshd/fdpass.h"

_Static_assert(MON_WIRE_RECORD_MAX <= FDPASS_RECORD_MAX, "a record must fit fdpass's bound");
_Static_assert(MON_WIRE_MAX_FDS <= FDPASS_RECORD_FDS_MAX, "fdpass must carry our fds");

void mon_wire_close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int mon_wire_send(int sock, const struct monitor_msg *m, const int *fds, size_t nfds,
		  uint8_t *scratch, size_t scratch_cap, int timeout_ms, struct mpl_error *err)
{
	struct mpl_error local;
	struct mpl_writer w;
	size_t body_len = 0;
	uint8_t frame_buf[MON_WIRE_FRAME_LEN];

	if (err == NULL)
		err = &local;
	memset(err, 0, sizeof(*err));
	if (sock < 0 || m == NULL || scratch == NULL || nfds > MON_WIRE_MAX_FDS ||
	    (nfds > 0 && fds == NULL))
		return -EINVAL;
	if (scratch_cap > MON_WIRE_BODY_MAX)
		scratch_cap = MON_WIRE_BODY_MAX;

	mpl_writer_init(&w, scratch, scratch_cap, 0, 0);
	int r = monitor_msg_pack(&w, m, err);
	if (r == 0)
		r = mpl_writer_finish(&w, &body_len);
	if (r < 0)
		return r;

	struct monitor_frame frame;
	monitor_frame_init(&frame);
	frame.body_len = (uint32_t)body_len;
	frame.fd_count = (uint8_t)nfds;
	mpl_writer_init(&w, frame_buf, sizeof(frame_buf), 0, 0);
	size_t frame_len = 0;
	r = monitor_frame_pack(&w, &frame, err);
	if (r == 0)
		r = mpl_writer_finish(&w, &frame_len);
	if (r < 0)
		return r;
	if (frame_len != MON_WIRE_FRAME_LEN)
		return -EINVAL;

	const void *parts[2] = { frame_buf, scratch };
	const size_t lens[2] = { frame_len, body_len };
	return fdpass_send_record(sock, parts, lens, 2, fds, nfds, timeout_ms);
}

int mon_wire_decode(const uint8_t *rec, size_t len, size_t nfds, struct monitor_msg *m,
		    struct mpl_error *err)
{
	struct mpl_error local;
	struct monitor_frame frame;

	if (err == NULL)
		err = &local;
	memset(err, 0, sizeof(*err));
	if (m == NULL || (rec == NULL && len > 0))
		return -EINVAL;
	if (len < MON_WIRE_FRAME_LEN) {
		err->code = -EBADMSG;
		err->field = "monitor_frame";
		err->offset = len;
		return -EBADMSG;
	}
	/* every way a peer's bytes can be wrong is "malformed" to the caller */
	if (monitor_frame_unpack(rec, MON_WIRE_FRAME_LEN, &frame, err) < 0)
		return -EBADMSG;
	if ((size_t)frame.body_len != len - MON_WIRE_FRAME_LEN) {
		err->code = -EBADMSG;
		err->field = "monitor_frame.body_len";
		err->offset = 0;
		return -EBADMSG;
	}
	if ((size_t)frame.fd_count != nfds) {
		err->code = -EPROTO;
		err->field = "monitor_frame.fd_count";
		err->offset = 4;
		return -EPROTO;
	}
	if (monitor_msg_unpack(rec + MON_WIRE_FRAME_LEN, frame.body_len, m, err) < 0)
		return -EBADMSG;
	return 0;
}

int mon_wire_recv(int sock, uint8_t *buf, size_t cap, struct monitor_msg *m, int *fds,
		  size_t max_fds, size_t *nfds, int timeout_ms, struct mpl_error *err)
{
	if (nfds != NULL)
		*nfds = 0;
	if (sock < 0 || buf == NULL || cap == 0 || m == NULL || nfds == NULL ||
	    max_fds > MON_WIRE_MAX_FDS || (max_fds > 0 && fds == NULL))
		return -EINVAL;
	if (cap > MON_WIRE_RECORD_MAX)
		cap = MON_WIRE_RECORD_MAX;

	int fd_tmp[MON_WIRE_MAX_FDS];
	size_t got = 0;
	int n = fdpass_recv_record(sock, buf, cap, fd_tmp, max_fds, &got, timeout_ms);
	if (n < 0)
		return n;
	int r = mon_wire_decode(buf, (size_t)n, got, m, err);
	if (r < 0) {
		mon_wire_close_fds(fd_tmp, got);
		return r;
	}
	for (size_t i = 0; i < got; i++)
		fds[i] = fd_tmp[i];
	*nfds = got;
	return 0;
}
