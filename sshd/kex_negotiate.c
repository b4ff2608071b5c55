/* RFC 4253 §7.1 algorithm negotiation (see kex_negotiate.h). */
#include "sshd/kex_negotiate.h"

#include <errno.h>
#include <string.h>

static const struct kex_method kex_methods[] = {
    { "curve25519-sha256", KEX_KIND_ECDH, HASH_SHA256, true, 0, 0 },
    { "curve25519-sha256@libssh.org", KEX_KIND_ECDH, HASH_SHA256, true, 0, 0 },
    { "ecdh-sha2-nistp256", KEX_KIND_ECDH, HASH_SHA256, false, EC_CURVE_NISTP256, 0 },
    { "ecdh-sha2-nistp384", KEX_KIND_ECDH, HASH_SHA384, false, EC_CURVE_NISTP384, 0 },
    { "ecdh-sha2-nistp521", KEX_KIND_ECDH, HASH_SHA512, false, EC_CURVE_NISTP521, 0 },
    { "diffie-hellman-group-exchange-sha256", KEX_KIND_GEX, HASH_SHA256, false, 0, 0 },
    { "diffie-hellman-group16-sha512", KEX_KIND_DH, HASH_SHA512, false, 0, KEX_DH_GROUP16 },
    { "diffie-hellman-group18-sha512", KEX_KIND_DH, HASH_SHA512, false, 0, KEX_DH_GROUP18 },
    { "diffie-hellman-group14-sha256", KEX_KIND_DH, HASH_SHA256, false, 0, KEX_DH_GROUP14 },
};
#define N_KEX_METHODS (sizeof(kex_methods) / sizeof(kex_methods[0]))

/* Host key algorithms we sign with (ssh-rsa, SHA-1, is not among them, as in
 * OpenSSH 9.x's defaults). */
static const enum sig_alg hostkey_algs[] = {
    SIG_ALG_ED25519, SIG_ALG_ECDSA_NISTP256, SIG_ALG_ECDSA_NISTP384,
    SIG_ALG_ECDSA_NISTP521, SIG_ALG_RSA_SHA2_512, SIG_ALG_RSA_SHA2_256,
};
#define N_HOSTKEY_ALGS (sizeof(hostkey_algs) / sizeof(hostkey_algs[0]))

static const char *const pseudo_algs[] = {
    KEX_EXT_INFO_C, KEX_EXT_INFO_S, KEX_STRICT_C, KEX_STRICT_S,
};

static const char *const list_what[KEX_LIST_COUNT] = {
    "key exchange method", "host key type", "cipher", "cipher", "MAC", "MAC",
    "compression method", "compression method", "language", "language",
};

const char *kex_list_what(enum kex_list_id id)
{
    return (unsigned)id < KEX_LIST_COUNT ? list_what[id] : "algorithm";
}

static bool name_is(struct mpl_bytes name, const char *s)
{
    return mpl_bytes_eq_str(name, s);
}

const struct kex_method *kex_method_lookup(const char *name, size_t len)
{
    struct mpl_bytes n = { (const uint8_t *)name, len };

    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < N_KEX_METHODS; i++)
        if (name_is(n, kex_methods[i].name))
            return &kex_methods[i];
    return NULL;
}

static bool is_pseudo(struct mpl_bytes name)
{
    for (size_t i = 0; i < sizeof(pseudo_algs) / sizeof(pseudo_algs[0]); i++)
        if (name_is(name, pseudo_algs[i]))
            return true;
    return false;
}

/* Whether a valid name-list holds name exactly. */
static bool list_has(struct mpl_bytes list, struct mpl_bytes name)
{
    struct mpl_bytes n;
    size_t pos = 0;

    while (mpl_namelist_next(list, &pos, &n) == 1)
        if (mpl_bytes_eq(n, name))
            return true;
    return false;
}

/* ------------------------------------------------------------ our proposal --- */

static bool hostkey_usable(const struct kex_server_config *cfg, struct mpl_bytes name)
{
    int alg = sig_alg_from_name((const char *)name.ptr, name.len);

    if (alg < 0)
        return false;
    for (size_t i = 0; i < N_HOSTKEY_ALGS; i++) {
        if ((int)hostkey_algs[i] != alg)
            continue;
        for (size_t k = 0; k < cfg->n_hostkeys; k++)
            if (cfg->hostkeys[k] != NULL &&
                pubkey_sig_alg_matches(cfg->hostkeys[k], (enum sig_alg)alg) == 1)
                return true;
    }
    return false;
}

static bool supported(const struct kex_server_config *cfg, enum kex_list_id id,
                      struct mpl_bytes name)
{
    const char *s = (const char *)name.ptr;
    const struct cipher_alg *c;

    switch (id) {
    case KEX_LIST_KEX:
        return kex_method_lookup(s, name.len) != NULL;
    case KEX_LIST_HOSTKEY:
        return hostkey_usable(cfg, name);
    case KEX_LIST_CIPHER_C2S:
    case KEX_LIST_CIPHER_S2C:
        c = cipher_alg_lookup(s, name.len);
        return c != NULL && strcmp(c->name, "none") != 0;
    case KEX_LIST_MAC_C2S:
    case KEX_LIST_MAC_S2C:
        return mac_alg_lookup(s, name.len) != NULL;
    default:
        return false;
    }
}

/* Appends name (and a comma before it unless first) to text; false when full. */
static bool append(char *text, size_t *len, const char *name, size_t name_len)
{
    size_t need = name_len + (*len > 0 ? 1 : 0);

    if (*len + need >= KEX_LIST_TEXT_MAX)
        return false;
    if (*len > 0)
        text[(*len)++] = ',';
    memcpy(text + *len, name, name_len);
    *len += name_len;
    text[*len] = '\0';
    return true;
}

/* Copies into text the names of the comma-separated spec that we support, once each,
 * in spec's order. Returns the length, or -EINVAL for a name that cannot be one. */
static int filter_list(const struct kex_server_config *cfg, enum kex_list_id id,
                       const char *spec, char *text)
{
    size_t len = 0;
    const char *p = spec;

    text[0] = '\0';
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        struct mpl_bytes name = { (const uint8_t *)p, n };

        if (n > MPL_NAME_MAX_LEN)
            return -EINVAL;
        if (n > 0 && supported(cfg, id, name) &&
            !list_has((struct mpl_bytes){ (const uint8_t *)text, len }, name) &&
            !append(text, &len, p, n))
            return -EINVAL;
        p += n;
        if (*p == ',')
            p++;
    }
    return (int)len;
}

int kex_proposal_build(struct kex_proposal *out, const struct kex_server_config *cfg,
                       enum kex_list_id *failed)
{
    const char *spec[KEX_LIST_COUNT] = { 0 };
    size_t len;
    int r;

    if (out == NULL || cfg == NULL || failed == NULL ||
        (cfg->hostkeys == NULL && cfg->n_hostkeys > 0))
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    spec[KEX_LIST_KEX] = cfg->kex_algorithms != NULL ? cfg->kex_algorithms : KEX_DEFAULT_KEX;
    spec[KEX_LIST_HOSTKEY] = cfg->hostkey_algorithms != NULL ? cfg->hostkey_algorithms
                                                             : KEX_DEFAULT_HOSTKEY;
    spec[KEX_LIST_CIPHER_C2S] = spec[KEX_LIST_CIPHER_S2C] =
        cfg->ciphers != NULL ? cfg->ciphers : KEX_DEFAULT_CIPHERS;
    spec[KEX_LIST_MAC_C2S] = spec[KEX_LIST_MAC_S2C] =
        cfg->macs != NULL ? cfg->macs : KEX_DEFAULT_MACS;
    for (int id = KEX_LIST_KEX; id <= KEX_LIST_MAC_S2C; id++) {
        r = filter_list(cfg, (enum kex_list_id)id, spec[id], out->text[id]);
        if (r == 0)
            r = -ENOTSUP;
        if (r < 0) {
            *failed = (enum kex_list_id)id;
            return r;
        }
    }
    /* OpenSSH's sshd offers delayed compression unless Compression is "no" */
    for (int id = KEX_LIST_COMP_C2S; id <= KEX_LIST_COMP_S2C; id++)
        strcpy(out->text[id], cfg->compression ? "none,zlib@openssh.com" : "none");
    len = strlen(out->text[KEX_LIST_KEX]);
    if ((cfg->ext_info_s &&
         !append(out->text[KEX_LIST_KEX], &len, KEX_EXT_INFO_S, strlen(KEX_EXT_INFO_S))) ||
        !append(out->text[KEX_LIST_KEX], &len, KEX_STRICT_S, strlen(KEX_STRICT_S))) {
        *failed = KEX_LIST_KEX;
        return -EINVAL;
    }
    for (int id = 0; id < KEX_LIST_COUNT; id++) {
        out->lists.list[id].ptr = (const uint8_t *)out->text[id];
        out->lists.list[id].len = strlen(out->text[id]);
    }
    return 0;
}

/* -------------------------------------------------------------- negotiation --- */

/* The first name of the client's list that is on ours and not a pseudo-algorithm. */
static bool first_match(struct mpl_bytes client, struct mpl_bytes server,
                        struct mpl_bytes *out)
{
    struct mpl_bytes n;
    size_t pos = 0;

    while (mpl_namelist_next(client, &pos, &n) == 1) {
        if (!is_pseudo(n) && list_has(server, n)) {
            *out = n;
            return true;
        }
    }
    return false;
}

static struct mpl_bytes first_name(struct mpl_bytes list)
{
    struct mpl_bytes n = { NULL, 0 };
    size_t pos = 0;

    mpl_namelist_next(list, &pos, &n);
    return n;
}

static int choose_dir(const struct kex_lists *c, const struct kex_lists *s,
                      enum kex_list_id cipher_id, enum kex_list_id mac_id,
                      enum kex_list_id comp_id, struct kex_dir_choice *d,
                      enum kex_list_id *failed)
{
    struct mpl_bytes n;

    if (!first_match(c->list[cipher_id], s->list[cipher_id], &n) ||
        (d->cipher = cipher_alg_lookup((const char *)n.ptr, n.len)) == NULL) {
        *failed = cipher_id;
        return -ENOTSUP;
    }
    d->mac = NULL;
    if (!d->cipher->aead) {
        if (!first_match(c->list[mac_id], s->list[mac_id], &n) ||
            (d->mac = mac_alg_lookup((const char *)n.ptr, n.len)) == NULL) {
            *failed = mac_id;
            return -ENOTSUP;
        }
    }
    if (!first_match(c->list[comp_id], s->list[comp_id], &n)) {
        *failed = comp_id;
        return -ENOTSUP;
    }
    if (name_is(n, "none")) {
        d->comp = KEX_COMP_NONE;
    } else if (name_is(n, "zlib@openssh.com")) {
        d->comp = KEX_COMP_ZLIB_DELAYED;
    } else {
        *failed = comp_id;
        return -ENOTSUP;
    }
    return 0;
}

int kex_negotiate(const struct kex_lists *client, bool first_kex_packet_follows,
                  const struct kex_lists *server, bool initial, struct kex_negotiated *out)
{
    struct mpl_bytes kex_name, hk_name, n;
    int r, alg;

    if (client == NULL || server == NULL || out == NULL)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    for (int id = 0; id < KEX_LIST_COUNT; id++) {
        if ((client->list[id].ptr == NULL && client->list[id].len > 0) ||
            mpl_namelist_valid(client->list[id].ptr, client->list[id].len) < 0)
            return -EBADMSG;
        if ((server->list[id].ptr == NULL && server->list[id].len > 0) ||
            mpl_namelist_valid(server->list[id].ptr, server->list[id].len) < 0)
            return -EINVAL;
    }
    if (initial) {
        out->ext_info_c = mpl_namelist_contains(client->list[KEX_LIST_KEX], KEX_EXT_INFO_C);
        out->strict_kex = mpl_namelist_contains(client->list[KEX_LIST_KEX], KEX_STRICT_C);
    }
    /* Every method we implement signs the exchange hash with the host key, and every
     * host key algorithm we offer can sign: a method qualifies (RFC 4253 §7.1) exactly
     * when the two sides share a host key algorithm, so a missing one is named. */
    if (!first_match(client->list[KEX_LIST_HOSTKEY], server->list[KEX_LIST_HOSTKEY],
                     &hk_name) ||
        (alg = sig_alg_from_name((const char *)hk_name.ptr, hk_name.len)) < 0) {
        out->failed = KEX_LIST_HOSTKEY;
        return -ENOTSUP;
    }
    if (!first_match(client->list[KEX_LIST_KEX], server->list[KEX_LIST_KEX], &kex_name) ||
        (out->kex = kex_method_lookup((const char *)kex_name.ptr, kex_name.len)) == NULL) {
        out->failed = KEX_LIST_KEX;
        return -ENOTSUP;
    }
    out->hostkey_alg = (enum sig_alg)alg;
    if ((r = choose_dir(client, server, KEX_LIST_CIPHER_C2S, KEX_LIST_MAC_C2S,
                        KEX_LIST_COMP_C2S, &out->c2s, &out->failed)) < 0 ||
        (r = choose_dir(client, server, KEX_LIST_CIPHER_S2C, KEX_LIST_MAC_S2C,
                        KEX_LIST_COMP_S2C, &out->s2c, &out->failed)) < 0)
        return r;
    /* RFC 4253 §7: the guess is wrong when the preferred (first) kex or host key
     * algorithms of the two sides differ, whatever was negotiated. */
    if (first_kex_packet_follows) {
        n = first_name(client->list[KEX_LIST_KEX]);
        out->ignore_guessed_packet =
            !mpl_bytes_eq(n, first_name(server->list[KEX_LIST_KEX])) ||
            !mpl_bytes_eq(first_name(client->list[KEX_LIST_HOSTKEY]),
                          first_name(server->list[KEX_LIST_HOSTKEY]));
    }
    return 0;
}

/* ------------------------------------------------------- generated codec glue --- */

void kex_lists_from_kexinit(const struct ssh_msg_Transport_KexInit *m, struct kex_lists *out)
{
    out->list[KEX_LIST_KEX] = m->kex_algorithms;
    out->list[KEX_LIST_HOSTKEY] = m->server_host_key_algorithms;
    out->list[KEX_LIST_CIPHER_C2S] = m->encryption_algorithms_client_to_server;
    out->list[KEX_LIST_CIPHER_S2C] = m->encryption_algorithms_server_to_client;
    out->list[KEX_LIST_MAC_C2S] = m->mac_algorithms_client_to_server;
    out->list[KEX_LIST_MAC_S2C] = m->mac_algorithms_server_to_client;
    out->list[KEX_LIST_COMP_C2S] = m->compression_algorithms_client_to_server;
    out->list[KEX_LIST_COMP_S2C] = m->compression_algorithms_server_to_client;
    out->list[KEX_LIST_LANG_C2S] = m->languages_client_to_server;
    out->list[KEX_LIST_LANG_S2C] = m->languages_server_to_client;
}

void kex_proposal_kexinit(const struct kex_proposal *p, const uint8_t cookie[16],
                          struct ssh_msg_Transport_KexInit *out)
{
    const struct mpl_bytes *l = p->lists.list;

    memset(out, 0, sizeof(*out));
    out->cookie.ptr = cookie;
    out->cookie.len = 16;
    out->kex_algorithms = l[KEX_LIST_KEX];
    out->server_host_key_algorithms = l[KEX_LIST_HOSTKEY];
    out->encryption_algorithms_client_to_server = l[KEX_LIST_CIPHER_C2S];
    out->encryption_algorithms_server_to_client = l[KEX_LIST_CIPHER_S2C];
    out->mac_algorithms_client_to_server = l[KEX_LIST_MAC_C2S];
    out->mac_algorithms_server_to_client = l[KEX_LIST_MAC_S2C];
    out->compression_algorithms_client_to_server = l[KEX_LIST_COMP_C2S];
    out->compression_algorithms_server_to_client = l[KEX_LIST_COMP_S2C];
    out->languages_client_to_server = l[KEX_LIST_LANG_C2S];
    out->languages_server_to_client = l[KEX_LIST_LANG_S2C];
    /* we never guess a first kex packet; reserved stays 0 */
}
