/*
 * Internals shared by the sshd/config_*.c files: the keyword table, value choices, the
 * parser state, and small helpers. Not for use outside sshd/config_*.c.
 */
#ifndef MSSHD_CONFIG_INT_H
#define MSSHD_CONFIG_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "sshd/config.h"

/* How a keyword's value is read and stored. */
enum cfg_vtype {
	V_FLAG,         /* yes/no into an int, first wins */
	V_MULTI,        /* one of the choices into an int, first wins */
	V_INT,          /* decimal int, first wins */
	V_TIME,         /* sshd_config(5) time format into an int, first wins */
	V_PATH,         /* file name made absolute (cwd) with ~ expanded, first wins */
	V_STR,          /* one word, first wins */
	V_TILDE,        /* one word with ~ expanded, first wins */
	V_CMD,          /* the rest of the line, must be absolute or "none", first wins */
	V_REST,         /* the rest of the line as written, first wins */
	V_ALGOS,        /* an algorithm list as written, validated, first wins */
	V_LIST,         /* every argument of every line accumulates */
	V_LIST1,        /* the arguments of the first line only */
	V_SPECIAL,      /* handled by its own code */
	V_DEPRECATED,   /* accepted, logged at INFO, ignored */
	V_UNSUPPORTED,  /* accepted, logged at INFO, ignored */
	V_IGNORE        /* accepted, logged at DEBUG2, ignored */
};

/* Keyword identities; aliases share one. */
enum cfg_kw {
	K_BAD = 0, K_USEPAM, K_PORT, K_HOSTKEY, K_HOSTKEYAGENT, K_PIDFILE, K_MODULIFILE,
	K_LOGINGRACETIME, K_PERMITROOTLOGIN, K_SYSLOGFACILITY, K_LOGLEVEL, K_LOGVERBOSE,
	K_HOSTBASEDAUTH, K_HOSTBASEDNAMEFROMPACKET, K_HOSTBASEDALGOS, K_HOSTKEYALGOS,
	K_PUBKEYAUTH, K_PUBKEYALGOS, K_PUBKEYAUTHOPTIONS, K_KERBEROSAUTH,
	K_KERBEROSORLOCALPASSWD, K_KERBEROSTICKETCLEANUP, K_GSSAUTH, K_GSSCLEANUPCREDS,
	K_GSSSTRICTACCEPTOR, K_GSSKEYEX, K_GSSSTOREREKEY, K_GSSKEXALGOS, K_PASSWORDAUTH,
	K_KBDINTAUTH, K_LISTENADDRESS, K_ADDRESSFAMILY, K_PRINTMOTD, K_PRINTLASTLOG,
	K_IGNORERHOSTS, K_IGNOREUSERKNOWNHOSTS, K_X11FORWARDING, K_X11DISPLAYOFFSET,
	K_X11USELOCALHOST, K_XAUTHLOCATION, K_STRICTMODES, K_PERMITEMPTYPASSWORDS,
	K_PERMITUSERENV, K_COMPRESSION, K_REKEYLIMIT, K_TCPKEEPALIVE, K_ALLOWTCPFWD,
	K_ALLOWAGENTFWD, K_ALLOWUSERS, K_DENYUSERS, K_ALLOWGROUPS, K_DENYGROUPS, K_CIPHERS,
	K_MACS, K_GATEWAYPORTS, K_SUBSYSTEM, K_MAXSTARTUPS, K_PERSOURCEMAXSTARTUPS,
	K_PERSOURCENETBLOCKSIZE, K_MAXAUTHTRIES, K_MAXSESSIONS, K_BANNER, K_USEDNS,
	K_CLIENTALIVEINTERVAL, K_CLIENTALIVECOUNTMAX, K_AUTHORIZEDKEYSFILE, K_ACCEPTENV,
	K_SETENV, K_PERMITTUNNEL, K_PERMITTTY, K_PERMITUSERRC, K_MATCH, K_PERMITOPEN,
	K_PERMITLISTEN, K_FORCECOMMAND, K_CHROOTDIRECTORY, K_HOSTCERTIFICATE, K_REVOKEDKEYS,
	K_TRUSTEDUSERCAKEYS, K_AUTHPRINCIPALSFILE, K_KEXALGOS, K_INCLUDE, K_IPQOS,
	K_AUTHKEYSCOMMAND, K_AUTHKEYSCOMMANDUSER, K_AUTHPRINCIPALSCOMMAND,
	K_AUTHPRINCIPALSCOMMANDUSER, K_VERSIONADDENDUM, K_AUTHMETHODS, K_STREAMLOCALBINDMASK,
	K_STREAMLOCALBINDUNLINK, K_ALLOWSTREAMLOCALFWD, K_FINGERPRINTHASH, K_DISABLEFWD,
	K_EXPOSEAUTHINFO, K_RDOMAIN, K_CASIGALGOS, K_SECURITYKEYPROVIDER, K_REQUIREDRSASIZE,
	K_CHANNELTIMEOUT, K_UNUSEDCONNTIMEOUT, K_DEBIANBANNER, K_DEPRECATED, K_UNSUPPORTED,
	K_IGNORE
};

#define CFG_GLOBAL 0x01   /* allowed outside Match */
#define CFG_MATCH  0x02   /* allowed inside Match */
#define CFG_ALL    (CFG_GLOBAL | CFG_MATCH)
#define CFG_CASE   0x04   /* choices compared case-sensitively (PermitTunnel) */

enum cfg_algo_class { ALG_NONE = 0, ALG_CIPHER, ALG_MAC, ALG_KEX, ALG_KEY, ALG_SIG, ALG_GSSKEX };

struct cfg_choice {
	const char *name;
	int value;
};

struct cfg_keyword {
	const char *name;               /* lowercase, as -T prints it */
	enum cfg_kw id;
	enum cfg_vtype type;
	unsigned flags;
	size_t off;                     /* field in struct sshd_config, NO_FIELD if none */
	const struct cfg_choice *choices;
	enum cfg_algo_class algo;
	const char *dflt;               /* default, as config text; NULL: none or special */
};
#define NO_FIELD ((size_t)-1)

extern const struct cfg_keyword cfg_keywords[];
extern const size_t cfg_nkeywords;
extern const struct cfg_choice cfg_choices_flag[], cfg_choices_loglevel[],
    cfg_choices_facility[], cfg_choices_ipqos[], cfg_choices_fphash[],
    cfg_choices_tunnel[], cfg_choices_compression[], cfg_choices_tcpfwd[];

const struct cfg_keyword *cfg_keyword_lookup(const char *name);
const struct cfg_keyword *cfg_keyword_by_id(enum cfg_kw id);
int cfg_choice_value(const struct cfg_choice *c, const char *name, int casesens);
const char *cfg_choice_name(const struct cfg_choice *c, int value);

/* Include flags of one file's parse (OpenSSH's SSHCFG_NEVERMATCH / MATCH_ONLY). */
#define CFG_INC_NEVERMATCH 0x1
#define CFG_INC_MATCH_ONLY 0x2

struct sshd_config_include {
	char *selector;         /* the Include argument, made absolute */
	char *filename;         /* NULL: the glob matched nothing */
	char *text;
	size_t len;
};

/* One pass over the text. */
struct cfg_pass {
	struct sshd_config *c;
	struct sshd_config_source *src;
	const struct sshd_conn_info *ci;        /* NULL: global pass */
	const struct sshd_config_log *log;
	size_t includes_parsed;
};

/* Diagnostics. */
void cfg_log(const struct sshd_config_log *log, enum sshd_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Storage helpers (all bounded; -ENOMEM / -ENOSPC). */
int cfg_strlist_add(struct sshd_strlist *l, const char *s);
void cfg_strlist_free(struct sshd_strlist *l);
int cfg_strlist_copy(struct sshd_strlist *dst, const struct sshd_strlist *src);
char *cfg_strdup(const char *s);

/* Paths: ~ expansion and making relative names absolute, as OpenSSH. */
int cfg_tilde_expand(const char *path, char **out);
int cfg_derelativise(const char *path, char **out);

/* Algorithms: the validity checks OpenSSH applies at parse time. */
int cfg_algos_valid(enum cfg_algo_class cls, const char *list);
int cfg_assemble_algorithms(struct sshd_config *c, const struct sshd_algo_sets *algs,
    const struct sshd_config_log *log);

/* Match: evaluates the criteria of a Match line (args after the keyword). */
int cfg_match_line(char **args, size_t nargs, const struct sshd_conn_info *ci,
    const char *file, int linenum, const struct sshd_config_log *log);

/* Listen addresses. */
int cfg_resolve_listen(struct sshd_config *c, const struct sshd_config_log *log);

/* Values. */
int cfg_parse_ipqos(const char *s);
const char *cfg_ipqos_name(int v, char *buf, size_t len);

#endif
