/* libFuzzer target: the client's public value (and a group-exchange request) as the
 * server's key exchange receives them, after the codec: any bytes as Q_C, any canonical
 * mpint as e.  The exchange must complete or refuse with -EBADMSG (a GEX request also
 * gets its group, 0), never anything else.  The first byte picks the method; for group
 * exchange the next twelve are min, n and max, with max kept at 2048 bits (group 14)
 * so that one run stays fast. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/hostkey.h"
#include "crypto/random.h"
#include "sshd/kex.h"
#include "sshd/keyblob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = {
	"curve25519-sha256", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
	"diffie-hellman-group14-sha256", "diffie-hellman-group-exchange-sha256",
};

static int sign_with(void *arg, const uint8_t *key_blob, size_t key_len, const char *alg,
		     const uint8_t *h, size_t h_len, uint8_t *sig, size_t sig_cap)
{
	(void)key_blob;
	(void)key_len;
	(void)alg;
	return sigblob_sign(arg, SIG_ALG_ED25519, h, h_len, sig, sig_cap);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the host key lives for the whole run: made once */
	static struct hostkey *key;
	static uint8_t blob[KEYBLOB_MAX];
	static int blob_len;
	static const uint8_t i_c[] = { 20, 1, 2, 3 }, i_s[] = { 20, 4, 5, 6 };
	const char *method;
	struct kex_negotiated neg;
	struct kex_exchange_params params;
	struct kex_exchange *x = NULL;
	struct ssh_msg in, reply;
	const uint8_t *value;
	size_t value_len;
	int rc;

	if (key == NULL) {
		if (random_init() < 0 || hostkey_generate(&key, PUBKEY_ED25519, 0) < 0)
			abort();
		if ((blob_len = keyblob_encode(hostkey_pubkey(key), blob, sizeof(blob))) <= 0)
			abort();
	}
	if (size < 1)
		return 0;
	method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	value = data + 1;
	value_len = size - 1;

	memset(&neg, 0, sizeof(neg));
	neg.kex = kex_method_lookup(method, strlen(method));
	neg.hostkey_alg = SIG_ALG_ED25519;
	neg.c2s.cipher = neg.s2c.cipher = cipher_alg_lookup("aes128-ctr", 10);
	neg.c2s.mac = neg.s2c.mac = mac_alg_lookup("hmac-sha2-256", 13);
	params = (struct kex_exchange_params){
		.neg = &neg,
		.v_c = "SSH-2.0-fuzz", .v_c_len = 12,
		.v_s = "SSH-2.0-msshd", .v_s_len = 13,
		.i_c = i_c, .i_c_len = sizeof(i_c),
		.i_s = i_s, .i_s_len = sizeof(i_s),
		.hostkey_blob = blob, .hostkey_blob_len = (size_t)blob_len,
		.sign = sign_with, .sign_arg = key,
	};
	if (neg.kex == NULL || kex_exchange_new(&x, &params) < 0)
		abort();

	if (neg.kex->kind == KEX_KIND_GEX) {
		if (value_len < 12)
			goto out;
		ssh_msg_init(&in, ssh_msg_Transport_KexGexRequest);
		in.u.Transport_KexGexRequest.min = be32(value);
		in.u.Transport_KexGexRequest.n = be32(value + 4);
		in.u.Transport_KexGexRequest.max = be32(value + 8);
		if (in.u.Transport_KexGexRequest.max > 2048)
			in.u.Transport_KexGexRequest.max = 2048;
		value += 12;
		value_len -= 12;
		rc = kex_exchange_handle(x, &in, &reply);
		if (rc == -EBADMSG)
			goto out;
		if (rc != 0 || reply.kind != ssh_msg_Transport_KexGexGroup)
			abort();
	}
	switch (kex_exchange_expects(x)) {
	case ssh_msg_Transport_KexEcdhInit:
		ssh_msg_init(&in, ssh_msg_Transport_KexEcdhInit);
		in.u.Transport_KexEcdhInit.q_c = (struct mpl_bytes){ value, value_len };
		break;
	case ssh_msg_Transport_KexDhInit:
		ssh_msg_init(&in, ssh_msg_Transport_KexDhInit);
		in.u.Transport_KexDhInit.e = (struct mpl_bytes){ value, value_len };
		break;
	case ssh_msg_Transport_KexGexInit:
		ssh_msg_init(&in, ssh_msg_Transport_KexGexInit);
		in.u.Transport_KexGexInit.e = (struct mpl_bytes){ value, value_len };
		break;
	default:
		abort();
	}
	rc = kex_exchange_handle(x, &in, &reply);
	if (rc != 1 && rc != -EBADMSG)
		abort();
	if (rc == 1) {
		struct kex_keys keys;

		if (kex_exchange_keys(x, &keys) != 0 || kex_exchange_keys(x, &keys) != -EINVAL)
			abort();
	}
out:
	kex_exchange_free(x);
	return 0;
}
