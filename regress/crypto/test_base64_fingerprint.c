/* crypto/base64 and crypto/fingerprint: RFC 4648 §10 test vectors, strict decoding,
 * and the SHA256 fingerprint format OpenSSH prints (the comparison with ssh-keygen's
 * own output is in test_keyfile_interop.c). */
#include "regress/crypto/asym_test_util.h"

#include <errno.h>

#include "crypto/base64.h"
#include "crypto/fingerprint.h"

/* RFC 4648 §10. */
static const struct {
	const char *in, *padded, *unpadded;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

static void test_rfc4648_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		const char *in = rfc4648[i].in;
		size_t len = strlen(in);
		char text[16];
		uint8_t bin[16];

		assert_int_equal(base64_encode((const uint8_t *)in, len, 0, text, sizeof(text)),
				 (int)strlen(rfc4648[i].padded));
		assert_string_equal(text, rfc4648[i].padded);
		assert_int_equal(base64_encode((const uint8_t *)in, len, 1, text, sizeof(text)),
				 (int)strlen(rfc4648[i].unpadded));
		assert_string_equal(text, rfc4648[i].unpadded);
		assert_true(BASE64_ENCODED_SIZE(len) >= strlen(rfc4648[i].padded) + 1);
		assert_int_equal(base64_decode(rfc4648[i].padded, strlen(rfc4648[i].padded), bin,
					       sizeof(bin)),
				 (int)len);
		assert_memory_equal(bin, in, len);
	}
}

static void test_decode_is_strict(void **state)
{
	static const char *const bad[] = {
		"Zg",		/* padding missing */
		"Zg=",		/* padding short */
		"Zg===",	/* padding long */
		"Zm9v YmFy",	/* whitespace */
		"Zm9v\n",	/* trailing newline */
		"Zm9vYmFy=",	/* padding after a full group */
		"Zm9-",		/* URL-safe alphabet */
		"Zh==",		/* non-zero bits after the last byte */
		"Z",
		"====",
		"\xa6\xc2\xc2\xc2",	/* found by fuzz_asym_base64: libsodium 1.0.18 took it for "////" */
		"Zm9v\xff\xff\xff\xff",
	};
	uint8_t out[16];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = base64_decode(bad[i], strlen(bad[i]), out, sizeof(out));

		if (rc != -EBADMSG)
			fail_msg("\"%s\" decoded (%d)", bad[i], rc);
	}
	/* only the given length is read: a valid prefix of a longer string decodes */
	assert_int_equal(base64_decode("Zm9vYmFy", 4, out, sizeof(out)), 3);
	/* output room */
	assert_int_equal(base64_decode("Zm9vYmFy", 8, out, 5), -ENOSPC);
}

static void test_encode_room(void **state)
{
	char text[8];

	assert_int_equal(base64_encode((const uint8_t *)"foob", 4, 0, text, 8), -ENOSPC);
	assert_int_equal(base64_encode((const uint8_t *)"foob", 4, 0, text, 9 - 1), -ENOSPC);
	assert_int_equal(base64_encode((const uint8_t *)"foob", 4, 1, text, 7), 6);
}

/* The fingerprint of an empty blob is SHA256("") =
 * e3b0c442...b855, whose base64 is "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
 * OpenSSH prints it without the padding. */
static void test_fingerprint_format(void **state)
{
	char fp[FINGERPRINT_SHA256_SIZE];
	const uint8_t blob[] = { 0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9' };
	char other[FINGERPRINT_SHA256_SIZE];

	assert_int_equal(fingerprint_sha256((const uint8_t *)"", 0, fp, sizeof(fp)), 50);
	assert_string_equal(fp, "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
	assert_int_equal(fingerprint_sha256(blob, sizeof(blob), other, sizeof(other)), 50);
	assert_string_not_equal(fp, other);
	assert_memory_equal(other, "SHA256:", 7);
	assert_null(strchr(other, '='));
	assert_int_equal(fingerprint_sha256(blob, sizeof(blob), fp, sizeof(fp) - 1), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_vectors),
		cmocka_unit_test(test_decode_is_strict),
		cmocka_unit_test(test_encode_room),
		cmocka_unit_test(test_fingerprint_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
