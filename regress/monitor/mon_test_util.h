/* Helpers shared by the regress/monitor tests. */
#ifndef MSSHD_MON_TEST_UTIL_H
#define MSSHD_MON_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Sends len raw bytes as one SEQPACKET record with nfds (at most 16) descriptors,
 * bypassing every check of fdpass/mon_wire (a hostile peer).  Returns 0 or -errno. */
int mon_test_raw_send(int s, const void *buf, size_t len, const int *fds, size_t nfds);

/* Builds a record: the 5-byte frame header (body_len, fd_count as given) and the body. */
size_t mon_test_record(uint8_t *out, size_t cap, uint32_t body_len, uint8_t fd_count,
		       const void *body, size_t len);

/* Number of open descriptors of this process. */
int mon_test_count_fds(void);

#endif
