/* authorized_keys lines: the examples of sshd(8) (AUTHORIZED_KEYS FILE FORMAT) parse
 * with the right options; malformed lines are skipped with a reason, never fatal; the
 * matcher finds a key among junk, honours cert-authority and expiry-time. */
#include "regress/keys/keys_test_util.h"

#include <time.h>

struct keys {
	/* "<type> <base64>" lines (sized for any blob, to keep the format check quiet) */
	char ed[BASE64_ENCODED_SIZE(KEYBLOB_MAX) + 32];
	char rsa[BASE64_ENCODED_SIZE(KEYBLOB_MAX) + 32];
	char ec[BASE64_ENCODED_SIZE(KEYBLOB_MAX) + 32];
	uint8_t ed_blob[KEYBLOB_MAX], rsa_blob[KEYBLOB_MAX];
	size_t ed_len, rsa_len;
	struct authkeys_line *al;
};

static void make_line(enum pubkey_type type, int bits, char *out, size_t cap, uint8_t *blob,
		      size_t *blob_len)
{
	struct hostkey *hk = NULL;
	uint8_t b[KEYBLOB_MAX];
	char b64[BASE64_ENCODED_SIZE(KEYBLOB_MAX)];
	int bl;

	assert_int_equal(hostkey_generate(&hk, type, bits), 0);
	bl = keyblob_encode(hostkey_pubkey(hk), b, sizeof(b));
	assert_true(bl > 0);
	assert_true(base64_encode(b, (size_t)bl, 0, b64, sizeof(b64)) > 0);
	snprintf(out, cap, "%s %s", pubkey_type_name(hostkey_pubkey(hk)), b64);
	if (blob != NULL) {
		memcpy(blob, b, (size_t)bl);
		*blob_len = (size_t)bl;
	}
	hostkey_free(hk);
}

static int setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));

	assert_non_null(k);
	make_line(PUBKEY_ED25519, 0, k->ed, sizeof(k->ed), k->ed_blob, &k->ed_len);
	make_line(PUBKEY_RSA, 2048, k->rsa, sizeof(k->rsa), k->rsa_blob, &k->rsa_len);
	make_line(PUBKEY_ECDSA, 256, k->ec, sizeof(k->ec), NULL, NULL);
	k->al = malloc(sizeof(*k->al));
	assert_non_null(k->al);
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	struct keys *k = *state;

	free(k->al);
	free(k);
	return 0;
}

static int parse(struct keys *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int parse(struct keys *k, const char *fmt, ...)
{
	char line[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return authkeys_parse_line(line, strlen(line), k->al);
}

static void test_sshd8_examples(void **state)
{
	struct keys *k = *state;
	struct authkeys_opts *o = &k->al->opts;

	/* comments and blank lines */
	assert_int_equal(authkeys_parse_line("# Comments are allowed", 22, k->al), 0);
	assert_int_equal(authkeys_parse_line("", 0, k->al), 0);
	assert_int_equal(authkeys_parse_line("   \t ", 5, k->al), 0);

	/* plain key, no restrictions */
	assert_int_equal(parse(k, "%s %s", k->rsa, "user@example.net"), 1);
	assert_true(o->pty && o->port_forwarding && o->agent_forwarding && o->x11_forwarding &&
		    o->user_rc);
	assert_false(o->restricted || o->cert_authority);
	assert_null(o->command);
	assert_string_equal(k->al->key_type, "ssh-rsa");
	assert_string_equal(k->al->comment, "user@example.net");
	assert_int_equal(k->al->blob_len, k->rsa_len);
	assert_memory_equal(k->al->blob, k->rsa_blob, k->rsa_len);

	/* from= */
	assert_int_equal(parse(k, "from=\"*.sales.example.net,!pc.sales.example.net\" %s %s",
			       k->rsa, "john@example.net"), 1);
	assert_string_equal(o->from, "*.sales.example.net,!pc.sales.example.net");

	/* forced command, no pty, no port forwarding */
	assert_int_equal(parse(k, "command=\"dump /home\",no-pty,no-port-forwarding %s %s",
			       k->ed, "example.net"), 1);
	assert_string_equal(o->command, "dump /home");
	assert_false(o->pty);
	assert_false(o->port_forwarding);
	assert_true(o->agent_forwarding);

	/* restrict, then a forced command */
	assert_int_equal(parse(k, "restrict,command=\"dump /home\" %s%s", k->ed, ""), 1);
	assert_true(o->restricted);
	assert_false(o->pty || o->port_forwarding || o->agent_forwarding ||
		     o->x11_forwarding || o->user_rc);
	assert_string_equal(o->command, "dump /home");
	assert_string_equal(k->al->comment, "");

	/* permitopen twice */
	assert_int_equal(parse(k, "permitopen=\"192.0.2.1:80\",permitopen=\"192.0.2.2:25\" %s %s",
			       k->ed, ""), 1);
	assert_int_equal(o->n_permitopen, 2);
	assert_string_equal(o->permitopen[0], "192.0.2.1:80");
	assert_string_equal(o->permitopen[1], "192.0.2.2:25");

	/* permitlisten with a v6 host */
	assert_int_equal(parse(k, "permitlisten=\"localhost:8080\",permitlisten=\"[::1]:22000\" "
			       "%s %s", k->ec, ""), 1);
	assert_int_equal(o->n_permitlisten, 2);
	assert_string_equal(o->permitlisten[0], "localhost:8080");
	assert_string_equal(o->permitlisten[1], "[::1]:22000");
	assert_string_equal(k->al->key_type, "ecdsa-sha2-nistp256");

	/* tunnel with a forced command */
	assert_int_equal(parse(k, "tunnel=\"0\",command=\"sh /etc/netstart tun0\" %s %s", k->rsa,
			       "jane@example.net"), 1);
	assert_int_equal(o->tunnel, 0);
	assert_string_equal(o->command, "sh /etc/netstart tun0");

	/* restrict overridden by pty, order matters */
	assert_int_equal(parse(k, "restrict,pty,command=\"nethack\" %s %s", k->rsa,
			       "joe@example.net"), 1);
	assert_true(o->pty);
	assert_false(o->port_forwarding);
	assert_int_equal(parse(k, "pty,restrict %s%s", k->rsa, ""), 1);
	assert_false(o->pty);

	/* CA key with principals and no-touch-required */
	assert_int_equal(parse(k, "cert-authority,no-touch-required,principals=\"user_a\" %s %s",
			       k->rsa, ""), 1);
	assert_true(o->cert_authority);
	assert_true(o->no_touch_required);
	assert_string_equal(o->principals, "user_a");

	/* FIDO keys are recognised but not accepted */
	assert_int_equal(authkeys_parse_line("no-touch-required "
					     "sk-ecdsa-sha2-nistp256@openssh.com AAAA",
					     57, k->al), -ENOTSUP);
	assert_non_null(strstr(k->al->reason, "unsupported key type"));
	assert_int_equal(authkeys_parse_line("ssh-dss AAAAB3NzaC1kc3M=", 24, k->al), -ENOTSUP);
}

static void test_more_options(void **state)
{
	struct keys *k = *state;
	struct authkeys_opts *o = &k->al->opts;

	/* environment: first value of a name wins; quoting */
	assert_int_equal(parse(k, "environment=\"PATH=/bin:/usr/bin\",environment=\"A=x\","
			       "environment=\"PATH=/evil\" %s %s", k->ed, ""), 1);
	assert_int_equal(o->n_env, 2);
	assert_string_equal(o->env[0], "PATH=/bin:/usr/bin");
	assert_string_equal(o->env[1], "A=x");
	assert_int_equal(parse(k, "command=\"echo \\\"hi there\\\" \\\\n\" %s %s", k->ed, "c"), 1);
	assert_string_equal(o->command, "echo \"hi there\" \\\\n");
	/* expiry-time: the earliest wins; Z is UTC */
	assert_int_equal(parse(k, "expiry-time=\"20300101Z\",expiry-time=\"202001020304Z\" %s %s",
			       k->ed, ""), 1);
	assert_int_equal(o->expiry, 1577934240);	/* 2020-01-02 03:04:00 UTC */
	assert_int_equal(parse(k, "expiry-time=\"20300101000000Z\" %s %s", k->ed, ""), 1);
	assert_int_equal(o->expiry, 1893456000);
	/* flags and their no- forms, case-insensitively */
	assert_int_equal(parse(k, "NO-PTY,No-Agent-Forwarding,no-X11-forwarding,no-user-rc,"
			       "verify-required %s %s", k->ed, ""), 1);
	assert_false(o->pty || o->agent_forwarding || o->x11_forwarding || o->user_rc);
	assert_true(o->port_forwarding && o->verify_required);
	assert_int_equal(parse(k, "restrict,port-forwarding,agent-forwarding,X11-forwarding,"
			       "user-rc %s %s", k->ed, ""), 1);
	assert_true(o->port_forwarding && o->agent_forwarding && o->x11_forwarding &&
		    o->user_rc);
	assert_false(o->pty);
	/* bare permitlisten port means localhost; permitopen port may be * */
	assert_int_equal(parse(k, "permitlisten=\"2222\",permitopen=\"host:*\" %s %s", k->ed,
			       ""), 1);
	assert_string_equal(o->permitlisten[0], "localhost:2222");
	assert_string_equal(o->permitopen[0], "host:*");
	/* blanks around the fields and a CR at the end */
	assert_int_equal(parse(k, "  \t%s   %s \r", k->ed, "the comment"), 1);
	assert_string_equal(k->al->comment, "the comment");
}

static void expect_skip(struct keys *k, const char *line, size_t len, const char *reason)
{
	int rc = authkeys_parse_line(line, len, k->al);

	if (rc != -EBADMSG || strstr(k->al->reason, reason) == NULL)
		fail_msg("line \"%.80s\": got %d \"%s\", wanted \"%s\"", line, rc, k->al->reason,
			 reason);
}

static void test_malformed(void **state)
{
	struct keys *k = *state;
	char line[AUTHKEYS_LINE_MAX + 100];
	const char *ed_b64 = strchr(k->ed, ' ') + 1, *rsa_b64 = strchr(k->rsa, ' ') + 1;

#define SKIP(reason, ...)                                                               \
	do {                                                                            \
		snprintf(line, sizeof(line), __VA_ARGS__);                              \
		expect_skip(k, line, strlen(line), reason);                             \
	} while (0)
	SKIP("unterminated quote", "command=\"ls %s", k->ed);
	SKIP("unknown", "frobnicate %s", k->ed);
	SKIP("unknown option", "frobnicate=\"x\" %s", k->ed);
	SKIP("unknown", "no-restrict %s", k->ed);
	SKIP("bad base64", "ssh-ed25519 %.20s!%s", ed_b64, ed_b64 + 21);
	SKIP("bad base64", "ssh-ed25519 %.*s", (int)strlen(ed_b64) - 1, ed_b64);
	SKIP("does not match", "ssh-rsa %s", ed_b64);
	SKIP("does not match", "ssh-ed25519 %s", rsa_b64);
	/* a first word that is no key type is read as options, as OpenSSH does */
	SKIP("unknown", "this is junk");
	SKIP("unknown", "ssh-ed25520 %s", ed_b64);
	SKIP("not a key type", "no-pty ssh-ed25520 %s", ed_b64);
	SKIP("no key blob", "ssh-ed25519");
	SKIP("no key after", "no-pty");
	SKIP("multiple command", "command=\"a\",command=\"b\" %s", k->ed);
	SKIP("multiple from", "from=\"a\",from=\"b\" %s", k->ed);
	SKIP("permitopen", "permitopen=\"nohostport\" %s", k->ed);
	SKIP("permitopen", "permitopen=\"host:0\" %s", k->ed);
	SKIP("permitopen", "permitopen=\"host:70000\" %s", k->ed);
	SKIP("permitlisten", "permitlisten=\"abc\" %s", k->ed);
	SKIP("expiry-time", "expiry-time=\"2020\" %s", k->ed);
	SKIP("expiry-time", "expiry-time=\"20201301\" %s", k->ed);
	SKIP("environment", "environment=\"NOEQUALS\" %s", k->ed);
	SKIP("environment", "environment=\"BAD NAME=x\" %s", k->ed);
	SKIP("tunnel", "tunnel=\"x\" %s", k->ed);
	SKIP("double quotes", "command=ls %s", k->ed);
	SKIP("junk after", "command=\"ls\"x %s", k->ed);
	SKIP("empty option", "no-pty,,pty %s", k->ed);
	expect_skip(k, "ssh-ed25519 \0AAAA", 17, "NUL");
	/* a valid-looking blob that the codec refuses: ed25519 key of 31 bytes */
	{
		static const uint8_t short_key[4 + 11 + 4 + 31] = {
			0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9',
			0, 0, 0, 31,
		};
		char b64[200];

		assert_true(base64_encode(short_key, sizeof(short_key), 0, b64, sizeof(b64)) > 0);
		SKIP("invalid ssh-ed25519", "ssh-ed25519 %s", b64);
	}
	/* overlong line */
	memset(line, 'a', sizeof(line));
	expect_skip(k, line, AUTHKEYS_LINE_MAX + 1, "longer than");
#undef SKIP
	/* and after all that the parser still takes a good line */
	assert_int_equal(authkeys_parse_line(k->ed, strlen(k->ed), k->al), 1);
}

struct logged {
	size_t count;
	size_t lines[16];
	char last[AUTHKEYS_REASON_SIZE];
};

static void record(void *ctx, size_t line_no, const char *reason)
{
	struct logged *l = ctx;

	if (l->count < 16)
		l->lines[l->count] = line_no;
	l->count++;
	snprintf(l->last, sizeof(l->last), "%s", reason);
}

static void test_find(void **state)
{
	struct keys *k = *state;
	char file[8 * sizeof(((struct keys *)0)->ed)];
	struct logged lg = { 0 };
	int64_t now = (int64_t)time(NULL);

	snprintf(file, sizeof(file),
		 "# authorized_keys\n"
		 "\n"
		 "junk junk junk\n"				/* 3: skipped */
		 "cert-authority %s ca\n"			/* 4: CA line, not for plain */
		 "expiry-time=\"20200101Z\" %s expired\n"	/* 5: expired */
		 "bogus-option %s\n"				/* 6: skipped */
		 "no-pty,command=\"true\" %s found\n"		/* 7: the one */
		 "%s later duplicate\n",			/* 8 */
		 k->ed, k->ed, k->ed, k->ed, k->ed);
	assert_int_equal(authkeys_find(file, strlen(file), k->ed_blob, k->ed_len, false, now,
				       k->al, record, &lg), 1);
	assert_int_equal(k->al->line_no, 7);
	assert_string_equal(k->al->opts.command, "true");
	assert_false(k->al->opts.pty);
	assert_string_equal(k->al->comment, "found");
	assert_int_equal(lg.count, 3);
	assert_int_equal(lg.lines[0], 3);
	assert_int_equal(lg.lines[1], 5);
	assert_int_equal(lg.lines[2], 6);

	/* as a CA: only the cert-authority line */
	memset(&lg, 0, sizeof(lg));
	assert_int_equal(authkeys_find(file, strlen(file), k->ed_blob, k->ed_len, true, now,
				       k->al, record, &lg), 1);
	assert_int_equal(k->al->line_no, 4);
	assert_true(k->al->opts.cert_authority);

	/* before the expiry the expired line is the first match */
	assert_int_equal(authkeys_find(file, strlen(file), k->ed_blob, k->ed_len, false,
				       1500000000, k->al, NULL, NULL), 1);
	assert_int_equal(k->al->line_no, 5);

	/* a key that is not there; no trailing newline; empty file */
	memset(&lg, 0, sizeof(lg));
	assert_int_equal(authkeys_find(file, strlen(file) - 1, k->rsa_blob, k->rsa_len, false,
				       now, k->al, record, &lg), 0);
	assert_int_equal(authkeys_find("", 0, k->ed_blob, k->ed_len, false, now, k->al, NULL,
				       NULL), 0);
	assert_int_equal(authkeys_find(NULL, 0, NULL, 0, false, now, k->al, NULL, NULL),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sshd8_examples),
		cmocka_unit_test(test_more_options),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests_name("keys_authkeys", tests, setup, teardown);
}
