/*
 * Algorithm lists (Ciphers, MACs, KexAlgorithms, *Algorithms): the names OpenSSH 9.2
 * knows (what the parser accepts), and resolution of a list as written ("+x", "-x*",
 * "^x", "x*,y") against a set of defaults and supported names, as OpenSSH's
 * kex_assemble_names() does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/config_int.h"

#define KEY_CERT_AND_PLAIN_DEFAULTS \
	"ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com," \
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
	"sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com," \
	"rsa-sha2-512,rsa-sha2-256"

/* Measured from Debian 12's OpenSSH 9.2p1 (sshd -T defaults, ssh -Q). */
const struct sshd_algo_sets sshd_openssh92_algos = {
	.cipher = {
		"chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
		"aes128-gcm@openssh.com,aes256-gcm@openssh.com",
		"3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,aes128-ctr,aes192-ctr,aes256-ctr,"
		"aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com",
	},
	.mac = {
		"umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
		"hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
		"umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
		"hmac-sha1,hmac-sha1-96,hmac-sha2-256,hmac-sha2-512,hmac-md5,hmac-md5-96,"
		"umac-64@openssh.com,umac-128@openssh.com,hmac-sha1-etm@openssh.com,"
		"hmac-sha1-96-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
		"hmac-sha2-512-etm@openssh.com,hmac-md5-etm@openssh.com,"
		"hmac-md5-96-etm@openssh.com,umac-64-etm@openssh.com,umac-128-etm@openssh.com",
	},
	.kex = {
		"sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
		"curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
		"ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,"
		"diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
		"diffie-hellman-group14-sha256",
		"diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,"
		"diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,"
		"diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha1,"
		"diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
		"ecdh-sha2-nistp521,curve25519-sha256,curve25519-sha256@libssh.org,"
		"sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com",
	},
	.key = {
		KEY_CERT_AND_PLAIN_DEFAULTS,
		"ssh-ed25519,ssh-ed25519-cert-v01@openssh.com,sk-ssh-ed25519@openssh.com,"
		"sk-ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256,"
		"ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384,"
		"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521,"
		"ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"
		"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
		"webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,"
		"ssh-dss-cert-v01@openssh.com,ssh-rsa,ssh-rsa-cert-v01@openssh.com,rsa-sha2-256,"
		"rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512,rsa-sha2-512-cert-v01@openssh.com",
	},
	.sig = {
		"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
		"sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,"
		"rsa-sha2-256",
		"ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
		"ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,"
		"webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,ssh-rsa,rsa-sha2-256,"
		"rsa-sha2-512",
	},
};

static const char gss_kex_all[] =
	"gss-gex-sha1-,gss-group1-sha1-,gss-group14-sha1-,gss-group14-sha256-,"
	"gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-";
static const char gss_kex_default[] =
	"gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,"
	"gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-";

/* Whether name (length n) is an element of the comma-separated list. */
static int
list_has(const char *list, const char *name, size_t n)
{
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && memcmp(p, name, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* Next element of a comma list: *p advances; returns its length or -1 at the end. */
static long
next_elem(const char **p, const char **start)
{
	const char *e;
	long l;

	if (*p == NULL)
		return -1;
	*start = *p;
	e = strchr(*p, ',');
	l = e ? e - *p : (long)strlen(*p);
	*p = e ? e + 1 : NULL;
	return l;
}

/* An element copied into a bounded buffer; names longer than 255 bytes match nothing. */
static int
elem_copy(char *buf, size_t size, const char *s, long l)
{
	if (l < 0 || (size_t)l >= size)
		return -1;
	memcpy(buf, s, (size_t)l);
	buf[l] = '\0';
	return 0;
}

/* Appends name to a growing list unless present (kex_names_cat). */
static int
cat_name(char **ret, size_t *len, const char *name, size_t n)
{
	char *r;

	if (*ret != NULL && list_has(*ret, name, n))
		return 0;
	if ((r = realloc(*ret, *len + n + 2)) == NULL)
		return -ENOMEM;
	if (*len > 0)
		r[(*len)++] = ',';
	memcpy(r + *len, name, n);
	*len += n;
	r[*len] = '\0';
	*ret = r;
	return 0;
}

/* Appends the elements of b (up to its first empty one) to a; a may be NULL. */
static int
cat_list(char **ret, size_t *len, const char *b)
{
	const char *p = b, *s;
	long l;
	int r;

	while ((l = next_elem(&p, &s)) > 0)
		if ((r = cat_name(ret, len, s, (size_t)l)) != 0)
			return r;
	return 0;
}

int
sshd_algo_resolve(const char *spec, const struct sshd_algo_set *set, char **out)
{
	char *list = NULL, *ret = NULL, pat[256];
	size_t llen = 0, rlen = 0;
	const char *p, *s, *q, *n;
	long l, nl;
	int r = -ENOMEM;

	*out = NULL;
	if (spec == NULL || *spec == '\0')
		return (*out = strdup(set->defaults)) == NULL ? -ENOMEM : 0;
	if (*spec == '-') {
		/* keep the defaults that no pattern of the list matches */
		p = set->defaults;
		while ((l = next_elem(&p, &s)) >= 0) {
			char name[256];
			if (l == 0 || elem_copy(name, sizeof(name), s, l) != 0)
				continue;
			if (sshd_match_pattern_list(name, spec + 1, 0) == 1)
				continue;
			if (cat_name(&ret, &rlen, s, (size_t)l) != 0)
				goto fail;
		}
		if (ret == NULL && (ret = strdup("")) == NULL)
			goto fail;
		*out = ret;
		return 0;
	}
	if (*spec == '+') {
		if ((list = strdup(set->defaults)) == NULL)
			goto fail;
		llen = strlen(list);
		if (cat_list(&list, &llen, spec + 1) != 0)
			goto fail;
	} else if (*spec == '^') {
		if (cat_list(&list, &llen, spec + 1) != 0 ||
		    cat_list(&list, &llen, set->defaults) != 0)
			goto fail;
	} else if ((list = strdup(spec)) == NULL)
		goto fail;
	if (list == NULL && (list = strdup("")) == NULL)
		goto fail;

	/* each pattern, in order, adds the supported names it matches, in their order */
	p = list;
	while ((l = next_elem(&p, &s)) >= 0) {
		if (l > 0 && *s == '!') {
			r = -EINVAL;
			goto fail;
		}
		if (elem_copy(pat, sizeof(pat), s, l) != 0)
			continue;
		q = set->all;
		while ((nl = next_elem(&q, &n)) >= 0) {
			char name[256];
			if (nl == 0 || elem_copy(name, sizeof(name), n, nl) != 0)
				continue;
			if (sshd_match_pattern_list(name, pat, 0) != 1)
				continue;
			if (cat_name(&ret, &rlen, n, (size_t)nl) != 0)
				goto fail;
		}
	}
	free(list);
	if (ret == NULL || *ret == '\0') {
		free(ret);
		return -EINVAL;
	}
	*out = ret;
	return 0;
fail:
	free(list);
	free(ret);
	return r;
}

/* Parse-time check: every name (up to the first empty one) known, patterns allowed for keys. */
int
cfg_algos_valid(enum cfg_algo_class cls, const char *list)
{
	const struct sshd_algo_sets *a = &sshd_openssh92_algos;
	const char *all, *p, *s;
	long l;

	if (cls == ALG_GSSKEX)
		all = gss_kex_all;
	else {
		if (*list == '-')
			return 1;
		if (*list == '+' || *list == '^')
			list++;
		all = cls == ALG_CIPHER ? a->cipher.all : cls == ALG_MAC ? a->mac.all :
		    cls == ALG_KEX ? a->kex.all : a->key.all;
	}
	if (*list == '\0')
		return 0;
	p = list;
	while ((l = next_elem(&p, &s)) > 0) {
		char name[256];
		int hit = 0;

		if (elem_copy(name, sizeof(name), s, l) != 0)
			return 0;
		if ((cls == ALG_KEY || cls == ALG_SIG) && strpbrk(name, "*?") != NULL) {
			const char *q = all, *n;
			long nl;
			while (!hit && (nl = next_elem(&q, &n)) > 0) {
				char cand[256];
				if (elem_copy(cand, sizeof(cand), n, nl) == 0 &&
				    sshd_match_pattern_list(cand, name, 0) != 0)
					hit = 1;
			}
		} else
			hit = list_has(all, name, (size_t)l);
		if (!hit)
			return 0;
	}
	return 1;
}

static int
assemble_one(char **field, const struct sshd_algo_set *set, const char *what,
    const struct sshd_config_log *log)
{
	char *res;
	int r;

	if ((r = sshd_algo_resolve(*field, set, &res)) != 0) {
		cfg_log(log, SSHD_LOG_FATAL, "assemble_algorithms: %s: invalid argument", what);
		return r == -ENOMEM ? r : -EBADMSG;
	}
	free(*field);
	*field = res;
	return 0;
}

int
cfg_assemble_algorithms(struct sshd_config *c, const struct sshd_algo_sets *algs,
    const struct sshd_config_log *log)
{
	int r;

	if ((r = assemble_one(&c->ciphers, &algs->cipher, "ciphers", log)) != 0 ||
	    (r = assemble_one(&c->macs, &algs->mac, "macs", log)) != 0 ||
	    (r = assemble_one(&c->kex_algorithms, &algs->kex, "kex_algorithms", log)) != 0 ||
	    (r = assemble_one(&c->hostkeyalgorithms, &algs->key, "hostkeyalgorithms",
	    log)) != 0 ||
	    (r = assemble_one(&c->hostbased_accepted_algos, &algs->key,
	    "hostbased_accepted_algos", log)) != 0 ||
	    (r = assemble_one(&c->pubkey_accepted_algos, &algs->key,
	    "pubkey_accepted_algos", log)) != 0 ||
	    (r = assemble_one(&c->ca_sign_algorithms, &algs->sig, "ca_sign_algorithms",
	    log)) != 0)
		return r;
	if (c->gss_kex_algorithms == NULL &&
	    (c->gss_kex_algorithms = strdup(gss_kex_default)) == NULL)
		return -ENOMEM;
	return 0;
}
