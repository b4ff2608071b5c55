/* Shared by the netloop test clients (client_kex_util.h). */
#include "regress/netloop/client_kex_util.h"

#include <errno.h>

#include "crypto/hash.h"

int ck_exchange_hash_sha256(struct kex_hash_ecdh *in, const uint8_t *kenc, size_t kenc_len,
			    uint8_t h[32])
{
	/* Room for V_C, V_S, both KEXINITs, K_S, Q_C, Q_S and K of any test exchange. */
	uint8_t buf[16384];
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len;
	if (kenc_len <= 4)
		return -EINVAL;
	in->k = (struct mpl_bytes){ kenc + 4, kenc_len - 4 };
	mpl_writer_init(&w, buf, sizeof(buf), 0, 0);
	int rc = kex_hash_ecdh_pack(&w, in, &err);
	if (rc == 0)
		rc = mpl_writer_finish(&w, &len);
	if (rc < 0)
		return rc;
	return hash_oneshot(HASH_SHA256, buf, len, h, 32) == 32 ? 0 : -EPROTO;
}
