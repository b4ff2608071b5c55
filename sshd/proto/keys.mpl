/*
 * keys.mpl: the blobs inside SSH messages that the crypto glue builds and checks:
 * public keys, signatures, OpenSSH certificates, the openssh-key-v1 private key file,
 * the exchange-hash inputs, the data a user-auth signature covers, and SSHSIG.
 *
 * RFC 4253 §6.6 and §8, RFC 5656 §3, §4, RFC 8332, RFC 8709, RFC 4252 §7,
 * OpenSSH PROTOCOL.key, PROTOCOL.certkeys, PROTOCOL.sshsig, PROTOCOL §2.5.
 */

const ED25519_PUBLIC_LEN = 32;
const ED25519_SIGNATURE_LEN = 64;
const ED25519_SECRET_LEN = 64;     /* seed and public key, as OpenSSH stores it */
const SSH_MSG_USERAUTH_REQUEST = 50;
const CERT_TYPE_USER = 1;
const CERT_TYPE_HOST = 2;

/* A public key blob (K_S, the key of a publickey request, authorized_keys). */
packet ssh_public_key {
    key_type: string32;
    classify (key_type) {
    |"ssh-ed25519":"Ed25519" ->
        pk: string32 min(ED25519_PUBLIC_LEN) max(ED25519_PUBLIC_LEN);
    |"ecdsa-sha2-nistp256":"EcdsaP256" ->
        curve: string32 const("nistp256");
        q: string32 min(65) max(65);    /* uncompressed point */
    |"ecdsa-sha2-nistp384":"EcdsaP384" ->
        curve: string32 const("nistp384");
        q: string32 min(97) max(97);
    |"ecdsa-sha2-nistp521":"EcdsaP521" ->
        curve: string32 const("nistp521");
        q: string32 min(133) max(133);
    |"ssh-rsa":"Rsa" ->
        e: mpint;
        n: mpint;
    |"ssh-ed25519-cert-v01@openssh.com":"Ed25519Cert" ->
        nonce: string32;
        pk: string32 min(ED25519_PUBLIC_LEN) max(ED25519_PUBLIC_LEN);
        cert: ssh_cert_fields;
    |"ecdsa-sha2-nistp256-cert-v01@openssh.com":"EcdsaP256Cert" ->
        nonce: string32;
        curve: string32 const("nistp256");
        q: string32 min(65) max(65);
        cert: ssh_cert_fields;
    |"ecdsa-sha2-nistp384-cert-v01@openssh.com":"EcdsaP384Cert" ->
        nonce: string32;
        curve: string32 const("nistp384");
        q: string32 min(97) max(97);
        cert: ssh_cert_fields;
    |"ecdsa-sha2-nistp521-cert-v01@openssh.com":"EcdsaP521Cert" ->
        nonce: string32;
        curve: string32 const("nistp521");
        q: string32 min(133) max(133);
        cert: ssh_cert_fields;
    |"ssh-rsa-cert-v01@openssh.com":"RsaCert" ->
        nonce: string32;
        e: mpint;
        n: mpint;
        cert: ssh_cert_fields;
    };
}

/* PROTOCOL.certkeys: the fields every certificate has after its key; the signature
 * covers every byte of the blob before `signature`. */
packet ssh_cert_fields {
    serial: uint64;
    cert_type: uint32 min(CERT_TYPE_USER) max(CERT_TYPE_HOST);
    key_id: string32;
    valid_principals: string32;         /* ssh_cert_name entries */
    valid_after: uint64;
    valid_before: uint64;
    critical_options: string32;         /* ssh_cert_option entries */
    extensions: string32;               /* ssh_cert_option entries */
    reserved: string32;
    signature_key: string32;            /* an ssh_public_key blob */
    signature: string32;                /* an ssh_signature blob */
}

/* One principal in valid_principals. */
packet ssh_cert_name {
    name: string32;
}

/* One critical option or extension: its data is itself a string (or empty). */
packet ssh_cert_option {
    name: string32;
    data: string32;
}

/* A signature blob. */
packet ssh_signature {
    sig_type: string32;
    classify (sig_type) {
    |"ssh-ed25519":"Ed25519" ->
        sig: string32 min(ED25519_SIGNATURE_LEN) max(ED25519_SIGNATURE_LEN);
    |"ecdsa-sha2-nistp256":"EcdsaP256" ->
        sig: string32;                  /* an ecdsa_signature_values */
    |"ecdsa-sha2-nistp384":"EcdsaP384" ->
        sig: string32;
    |"ecdsa-sha2-nistp521":"EcdsaP521" ->
        sig: string32;
    |"rsa-sha2-256":"RsaSha256" ->
        sig: string32;
    |"rsa-sha2-512":"RsaSha512" ->
        sig: string32;
    |"ssh-rsa":"RsaSha1" ->
        sig: string32;
    };
}

/* RFC 5656 §3.1.2: the inner blob of an ECDSA signature. */
packet ecdsa_signature_values {
    r: mpint;
    s: mpint;
}

/* PROTOCOL.key: the openssh-key-v1 file body (after base64). */
packet openssh_key_v1 {
    magic: byte[15] const("openssh-key-v1\0");
    cipher_name: string32;
    kdf_name: string32;
    kdf_options: string32;              /* empty, or an openssh_kdf_bcrypt */
    num_keys: uint32 const(1);
    public_key: string32;               /* an ssh_public_key blob */
    private_section: string32 secret;   /* encrypted or plain openssh_private_keys */
}

packet openssh_kdf_bcrypt {
    salt: string32 max(64);
    rounds: uint32 min(1);
}

/* The (decrypted) private section: two equal check words, the key, its comment, and
 * padding 1, 2, 3, ... to the cipher's block size. */
packet openssh_private_keys {
    check1: uint32;
    check2: uint32;
    key_type: string32;
    classify (key_type) {
    |"ssh-ed25519":"Ed25519" ->
        pk: string32 min(ED25519_PUBLIC_LEN) max(ED25519_PUBLIC_LEN);
        sk: string32 min(ED25519_SECRET_LEN) max(ED25519_SECRET_LEN) secret;
    |"ecdsa-sha2-nistp256":"EcdsaP256" ->
        curve: string32 const("nistp256");
        q: string32 min(65) max(65);
        d: mpint secret;
    |"ecdsa-sha2-nistp384":"EcdsaP384" ->
        curve: string32 const("nistp384");
        q: string32 min(97) max(97);
        d: mpint secret;
    |"ecdsa-sha2-nistp521":"EcdsaP521" ->
        curve: string32 const("nistp521");
        q: string32 min(133) max(133);
        d: mpint secret;
    |"ssh-rsa":"Rsa" ->
        n: mpint;
        e: mpint;
        d: mpint secret;
        iqmp: mpint secret;
        p: mpint secret;
        q: mpint secret;
    };
    comment: string32;
    padding: byte[*] max(255);
}

/* RFC 4253 §8 (finite-field DH) and RFC 4419 §3 (group exchange): the exchange hash
 * input. For group exchange the min/n/max and p/g fields are the ones of the request
 * and group messages; for fixed groups `gex` is the empty variant. */
packet kex_hash_dh {
    v_c: string32;                      /* client version line, no CR LF */
    v_s: string32;
    i_c: string32;                      /* the KEXINIT payloads */
    i_s: string32;
    k_s: string32;                      /* server host key blob */
    e: mpint;
    f: mpint;
    k: mpint secret;                    /* the shared secret */
}

packet kex_hash_gex {
    v_c: string32;
    v_s: string32;
    i_c: string32;
    i_s: string32;
    k_s: string32;
    min: uint32;
    n: uint32;
    max: uint32;
    p: mpint;
    g: mpint;
    e: mpint;
    f: mpint;
    k: mpint secret;
}

/* RFC 5656 §4, RFC 8731 §3: ECDH and X25519 (K as an mpint). The post-quantum hybrids
 * use kex_hash_hybrid, where K is a string. */
packet kex_hash_ecdh {
    v_c: string32;
    v_s: string32;
    i_c: string32;
    i_s: string32;
    k_s: string32;
    q_c: string32;
    q_s: string32;
    k: mpint secret;
}

packet kex_hash_hybrid {
    v_c: string32;
    v_s: string32;
    i_c: string32;
    i_s: string32;
    k_s: string32;
    q_c: string32;
    q_s: string32;
    k: string32 secret;
}

/* RFC 4252 §7: what a publickey user-auth signature covers; the hostbound form
 * (PROTOCOL §2.5) adds the server's host key. */
packet userauth_signed_data {
    session_id: string32;
    msg: byte const(SSH_MSG_USERAUTH_REQUEST);
    user: string32;
    service: string32;
    method: string32;
    classify (method) {
    |"publickey":"Publickey" ->
        has_signature: boolean const(true);
        algorithm: string32;
        key: string32;
    |"publickey-hostbound-v00@openssh.com":"Hostbound" ->
        has_signature: boolean const(true);
        algorithm: string32;
        key: string32;
        server_host_key: string32;
    };
}

/* RFC 4252 §9: what a hostbased signature covers. */
packet hostbased_signed_data {
    session_id: string32;
    msg: byte const(SSH_MSG_USERAUTH_REQUEST);
    user: string32;
    service: string32;
    method: string32 const("hostbased");
    algorithm: string32;
    key: string32;
    client_host: string32;
    client_user: string32;
}

/* PROTOCOL §2.5: what each hostkeys-prove-00 signature covers. */
packet hostkeys_prove_signed_data {
    request: string32 const("hostkeys-prove-00@openssh.com");
    session_id: string32;
    key: string32;
}

/* PROTOCOL.sshsig: the armoured signature blob, and the data that is signed. */
packet sshsig_blob {
    magic: byte[6] const("SSHSIG");
    version: uint32 const(1);
    public_key: string32;
    namespace: string32 min(1);
    reserved: string32;
    hash_algorithm: string32;
    signature: string32;
}

packet sshsig_signed_data {
    magic: byte[6] const("SSHSIG");
    namespace: string32 min(1);
    reserved: string32;
    hash_algorithm: string32;
    hash: string32;                     /* H(message) */
}
