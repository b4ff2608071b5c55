/* Thin wrapper over libsodium's randombytes: one place to change the source of
 * randomness, and no caller needs to include sodium.h for it. */
#include "crypto/random.h"

#include <errno.h>
#include <sodium.h>

int random_init(void)
{
    /* sodium_init() returns 1 when already initialised, which is fine. */
    return sodium_init() < 0 ? -EIO : 0;
}

void random_bytes(void *buf, size_t len)
{
    if (len > 0)
        randombytes_buf(buf, len);
}

uint32_t random_uniform(uint32_t upper_bound)
{
    return randombytes_uniform(upper_bound);
}
