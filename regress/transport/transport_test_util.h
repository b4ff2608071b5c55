/* Helpers shared by the transport tests: hex, and two packet layers wired back to
 * back (one's output is the other's input) with matching keys. */
#ifndef MSSHD_REGRESS_TRANSPORT_TEST_UTIL_H
#define MSSHD_REGRESS_TRANSPORT_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/cipher.h"
#include "sshd/packet.h"

/* Decodes hex into out; returns the byte count (aborts the test on bad input). */
size_t tu_unhex(const char *hex, uint8_t *out, size_t out_size);

/* A seal state and an open state with the same random keys for cipher x mac
 * (mac NULL for AEAD or bare none). */
void tu_state_pair(const char *cipher, const char *mac, struct cipher_state **seal,
                   struct cipher_state **open);

/* Stages matching keys on from's output and to's input and switches both to them
 * (NEWKEYS sent by from, received by to). zlib: zlib@openssh.com negotiated. */
void tu_newkeys(struct packet *from, struct packet *to, const char *cipher,
                const char *mac, bool zlib, uint64_t now);

/* Queues one packet with this payload on p; returns what packet_commit returned
 * (or packet_begin's error). */
int tu_send(struct packet *p, const uint8_t *payload, size_t len, uint32_t *seqnr);

/* Moves up to max bytes (0: everything) from from's send queue into to's receive
 * buffer, in runs of at most chunk bytes (0: as large as possible). Returns the
 * bytes moved. */
size_t tu_transfer(struct packet *from, struct packet *to, size_t chunk, size_t max);

/* Writes raw bytes into p's receive buffer (for hand-made hostile packets). */
void tu_inject(struct packet *p, const uint8_t *data, size_t len);

#endif
