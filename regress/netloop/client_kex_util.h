/* What the test clients of regress/netloop (test_transport.c in-process, e2e_hostile.c
 * over TCP) compute alike on the client's side of a curve25519-sha256 exchange. */
#ifndef MSSHD_REGRESS_NETLOOP_CLIENT_KEX_UTIL_H
#define MSSHD_REGRESS_NETLOOP_CLIENT_KEX_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

/* The exchange hash H (SHA-256) of in, whose k is set here from kenc, the shared secret
 * as kex_derive_encode_mpint encoded it (length field first).  Returns 0, or a negative
 * errno when packing or hashing failed. */
int ck_exchange_hash_sha256(struct kex_hash_ecdh *in, const uint8_t *kenc, size_t kenc_len,
			    uint8_t h[32]);

#endif
