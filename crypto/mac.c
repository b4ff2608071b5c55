/* SSH packet MACs (see mac.h). */
#include "crypto/mac.h"

#include <string.h>

#include "crypto/ct.h"

/* Preference order: encrypt-then-MAC first (it authenticates before decrypting),
 * then the stronger hash. */
static const struct mac_alg mac_algs[] = {
    { "hmac-sha2-256-etm@openssh.com", HMAC_SHA256, 32, 32, true },
    { "hmac-sha2-512-etm@openssh.com", HMAC_SHA512, 64, 64, true },
    { "hmac-sha2-256",                 HMAC_SHA256, 32, 32, false },
    { "hmac-sha2-512",                 HMAC_SHA512, 64, 64, false },
};

const struct mac_alg *mac_alg_lookup(const char *name, size_t len)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof(mac_algs) / sizeof(mac_algs[0]); i++)
        if (strlen(mac_algs[i].name) == len && memcmp(mac_algs[i].name, name, len) == 0)
            return &mac_algs[i];
    return NULL;
}

const struct mac_alg *mac_alg_at(size_t i)
{
    return i < sizeof(mac_algs) / sizeof(mac_algs[0]) ? &mac_algs[i] : NULL;
}

void mac_packet(const struct hmac_ctx *keyed, uint32_t seqnr,
                const uint8_t *data, size_t len, uint8_t *tag)
{
    struct hmac_ctx ctx = *keyed;
    uint8_t seq[4] = { (uint8_t)(seqnr >> 24), (uint8_t)(seqnr >> 16),
                       (uint8_t)(seqnr >> 8), (uint8_t)seqnr };

    hmac_update(&ctx, seq, sizeof(seq));
    hmac_update(&ctx, data, len);
    /* the caller sized tag for this alg; hmac_final also wipes the copy */
    (void)hmac_final(&ctx, tag, hmac_len(ctx.alg));
}

bool mac_packet_verify(const struct hmac_ctx *keyed, uint32_t seqnr,
                       const uint8_t *data, size_t len, const uint8_t *tag)
{
    uint8_t want[HMAC_MAX_LEN];
    size_t n = hmac_len(keyed->alg);
    bool ok;

    mac_packet(keyed, seqnr, data, len, want);
    ok = ct_equal(want, tag, n);
    ct_wipe(want, sizeof(want));
    return ok;
}
