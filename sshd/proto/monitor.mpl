/*
 * monitor.mpl: the IPC between the privileged session monitor and the unprivileged
 * net child (DESIGN §1). Each message travels as a monitor_frame header followed by a
 * monitor_msg body; when fd_count is not zero, that many file descriptors ride with the
 * header (SCM_RIGHTS). The net child sends *Request messages and gets exactly one
 * *Answer each; the monitor sends SessionExit on its own; Log is one-way.
 *
 * Labels are statecalls of monitor.spl: Receive_Monitor_SignRequest, ...
 */

const MONITOR_MAX_BODY = 262144;
const MONITOR_MAX_FDS = 3;
/* The largest hash a host key signs: SHA-512. */
const MAX_HASH_LEN = 64;
/* The largest Banner file sent: OpenSSH reads up to 1 MiB, but a client takes no packet
 * over 256 KiB, and this message must fit MONITOR_MAX_BODY; a larger file is not sent. */
const MAX_BANNER_LEN = 196608;

/* Bounds of monitor_net_settings: an sshd_config integer is an int (OpenSSH's
 * atoi_err), RekeyLimit's data a positive int64, a level one of log.h's; AcceptEnv's
 * patterns must fit one answer (a configuration with more, or longer ones, cannot be
 * passed on: the monitor then ends the connection, saying why). */
const MAX_CONFIG_INT = 2147483647;
const MAX_REKEY_BYTES = 9223372036854775807;
const MAX_LOG_LEVEL = 7;
const MAX_ACCEPT_ENV = 128;
const MAX_ENV_PATTERN_LEN = 1024;

/* Session kinds of SessionRequest. */
const SESSION_SHELL = 0;
const SESSION_EXEC = 1;
const SESSION_SUBSYSTEM = 2;

packet monitor_frame {
    body_len: uint32 min(1) max(MONITOR_MAX_BODY);
    fd_count: byte max(MONITOR_MAX_FDS);
}

message packet monitor_msg {
    type: byte;
    classify (type) {
    /* host key: the list (for KEXINIT and hostkeys-00), and one signature per key
     * exchange over the exchange hash only */
    |1:"Monitor_HostkeysRequest" -> ();
    |2:"Monitor_HostkeysAnswer" ->
        keys: monitor_key_entry[*];
    |3:"Monitor_SignRequest" ->
        key: string32;                  /* public key blob naming the host key */
        algorithm: string32;            /* e.g. rsa-sha2-512 */
        data: string32 min(20) max(MAX_HASH_LEN);
    |4:"Monitor_SignAnswer" ->
        status: uint32;                 /* 0 or a positive errno */
        signature: string32;

    /* user lookup: whether the user may log in, and the methods to offer */
    |10:"Monitor_UserRequest" ->
        user: string32 max(256);
        service: string32;
    |11:"Monitor_UserAnswer" ->
        valid: boolean;
        methods: name-list;
        settings: monitor_net_settings;  /* as the Match blocks left them */

    /* authentication checks; the monitor re-parses everything itself */
    |12:"Monitor_PubkeyQueryRequest" ->
        algorithm: string32;
        key: string32;
    |13:"Monitor_PubkeyQueryAnswer" ->
        allowed: boolean;
    |14:"Monitor_PubkeyVerifyRequest" ->
        algorithm: string32;
        key: string32;
        signed_data: string32;          /* a userauth_signed_data, checked by the monitor */
        signature: string32;
    |15:"Monitor_PubkeyVerifyAnswer" ->
        authenticated: boolean;
        partial: boolean;
        methods: name-list;             /* still to do when partial */
    |16:"Monitor_PasswordRequest" ->
        password: string32 max(1024) secret;
    |17:"Monitor_PasswordAnswer" ->
        authenticated: boolean;
        change_required: boolean;
        partial: boolean;
        methods: name-list;
    |18:"Monitor_KbdintStartRequest" ->
        submethods: string32;
    |19:"Monitor_KbdintStartAnswer" ->
        status: uint32;
        name: string32;
        instruction: string32;
        num_prompts: uint32 max(32);
        prompts: monitor_prompt[num_prompts];
    |20:"Monitor_KbdintRespondRequest" ->
        num_responses: uint32 max(32);
        responses: monitor_response[num_responses];
    |21:"Monitor_KbdintRespondAnswer" ->
        authenticated: boolean;
        partial: boolean;
        methods: name-list;
    /* the Banner file's text (empty: none), read by the monitor: the net child opens
     * no file */
    |22:"Monitor_BannerRequest" -> ();
    |23:"Monitor_BannerAnswer" ->
        text: string32 max(MAX_BANNER_LEN);

    /* post-auth: user-side resources come back as file descriptors */
    |30:"Monitor_SessionRequest" ->
        session_kind: byte max(SESSION_SUBSYSTEM);
        command: string32;              /* exec command or subsystem name */
        want_pty: boolean;
        term: string32;
        width_chars: uint32;
        height_rows: uint32;
        width_pixels: uint32;
        height_pixels: uint32;
        modes: string32;                /* pty-req's encoded terminal modes */
        num_env: uint32 max(256);
        env: monitor_env[num_env];
        agent_forwarding: boolean;
    |31:"Monitor_SessionAnswer" ->
        status: uint32;                 /* 0, fds attached: stdin/stdout[/stderr] or pty */
        session_id: uint32;
    |32:"Monitor_WindowChangeRequest" ->
        session_id: uint32;
        width_chars: uint32;
        height_rows: uint32;
        width_pixels: uint32;
        height_pixels: uint32;
    |33:"Monitor_SignalRequest" ->
        session_id: uint32;
        signal_name: string32;
    |34:"Monitor_SessionExit" ->
        session_id: uint32;
        exited: boolean;                /* else killed by a signal */
        exit_status: uint32;
        signal_name: string32;
        core_dumped: boolean;
    /* pty-req: whether the user may have a pty (no-pty, restrict, PermitTTY), asked
     * when the client asks, so that a refusal reaches it as the answer to its pty-req
     * (it then goes on without one); the pty itself comes with the SessionRequest */
    |35:"Monitor_PtyRequest" -> ();
    |36:"Monitor_PtyAnswer" ->
        allowed: boolean;
    /* the client closed a session's channel while its process still runs: the
     * monitor closes its copy of the pty's master (the terminal hangs up, as when
     * OpenSSH closes its master at channel close) */
    |37:"Monitor_SessionClose" ->
        session_id: uint32;
    |40:"Monitor_DirectTcpipRequest" ->
        host: string32 max(1025);
        port: uint32 max(65535);
        originator_address: string32;
        originator_port: uint32 max(65535);
    |41:"Monitor_DirectTcpipAnswer" ->
        status: uint32;                 /* 0: one connected socket attached */
    |42:"Monitor_TcpipForwardRequest" ->
        bind_address: string32 max(1025);
        bind_port: uint32 max(65535);
    |43:"Monitor_TcpipForwardAnswer" ->
        status: uint32;                 /* 0: one listening socket attached */
        bound_port: uint32 max(65535);

    /* the net child's log lines, printed by the monitor */
    |50:"Monitor_Log" ->
        level: uint32 max(7);
        message: string32 max(2048);

    |default:"Monitor_Unknown" ->
        body: byte[*];
    };
}

/* The settings of this connection that the net child enforces, after the Match blocks
 * the lookup applied (OpenSSH's monitor sends its options with the passwd answer
 * likewise): all of them each time, not only what a Match changed.  The defaults are
 * OpenSSH's.  RekeyLimit's data is 0 or at least 16 bytes (servconf.c); the net child
 * checks that, and the patterns, beyond these bounds. */
packet monitor_net_settings {
    max_authtries: uint32 max(MAX_CONFIG_INT) default(6);       /* MaxAuthTries */
    rekey_limit: uint64 max(MAX_REKEY_BYTES);                   /* RekeyLimit data; 0: default */
    rekey_interval: uint32 max(MAX_CONFIG_INT);                 /* RekeyLimit time, s; 0: none */
    log_level: byte max(MAX_LOG_LEVEL) default(3);              /* LogLevel; 3: INFO */
    client_alive_interval: uint32 max(MAX_CONFIG_INT);          /* ClientAliveInterval, s; 0: none */
    client_alive_count_max: uint32 max(MAX_CONFIG_INT) default(3); /* ClientAliveCountMax */
    num_accept_env: uint32 max(MAX_ACCEPT_ENV);                 /* AcceptEnv */
    accept_env: monitor_env_pattern[num_accept_env];
}

packet monitor_env_pattern {
    pattern: string32 min(1) max(MAX_ENV_PATTERN_LEN);
}

packet monitor_key_entry {
    public_key: string32;
}

packet monitor_prompt {
    prompt: string32;
    echo: boolean;
}

packet monitor_response {
    response: string32 secret;
}

packet monitor_env {
    name: string32;
    value: string32;
}
