/* The Diffie-Hellman group-exchange moduli (RFC 4419, moduli(5)): read from ModuliFile
 * (default /etc/ssh/moduli) by the net child before it is confined, and a group chosen
 * per request as OpenSSH does (the sizes closest to the client's preferred one, one of
 * them at random).  The file is text from the administrator but is still parsed with
 * every field and length checked; bad lines are skipped with a count. */
#ifndef MSSHD_SSHD_KEX_MODULI_H
#define MSSHD_SSHD_KEX_MODULI_H

#include <stddef.h>
#include <stdint.h>

#define KEX_MODULI_MIN_BITS 2048	/* RFC 8270 */
#define KEX_MODULI_MAX_BITS 8192
#define KEX_MODULI_MAX_GROUPS 4096

struct kex_moduli;

/* Parses moduli(5) text.  Lines that are not safe primes of a supported size (type 2,
 * tests including Miller-Rabin, generator 2 or 5, size matching the modulus) are
 * skipped (*skipped counts them; may be NULL).  Returns 0, -ENOENT when no usable group
 * remains, -ENOMEM, -E2BIG (too many groups). */
int kex_moduli_parse(const char *text, size_t len, struct kex_moduli **out, size_t *skipped);
/* Reads and parses a file.  Returns as kex_moduli_parse, or the open/read errno. */
int kex_moduli_load(const char *path, struct kex_moduli **out, size_t *skipped);
void kex_moduli_free(struct kex_moduli *m);

/* Picks a group for the client's (min, n, max) in bits.  *p and *g are big-endian
 * magnitudes (views into m).  Returns 0, -ENOENT when no group fits min..max. */
int kex_moduli_choose(const struct kex_moduli *m, uint32_t min, uint32_t n, uint32_t max,
		      const uint8_t **p, size_t *p_len, const uint8_t **g, size_t *g_len);

#endif
