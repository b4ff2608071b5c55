/*
 * sshd -T: the effective configuration, one keyword (lowercase) and value per line, in
 * the order and format of Debian's OpenSSH 9.2p1, so that the output is a configuration
 * that parses back to itself.
 *
 * Deliberate difference: an argument containing a blank, a quote, '#' or a backslash
 * (SetEnv B="2 3", AcceptEnv with odd characters) is written quoted, so that it reads
 * back as one argument; OpenSSH writes it bare and cannot re-read its own output.
 * Like OpenSSH, SetEnv prints one line per variable; since only the first SetEnv line
 * counts, a dump with several variables reads back with the first one only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sshd/config_int.h"

static const char *
name_of(enum cfg_kw id)
{
	const struct cfg_keyword *kw = cfg_keyword_by_id(id);
	return kw != NULL ? kw->name : "UNKNOWN";
}

/* One word as it must be written to read back the same. */
static void
put_word(FILE *out, const char *s)
{
	if (*s != '\0' && strpbrk(s, " \t\"'#\\") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
dump_int(FILE *out, enum cfg_kw id, int v)
{
	fprintf(out, "%s %d\n", name_of(id), v);
}

static void
dump_choice(FILE *out, const struct sshd_config *c, enum cfg_kw id)
{
	const struct cfg_keyword *kw = cfg_keyword_by_id(id);
	int v = *(const int *)(const void *)((const char *)c + kw->off);

	fprintf(out, "%s %s\n", kw->name, v == -1 ? "unset" : cfg_choice_name(kw->choices, v));
}

static void
dump_str(FILE *out, enum cfg_kw id, const char *v)
{
	fprintf(out, "%s %s\n", name_of(id), v == NULL ? "none" : v);
}

static void
dump_field_str(FILE *out, const struct sshd_config *c, enum cfg_kw id)
{
	const struct cfg_keyword *kw = cfg_keyword_by_id(id);
	dump_str(out, id, *(char *const *)(const void *)((const char *)c + kw->off));
}

static void
dump_list(FILE *out, enum cfg_kw id, const struct sshd_strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		fprintf(out, "%s ", name_of(id));
		put_word(out, l->v[i]);
		fputc('\n', out);
	}
}

static void
dump_oneline(FILE *out, enum cfg_kw id, const struct sshd_strlist *l, const char *empty)
{
	if (l->n == 0 && empty == NULL)
		return;
	fputs(name_of(id), out);
	for (size_t i = 0; i < l->n; i++) {
		fputc(' ', out);
		put_word(out, l->v[i]);
	}
	if (l->n == 0)
		fprintf(out, " %s", empty);
	fputc('\n', out);
}

int
sshd_config_dump(const struct sshd_config *c, FILE *out)
{
	static const enum cfg_kw ints[] = { K_LOGINGRACETIME, K_X11DISPLAYOFFSET,
	    K_MAXAUTHTRIES, K_MAXSESSIONS, K_CLIENTALIVEINTERVAL, K_CLIENTALIVECOUNTMAX,
	    K_REQUIREDRSASIZE };
	static const enum cfg_kw choices1[] = { K_PERMITROOTLOGIN, K_IGNORERHOSTS,
	    K_IGNOREUSERKNOWNHOSTS, K_HOSTBASEDAUTH, K_HOSTBASEDNAMEFROMPACKET, K_PUBKEYAUTH,
	    K_KERBEROSAUTH, K_KERBEROSORLOCALPASSWD, K_KERBEROSTICKETCLEANUP, K_GSSAUTH,
	    K_GSSCLEANUPCREDS, K_GSSKEYEX, K_GSSSTRICTACCEPTOR, K_GSSSTOREREKEY };
	static const enum cfg_kw choices2[] = { K_PASSWORDAUTH, K_KBDINTAUTH, K_PRINTMOTD,
	    K_PRINTLASTLOG, K_X11FORWARDING, K_X11USELOCALHOST, K_PERMITTTY, K_PERMITUSERRC,
	    K_STRICTMODES, K_TCPKEEPALIVE, K_PERMITEMPTYPASSWORDS, K_COMPRESSION,
	    K_GATEWAYPORTS, K_USEDNS, K_ALLOWTCPFWD, K_ALLOWAGENTFWD, K_DISABLEFWD,
	    K_ALLOWSTREAMLOCALFWD, K_STREAMLOCALBINDUNLINK };
	static const enum cfg_kw strs[] = { K_PIDFILE, K_MODULIFILE, K_XAUTHLOCATION,
	    K_CIPHERS, K_MACS, K_BANNER, K_FORCECOMMAND, K_CHROOTDIRECTORY,
	    K_TRUSTEDUSERCAKEYS, K_REVOKEDKEYS };
	static const enum cfg_kw strs2[] = { K_AUTHKEYSCOMMAND, K_AUTHKEYSCOMMANDUSER,
	    K_AUTHPRINCIPALSCOMMAND, K_AUTHPRINCIPALSCOMMANDUSER };
	static const enum cfg_kw algos[] = { K_KEXALGOS, K_CASIGALGOS, K_HOSTBASEDALGOS,
	    K_HOSTKEYALGOS, K_PUBKEYALGOS };
	char b1[8], b2[8];

	for (size_t i = 0; i < c->nports; i++)
		fprintf(out, "port %d\n", c->ports[i]);
	dump_choice(out, c, K_ADDRESSFAMILY);
	for (size_t i = 0; i < c->nlisten_addrs; i++) {
		const struct sshd_listen_addr *la = &c->listen_addrs[i];
		fprintf(out, la->family == AF_INET6 ? "listenaddress [%s]:%d\n" :
		    "listenaddress %s:%d\n", la->host, la->port);
	}
	dump_choice(out, c, K_USEPAM);
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		const struct cfg_keyword *kw = cfg_keyword_by_id(ints[i]);
		dump_int(out, ints[i], *(const int *)(const void *)((const char *)c + kw->off));
	}
	fprintf(out, "streamlocalbindmask 0%o\n", (unsigned)c->streamlocal_bind_mask);
	if (c->unused_connection_timeout == 0)
		fprintf(out, "unusedconnectiontimeout none\n");
	else
		dump_int(out, K_UNUSEDCONNTIMEOUT, c->unused_connection_timeout);
	for (size_t i = 0; i < sizeof(choices1) / sizeof(choices1[0]); i++)
		dump_choice(out, c, choices1[i]);
	dump_str(out, K_GSSKEXALGOS, c->gss_kex_algorithms);
	for (size_t i = 0; i < sizeof(choices2) / sizeof(choices2[0]); i++)
		dump_choice(out, c, choices2[i]);
	fprintf(out, "fingerprinthash %s\n", cfg_choice_name(cfg_choices_fphash,
	    c->fingerprint_hash));
	dump_choice(out, c, K_EXPOSEAUTHINFO);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		dump_field_str(out, c, strs[i]);
	dump_str(out, K_SECURITYKEYPROVIDER, c->sk_provider);
	dump_field_str(out, c, K_AUTHPRINCIPALSFILE);
	dump_str(out, K_VERSIONADDENDUM, c->version_addendum == NULL ||
	    *c->version_addendum == '\0' ? NULL : c->version_addendum);
	for (size_t i = 0; i < sizeof(strs2) / sizeof(strs2[0]); i++)
		dump_field_str(out, c, strs2[i]);
	dump_str(out, K_HOSTKEYAGENT, c->host_key_agent);
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		dump_field_str(out, c, algos[i]);
	fprintf(out, "loglevel %s\n", c->log_level == -1 ? "unset" :
	    sshd_log_level_name(c->log_level));
	dump_choice(out, c, K_SYSLOGFACILITY);
	dump_oneline(out, K_AUTHORIZEDKEYSFILE, &c->authorized_keys_files, NULL);
	dump_list(out, K_HOSTKEY, &c->host_key_files);
	dump_list(out, K_HOSTCERTIFICATE, &c->host_cert_files);
	dump_list(out, K_ALLOWUSERS, &c->allow_users);
	dump_list(out, K_DENYUSERS, &c->deny_users);
	dump_list(out, K_ALLOWGROUPS, &c->allow_groups);
	dump_list(out, K_DENYGROUPS, &c->deny_groups);
	dump_list(out, K_ACCEPTENV, &c->accept_env);
	dump_list(out, K_SETENV, &c->setenv);
	dump_oneline(out, K_AUTHMETHODS, &c->auth_methods, "any");
	dump_oneline(out, K_LOGVERBOSE, &c->log_verbose, NULL);
	dump_oneline(out, K_CHANNELTIMEOUT, &c->channel_timeouts, NULL);
	for (size_t i = 0; i < c->nsubsystems; i++)
		fprintf(out, "subsystem %s %s\n", c->subsystems[i].name, c->subsystems[i].args);
	fprintf(out, "maxstartups %d:%d:%d\n", c->max_startups_begin, c->max_startups_rate,
	    c->max_startups);
	if (c->per_source_max_startups == SSHD_PERSOURCE_NONE)
		fprintf(out, "persourcemaxstartups none\n");
	else
		fprintf(out, "persourcemaxstartups %d\n", c->per_source_max_startups);
	fprintf(out, "persourcenetblocksize %d:%d\n", c->per_source_masklen_ipv4,
	    c->per_source_masklen_ipv6);
	fprintf(out, "permittunnel %s\n", c->permit_tun == -1 ? "none" :
	    cfg_choice_name(cfg_choices_tunnel, c->permit_tun));
	fprintf(out, "ipqos %s %s\n", cfg_ipqos_name(c->ip_qos_interactive, b1, sizeof(b1)),
	    cfg_ipqos_name(c->ip_qos_bulk, b2, sizeof(b2)));
	fprintf(out, "rekeylimit %" PRId64 " %d\n", c->rekey_limit, c->rekey_interval);
	dump_oneline(out, K_PERMITOPEN, &c->permitted_opens, "any");
	dump_oneline(out, K_PERMITLISTEN, &c->permitted_listens, "any");
	if (c->permit_user_env_allowlist == NULL)
		fprintf(out, "permituserenvironment %s\n", c->permit_user_env == -1 ? "unset" :
		    cfg_choice_name(cfg_choices_flag, c->permit_user_env));
	else
		fprintf(out, "permituserenvironment %s\n", c->permit_user_env_allowlist);
	fputs("pubkeyauthoptions", out);
	if (c->pubkey_auth_options == 0)
		fputs(" none", out);
	if (c->pubkey_auth_options > 0 &&
	    (c->pubkey_auth_options & SSHD_PUBKEYAUTH_TOUCH_REQUIRED))
		fputs(" touch-required", out);
	if (c->pubkey_auth_options > 0 &&
	    (c->pubkey_auth_options & SSHD_PUBKEYAUTH_VERIFY_REQUIRED))
		fputs(" verify-required", out);
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}
