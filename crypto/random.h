/* Random numbers for keys, nonces, cookies and padding, from libsodium's CSPRNG
 * (getrandom(2) on Linux, so it keeps working inside the chroot). */
#ifndef MSSHD_CRYPTO_RANDOM_H
#define MSSHD_CRYPTO_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Initialises libsodium; call once per process before any other crypto/ function.
 * Returns 0, or -EIO when the library cannot be initialised. Safe to call again. */
int random_init(void);

/* Fills buf with len cryptographically secure random bytes. */
void random_bytes(void *buf, size_t len);

/* A uniformly distributed value in [0, upper_bound), without modulo bias.
 * Returns 0 when upper_bound < 2. */
uint32_t random_uniform(uint32_t upper_bound);

#endif
