/* RFC 4253 §7.1 algorithm negotiation, server side: our KEXINIT proposal built from
 * the configured lists, and the choice from the client's KEXINIT.
 *
 * Name-lists come as zero-copy views (struct mpl_bytes) into the received KEXINIT, as
 * the generated codec hands them out; nothing is copied or allocated. For each list
 * the choice is the first algorithm on the client's list that is also on ours.
 * The pseudo-algorithms ext-info-c/-s (RFC 8308) and kex-strict-c/s-v00@openssh.com
 * (OpenSSH's PROTOCOL, the Terrapin counter-measure) are recognised and never chosen.
 *
 * The configured lists are taken already resolved (sshd_config's "+alg", "-alg",
 * "^alg" and wildcards are resolved by the config module against OpenSSH's names);
 * names we do not implement are dropped from our proposal here. */
#ifndef MSSHD_SSHD_KEX_NEGOTIATE_H
#define MSSHD_SSHD_KEX_NEGOTIATE_H

#include <stdbool.h>
#include <stddef.h>

#include "crypto/cipher.h"
#include "crypto/ec_curve.h"
#include "crypto/hash.h"
#include "crypto/kex_dh.h"
#include "crypto/mac.h"
#include "crypto/pubkey.h"
#include "crypto/sig.h"
#include "mpl/rt/mpl_rt.h"
#include "ssh.h"      /* generated from sshd/proto/ssh.mpl */

/* The ten name-lists of KEXINIT, in their wire order. */
enum kex_list_id {
    KEX_LIST_KEX = 0,
    KEX_LIST_HOSTKEY,
    KEX_LIST_CIPHER_C2S,
    KEX_LIST_CIPHER_S2C,
    KEX_LIST_MAC_C2S,
    KEX_LIST_MAC_S2C,
    KEX_LIST_COMP_C2S,
    KEX_LIST_COMP_S2C,
    KEX_LIST_LANG_C2S,
    KEX_LIST_LANG_S2C,
    KEX_LIST_COUNT
};

struct kex_lists {
    struct mpl_bytes list[KEX_LIST_COUNT];
};

/* What is negotiated in a list, for "no matching ... found" (OpenSSH's wording). */
const char *kex_list_what(enum kex_list_id id);

/* The shapes of messages 30/31, as ssh.mpl's KEX_ECDH/KEX_DH/KEX_GEX constants. */
enum kex_kind {
    KEX_KIND_ECDH = 0,      /* curve25519 and ecdh-sha2-* (and later the hybrids) */
    KEX_KIND_DH = 1,        /* diffie-hellman-groupN-* */
    KEX_KIND_GEX = 2,       /* diffie-hellman-group-exchange-* */
};

struct kex_method {
    const char *name;
    enum kex_kind kind;
    enum hash_alg hash;
    bool x25519;            /* curve25519-sha256(@libssh.org) */
    enum ec_curve curve;    /* ecdh-sha2-nistp*: the curve; else 0 */
    enum kex_dh_group group;/* diffie-hellman-groupN-*: the group; else 0 */
};

/* The key exchange method named by the len bytes at name, or NULL. */
const struct kex_method *kex_method_lookup(const char *name, size_t len);

/* Our defaults, OpenSSH 9.x's order for what we implement. */
#define KEX_DEFAULT_KEX \
    "curve25519-sha256,curve25519-sha256@libssh.org," \
    "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521," \
    "diffie-hellman-group-exchange-sha256," \
    "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512," \
    "diffie-hellman-group14-sha256"
#define KEX_DEFAULT_HOSTKEY \
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
    "rsa-sha2-512,rsa-sha2-256"
#define KEX_DEFAULT_CIPHERS \
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr," \
    "aes128-gcm@openssh.com,aes256-gcm@openssh.com"
#define KEX_DEFAULT_MACS \
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
    "hmac-sha2-256,hmac-sha2-512"

#define KEX_EXT_INFO_C "ext-info-c"
#define KEX_EXT_INFO_S "ext-info-s"
#define KEX_STRICT_C "kex-strict-c-v00@openssh.com"
#define KEX_STRICT_S "kex-strict-s-v00@openssh.com"

struct kex_server_config {
    const char *kex_algorithms;     /* resolved KexAlgorithms; NULL: KEX_DEFAULT_KEX */
    const char *hostkey_algorithms; /* resolved HostKeyAlgorithms; NULL: default */
    const char *ciphers;            /* resolved Ciphers; NULL: default */
    const char *macs;               /* resolved MACs; NULL: default */
    bool compression;               /* Compression yes/delayed: offer zlib@openssh.com */
    const struct pubkey *const *hostkeys;   /* the host keys loaded */
    size_t n_hostkeys;
    bool ext_info_s;                /* we accept EXT_INFO from the client */
};

/* Longest list text: every name we support, the pseudo-algorithms, commas. */
#define KEX_LIST_TEXT_MAX 1024

/* Our KEXINIT proposal; built once per connection and sent in every KEXINIT, as
 * OpenSSH does (the strict-kex marker is only read in the initial exchange). */
struct kex_proposal {
    char text[KEX_LIST_COUNT][KEX_LIST_TEXT_MAX];
    struct kex_lists lists;         /* views of text[] */
};

/* Builds our proposal: each configured list filtered to what we implement (and the
 * host key algorithms to those a loaded key can sign with), in the configured order;
 * ext-info-s (when asked) and kex-strict-s-v00@openssh.com appended to the kex list.
 * Returns 0, -EINVAL, or -ENOTSUP when a list ends up empty (*failed names it). */
int kex_proposal_build(struct kex_proposal *out, const struct kex_server_config *cfg,
                       enum kex_list_id *failed);

enum kex_comp {
    KEX_COMP_NONE,
    KEX_COMP_ZLIB_DELAYED,  /* zlib@openssh.com: on after user authentication */
};

struct kex_dir_choice {
    const struct cipher_alg *cipher;
    const struct mac_alg *mac;      /* NULL with an AEAD cipher (the MAC list is not
                                       negotiated then, as in OpenSSH) */
    enum kex_comp comp;
};

struct kex_negotiated {
    const struct kex_method *kex;
    enum sig_alg hostkey_alg;
    struct kex_dir_choice c2s, s2c;
    bool ext_info_c;                /* initial exchange: the client takes EXT_INFO */
    bool strict_kex;                /* initial exchange: both sides do strict kex */
    bool ignore_guessed_packet;     /* the client's guessed first kex packet was wrong:
                                       drop the next packet (RFC 4253 §7) */
    enum kex_list_id failed;        /* which list had no match (on -ENOTSUP) */
};

/* Negotiates from the client's lists and ours. initial: this is the first key
 * exchange of the connection (ext-info-c and the strict-kex marker count only then).
 * Returns 0; -EBADMSG when a client list is not a valid name-list; -ENOTSUP when a
 * list has no algorithm in common (out->failed names it; the transport disconnects
 * with KEY_EXCHANGE_FAILED); -EINVAL. */
int kex_negotiate(const struct kex_lists *client, bool first_kex_packet_follows,
                  const struct kex_lists *server, bool initial, struct kex_negotiated *out);

/* Glue to the generated codec (build/gen/ssh.h): the lists of a received KEXINIT as
 * views, and our KEXINIT to pack from the proposal and a fresh 16-byte cookie (the
 * views point into p and cookie, which must outlive the message). */
void kex_lists_from_kexinit(const struct ssh_msg_Transport_KexInit *m, struct kex_lists *out);
void kex_proposal_kexinit(const struct kex_proposal *p, const uint8_t cookie[16],
                          struct ssh_msg_Transport_KexInit *out);

#endif
