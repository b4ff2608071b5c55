/*
 * The sshd_config keyword table: every keyword OpenSSH 9.2's sshd (Debian 12 build)
 * accepts, its value type, whether it may appear inside Match, its field and its default.
 * Aliases and obsolete names are rows of their own sharing an id; the first row of an id
 * is the name -T prints.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "sshd/config_int.h"

#define F(field) offsetof(struct sshd_config, field)

const struct cfg_choice cfg_choices_flag[] = {
	{ "yes", 1 }, { "no", 0 }, { NULL, -1 } };
static const struct cfg_choice choices_ignore_rhosts[] = {
	{ "yes", SSHD_IGNORE_RHOSTS_YES }, { "no", SSHD_IGNORE_RHOSTS_NO },
	{ "shosts-only", SSHD_IGNORE_RHOSTS_SHOSTS }, { NULL, -1 } };
static const struct cfg_choice choices_addressfamily[] = {
	{ "inet", AF_INET }, { "inet6", AF_INET6 }, { "any", AF_UNSPEC }, { NULL, -1 } };
static const struct cfg_choice choices_permitrootlogin[] = {
	{ "without-password", SSHD_PERMIT_NO_PASSWD },
	{ "prohibit-password", SSHD_PERMIT_NO_PASSWD },
	{ "forced-commands-only", SSHD_PERMIT_FORCED_ONLY },
	{ "yes", SSHD_PERMIT_YES }, { "no", SSHD_PERMIT_NO }, { NULL, -1 } };
const struct cfg_choice cfg_choices_compression[] = {
	{ "yes", SSHD_COMP_DELAYED }, { "delayed", SSHD_COMP_DELAYED },
	{ "no", SSHD_COMP_NONE }, { NULL, -1 } };
static const struct cfg_choice choices_gatewayports[] = {
	{ "clientspecified", 2 }, { "yes", 1 }, { "no", 0 }, { NULL, -1 } };
const struct cfg_choice cfg_choices_tcpfwd[] = {
	{ "yes", SSHD_FWD_ALLOW }, { "all", SSHD_FWD_ALLOW }, { "no", SSHD_FWD_DENY },
	{ "remote", SSHD_FWD_REMOTE }, { "local", SSHD_FWD_LOCAL }, { NULL, -1 } };
const struct cfg_choice cfg_choices_tunnel[] = {
	{ "no", SSHD_TUN_NO }, { "point-to-point", SSHD_TUN_P2P },
	{ "ethernet", SSHD_TUN_ETHERNET }, { "yes", SSHD_TUN_YES }, { NULL, -1 } };
/* -T prints the first name of a value: QUIET shows as SILENT, DEBUG1 as DEBUG. */
const struct cfg_choice cfg_choices_loglevel[] = {
	{ "SILENT", SSHD_LOG_QUIET }, { "QUIET", SSHD_LOG_QUIET }, { "FATAL", SSHD_LOG_FATAL },
	{ "ERROR", SSHD_LOG_ERROR }, { "INFO", SSHD_LOG_INFO },
	{ "VERBOSE", SSHD_LOG_VERBOSE }, { "DEBUG", SSHD_LOG_DEBUG1 },
	{ "DEBUG1", SSHD_LOG_DEBUG1 }, { "DEBUG2", SSHD_LOG_DEBUG2 },
	{ "DEBUG3", SSHD_LOG_DEBUG3 }, { NULL, -1 } };
/* syslog(3) facility numbers (LOG_DAEMON ... LOG_LOCAL7 >> 3). */
const struct cfg_choice cfg_choices_facility[] = {
	{ "DAEMON", 3 }, { "USER", 1 }, { "AUTH", 4 }, { "AUTHPRIV", 10 },
	{ "LOCAL0", 16 }, { "LOCAL1", 17 }, { "LOCAL2", 18 }, { "LOCAL3", 19 },
	{ "LOCAL4", 20 }, { "LOCAL5", 21 }, { "LOCAL6", 22 }, { "LOCAL7", 23 },
	{ NULL, -1 } };
const struct cfg_choice cfg_choices_fphash[] = {
	{ "MD5", SSHD_FP_MD5 }, { "SHA1", SSHD_FP_SHA1 }, { "SHA256", SSHD_FP_SHA256 },
	{ "SHA384", SSHD_FP_SHA384 }, { "SHA512", SSHD_FP_SHA512 }, { NULL, -1 } };
/* IP type-of-service names; "le" precedes "reliability" (same value), as -T prints. */
const struct cfg_choice cfg_choices_ipqos[] = {
	{ "af11", 0x28 }, { "af12", 0x30 }, { "af13", 0x38 }, { "af21", 0x48 },
	{ "af22", 0x50 }, { "af23", 0x58 }, { "af31", 0x68 }, { "af32", 0x70 },
	{ "af33", 0x78 }, { "af41", 0x88 }, { "af42", 0x90 }, { "af43", 0x98 },
	{ "cs0", 0x00 }, { "cs1", 0x20 }, { "cs2", 0x40 }, { "cs3", 0x60 }, { "cs4", 0x80 },
	{ "cs5", 0xa0 }, { "cs6", 0xc0 }, { "cs7", 0xe0 }, { "ef", 0xb8 }, { "le", 0x04 },
	{ "lowdelay", 0x10 }, { "throughput", 0x08 }, { "reliability", 0x04 },
	{ "none", SSHD_IPQOS_NONE }, { NULL, -1 } };

#define KW(name, id, type, flags, off, ch, algo, dflt) \
	{ name, id, type, flags, off, ch, algo, dflt }
#define FLAG(name, id, flags, field, dflt) \
	KW(name, id, V_FLAG, flags, F(field), cfg_choices_flag, ALG_NONE, dflt)
#define MULTI(name, id, flags, field, ch, dflt) \
	KW(name, id, V_MULTI, flags, F(field), ch, ALG_NONE, dflt)
#define SIMPLE(name, id, type, flags, field, dflt) \
	KW(name, id, type, flags, F(field), NULL, ALG_NONE, dflt)
#define ALGOS(name, id, flags, field, cls) \
	KW(name, id, V_ALGOS, flags, F(field), NULL, cls, NULL)
#define SPECIAL(name, id, flags) \
	KW(name, id, V_SPECIAL, flags, NO_FIELD, NULL, ALG_NONE, NULL)
#define OBSOLETE(name, type, flags) \
	KW(name, type == V_DEPRECATED ? K_DEPRECATED : type == V_UNSUPPORTED ? \
	    K_UNSUPPORTED : K_IGNORE, type, flags, NO_FIELD, NULL, ALG_NONE, NULL)

const struct cfg_keyword cfg_keywords[] = {
	FLAG("usepam", K_USEPAM, CFG_GLOBAL, use_pam, "no"),
	OBSOLETE("pamauthenticationviakbdint", V_DEPRECATED, CFG_GLOBAL),
	SPECIAL("port", K_PORT, CFG_GLOBAL),
	SPECIAL("hostkey", K_HOSTKEY, CFG_GLOBAL),
	SPECIAL("hostdsakey", K_HOSTKEY, CFG_GLOBAL),
	SPECIAL("hostkeyagent", K_HOSTKEYAGENT, CFG_GLOBAL),
	SIMPLE("pidfile", K_PIDFILE, V_PATH, CFG_GLOBAL, pid_file, "/run/sshd.pid"),
	SIMPLE("modulifile", K_MODULIFILE, V_PATH, CFG_GLOBAL, moduli_file, "/etc/ssh/moduli"),
	OBSOLETE("serverkeybits", V_DEPRECATED, CFG_GLOBAL),
	SIMPLE("logingracetime", K_LOGINGRACETIME, V_TIME, CFG_GLOBAL, login_grace_time, "120"),
	OBSOLETE("keyregenerationinterval", V_DEPRECATED, CFG_GLOBAL),
	MULTI("permitrootlogin", K_PERMITROOTLOGIN, CFG_ALL, permit_root_login,
	    choices_permitrootlogin, "prohibit-password"),
	MULTI("syslogfacility", K_SYSLOGFACILITY, CFG_GLOBAL, log_facility,
	    cfg_choices_facility, "AUTH"),
	MULTI("loglevel", K_LOGLEVEL, CFG_ALL, log_level, cfg_choices_loglevel, "INFO"),
	SIMPLE("logverbose", K_LOGVERBOSE, V_LIST1, CFG_ALL, log_verbose, NULL),
	OBSOLETE("rhostsauthentication", V_DEPRECATED, CFG_GLOBAL),
	OBSOLETE("rhostsrsaauthentication", V_DEPRECATED, CFG_ALL),
	FLAG("hostbasedauthentication", K_HOSTBASEDAUTH, CFG_ALL, hostbased_authentication, "no"),
	FLAG("hostbasedusesnamefrompacketonly", K_HOSTBASEDNAMEFROMPACKET, CFG_ALL,
	    hostbased_uses_name_from_packet_only, "no"),
	ALGOS("hostbasedacceptedalgorithms", K_HOSTBASEDALGOS, CFG_ALL,
	    hostbased_accepted_algos, ALG_KEY),
	ALGOS("hostbasedacceptedkeytypes", K_HOSTBASEDALGOS, CFG_ALL,
	    hostbased_accepted_algos, ALG_KEY),
	ALGOS("hostkeyalgorithms", K_HOSTKEYALGOS, CFG_GLOBAL, hostkeyalgorithms, ALG_KEY),
	OBSOLETE("rsaauthentication", V_DEPRECATED, CFG_ALL),
	FLAG("pubkeyauthentication", K_PUBKEYAUTH, CFG_ALL, pubkey_authentication, "yes"),
	ALGOS("pubkeyacceptedalgorithms", K_PUBKEYALGOS, CFG_ALL, pubkey_accepted_algos, ALG_KEY),
	ALGOS("pubkeyacceptedkeytypes", K_PUBKEYALGOS, CFG_ALL, pubkey_accepted_algos, ALG_KEY),
	SPECIAL("pubkeyauthoptions", K_PUBKEYAUTHOPTIONS, CFG_ALL),
	FLAG("dsaauthentication", K_PUBKEYAUTH, CFG_GLOBAL, pubkey_authentication, "yes"),
	FLAG("kerberosauthentication", K_KERBEROSAUTH, CFG_ALL, kerberos_authentication, "no"),
	FLAG("kerberosorlocalpasswd", K_KERBEROSORLOCALPASSWD, CFG_GLOBAL,
	    kerberos_or_local_passwd, "yes"),
	FLAG("kerberosticketcleanup", K_KERBEROSTICKETCLEANUP, CFG_GLOBAL,
	    kerberos_ticket_cleanup, "yes"),
	OBSOLETE("kerberosgetafstoken", V_UNSUPPORTED, CFG_GLOBAL),
	OBSOLETE("kerberostgtpassing", V_UNSUPPORTED, CFG_GLOBAL),
	OBSOLETE("afstokenpassing", V_UNSUPPORTED, CFG_GLOBAL),
	FLAG("gssapiauthentication", K_GSSAUTH, CFG_ALL, gss_authentication, "no"),
	FLAG("gssapicleanupcredentials", K_GSSCLEANUPCREDS, CFG_GLOBAL, gss_cleanup_creds, "yes"),
	FLAG("gssapicleanupcreds", K_GSSCLEANUPCREDS, CFG_GLOBAL, gss_cleanup_creds, "yes"),
	FLAG("gssapistrictacceptorcheck", K_GSSSTRICTACCEPTOR, CFG_GLOBAL,
	    gss_strict_acceptor, "yes"),
	FLAG("gssapikeyexchange", K_GSSKEYEX, CFG_GLOBAL, gss_keyex, "no"),
	FLAG("gssapistorecredentialsonrekey", K_GSSSTOREREKEY, CFG_GLOBAL, gss_store_rekey, "no"),
	ALGOS("gssapikexalgorithms", K_GSSKEXALGOS, CFG_GLOBAL, gss_kex_algorithms, ALG_GSSKEX),
	OBSOLETE("gssapiusesessioncredcache", V_UNSUPPORTED, CFG_GLOBAL),
	OBSOLETE("gssusesessionccache", V_UNSUPPORTED, CFG_GLOBAL),
	FLAG("passwordauthentication", K_PASSWORDAUTH, CFG_ALL, password_authentication, "yes"),
	FLAG("kbdinteractiveauthentication", K_KBDINTAUTH, CFG_ALL,
	    kbd_interactive_authentication, "yes"),
	FLAG("challengeresponseauthentication", K_KBDINTAUTH, CFG_ALL,
	    kbd_interactive_authentication, "yes"),
	FLAG("skeyauthentication", K_KBDINTAUTH, CFG_ALL, kbd_interactive_authentication, "yes"),
	OBSOLETE("checkmail", V_DEPRECATED, CFG_GLOBAL),
	SPECIAL("listenaddress", K_LISTENADDRESS, CFG_GLOBAL),
	MULTI("addressfamily", K_ADDRESSFAMILY, CFG_GLOBAL, address_family,
	    choices_addressfamily, "any"),
	FLAG("printmotd", K_PRINTMOTD, CFG_GLOBAL, print_motd, "yes"),
	FLAG("printlastlog", K_PRINTLASTLOG, CFG_GLOBAL, print_lastlog, "yes"),
	MULTI("ignorerhosts", K_IGNORERHOSTS, CFG_ALL, ignore_rhosts, choices_ignore_rhosts, "yes"),
	FLAG("ignoreuserknownhosts", K_IGNOREUSERKNOWNHOSTS, CFG_GLOBAL,
	    ignore_user_known_hosts, "no"),
	FLAG("x11forwarding", K_X11FORWARDING, CFG_ALL, x11_forwarding, "no"),
	SIMPLE("x11displayoffset", K_X11DISPLAYOFFSET, V_INT, CFG_ALL, x11_display_offset, "10"),
	FLAG("x11uselocalhost", K_X11USELOCALHOST, CFG_ALL, x11_use_localhost, "yes"),
	SIMPLE("xauthlocation", K_XAUTHLOCATION, V_PATH, CFG_GLOBAL, xauth_location,
	    "/usr/bin/xauth"),
	FLAG("strictmodes", K_STRICTMODES, CFG_GLOBAL, strict_modes, "yes"),
	FLAG("permitemptypasswords", K_PERMITEMPTYPASSWORDS, CFG_ALL, permit_empty_passwd, "no"),
	SPECIAL("permituserenvironment", K_PERMITUSERENV, CFG_GLOBAL),
	OBSOLETE("uselogin", V_DEPRECATED, CFG_GLOBAL),
	MULTI("compression", K_COMPRESSION, CFG_GLOBAL, compression, cfg_choices_compression,
	    "yes"),
	SPECIAL("rekeylimit", K_REKEYLIMIT, CFG_ALL),
	FLAG("tcpkeepalive", K_TCPKEEPALIVE, CFG_GLOBAL, tcp_keep_alive, "yes"),
	FLAG("keepalive", K_TCPKEEPALIVE, CFG_GLOBAL, tcp_keep_alive, "yes"),
	MULTI("allowtcpforwarding", K_ALLOWTCPFWD, CFG_ALL, allow_tcp_forwarding,
	    cfg_choices_tcpfwd, "yes"),
	FLAG("allowagentforwarding", K_ALLOWAGENTFWD, CFG_ALL, allow_agent_forwarding, "yes"),
	SIMPLE("allowusers", K_ALLOWUSERS, V_LIST, CFG_ALL, allow_users, NULL),
	SIMPLE("denyusers", K_DENYUSERS, V_LIST, CFG_ALL, deny_users, NULL),
	SIMPLE("allowgroups", K_ALLOWGROUPS, V_LIST, CFG_ALL, allow_groups, NULL),
	SIMPLE("denygroups", K_DENYGROUPS, V_LIST, CFG_ALL, deny_groups, NULL),
	ALGOS("ciphers", K_CIPHERS, CFG_GLOBAL, ciphers, ALG_CIPHER),
	ALGOS("macs", K_MACS, CFG_GLOBAL, macs, ALG_MAC),
	OBSOLETE("protocol", V_IGNORE, CFG_GLOBAL),
	MULTI("gatewayports", K_GATEWAYPORTS, CFG_ALL, gateway_ports, choices_gatewayports, "no"),
	SPECIAL("subsystem", K_SUBSYSTEM, CFG_GLOBAL),
	SPECIAL("maxstartups", K_MAXSTARTUPS, CFG_GLOBAL),
	SPECIAL("persourcemaxstartups", K_PERSOURCEMAXSTARTUPS, CFG_GLOBAL),
	SPECIAL("persourcenetblocksize", K_PERSOURCENETBLOCKSIZE, CFG_GLOBAL),
	SIMPLE("maxauthtries", K_MAXAUTHTRIES, V_INT, CFG_ALL, max_authtries, "6"),
	SIMPLE("maxsessions", K_MAXSESSIONS, V_INT, CFG_ALL, max_sessions, "10"),
	SIMPLE("banner", K_BANNER, V_PATH, CFG_ALL, banner, NULL),
	FLAG("usedns", K_USEDNS, CFG_GLOBAL, use_dns, "no"),
	OBSOLETE("verifyreversemapping", V_DEPRECATED, CFG_GLOBAL),
	OBSOLETE("reversemappingcheck", V_DEPRECATED, CFG_GLOBAL),
	SIMPLE("clientaliveinterval", K_CLIENTALIVEINTERVAL, V_TIME, CFG_ALL,
	    client_alive_interval, "0"),
	SIMPLE("clientalivecountmax", K_CLIENTALIVECOUNTMAX, V_INT, CFG_ALL,
	    client_alive_count_max, "3"),
	SIMPLE("authorizedkeysfile", K_AUTHORIZEDKEYSFILE, V_LIST1, CFG_ALL,
	    authorized_keys_files, ".ssh/authorized_keys .ssh/authorized_keys2"),
	OBSOLETE("authorizedkeysfile2", V_DEPRECATED, CFG_ALL),
	OBSOLETE("useprivilegeseparation", V_DEPRECATED, CFG_GLOBAL),
	SIMPLE("acceptenv", K_ACCEPTENV, V_LIST, CFG_ALL, accept_env, NULL),
	SIMPLE("setenv", K_SETENV, V_LIST1, CFG_ALL, setenv, NULL),
	MULTI("permittunnel", K_PERMITTUNNEL, CFG_ALL | CFG_CASE, permit_tun,
	    cfg_choices_tunnel, "no"),
	FLAG("permittty", K_PERMITTTY, CFG_ALL, permit_tty, "yes"),
	FLAG("permituserrc", K_PERMITUSERRC, CFG_ALL, permit_user_rc, "yes"),
	SPECIAL("match", K_MATCH, CFG_ALL),
	SPECIAL("permitopen", K_PERMITOPEN, CFG_ALL),
	SPECIAL("permitlisten", K_PERMITLISTEN, CFG_ALL),
	SIMPLE("forcecommand", K_FORCECOMMAND, V_REST, CFG_ALL, adm_forced_command, NULL),
	SIMPLE("chrootdirectory", K_CHROOTDIRECTORY, V_STR, CFG_ALL, chroot_directory, NULL),
	SPECIAL("hostcertificate", K_HOSTCERTIFICATE, CFG_GLOBAL),
	SIMPLE("revokedkeys", K_REVOKEDKEYS, V_PATH, CFG_ALL, revoked_keys_file, NULL),
	SIMPLE("trustedusercakeys", K_TRUSTEDUSERCAKEYS, V_PATH, CFG_ALL,
	    trusted_user_ca_keys, NULL),
	SIMPLE("authorizedprincipalsfile", K_AUTHPRINCIPALSFILE, V_TILDE, CFG_ALL,
	    authorized_principals_file, NULL),
	ALGOS("kexalgorithms", K_KEXALGOS, CFG_GLOBAL, kex_algorithms, ALG_KEX),
	SPECIAL("include", K_INCLUDE, CFG_ALL),
	SPECIAL("ipqos", K_IPQOS, CFG_ALL),
	SIMPLE("authorizedkeyscommand", K_AUTHKEYSCOMMAND, V_CMD, CFG_ALL,
	    authorized_keys_command, NULL),
	SIMPLE("authorizedkeyscommanduser", K_AUTHKEYSCOMMANDUSER, V_STR, CFG_ALL,
	    authorized_keys_command_user, NULL),
	SIMPLE("authorizedprincipalscommand", K_AUTHPRINCIPALSCOMMAND, V_CMD, CFG_ALL,
	    authorized_principals_command, NULL),
	SIMPLE("authorizedprincipalscommanduser", K_AUTHPRINCIPALSCOMMANDUSER, V_STR, CFG_ALL,
	    authorized_principals_command_user, NULL),
	SPECIAL("versionaddendum", K_VERSIONADDENDUM, CFG_GLOBAL),
	SIMPLE("authenticationmethods", K_AUTHMETHODS, V_LIST1, CFG_ALL, auth_methods, NULL),
	SPECIAL("streamlocalbindmask", K_STREAMLOCALBINDMASK, CFG_ALL),
	FLAG("streamlocalbindunlink", K_STREAMLOCALBINDUNLINK, CFG_ALL,
	    streamlocal_bind_unlink, "no"),
	MULTI("allowstreamlocalforwarding", K_ALLOWSTREAMLOCALFWD, CFG_ALL,
	    allow_streamlocal_forwarding, cfg_choices_tcpfwd, "yes"),
	SPECIAL("fingerprinthash", K_FINGERPRINTHASH, CFG_GLOBAL),
	FLAG("disableforwarding", K_DISABLEFWD, CFG_ALL, disable_forwarding, "no"),
	FLAG("exposeauthinfo", K_EXPOSEAUTHINFO, CFG_ALL, expose_userauth_info, "no"),
	SPECIAL("rdomain", K_RDOMAIN, CFG_ALL),
	ALGOS("casignaturealgorithms", K_CASIGALGOS, CFG_ALL, ca_sign_algorithms, ALG_SIG),
	SPECIAL("securitykeyprovider", K_SECURITYKEYPROVIDER, CFG_GLOBAL),
	SIMPLE("requiredrsasize", K_REQUIREDRSASIZE, V_INT, CFG_ALL, required_rsa_size, "1024"),
	SIMPLE("channeltimeout", K_CHANNELTIMEOUT, V_LIST1, CFG_ALL, channel_timeouts, NULL),
	SPECIAL("unusedconnectiontimeout", K_UNUSEDCONNTIMEOUT, CFG_ALL),
	FLAG("debianbanner", K_DEBIANBANNER, CFG_GLOBAL, debian_banner, "yes"),
	OBSOLETE("permitblacklistedkeys", V_DEPRECATED, CFG_GLOBAL),
};
const size_t cfg_nkeywords = sizeof(cfg_keywords) / sizeof(cfg_keywords[0]);

const struct cfg_keyword *
cfg_keyword_lookup(const char *name)
{
	for (size_t i = 0; i < cfg_nkeywords; i++)
		if (strcasecmp(name, cfg_keywords[i].name) == 0)
			return &cfg_keywords[i];
	return NULL;
}

const struct cfg_keyword *
cfg_keyword_by_id(enum cfg_kw id)
{
	for (size_t i = 0; i < cfg_nkeywords; i++)
		if (cfg_keywords[i].id == id)
			return &cfg_keywords[i];
	return NULL;
}

int
cfg_choice_value(const struct cfg_choice *c, const char *name, int casesens)
{
	for (; c->name != NULL; c++)
		if ((casesens ? strcmp(name, c->name) : strcasecmp(name, c->name)) == 0)
			return c->value;
	return -1;
}

const char *
cfg_choice_name(const struct cfg_choice *c, int value)
{
	for (; c->name != NULL; c++)
		if (c->value == value)
			return c->name;
	return "UNKNOWN";
}

const char *
sshd_log_level_name(int level)
{
	return cfg_choice_name(cfg_choices_loglevel, level);
}

int
sshd_log_level_number(const char *name)
{
	return cfg_choice_value(cfg_choices_loglevel, name, 0);
}
