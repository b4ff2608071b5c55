/* libFuzzer target for authorized_keys parsing: the input is a whole file searched for
 * a fixed key, and also each of its lines parsed alone. Lines are skipped with a reason
 * or parsed into a key whose blob decodes; strings stay inside the line's store. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/authkeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count_skip(void *ctx, size_t line_no, const char *reason)
{
	if (reason == NULL || reason[0] == '\0' || line_no == 0)
		abort();
	(*(size_t *)ctx)++;
}

static int in_store(const struct authkeys_line *al, const char *s)
{
	return s == NULL || (s >= al->store && s < al->store + sizeof(al->store));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the blob of an Ed25519 key: seeds carry a line with it */
	static const uint8_t blob[] = { 0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5',
		'5', '1', '9', 0, 0, 0, 32, 0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a,
		0x92, 0xb7, 0x0a, 0xa7, 0x4d, 0x1b, 0x7e, 0xbc, 0x9c, 0x98, 0x2c, 0xcf, 0x2e,
		0xc4, 0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c };
	struct authkeys_line *al = malloc(sizeof(*al));
	const char *text = (const char *)data;
	size_t skipped = 0, pos = 0;
	int rc;

	if (al == NULL)
		return 0;
	rc = authkeys_find(text, size, blob, sizeof(blob), size & 1, 1700000000, al,
			   count_skip, &skipped);
	if (rc < 0 || rc > 1)
		abort();
	if (rc == 1 && (al->blob_len != sizeof(blob) || memcmp(al->blob, blob, sizeof(blob))))
		abort();
	while (pos < size) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - text - pos) : size - pos;
		struct pubkey *key = NULL;

		rc = authkeys_parse_line(text + pos, len, al);
		pos += len + 1;
		if (rc < 0) {
			if ((rc != -EBADMSG && rc != -ENOTSUP) || al->reason[0] == '\0')
				abort();
			continue;
		}
		if (rc == 0)
			continue;
		if (!in_store(al, al->key_type) || !in_store(al, al->comment) ||
		    !in_store(al, al->opts.command) || !in_store(al, al->opts.from) ||
		    al->opts.n_env > AUTHKEYS_LIST_MAX || al->store_used > sizeof(al->store))
			abort();
		if (keyblob_decode(al->blob, al->blob_len, &key) != 0)
			abort();
		pubkey_free(key);
	}
	free(al);
	return 0;
}
