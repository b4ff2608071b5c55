/* The monitor's host keys: loaded from the HostKey files after the fork (the net child
 * never holds them), announced as public blobs, and used for one kind of signature
 * only: the exchange hash of a key exchange (20..64 bytes), by a key we hold, with an
 * algorithm that suits it.  The first signed hash is the session id (RFC 4253 §7.2),
 * which the monitor then checks every signed userauth request against, and the key that
 * signed it is the one a publickey-hostbound request must name. */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "crypto/sig.h"
#include "sshd/keyfile.h"
#include "sshd/monitor_int.h"

int monitor_load_hostkeys(struct monitor_state *st)
{
	const struct sshd_strlist *files = &st->cfg->host_key_files;
	char why[KEYFILE_REASON_SIZE];

	for (size_t i = 0; i < files->n; i++) {
		const char *path = files->v[i];
		struct hostkey *key = NULL;
		if (st->n_keys == MON_MAX_HOSTKEYS) {
			log_msg(st->log, LOG_LEVEL_ERROR,
				"monitor: more than %d host keys; ignoring %s", MON_MAX_HOSTKEYS,
				path);
			continue;
		}
		why[0] = '\0';
		int r = keyfile_load(path, st->cfg->strict_modes != 0, &key, why, sizeof(why));
		if (r < 0) {
			log_msg(st->log, LOG_LEVEL_ERROR, "Unable to load host key \"%s\": %s",
				path, why[0] ? why : strerror(-r));
			continue;
		}
		int len = keyblob_encode(hostkey_pubkey(key), st->key_blobs[st->n_keys],
					 sizeof(st->key_blobs[st->n_keys]));
		if (len <= 0 || len > MON_MAX_KEY_BLOB) {
			/* the net child takes blobs up to MON_MAX_KEY_BLOB (mon_client.h):
			 * a larger key (RSA over 16000 bits) is not offered */
			log_msg(st->log, LOG_LEVEL_ERROR, "Unable to use host key \"%s\": %s",
				path, len > 0 ? "key too large" : strerror(len < 0 ? -len : EINVAL));
			hostkey_free(key);
			continue;
		}
		/* the same key twice would be announced twice; OpenSSH refuses it too */
		bool dup = false;
		for (size_t k = 0; k < st->n_keys; k++)
			if (st->key_lens[k] == (size_t)len &&
			    memcmp(st->key_blobs[k], st->key_blobs[st->n_keys], (size_t)len) == 0)
				dup = true;
		if (dup) {
			log_msg(st->log, LOG_LEVEL_ERROR, "Host key \"%s\" is a duplicate; ignored",
				path);
			hostkey_free(key);
			continue;
		}
		st->keys[st->n_keys] = key;
		st->key_lens[st->n_keys] = (size_t)len;
		st->n_keys++;
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: host key %s loaded", path);
	}
	if (st->n_keys == 0) {
		log_msg(st->log, LOG_LEVEL_ERROR, "monitor: no hostkeys available");
		return -ENOENT;
	}

	/* The HostkeysAnswer's list never changes: built once. */
	struct mpl_writer w;
	struct mpl_error err = { 0 };
	mpl_writer_init(&w, st->key_list, sizeof(st->key_list), 0, 0);
	for (size_t i = 0; i < st->n_keys; i++) {
		struct monitor_key_entry e;
		monitor_key_entry_init(&e);
		e.public_key = (struct mpl_bytes){ st->key_blobs[i], st->key_lens[i] };
		(void)monitor_key_entry_pack(&w, &e, &err);
	}
	return mpl_writer_finish(&w, &st->key_list_len) < 0 ? -ENOSPC : 0;
}

void monitor_free_hostkeys(struct monitor_state *st)
{
	for (size_t i = 0; i < st->n_keys; i++) {
		hostkey_free(st->keys[i]);
		st->keys[i] = NULL;
	}
	st->n_keys = 0;
}

int monitor_on_hostkeys(struct monitor_state *st, const struct monitor_msg *m)
{
	struct monitor_msg a;

	(void)m;
	monitor_msg_init(&a, monitor_msg_Monitor_HostkeysAnswer);
	a.u.Monitor_HostkeysAnswer.keys = (struct mpl_bytes){ st->key_list, st->key_list_len };
	return monitor_send(st, &a, NULL, 0);
}

/* The host key whose public blob is key, or -1. */
static int find_key(const struct monitor_state *st, struct mpl_bytes key)
{
	for (size_t i = 0; i < st->n_keys; i++)
		if (st->key_lens[i] == key.len && memcmp(st->key_blobs[i], key.ptr, key.len) == 0)
			return (int)i;
	return -1;
}

int monitor_on_sign(struct monitor_state *st, const struct monitor_msg *m)
{
	const struct monitor_msg_Monitor_SignRequest *q = &m->u.Monitor_SignRequest;
	uint8_t sig[SIGBLOB_MAX];
	uint32_t status = 0;
	int sig_len = 0;

	/* the codec bounds it; the check is repeated where the signature is made */
	if (q->data.len < 20 || q->data.len > MONITOR_MAX_HASH_LEN)
		return -EPROTO;
	int k = find_key(st, q->key);
	int alg = sig_alg_from_name((const char *)q->algorithm.ptr, q->algorithm.len);
	if (k < 0) {
		log_msg(st->log, LOG_LEVEL_ERROR, "monitor: signature asked with a host key we "
			"do not hold");
		status = EACCES;
	} else if (alg < 0 || alg == SIG_ALG_RSA_SHA1) {
		/* ssh-rsa (SHA-1) host signatures are not offered (OpenSSH 8.8 and on) */
		log_msg(st->log, LOG_LEVEL_ERROR, "monitor: signature algorithm \"%.*s\" refused",
			(int)(q->algorithm.len > 64 ? 64 : q->algorithm.len),
			(const char *)q->algorithm.ptr);
		status = EACCES;
	} else {
		sig_len = sigblob_sign(st->keys[k], (enum sig_alg)alg, q->data.ptr, q->data.len,
				       sig, sizeof(sig));
		if (sig_len <= 0) {
			log_msg(st->log, LOG_LEVEL_ERROR,
				"monitor: signing with %s failed: %s", sig_alg_name((enum sig_alg)alg),
				sig_len == -EPROTO ? "algorithm does not suit the key"
						   : strerror(sig_len < 0 ? -sig_len : EINVAL));
			status = EACCES;
			sig_len = 0;
		}
	}
	if (status == 0 && st->session_id_len == 0) {
		memcpy(st->session_id, q->data.ptr, q->data.len);
		st->session_id_len = q->data.len;
		st->session_hostkey = st->key_blobs[k];
		st->session_hostkey_len = st->key_lens[k];
	}

	struct monitor_msg a;
	monitor_msg_init(&a, monitor_msg_Monitor_SignAnswer);
	a.u.Monitor_SignAnswer.status = status;
	a.u.Monitor_SignAnswer.signature = (struct mpl_bytes){ sig, (size_t)sig_len };
	return monitor_send(st, &a, NULL, 0);
}
