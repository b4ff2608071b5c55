/* Constant-time comparison and secret wiping: the two operations on secrets that an
 * optimising compiler must not be allowed to shortcut or drop. */
#ifndef MSSHD_CRYPTO_CT_H
#define MSSHD_CRYPTO_CT_H

#include <stdbool.h>
#include <stddef.h>

/* True when the len bytes at a and b are equal; the time taken depends only on len. */
bool ct_equal(const void *a, const void *b, size_t len);

/* Overwrites len bytes at p with zeros in a way the compiler cannot elide. */
void ct_wipe(void *p, size_t len);

#endif
