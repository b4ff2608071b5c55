/* The transport's pieces together, with no hand-made payload: both KEXINITs are packed
 * by the generated codec (build/gen/ssh.h) straight into the send queue behind the
 * packet header, framed and unpacked on the other side as zero-copy views, and the
 * server negotiates from the client's views; then the derived keys of the chosen
 * algorithms are installed at NEWKEYS and carry packets both ways, with strict kex. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ssh.h"

#include "crypto/hostkey.h"
#include "crypto/random.h"
#include "regress/transport/transport_test_util.h"
#include "sshd/kex_derive.h"
#include "sshd/kex_negotiate.h"
#include "sshd/packet.h"

/* Packs m into a packet on p through the generated codec. */
static void send_msg(struct packet *p, const struct ssh_msg *m)
{
    struct mpl_writer w;
    struct mpl_error err;

    assert_int_equal(packet_begin(p, 0, &w), 0);
    assert_int_equal(ssh_msg_pack(&w, m, &err), 0);
    assert_int_equal(packet_commit(p, &w, NULL), 0);
}

/* Frames the next packet on p and unpacks it; returns its sequence number. */
static uint32_t recv_msg(struct packet *p, struct ssh_msg *m)
{
    struct ssh_msg_state st = { 0 };
    struct packet_in in;
    struct mpl_error err;

    assert_int_equal(packet_next(p, &in), 1);
    assert_int_equal(ssh_msg_unpack(in.payload, in.len, &st, m, &err), 0);
    return in.seqnr;
}

static const char client_kex[] =
    "sntrup761x25519-sha512@openssh.com,curve25519-sha256,ecdh-sha2-nistp256,"
    "ext-info-c,kex-strict-c-v00@openssh.com";

static void test_kexinit_negotiate_newkeys(void **state)
{
    struct hostkey *hk;
    const struct pubkey *keys[1];
    struct kex_server_config cfg = { 0 };
    struct kex_proposal ours;
    enum kex_list_id failed;
    struct packet *client, *server;
    struct ssh_msg m, got;
    struct kex_lists lists;
    struct kex_negotiated n;
    uint8_t cookie[16], mag[32], k[64], h[32];
    struct kex_keys keys_s, keys_c;
    struct cipher_state *cs;
    int k_len;

    (void)state;
    assert_int_equal(hostkey_generate(&hk, PUBKEY_ED25519, 0), 0);
    keys[0] = hostkey_pubkey(hk);
    cfg.hostkeys = keys;
    cfg.n_hostkeys = 1;
    cfg.ciphers = "aes256-gcm@openssh.com,aes128-ctr";
    assert_int_equal(kex_proposal_build(&ours, &cfg, &failed), 0);
    assert_int_equal(packet_new(&client, 0, 0), 0);
    assert_int_equal(packet_new(&server, 0, 0), 0);

    /* client -> server KEXINIT, packed by the codec */
    ssh_msg_init(&m, ssh_msg_Transport_KexInit);
    random_bytes(cookie, sizeof(cookie));
    kex_proposal_kexinit(&ours, cookie, &m.u.Transport_KexInit);   /* same shape */
    m.u.Transport_KexInit.kex_algorithms = mpl_bytes_str(client_kex);
    m.u.Transport_KexInit.encryption_algorithms_client_to_server =
        mpl_bytes_str("aes128-ctr,aes256-gcm@openssh.com");
    m.u.Transport_KexInit.mac_algorithms_client_to_server = mpl_bytes_str("hmac-sha2-512");
    send_msg(client, &m);
    tu_transfer(client, server, 7, 0);
    assert_int_equal(recv_msg(server, &got), 0);   /* strict kex: KEXINIT is packet 0 */
    assert_int_equal(got.kind, ssh_msg_Transport_KexInit);
    kex_lists_from_kexinit(&got.u.Transport_KexInit, &lists);
    assert_int_equal(kex_negotiate(&lists, got.u.Transport_KexInit.first_kex_packet_follows,
                                   &ours.lists, true, &n), 0);
    assert_string_equal(n.kex->name, "curve25519-sha256");
    assert_string_equal(n.c2s.cipher->name, "aes128-ctr");
    assert_string_equal(n.c2s.mac->name, "hmac-sha2-512");
    assert_string_equal(n.s2c.cipher->name, "aes256-gcm@openssh.com");
    assert_true(n.strict_kex);
    assert_true(n.ext_info_c);

    /* server -> client KEXINIT from our proposal: the client sees our lists exactly */
    ssh_msg_init(&m, ssh_msg_Transport_KexInit);
    kex_proposal_kexinit(&ours, cookie, &m.u.Transport_KexInit);
    send_msg(server, &m);
    tu_transfer(server, client, 0, 0);
    assert_int_equal(recv_msg(client, &got), 0);
    kex_lists_from_kexinit(&got.u.Transport_KexInit, &lists);
    for (int i = 0; i < KEX_LIST_COUNT; i++)
        assert_true(mpl_bytes_eq(lists.list[i], ours.lists.list[i]));
    assert_memory_equal(got.u.Transport_KexInit.cookie.ptr, cookie, 16);

    /* keys as the method would derive them, both ends from the same K and H */
    random_bytes(mag, sizeof(mag));
    random_bytes(h, sizeof(h));
    k_len = kex_derive_encode_mpint(mag, sizeof(mag), k, sizeof(k));
    assert_true(k_len > 0);
    {
        const struct kex_derive_algs c2s = { n.c2s.cipher, n.c2s.mac };
        const struct kex_derive_algs s2c = { n.s2c.cipher, n.s2c.mac };

        assert_int_equal(kex_derive_keys(n.kex->hash, k, (size_t)k_len, h, 32, h, 32,
                                         &c2s, &s2c, &keys_s), 0);
        assert_int_equal(kex_derive_keys(n.kex->hash, k, (size_t)k_len, h, 32, h, 32,
                                         &c2s, &s2c, &keys_c), 0);
    }
    packet_set_strict_kex(server);
    packet_set_strict_kex(client);
    assert_int_equal(kex_dir_keys_cipher_state(&keys_s.c2s, CIPHER_OPEN, &cs), 0);
    assert_int_equal(packet_stage_keys(server, PACKET_IN, cs, false), 0);
    assert_int_equal(kex_dir_keys_cipher_state(&keys_s.s2c, CIPHER_SEAL, &cs), 0);
    assert_int_equal(packet_stage_keys(server, PACKET_OUT, cs, false), 0);
    assert_int_equal(kex_dir_keys_cipher_state(&keys_c.c2s, CIPHER_SEAL, &cs), 0);
    assert_int_equal(packet_stage_keys(client, PACKET_OUT, cs, false), 0);
    assert_int_equal(kex_dir_keys_cipher_state(&keys_c.s2c, CIPHER_OPEN, &cs), 0);
    assert_int_equal(packet_stage_keys(client, PACKET_IN, cs, false), 0);

    /* NEWKEYS each way, then a message each way under the new keys */
    ssh_msg_init(&m, ssh_msg_Transport_NewKeys);
    send_msg(server, &m);
    assert_int_equal(packet_newkeys_sent(server, 0), 0);
    send_msg(client, &m);
    assert_int_equal(packet_newkeys_sent(client, 0), 0);
    ssh_msg_init(&m, ssh_msg_Transport_ServiceRequest);
    m.u.Transport_ServiceRequest.service = mpl_bytes_str("ssh-userauth");
    send_msg(client, &m);
    tu_transfer(client, server, 0, 0);
    tu_transfer(server, client, 0, 0);
    assert_int_equal(recv_msg(server, &got), 1);
    assert_int_equal(got.kind, ssh_msg_Transport_NewKeys);
    assert_int_equal(packet_newkeys_received(server, 0), 0);
    assert_int_equal(recv_msg(server, &got), 0);   /* strict kex: numbering restarted */
    assert_int_equal(got.kind, ssh_msg_Transport_ServiceRequest);
    assert_true(mpl_bytes_eq_str(got.u.Transport_ServiceRequest.service, "ssh-userauth"));
    assert_int_equal(recv_msg(client, &got), 1);
    assert_int_equal(packet_newkeys_received(client, 0), 0);
    assert_true(packet_initial_kex_done(server));
    assert_true(packet_initial_kex_done(client));

    packet_free(client);
    packet_free(server);
    hostkey_free(hk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kexinit_negotiate_newkeys),
    };

    if (random_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
