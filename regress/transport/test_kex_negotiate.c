/* RFC 4253 §7.1 negotiation (sshd/kex_negotiate.h): our proposal from configured lists
 * and loaded host keys, the first client algorithm we support in each list, the
 * pseudo-algorithms (ext-info, strict kex) recognised and never chosen, failures
 * naming the list, and the first_kex_packet_follows guess. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/hostkey.h"
#include "crypto/random.h"
#include "sshd/kex_negotiate.h"

/* What OpenSSH 9.6's client proposes by default (ssh -vv, KEXINIT sent). */
static const char *const openssh_client[KEX_LIST_COUNT] = {
    "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,"
    "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,ext-info-c,"
    "kex-strict-c-v00@openssh.com",
    "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
    "rsa-sha2-512,rsa-sha2-256",
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
    "aes128-gcm@openssh.com,aes256-gcm@openssh.com",
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
    "aes128-gcm@openssh.com,aes256-gcm@openssh.com",
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
    "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
    "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
    "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
    "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
    "none,zlib@openssh.com,zlib",
    "none,zlib@openssh.com,zlib",
    "",
    "",
};

struct fixture {
    struct hostkey *ed25519, *rsa, *p384;
    const struct pubkey *keys[3];
    struct kex_proposal ours;
};

static int setup(void **state)
{
    static struct fixture f;
    struct kex_server_config cfg = { 0 };
    enum kex_list_id failed;

    if (random_init() < 0 || hostkey_generate(&f.ed25519, PUBKEY_ED25519, 0) < 0 ||
        hostkey_generate(&f.rsa, PUBKEY_RSA, 2048) < 0 ||
        hostkey_generate(&f.p384, PUBKEY_ECDSA, 384) < 0)
        return -1;
    f.keys[0] = hostkey_pubkey(f.ed25519);
    f.keys[1] = hostkey_pubkey(f.rsa);
    f.keys[2] = hostkey_pubkey(f.p384);
    cfg.hostkeys = f.keys;
    cfg.n_hostkeys = 3;
    cfg.compression = true;
    if (kex_proposal_build(&f.ours, &cfg, &failed) < 0)
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    hostkey_free(f->ed25519);
    hostkey_free(f->rsa);
    hostkey_free(f->p384);
    return 0;
}

static void set_lists(struct kex_lists *l, const char *const text[KEX_LIST_COUNT])
{
    for (int i = 0; i < KEX_LIST_COUNT; i++)
        l->list[i] = mpl_bytes_str(text[i]);
}

/* The OpenSSH client's lists with list id replaced by text. */
static void client_with(struct kex_lists *l, enum kex_list_id id, const char *text)
{
    set_lists(l, openssh_client);
    l->list[id] = mpl_bytes_str(text);
}

static void test_default_proposal(void **state)
{
    struct fixture *f = *state;

    assert_string_equal(f->ours.text[KEX_LIST_KEX],
                        KEX_DEFAULT_KEX ",kex-strict-s-v00@openssh.com");
    /* only what a loaded key signs with, in OpenSSH's order */
    assert_string_equal(f->ours.text[KEX_LIST_HOSTKEY],
                        "ssh-ed25519,ecdsa-sha2-nistp384,rsa-sha2-512,rsa-sha2-256");
    assert_string_equal(f->ours.text[KEX_LIST_CIPHER_C2S], KEX_DEFAULT_CIPHERS);
    assert_string_equal(f->ours.text[KEX_LIST_CIPHER_S2C], KEX_DEFAULT_CIPHERS);
    assert_string_equal(f->ours.text[KEX_LIST_MAC_S2C], KEX_DEFAULT_MACS);
    assert_string_equal(f->ours.text[KEX_LIST_COMP_C2S], "none,zlib@openssh.com");
    assert_string_equal(f->ours.text[KEX_LIST_LANG_C2S], "");
    for (int i = 0; i < KEX_LIST_COUNT; i++) {
        assert_int_equal(f->ours.lists.list[i].len, strlen(f->ours.text[i]));
        assert_int_equal(mpl_namelist_valid(f->ours.lists.list[i].ptr,
                                            f->ours.lists.list[i].len), 0);
    }
}

static void test_configured_proposal(void **state)
{
    struct fixture *f = *state;
    struct kex_server_config cfg = { 0 };
    struct kex_proposal p;
    enum kex_list_id failed = KEX_LIST_COUNT;

    cfg.hostkeys = f->keys;
    cfg.n_hostkeys = 1;     /* Ed25519 only */
    /* as the config module resolves them: OpenSSH's names, some we lack, repeats */
    cfg.kex_algorithms = "sntrup761x25519-sha512@openssh.com,diffie-hellman-group14-sha256,"
                         "curve25519-sha256,diffie-hellman-group14-sha256";
    cfg.hostkey_algorithms = "rsa-sha2-256,ssh-ed25519,ssh-ed25519-cert-v01@openssh.com";
    cfg.ciphers = "aes256-cbc,aes256-ctr,,3des-cbc,aes128-gcm@openssh.com";
    cfg.macs = "umac-64@openssh.com,hmac-sha2-512,hmac-sha1";
    cfg.ext_info_s = true;
    assert_int_equal(kex_proposal_build(&p, &cfg, &failed), 0);
    assert_string_equal(p.text[KEX_LIST_KEX],
                        "diffie-hellman-group14-sha256,curve25519-sha256,ext-info-s,"
                        "kex-strict-s-v00@openssh.com");
    assert_string_equal(p.text[KEX_LIST_HOSTKEY], "ssh-ed25519");
    assert_string_equal(p.text[KEX_LIST_CIPHER_C2S], "aes256-ctr,aes128-gcm@openssh.com");
    assert_string_equal(p.text[KEX_LIST_MAC_C2S], "hmac-sha2-512");
    assert_string_equal(p.text[KEX_LIST_COMP_S2C], "none");

    /* a list with nothing we implement is an error naming it */
    cfg.macs = "umac-64@openssh.com,hmac-sha1";
    assert_int_equal(kex_proposal_build(&p, &cfg, &failed), -ENOTSUP);
    assert_int_equal(failed, KEX_LIST_MAC_C2S);
    cfg.macs = NULL;
    cfg.hostkey_algorithms = "rsa-sha2-512";    /* no RSA key loaded */
    assert_int_equal(kex_proposal_build(&p, &cfg, &failed), -ENOTSUP);
    assert_int_equal(failed, KEX_LIST_HOSTKEY);
    cfg.hostkey_algorithms = NULL;
    cfg.n_hostkeys = 0;
    assert_int_equal(kex_proposal_build(&p, &cfg, &failed), -ENOTSUP);
    assert_int_equal(failed, KEX_LIST_HOSTKEY);
    cfg.n_hostkeys = 1;
    cfg.ciphers = "none";   /* never offered */
    assert_int_equal(kex_proposal_build(&p, &cfg, &failed), -ENOTSUP);
    assert_int_equal(failed, KEX_LIST_CIPHER_C2S);
    assert_string_equal(kex_list_what(failed), "cipher");
}

static void test_openssh_client(void **state)
{
    struct fixture *f = *state;
    struct kex_lists client;
    struct kex_negotiated n;

    set_lists(&client, openssh_client);
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), 0);
    /* sntrup is the client's first, but we lack it: the next one */
    assert_string_equal(n.kex->name, "curve25519-sha256");
    assert_int_equal(n.kex->kind, KEX_KIND_ECDH);
    assert_int_equal(n.kex->hash, HASH_SHA256);
    assert_true(n.kex->x25519);
    assert_int_equal(n.hostkey_alg, SIG_ALG_ED25519);
    assert_string_equal(n.c2s.cipher->name, "chacha20-poly1305@openssh.com");
    assert_null(n.c2s.mac);     /* AEAD: no MAC negotiated */
    assert_int_equal(n.c2s.comp, KEX_COMP_NONE);
    assert_string_equal(n.s2c.cipher->name, "chacha20-poly1305@openssh.com");
    assert_true(n.ext_info_c);
    assert_true(n.strict_kex);
    assert_false(n.ignore_guessed_packet);
    /* in a re-key the markers mean nothing */
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, false, &n), 0);
    assert_false(n.ext_info_c);
    assert_false(n.strict_kex);
}

static void test_client_order_wins(void **state)
{
    struct fixture *f = *state;
    struct kex_lists client;
    struct kex_negotiated n;

    client_with(&client, KEX_LIST_KEX, "diffie-hellman-group18-sha512,curve25519-sha256");
    client.list[KEX_LIST_HOSTKEY] = mpl_bytes_str("rsa-sha2-256,ssh-ed25519");
    client.list[KEX_LIST_CIPHER_C2S] = mpl_bytes_str("aes256-ctr,aes128-ctr");
    client.list[KEX_LIST_CIPHER_S2C] = mpl_bytes_str("aes192-ctr,aes256-gcm@openssh.com");
    client.list[KEX_LIST_MAC_C2S] = mpl_bytes_str("hmac-sha1,hmac-sha2-512");
    client.list[KEX_LIST_COMP_S2C] = mpl_bytes_str("zlib@openssh.com,none");
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), 0);
    assert_string_equal(n.kex->name, "diffie-hellman-group18-sha512");
    assert_int_equal(n.kex->kind, KEX_KIND_DH);
    assert_int_equal(n.kex->group, KEX_DH_GROUP18);
    assert_int_equal(n.kex->hash, HASH_SHA512);
    assert_int_equal(n.hostkey_alg, SIG_ALG_RSA_SHA2_256);
    assert_string_equal(n.c2s.cipher->name, "aes256-ctr");
    assert_string_equal(n.c2s.mac->name, "hmac-sha2-512");
    assert_string_equal(n.s2c.cipher->name, "aes192-ctr");
    assert_string_equal(n.s2c.mac->name, "hmac-sha2-256-etm@openssh.com");
    assert_int_equal(n.c2s.comp, KEX_COMP_NONE);
    assert_int_equal(n.s2c.comp, KEX_COMP_ZLIB_DELAYED);
    assert_false(n.ext_info_c);
    assert_false(n.strict_kex);
    /* ECDH methods carry their curve and hash */
    client.list[KEX_LIST_KEX] = mpl_bytes_str("ecdh-sha2-nistp521");
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), 0);
    assert_int_equal(n.kex->curve, EC_CURVE_NISTP521);
    assert_int_equal(n.kex->hash, HASH_SHA512);
    client.list[KEX_LIST_KEX] = mpl_bytes_str("diffie-hellman-group-exchange-sha256");
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), 0);
    assert_int_equal(n.kex->kind, KEX_KIND_GEX);
}

static void expect_no_match(void **state, enum kex_list_id id, const char *text)
{
    struct fixture *f = *state;
    struct kex_lists client;
    struct kex_negotiated n;

    client_with(&client, id, text);
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), -ENOTSUP);
    assert_int_equal(n.failed, id);
}

static void test_no_common_algorithm(void **state)
{
    struct kex_lists client;
    struct kex_negotiated n;

    expect_no_match(state, KEX_LIST_KEX, "diffie-hellman-group1-sha1");
    expect_no_match(state, KEX_LIST_HOSTKEY, "ssh-rsa,ssh-dss");
    expect_no_match(state, KEX_LIST_HOSTKEY, "ecdsa-sha2-nistp256");   /* no such key */
    expect_no_match(state, KEX_LIST_CIPHER_C2S, "aes256-cbc,3des-cbc");
    expect_no_match(state, KEX_LIST_CIPHER_S2C, "");
    expect_no_match(state, KEX_LIST_COMP_C2S, "zlib");
    assert_string_equal(kex_list_what(KEX_LIST_KEX), "key exchange method");
    assert_string_equal(kex_list_what(KEX_LIST_HOSTKEY), "host key type");
    assert_string_equal(kex_list_what(KEX_LIST_COMP_C2S), "compression method");
    /* a MAC is needed only with a cipher that is not AEAD */
    client_with(&client, KEX_LIST_MAC_C2S, "umac-64@openssh.com");
    client.list[KEX_LIST_CIPHER_C2S] = mpl_bytes_str("aes128-gcm@openssh.com");
    assert_int_equal(kex_negotiate(&client, false, &((struct fixture *)*state)->ours.lists,
                                   true, &n), 0);
    assert_null(n.c2s.mac);
    /* the default client lists chacha20 first: no MAC needed there either */
    client_with(&client, KEX_LIST_MAC_C2S, "umac-64@openssh.com");
    assert_int_equal(kex_negotiate(&client, false, &((struct fixture *)*state)->ours.lists,
                                   true, &n), 0);
    /* a CTR-only client with no MAC we know fails on the MAC list */
    client_with(&client, KEX_LIST_CIPHER_S2C, "aes128-ctr");
    client.list[KEX_LIST_MAC_S2C] = mpl_bytes_str("hmac-md5");
    assert_int_equal(kex_negotiate(&client, false, &((struct fixture *)*state)->ours.lists,
                                   true, &n), -ENOTSUP);
    assert_int_equal(n.failed, KEX_LIST_MAC_S2C);
    assert_string_equal(kex_list_what(n.failed), "MAC");
}

static void test_pseudo_never_chosen(void **state)
{
    struct fixture *f = *state;
    struct kex_lists client;
    struct kex_negotiated n;

    /* a client naming our own markers first does not get them as the method */
    client_with(&client, KEX_LIST_KEX, "kex-strict-s-v00@openssh.com,ext-info-s,"
                                       "kex-strict-c-v00@openssh.com,curve25519-sha256");
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), 0);
    assert_string_equal(n.kex->name, "curve25519-sha256");
    assert_true(n.strict_kex);
    assert_false(n.ext_info_c);
    expect_no_match(state, KEX_LIST_KEX, "ext-info-c,kex-strict-c-v00@openssh.com");
    expect_no_match(state, KEX_LIST_KEX, "kex-strict-s-v00@openssh.com");
    /* only the client's marker turns strict kex on */
    client_with(&client, KEX_LIST_KEX, "curve25519-sha256,kex-strict-s-v00@openssh.com");
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), 0);
    assert_false(n.strict_kex);
}

static void test_guess(void **state)
{
    struct fixture *f = *state;
    struct kex_lists client;
    struct kex_negotiated n;

    /* same first kex and host key algorithm as ours: the guess stands */
    client_with(&client, KEX_LIST_KEX, "curve25519-sha256,ecdh-sha2-nistp256");
    client.list[KEX_LIST_HOSTKEY] = mpl_bytes_str("ssh-ed25519,rsa-sha2-256");
    assert_int_equal(kex_negotiate(&client, true, &f->ours.lists, true, &n), 0);
    assert_false(n.ignore_guessed_packet);
    /* a different first kex method: wrong, even though it is the one chosen */
    client.list[KEX_LIST_KEX] = mpl_bytes_str("ecdh-sha2-nistp256,curve25519-sha256");
    assert_int_equal(kex_negotiate(&client, true, &f->ours.lists, true, &n), 0);
    assert_string_equal(n.kex->name, "ecdh-sha2-nistp256");
    assert_true(n.ignore_guessed_packet);
    /* a different first host key algorithm: wrong */
    client.list[KEX_LIST_KEX] = mpl_bytes_str("curve25519-sha256");
    client.list[KEX_LIST_HOSTKEY] = mpl_bytes_str("rsa-sha2-512,ssh-ed25519");
    assert_int_equal(kex_negotiate(&client, true, &f->ours.lists, true, &n), 0);
    assert_true(n.ignore_guessed_packet);
    /* no guess sent: nothing to ignore */
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), 0);
    assert_false(n.ignore_guessed_packet);
}

static void test_malformed_lists(void **state)
{
    struct fixture *f = *state;
    struct kex_lists client;
    struct kex_negotiated n;

    client_with(&client, KEX_LIST_KEX, "curve25519-sha256,,ecdh-sha2-nistp256");
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), -EBADMSG);
    client_with(&client, KEX_LIST_CIPHER_C2S, "aes128-ctr,");
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), -EBADMSG);
    client_with(&client, KEX_LIST_LANG_C2S, "en\x01");
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), -EBADMSG);
    client_with(&client, KEX_LIST_MAC_S2C, "");
    client.list[KEX_LIST_MAC_S2C].ptr = NULL;
    client.list[KEX_LIST_MAC_S2C].len = 4;
    assert_int_equal(kex_negotiate(&client, false, &f->ours.lists, true, &n), -EBADMSG);
    assert_int_equal(kex_negotiate(NULL, false, &f->ours.lists, true, &n), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_proposal),
        cmocka_unit_test(test_configured_proposal),
        cmocka_unit_test(test_openssh_client),
        cmocka_unit_test(test_client_order_wins),
        cmocka_unit_test(test_no_common_algorithm),
        cmocka_unit_test(test_pseudo_never_chosen),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_malformed_lists),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
