/* Wrappers over libsodium's sodium_memcmp/sodium_memzero (see ct.h for why). */
#include "crypto/ct.h"

#include <sodium.h>

bool ct_equal(const void *a, const void *b, size_t len)
{
    return sodium_memcmp(a, b, len) == 0;
}

void ct_wipe(void *p, size_t len)
{
    if (p != NULL && len > 0)
        sodium_memzero(p, len);
}
