/*
 * sshd_config: the server configuration, read with OpenSSH 9.2's syntax and semantics.
 *
 * Life cycle (mirrors OpenSSH so that -T output and Match behaviour are the same):
 *
 *   struct sshd_config cfg;  struct sshd_config_source src;
 *   sshd_config_init(&cfg);  sshd_config_source_init(&src);
 *   sshd_config_parse_option(&cfg, "rekeylimit 1k 1h", &log);    -o (wins: it comes first)
 *   sshd_config_source_load(&src, "/etc/ssh/sshd_config", &log);  read the text once
 *   sshd_config_parse(&cfg, &src, &log);                          global pass
 *   sshd_config_finish(&cfg, &algs, &log);                        defaults, listen addrs, algos
 *   ...per connection:
 *   sshd_config_apply_match(&cfg, &src, &conn, &algs, &log);      Match pass over the same text
 *
 * Every value obtained first wins (single-valued keywords); list keywords accumulate as
 * OpenSSH's do. Includes are read during the global pass and cached in the source, so that
 * the Match pass of a later connection sees the same text even if the files changed.
 * Nothing here is global; the caller owns both structs and frees them.
 */
#ifndef MSSHD_CONFIG_H
#define MSSHD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bounds for hostile input. */
#define SSHD_CONFIG_MAX_LINE        16384     /* bytes in one line, newline excluded */
#define SSHD_CONFIG_MAX_FILE        (4u << 20) /* bytes in one file */
#define SSHD_CONFIG_MAX_ARGS        1024      /* arguments on one line */
#define SSHD_CONFIG_MAX_LIST        4096      /* entries in one list option */
#define SSHD_CONFIG_MAX_DEPTH       16        /* Include nesting, as OpenSSH */
#define SSHD_CONFIG_MAX_INCLUDES    256       /* included files parsed in one pass */
#define SSHD_CONFIG_MAX_PORTS       256       /* as OpenSSH's MAX_PORTS */
#define SSHD_CONFIG_MAX_SUBSYSTEMS  256       /* as OpenSSH's MAX_SUBSYSTEMS */
#define SSHD_CONFIG_SSHDIR          "/etc/ssh"

/* Log levels, OpenSSH's order (LogLevel keyword and the diagnostics below). */
enum sshd_log_level {
	SSHD_LOG_QUIET = 0, SSHD_LOG_FATAL, SSHD_LOG_ERROR, SSHD_LOG_INFO, SSHD_LOG_VERBOSE,
	SSHD_LOG_DEBUG1, SSHD_LOG_DEBUG2, SSHD_LOG_DEBUG3
};

/* Where the parser's messages go ("file:line: message"); fn may be NULL (silent). */
struct sshd_config_log {
	void (*fn)(void *arg, enum sshd_log_level level, const char *msg);
	void *arg;
};

struct sshd_strlist {
	char **v;
	size_t n;
};

/* A ListenAddress as written, resolved with the Ports once the file is read. */
struct sshd_listen_spec {
	char *addr;             /* NULL: wildcard */
	int port;               /* 0: every Port */
	char *rdomain;          /* always NULL on Linux (OpenSSH rejects it there) */
};

/* One resolved listening address, in OpenSSH's -T order. */
struct sshd_listen_addr {
	int family;             /* AF_INET / AF_INET6 */
	char host[64];          /* numeric */
	int port;
	char *rdomain;
};

struct sshd_subsystem {
	char *name;
	char *command;          /* the executable */
	char *args;             /* command and its arguments, joined by single spaces */
};

/* Values of the multi-state keywords (numbers are OpenSSH's). */
enum { SSHD_PERMIT_NO = 0, SSHD_PERMIT_FORCED_ONLY = 1, SSHD_PERMIT_NO_PASSWD = 2,
       SSHD_PERMIT_YES = 3 };
enum { SSHD_FWD_DENY = 0, SSHD_FWD_LOCAL = 1 << 0, SSHD_FWD_REMOTE = 1 << 1,
       SSHD_FWD_ALLOW = (1 << 0) | (1 << 1) };
enum { SSHD_COMP_NONE = 0, SSHD_COMP_DELAYED = 2 };
enum { SSHD_TUN_NO = 0, SSHD_TUN_P2P = 1, SSHD_TUN_ETHERNET = 2, SSHD_TUN_YES = 3 };
enum { SSHD_IGNORE_RHOSTS_NO = 0, SSHD_IGNORE_RHOSTS_YES = 1, SSHD_IGNORE_RHOSTS_SHOSTS = 2 };
enum { SSHD_PUBKEYAUTH_TOUCH_REQUIRED = 1, SSHD_PUBKEYAUTH_VERIFY_REQUIRED = 2 };
enum { SSHD_FP_MD5 = 0, SSHD_FP_SHA1 = 1, SSHD_FP_SHA256 = 2, SSHD_FP_SHA384 = 3,
       SSHD_FP_SHA512 = 4 };
#define SSHD_IPQOS_NONE 0x7fffffff  /* "IPQoS none" */
#define SSHD_PERSOURCE_NONE 0x7fffffff

/*
 * The configuration. Integers are -1 and pointers NULL while unset; lists are empty.
 * Algorithm lists hold the text as written (+, -, ^, wildcards) until
 * sshd_config_finish() resolves them against the supported set.
 */
struct sshd_config {
	/* listening */
	int ports[SSHD_CONFIG_MAX_PORTS];
	size_t nports;
	int ports_from_cmdline;
	int address_family;             /* AF_UNSPEC / AF_INET / AF_INET6, -1 unset */
	struct sshd_listen_spec *listen_specs;
	size_t nlisten_specs;
	struct sshd_listen_addr *listen_addrs;
	size_t nlisten_addrs;
	int listen_resolved;
	int listen_numeric_only;        /* resolve ListenAddress without DNS (fuzzing) */

	/* host keys */
	struct sshd_strlist host_key_files;
	struct sshd_strlist host_cert_files;
	char *host_key_agent;

	/* files */
	char *pid_file, *moduli_file, *xauth_location, *banner;
	char *trusted_user_ca_keys, *revoked_keys_file, *sk_provider;
	char *authorized_principals_file;
	char *chroot_directory, *adm_forced_command, *routing_domain;
	char *authorized_keys_command, *authorized_keys_command_user;
	char *authorized_principals_command, *authorized_principals_command_user;
	char *version_addendum;         /* "" after "none" */

	/* algorithms */
	char *ciphers, *macs, *kex_algorithms, *hostkeyalgorithms;
	char *hostbased_accepted_algos, *pubkey_accepted_algos, *ca_sign_algorithms;
	char *gss_kex_algorithms;

	/* integers and flags */
	int use_pam, login_grace_time, permit_root_login, log_facility, log_level;
	int hostbased_authentication, hostbased_uses_name_from_packet_only;
	int pubkey_authentication, pubkey_auth_options;
	int kerberos_authentication, kerberos_or_local_passwd, kerberos_ticket_cleanup;
	int gss_authentication, gss_cleanup_creds, gss_strict_acceptor, gss_keyex;
	int gss_store_rekey;
	int password_authentication, kbd_interactive_authentication;
	int print_motd, print_lastlog, ignore_rhosts, ignore_user_known_hosts;
	int x11_forwarding, x11_display_offset, x11_use_localhost;
	int strict_modes, permit_empty_passwd, permit_user_env;
	char *permit_user_env_allowlist;
	int compression, tcp_keep_alive;
	int64_t rekey_limit;            /* -1 unset */
	int rekey_interval;
	int allow_tcp_forwarding, allow_agent_forwarding, allow_streamlocal_forwarding;
	int gateway_ports, streamlocal_bind_mask, streamlocal_bind_unlink;
	int disable_forwarding, expose_userauth_info;
	int max_startups_begin, max_startups_rate, max_startups;
	int per_source_max_startups, per_source_masklen_ipv4, per_source_masklen_ipv6;
	int max_authtries, max_sessions, use_dns;
	int client_alive_interval, client_alive_count_max;
	int permit_tun, permit_tty, permit_user_rc;
	int ip_qos_interactive, ip_qos_bulk;
	int fingerprint_hash, required_rsa_size, unused_connection_timeout;
	int debian_banner;
	int has_match;                  /* a Match line was parsed: per-connection values may
					   differ from these (the monitor applies them) */

	/* lists */
	struct sshd_strlist authorized_keys_files;
	struct sshd_strlist allow_users, deny_users, allow_groups, deny_groups;
	struct sshd_strlist accept_env, setenv, auth_methods, log_verbose, channel_timeouts;
	struct sshd_strlist permitted_opens, permitted_listens;
	struct sshd_subsystem *subsystems;
	size_t nsubsystems;
};

/* One connection, for Match: -C user=,host=,addr=,laddr=,lport=,rdomain= or a live one. */
struct sshd_conn_info {
	const char *user, *host, *address, *laddress, *rdomain;
	int lport;              /* 0: not given */
	int test;               /* -T -C: a missing field makes a criterion false, not fatal */
	char *owned;            /* storage of a parsed -C spec */
};

/* Algorithm sets a list is resolved against: default list and every known name. */
struct sshd_algo_set {
	const char *defaults;
	const char *all;
};
struct sshd_algo_sets {
	struct sshd_algo_set cipher, mac, kex, key, sig;
};
/* OpenSSH 9.2's lists (Debian 12 build), for drop-in -T output. */
extern const struct sshd_algo_sets sshd_openssh92_algos;

/* Lifecycle of the text: the main file and every Include, read once. */
struct sshd_config_include;
struct sshd_config_source {
	char *name;
	char *text;
	size_t len;
	struct sshd_config_include *inc;
	size_t ninc;
	int no_includes;        /* refuse Include (fuzzing: no file system access) */
	int includes_frozen;    /* Include only from inc (an unpacked source): a pattern
				   not there is an error, no file is ever read */
};

void sshd_config_init(struct sshd_config *c);
void sshd_config_free(struct sshd_config *c);
void sshd_config_source_init(struct sshd_config_source *s);
void sshd_config_source_free(struct sshd_config_source *s);

/* Reads the main file (bounded); -ENOENT/-EACCES... when it cannot be read. */
int sshd_config_source_load(struct sshd_config_source *s, const char *path,
    const struct sshd_config_log *log);
/* Uses text in memory as the main file (tests, fuzzing); the text is copied. */
int sshd_config_source_set(struct sshd_config_source *s, const char *name,
    const char *text, size_t len, const struct sshd_config_log *log);

/* The source as bytes (config_source_wire.c): the main text and every Include's
 * pattern, file name and text, as read so far (after sshd_config_parse, every file the
 * configuration includes).  *out is malloc'd.  0, -EINVAL, -EFBIG or -ENOMEM. */
int sshd_config_source_pack(const struct sshd_config_source *s, char **out,
    size_t *outlen);
/* Replaces s with what sshd_config_source_pack made (its no_includes kept), Includes
 * frozen: parsing it reads no file and sees the packer's texts under the same names.
 * -EBADMSG (logged) for malformed bytes, -ENOMEM, -EINVAL; s is unchanged then. */
int sshd_config_source_unpack(struct sshd_config_source *s, const char *buf, size_t len,
    const struct sshd_config_log *log);

/* One -o option, applied as a line before the file; -EBADMSG on error. */
int sshd_config_parse_option(struct sshd_config *c, const char *line,
    const struct sshd_config_log *log);

/* Global pass over the source; -EBADMSG on any error (messages went to log). */
int sshd_config_parse(struct sshd_config *c, struct sshd_config_source *s,
    const struct sshd_config_log *log);

/* Fills defaults, resolves listen addresses and algorithm lists. */
int sshd_config_finish(struct sshd_config *c, const struct sshd_algo_sets *algs,
    const struct sshd_config_log *log);

/* Evaluates the Match blocks for one connection and applies what they set. */
int sshd_config_apply_match(struct sshd_config *c, struct sshd_config_source *s,
    const struct sshd_conn_info *ci, const struct sshd_algo_sets *algs,
    const struct sshd_config_log *log);

/* Parses a -C spec ("user=x,host=y,..."); ci is reset first. -EINVAL with msg on error. */
int sshd_conn_info_parse(struct sshd_conn_info *ci, const char *spec,
    char *msg, size_t msglen);
void sshd_conn_info_free(struct sshd_conn_info *ci);

/* Writes the -T dump (OpenSSH's order and format) to out. */
int sshd_config_dump(const struct sshd_config *c, FILE *out);

/*
 * Resolves an algorithm list as written (+x appends to the defaults, -x removes, ^x
 * prepends, otherwise explicit; patterns with * and ?) against the set. *out is a new
 * string (caller frees). -EINVAL if the result would be empty (except for a - list).
 */
int sshd_algo_resolve(const char *spec, const struct sshd_algo_set *set, char **out);

/* A list's storage, for code that builds one outside the parser (the net child takes
 * AcceptEnv from the monitor): add appends a copy of s (-ENOSPC past
 * SSHD_CONFIG_MAX_LIST entries, -ENOMEM); free empties the list. */
int sshd_strlist_add(struct sshd_strlist *l, const char *s);
void sshd_strlist_free(struct sshd_strlist *l);

/* Match helpers, also used by the daemon (AllowUsers, from=, ...). */
int sshd_match_pattern(const char *s, const char *pattern);
int sshd_match_pattern_list(const char *s, const char *list, int dolower);
/* 1 match, 0 no match, -1 negated match, -2 malformed list. addr NULL: syntax check. */
int sshd_addr_match_list(const char *addr, const char *list);

/* Value parsers shared with the command line. */
int sshd_parse_time(const char *s);                     /* seconds or -1 */
int sshd_parse_scaled(const char *s, int64_t *out);     /* 0, -EINVAL, -ERANGE */
int sshd_parse_port(const char *s);                     /* 1..65535, 0 for "0", -1 */
const char *sshd_log_level_name(int level);
int sshd_log_level_number(const char *name);

#endif
