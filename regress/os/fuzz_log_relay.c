/* libFuzzer target: the monitor's parser of the net child's log pipe (log_relay), the
 * one place here where the monitor reads bytes the untrusted child chose.  The input is
 * cut into reads of sizes taken from the input itself; the relayed lines go to a log
 * file on /dev/null at DEBUG3 so that every line is formatted and escaped. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/log.h"
#include "sshd/log_relay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct log_relay r;	/* large: keep it off the stack */
	struct log_ctx lg;

	if (log_init(&lg, "fuzz", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR, 0, -1) < 0 ||
	    log_open_file(&lg, "/dev/null") < 0)
		abort();
	memset(&r, 0, sizeof(r));
	r.fd = -1;

	size_t off = 0;
	while (off < size) {
		/* one byte of read size (1..256 x 64), then that many bytes of pipe data */
		size_t chunk = ((size_t)data[off++] + 1) * 64;
		if (chunk > size - off)
			chunk = size - off;
		log_relay_feed(&r, &lg, (const char *)data + off, chunk);
		if (r.used > sizeof(r.buf))
			abort();
		off += chunk;
	}
	if (!r.discarding && r.used > 0)
		log_relay_feed(&r, &lg, "\n", 1);
	if (r.used != 0 && !r.discarding)
		abort();	/* a newline always ends the line in progress */
	log_close(&lg);
	return 0;
}
