/*
 * ssh.mpl: every SSH message msshd sends or receives, as a payload (the bytes between
 * the packet header and the padding; the binary packet layer lives in the transport).
 *
 * The classify labels name the messages and, joined by '_' along the path, the
 * statecalls shared with SPL: Receive_<Label> and Transmit_<Label>. Top-level labels
 * carry the layer: Transport_ (1-49 and ping/pong), Auth_ (50-79), Global_ (80-82),
 * Channel_ (90-100); an unrecognised message number is Unknown.
 *
 * RFC 4253 (transport), 4252 and 4256 (auth), 4254 (connection), 4419 (group exchange),
 * 5656 and 8731 (ECDH, X25519), 8308 (ext-info), OpenSSH PROTOCOL (ping, hostkeys,
 * streamlocal, no-more-sessions, publickey-hostbound).
 */

/* Which key exchange is in progress decides what messages 30 and 31 are. The hybrid
 * post-quantum methods use the ECDH shapes. */
const KEX_ECDH = 0;
const KEX_DH = 1;
const KEX_GEX = 2;

/* Which authentication method the server last answered decides what message 60 is. */
const AUTH_PUBLICKEY = 1;
const AUTH_PASSWORD = 2;
const AUTH_KBDINT = 3;

/* RFC 4254 §5.1, §6.10: the limits a peer's numbers must respect. */
const MAX_PROMPTS = 32;
const MAX_EXTENSIONS = 64;

message packet ssh_msg (int kex_method, int auth_method) {
    msg: byte;
    classify (msg) {

    /* ---- transport, RFC 4253 §11, §12 ---- */
    |1:"Transport_Disconnect" ->
        reason: uint32;                 /* SSH_DISCONNECT_* */
        description: string32;
        language: string32;
    |2:"Transport_Ignore" ->
        data: string32;
    |3:"Transport_Unimplemented" ->
        sequence_number: uint32;
    |4:"Transport_Debug" ->
        always_display: boolean;
        message: string32;
        language: string32;
    |5:"Transport_ServiceRequest" ->
        service: string32;
    |6:"Transport_ServiceAccept" ->
        service: string32;
    |7:"Transport_ExtInfo" ->          /* RFC 8308 §2.3 */
        nr_extensions: uint32 max(MAX_EXTENSIONS);
        extensions: ext_info_extension[nr_extensions];
    |20:"Transport_KexInit" ->
        cookie: byte[16];
        kex_algorithms: name-list;
        server_host_key_algorithms: name-list;
        encryption_algorithms_client_to_server: name-list;
        encryption_algorithms_server_to_client: name-list;
        mac_algorithms_client_to_server: name-list;
        mac_algorithms_server_to_client: name-list;
        compression_algorithms_client_to_server: name-list;
        compression_algorithms_server_to_client: name-list;
        languages_client_to_server: name-list;
        languages_server_to_client: name-list;
        first_kex_packet_follows: boolean;
        reserved: uint32 const(0);
    |21:"Transport_NewKeys" -> ();

    /* ---- key exchange: ECDH and X25519 (RFC 5656 §4, RFC 8731), also the hybrids ---- */
    |30:"Transport_KexEcdhInit" when (kex_method == KEX_ECDH) ->
        q_c: string32 min(1) max(8192);    /* client ephemeral public key */
    |31:"Transport_KexEcdhReply" when (kex_method == KEX_ECDH) ->
        k_s: string32;                  /* server host key blob */
        q_s: string32 min(1) max(8192);
        signature: string32;            /* of the exchange hash */

    /* ---- finite-field Diffie-Hellman, RFC 4253 §8 ---- */
    |30:"Transport_KexDhInit" when (kex_method == KEX_DH) ->
        e: mpint;
    |31:"Transport_KexDhReply" when (kex_method == KEX_DH) ->
        k_s: string32;
        f: mpint;
        signature: string32;

    /* ---- group exchange, RFC 4419 §5 ---- */
    |34:"Transport_KexGexRequest" ->
        min: uint32;
        n: uint32;
        max: uint32;
    |31:"Transport_KexGexGroup" when (kex_method == KEX_GEX) ->
        p: mpint;
        g: mpint;
    |32:"Transport_KexGexInit" ->
        e: mpint;
    |33:"Transport_KexGexReply" ->
        k_s: string32;
        f: mpint;
        signature: string32;

    /* ---- authentication, RFC 4252 and 4256 ---- */
    |50:"Auth_Request" ->
        user: string32;
        service: string32;
        method: string32;
        classify (method) {
        |"none":"None" -> ();
        |"publickey" ->
            has_signature: boolean;
            classify (has_signature) {
            |false:"PublickeyQuery" ->
                algorithm: string32;
                key: string32;
            |true:"PublickeySigned" ->
                algorithm: string32;
                key: string32;
                signature: string32;
            };
        |"publickey-hostbound-v00@openssh.com" ->
            has_signature: boolean;
            classify (has_signature) {
            |false:"HostboundQuery" ->
                algorithm: string32;
                key: string32;
                server_host_key: string32;
            |true:"HostboundSigned" ->
                algorithm: string32;
                key: string32;
                server_host_key: string32;
                signature: string32;
            };
        |"password" ->
            change: boolean;
            classify (change) {
            |false:"Password" ->
                password: string32 secret;
            |true:"PasswordChange" ->
                old_password: string32 secret;
                new_password: string32 secret;
            };
        |"keyboard-interactive":"KeyboardInteractive" ->
            language: string32;
            submethods: string32;
        |"hostbased":"Hostbased" ->
            algorithm: string32;
            key: string32;
            client_host: string32;
            client_user: string32;
            signature: string32;
        |default:"Unknown" ->
            method_data: byte[*];
        };
    |51:"Auth_Failure" ->
        methods: name-list;
        partial_success: boolean;
    |52:"Auth_Success" -> ();
    |53:"Auth_Banner" ->
        message: string32;
        language: string32;
    |60:"Auth_PkOk" when (auth_method == AUTH_PUBLICKEY) ->
        algorithm: string32;
        key: string32;
    |60:"Auth_PasswdChangeReq" when (auth_method == AUTH_PASSWORD) ->
        prompt: string32;
        language: string32;
    |60:"Auth_InfoRequest" when (auth_method == AUTH_KBDINT) ->
        name: string32;
        instruction: string32;
        language: string32;
        num_prompts: uint32 max(MAX_PROMPTS);
        prompts: kbdint_prompt[num_prompts];
    |61:"Auth_InfoResponse" ->
        num_responses: uint32 max(MAX_PROMPTS);
        responses: kbdint_response[num_responses];

    /* ---- global requests, RFC 4254 §4, §7; OpenSSH PROTOCOL §2 ---- */
    |80:"Global_Request" ->
        request: string32;
        want_reply: boolean;
        classify (request) {
        |"tcpip-forward":"TcpipForward" ->
            bind_address: string32;
            bind_port: uint32;
        |"cancel-tcpip-forward":"CancelTcpipForward" ->
            bind_address: string32;
            bind_port: uint32;
        |"streamlocal-forward@openssh.com":"StreamlocalForward" ->
            socket_path: string32;
        |"cancel-streamlocal-forward@openssh.com":"CancelStreamlocalForward" ->
            socket_path: string32;
        |"keepalive@openssh.com":"Keepalive" -> ();
        |"no-more-sessions@openssh.com":"NoMoreSessions" -> ();
        |"hostkeys-00@openssh.com":"Hostkeys" ->
            keys: host_key_entry[*];
        |"hostkeys-prove-00@openssh.com":"HostkeysProve" ->
            keys: host_key_entry[*];
        |default:"Unknown" ->
            request_data: byte[*];
        };
    |81:"Global_RequestSuccess" ->
        response_data: byte[*];         /* request-specific: see tcpip_forward_reply */
    |82:"Global_RequestFailure" -> ();

    /* ---- channels, RFC 4254 §5, §6 ---- */
    |90:"Channel_Open" ->
        channel_type: string32;
        sender_channel: uint32;
        initial_window_size: uint32;
        maximum_packet_size: uint32;
        classify (channel_type) {
        |"session":"Session" -> ();
        |"direct-tcpip":"DirectTcpip" ->
            host_to_connect: string32;
            port_to_connect: uint32;
            originator_address: string32;
            originator_port: uint32;
        |"forwarded-tcpip":"ForwardedTcpip" ->
            connected_address: string32;
            connected_port: uint32;
            originator_address: string32;
            originator_port: uint32;
        |"x11":"X11" ->
            originator_address: string32;
            originator_port: uint32;
        |"direct-streamlocal@openssh.com":"DirectStreamlocal" ->
            socket_path: string32;
            reserved_string: string32;
            reserved_port: uint32;
        |"forwarded-streamlocal@openssh.com":"ForwardedStreamlocal" ->
            socket_path: string32;
            reserved_string: string32;
        |"auth-agent@openssh.com":"AuthAgent" -> ();
        |default:"Unknown" ->
            type_data: byte[*];
        };
    |91:"Channel_OpenConfirmation" ->
        recipient_channel: uint32;
        sender_channel: uint32;
        initial_window_size: uint32;
        maximum_packet_size: uint32;
    |92:"Channel_OpenFailure" ->
        recipient_channel: uint32;
        reason: uint32;                 /* SSH_OPEN_* */
        description: string32;
        language: string32;
    |93:"Channel_WindowAdjust" ->
        recipient_channel: uint32;
        bytes_to_add: uint32;
    |94:"Channel_Data" ->
        recipient_channel: uint32;
        data: string32;
    |95:"Channel_ExtendedData" ->
        recipient_channel: uint32;
        data_type: uint32;              /* 1: stderr */
        data: string32;
    |96:"Channel_Eof" ->
        recipient_channel: uint32;
    |97:"Channel_Close" ->
        recipient_channel: uint32;
    |98:"Channel_Request" ->
        recipient_channel: uint32;
        request: string32;
        want_reply: boolean;
        classify (request) {
        |"pty-req":"PtyReq" ->
            term: string32;
            width_chars: uint32;
            height_rows: uint32;
            width_pixels: uint32;
            height_pixels: uint32;
            modes: string32;            /* terminal_mode entries, see below */
        |"x11-req":"X11Req" ->
            single_connection: boolean;
            auth_protocol: string32;
            auth_cookie: string32 secret;
            screen_number: uint32;
        |"env":"Env" ->
            name: string32;
            value: string32;
        |"shell":"Shell" -> ();
        |"exec":"Exec" ->
            command: string32;
        |"subsystem":"Subsystem" ->
            name: string32;
        |"window-change":"WindowChange" ->
            width_chars: uint32;
            height_rows: uint32;
            width_pixels: uint32;
            height_pixels: uint32;
        |"xon-xoff":"XonXoff" ->
            client_can_do: boolean;
        |"signal":"Signal" ->
            signal_name: string32;
        |"exit-status":"ExitStatus" ->
            exit_status: uint32;
        |"exit-signal":"ExitSignal" ->
            signal_name: string32;
            core_dumped: boolean;
            error_message: string32;
            language: string32;
        |"break":"Break" ->             /* RFC 4335 */
            break_length: uint32;
        |"auth-agent-req@openssh.com":"AuthAgentReq" -> ();
        |"eow@openssh.com":"Eow" -> ();
        |default:"Unknown" ->
            request_data: byte[*];
        };
    |99:"Channel_Success" ->
        recipient_channel: uint32;
    |100:"Channel_Failure" ->
        recipient_channel: uint32;

    /* ---- OpenSSH PROTOCOL §1.9: transport-level ping ---- */
    |192:"Transport_Ping" ->
        data: string32;
    |193:"Transport_Pong" ->
        data: string32;

    |default:"Unknown" ->
        body: byte[*];
    };
}

/* ---- pieces of messages ---- */

/* RFC 8308 §2.3: one extension of SSH_MSG_EXT_INFO. */
packet ext_info_extension {
    name: string32;
    value: string32;
}

/* RFC 4256 §3.2: one prompt of SSH_MSG_USERAUTH_INFO_REQUEST. */
packet kbdint_prompt {
    prompt: string32;
    echo: boolean;
}

/* RFC 4256 §3.4: one answer of SSH_MSG_USERAUTH_INFO_RESPONSE. */
packet kbdint_response {
    response: string32 secret;
}

/* OpenSSH PROTOCOL §2.5: one key of hostkeys-00 / hostkeys-prove-00. */
packet host_key_entry {
    blob: string32;
}

/* RFC 4254 §7.1: the answer data of a tcpip-forward request with port 0. */
packet tcpip_forward_reply {
    bound_port: uint32;
}

/* OpenSSH PROTOCOL §2.5: the answer data of hostkeys-prove-00: one signature per key. */
packet hostkeys_prove_reply {
    signatures: host_key_entry[*];
}

/* RFC 4254 §8: the encoded terminal modes of pty-req, one opcode at a time; opcode 0
 * ends the list, 1..159 carry a uint32, 160 and above end parsing. */
packet terminal_mode {
    opcode: byte;
    classify (opcode) {
    |0:"End" -> ();
    |1..159:"Mode" ->
        argument: uint32;
    |default:"Stop" ->
        rest: byte[*];
    };
}
