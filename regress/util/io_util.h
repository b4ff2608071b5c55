/* Small I/O helpers shared by the test programs of regress/ (they link the .c directly:
 * some, like the interop raw client, link nothing of the daemon). */
#ifndef REGRESS_UTIL_IO_UTIL_H
#define REGRESS_UTIL_IO_UTIL_H

#include <stddef.h>

/* Writes all n bytes of buf to fd, retrying short writes and EINTR.  0, or a negative
 * errno (-EPIPE when the other end takes nothing). */
int io_write_all(int fd, const void *buf, size_t n);

#endif
