/* sshd/kex_moduli.c: the moduli(5) reader on real lines (regress/kex/moduli.sample,
 * taken from Debian's /etc/ssh/moduli) and on every kind of bad line, and the chooser
 * against a re-statement of OpenSSH's choose_dh (dh.c): among the groups of min..max
 * bits, the first size that is at least the wanted one if any, else the largest; one
 * group of that size at random. */
#include "regress/crypto/asym_test_util.h"

#include <errno.h>
#include <stdbool.h>

#include "crypto/random.h"
#include "sshd/kex_moduli.h"

#define SAMPLE "regress/kex/moduli.sample"

static char *sample;
static size_t sample_len;

/* The sample's lines, for building inputs. */
static char *lines[32];
static size_t n_lines;

static int group_setup(void **state)
{
	FILE *f = fopen(SAMPLE, "r");
	char *p;

	(void)state;
	if (random_init() < 0 || f == NULL)
		return -1;
	sample = calloc(1, 1 << 20);
	sample_len = fread(sample, 1, (1 << 20) - 1, f);
	fclose(f);
	for (p = sample; *p != '\0' && n_lines < 32;) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (*p != '#')
			lines[n_lines++] = strndup(p, len);
		p += len + (nl != NULL);
	}
	return n_lines == 12 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < n_lines; i++)
		free(lines[i]);
	free(sample);
	return 0;
}

/* The fields of line i, each replaceable. */
static void line_fields(size_t i, char fields[7][2100])
{
	char *copy = strdup(lines[i]), *save = NULL, *tok;
	int n = 0;

	assert_non_null(copy);
	for (tok = strtok_r(copy, " ", &save); tok != NULL && n < 7;
	     tok = strtok_r(NULL, " ", &save))
		snprintf(fields[n++], 2100, "%s", tok);
	assert_int_equal(n, 7);
	free(copy);
}

static int parse_str(const char *text, struct kex_moduli **m, size_t *skipped)
{
	return kex_moduli_parse(text, strlen(text), m, skipped);
}

static uint32_t bits_of(const uint8_t *p, size_t len)
{
	uint32_t bits = (uint32_t)len * 8;

	assert_true(len > 0);
	assert_int_not_equal(p[0], 0);
	for (uint8_t top = p[0]; !(top & 0x80); top <<= 1)
		bits--;
	return bits;
}

static void test_sample_loads(void **state)
{
	struct kex_moduli *m = NULL;
	size_t skipped = 99;
	const uint8_t *p, *g;
	size_t p_len, g_len;

	(void)state;
	assert_int_equal(kex_moduli_load(SAMPLE, &m, &skipped), 0);
	assert_int_equal(skipped, 0);
	/* each size of the sample is found, with its modulus and generator as written */
	for (uint32_t bits = 2048; bits <= 8192; bits++) {
		if (bits != 2048 && bits != 3072 && bits != 4096 && bits != 6144 && bits != 7680 &&
		    bits != 8192)
			continue;
		assert_int_equal(kex_moduli_choose(m, bits, bits, bits, &p, &p_len, &g, &g_len), 0);
		assert_int_equal(bits_of(p, p_len), bits);
		assert_int_equal(p[p_len - 1] & 1, 1);
		assert_int_equal(g_len, 1);
		assert_true(g[0] == 2 || g[0] == 5);
	}
	kex_moduli_free(m);
	/* the same through the parser, with a NULL skip count */
	assert_int_equal(kex_moduli_parse(sample, sample_len, &m, NULL), 0);
	kex_moduli_free(m);
	kex_moduli_free(NULL);
}

/* The modulus and generator chosen for a one-line file are the line's. */
static void test_values_exact(void **state)
{
	char f[7][2100];
	struct kex_moduli *m = NULL;
	const uint8_t *p, *g;
	size_t p_len, g_len;
	uint8_t want[1024];
	size_t want_len;

	(void)state;
	for (size_t i = 0; i < n_lines; i++) {
		line_fields(i, f);
		assert_int_equal(parse_str(lines[i], &m, NULL), 0);
		assert_int_equal(kex_moduli_choose(m, 2048, 8192, 8192, &p, &p_len, &g, &g_len), 0);
		want_len = unhex(f[6], want, sizeof(want));
		assert_int_equal(p_len, want_len);
		assert_memory_equal(p, want, p_len);
		assert_int_equal(g[0], (uint8_t)strtoul(f[5], NULL, 16));
		assert_int_equal(bits_of(p, p_len), strtoul(f[4], NULL, 10) + 1);
		kex_moduli_free(m);
	}
}

/* What OpenSSH's choose_dh would pick, restated: the sizes of the usable groups in file
 * order, filtered to min..max; best moves up while below the wanted size and down to
 * the smallest at or above it. */
static uint32_t reference_best(const uint32_t *sizes, size_t n, uint32_t min, uint32_t want,
			       uint32_t max, uint32_t *count)
{
	uint32_t best = 0;

	*count = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t s = sizes[i];

		if (s > max || s < min)
			continue;
		if ((s > want && s < best) || (s > best && best < want)) {
			best = s;
			*count = 0;
		}
		if (s == best)
			(*count)++;
	}
	return best;
}

/* Checks the chooser against reference_best on every (min, n, max) of a grid.  One
 * difference is deliberate: OpenSSH keeps a larger size it met first over the exact
 * size listed after it (a file in ssh-keygen's ascending order never shows this);
 * kex_moduli_choose takes the exact size wherever it is.  *deviations counts those. */
static void check_against_reference(const char *text, const uint32_t *sizes, size_t n,
				    int *deviations)
{
	static const uint32_t grid[] = { 2048, 2049, 3000, 3072, 3073, 4096, 5000, 6144,
					 7000, 7680, 8000, 8192 };
	const size_t n_grid = sizeof(grid) / sizeof(grid[0]);
	struct kex_moduli *m = NULL;
	const uint8_t *p, *g;
	size_t p_len, g_len;

	assert_int_equal(parse_str(text, &m, NULL), 0);
	for (size_t a = 0; a < n_grid; a++)
		for (size_t b = a; b < n_grid; b++)
			for (size_t c = b; c < n_grid; c++) {
				uint32_t count, best = reference_best(sizes, n, grid[a], grid[b],
								      grid[c], &count);
				int rc = kex_moduli_choose(m, grid[a], grid[b], grid[c], &p,
							   &p_len, &g, &g_len);

				if (count == 0) {
					assert_int_equal(rc, -ENOENT);
					continue;
				}
				assert_int_equal(rc, 0);
				if (bits_of(p, p_len) != best) {
					bool exact_listed = false;

					for (size_t i = 0; i < n; i++)
						exact_listed |= sizes[i] == grid[b];
					assert_true(exact_listed);
					assert_true(best > grid[b]);
					assert_int_equal(bits_of(p, p_len), grid[b]);
					(*deviations)++;
				}
			}
	kex_moduli_free(m);
}

static void test_chooser_matches_openssh(void **state)
{
	/* the sample in its order, and subsets in other orders */
	static const size_t orders[][6] = {
		{ 0, 2, 4, 6, 8, 10 },
		{ 10, 8, 6, 4, 2, 0 },
		{ 4, 10, 0, 8, 2, 6 },
		{ 2, 6, 10, 99, 99, 99 },
		{ 8, 0, 99, 99, 99, 99 },
		{ 6, 99, 99, 99, 99, 99 },
	};
	char *text = calloc(1, 1 << 16);
	uint32_t all[12];
	int deviations = 0;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < n_lines; i++)
		all[i] = (uint32_t)strtoul(strchr(strchr(strchr(strchr(lines[i], ' ') + 1, ' ') + 1,
							    ' ') + 1, ' ') + 1, NULL, 10) + 1;
	/* the file's ascending order: exactly OpenSSH's choice */
	check_against_reference(sample, all, 12, &deviations);
	assert_int_equal(deviations, 0);
	for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		uint32_t sizes[6];
		size_t n = 0;
		int dev = 0;

		text[0] = '\0';
		for (size_t k = 0; k < 6 && orders[o][k] != 99; k++) {
			strcat(text, lines[orders[o][k]]);
			strcat(text, "\n");
			sizes[n++] = all[orders[o][k]];
		}

		check_against_reference(text, sizes, n, &dev);
		/* an ascending order is OpenSSH's choice exactly */
		if (o == 0 || o == 3 || o == 5)
			assert_int_equal(dev, 0);
		deviations += dev;
	}
	/* the descending orders do show the difference */
	assert_true(deviations > 0);
	free(text);
}

/* Among groups of the best size each one is chosen, none other. */
static void test_chooser_random_among_best(void **state)
{
	struct kex_moduli *m = NULL;
	const uint8_t *p, *g, *first_p = NULL;
	size_t p_len, g_len;
	int seen_g2 = 0, seen_g5 = 0, seen_other_p = 0;

	(void)state;
	assert_int_equal(parse_str(sample, &m, NULL), 0);
	/* 2048: one modulus with generators 2 and 5 */
	for (int i = 0; i < 200; i++) {
		assert_int_equal(kex_moduli_choose(m, 2048, 2048, 2048, &p, &p_len, &g, &g_len), 0);
		assert_int_equal(bits_of(p, p_len), 2048);
		seen_g2 += g[0] == 2;
		seen_g5 += g[0] == 5;
	}
	assert_true(seen_g2 > 0 && seen_g5 > 0);
	/* 3072: two moduli */
	for (int i = 0; i < 200; i++) {
		assert_int_equal(kex_moduli_choose(m, 2048, 3072, 4096, &p, &p_len, &g, &g_len), 0);
		assert_int_equal(bits_of(p, p_len), 3072);
		if (first_p == NULL)
			first_p = p;
		seen_other_p += p != first_p;
	}
	assert_true(seen_other_p > 0);
	kex_moduli_free(m);
}

static void test_chooser_no_fit(void **state)
{
	struct kex_moduli *m = NULL;
	const uint8_t *p, *g;
	size_t p_len, g_len;

	(void)state;
	assert_int_equal(parse_str(lines[0], &m, NULL), 0);	/* 2048 only */
	assert_int_equal(kex_moduli_choose(m, 3072, 4096, 8192, &p, &p_len, &g, &g_len), -ENOENT);
	assert_int_equal(kex_moduli_choose(m, 1024, 1024, 2047, &p, &p_len, &g, &g_len), -ENOENT);
	assert_int_equal(kex_moduli_choose(m, 4096, 2048, 2048, &p, &p_len, &g, &g_len), -ENOENT);
	/* wanted size outside min..max still picks within it */
	assert_int_equal(kex_moduli_choose(m, 2048, 8192, 2048, &p, &p_len, &g, &g_len), 0);
	assert_int_equal(kex_moduli_choose(m, 2048, 0, 4096, &p, &p_len, &g, &g_len), 0);
	assert_int_equal(kex_moduli_choose(NULL, 2048, 2048, 2048, &p, &p_len, &g, &g_len),
			 -EINVAL);
	assert_int_equal(kex_moduli_choose(m, 2048, 2048, 2048, NULL, &p_len, &g, &g_len),
			 -EINVAL);
	kex_moduli_free(m);
}

/* A good line with field `which` replaced by `value` (NULL: removed); the result is
 * parsed after a good line of another size. */
static void check_bad_field(int which, const char *value)
{
	char f[7][2100], *text = calloc(1, 1 << 15);
	struct kex_moduli *m = NULL;
	const uint8_t *p, *g;
	size_t p_len, g_len, skipped = 0;

	assert_non_null(text);
	line_fields(2, f);	/* 3072 bits */
	strcat(text, lines[0]);	/* 2048 bits, good */
	strcat(text, "\n");
	for (int i = 0; i < 7; i++) {
		if (i == which && value == NULL)
			continue;
		strcat(text, i == which ? value : f[i]);
		strcat(text, i < 6 ? " " : "\n");
	}
	assert_int_equal(parse_str(text, &m, &skipped), 0);
	assert_int_equal(skipped, 1);
	assert_int_equal(kex_moduli_choose(m, 3072, 3072, 8192, &p, &p_len, &g, &g_len), -ENOENT);
	kex_moduli_free(m);
	/* alone it leaves no group */
	assert_int_equal(parse_str(strchr(text, '\n') + 1, &m, &skipped), -ENOENT);
	assert_null(m);
	assert_int_equal(skipped, 1);
	free(text);
}

static void test_bad_lines(void **state)
{
	char f[7][2100], mod[2200];
	size_t len;

	(void)state;
	line_fields(2, f);
	check_bad_field(0, "2022071411035x");		/* time not digits */
	check_bad_field(0, "202207141103571");		/* time too long */
	check_bad_field(1, "1");			/* not a safe prime */
	check_bad_field(1, "4");			/* Sophie Germain, not safe */
	check_bad_field(1, "x");
	check_bad_field(2, "0");			/* untested */
	check_bad_field(2, "7");			/* composite bit */
	check_bad_field(2, "2");			/* sieve only: no Miller-Rabin */
	check_bad_field(2, "32");			/* unknown test bits */
	check_bad_field(2, "-6");
	check_bad_field(3, "0");			/* no trials */
	check_bad_field(3, "99999999999");		/* overflows the field */
	check_bad_field(4, "3070");			/* size does not match p */
	check_bad_field(4, "3072");
	check_bad_field(4, "1023");			/* too small */
	check_bad_field(4, "16383");			/* too large */
	check_bad_field(4, "30710");
	check_bad_field(4, "");
	check_bad_field(5, "3");			/* generator */
	check_bad_field(5, "1");
	check_bad_field(5, "0");
	check_bad_field(5, "22");
	check_bad_field(5, "g");
	check_bad_field(6, "12345");			/* modulus of the wrong size */
	check_bad_field(6, "");
	check_bad_field(0, NULL);			/* six fields */
	check_bad_field(6, NULL);
	/* an even modulus */
	snprintf(mod, sizeof(mod), "%s", f[6]);
	len = strlen(mod);
	mod[len - 1] = mod[len - 1] == '0' ? '2' : '0';
	check_bad_field(6, mod);
	/* a non-hex digit inside */
	snprintf(mod, sizeof(mod), "%s", f[6]);
	mod[100] = 'G';
	check_bad_field(6, mod);
	/* eight fields */
	snprintf(mod, sizeof(mod), "%s extra", f[6]);
	check_bad_field(6, mod);
	/* a modulus of 8193 bits claimed as such */
	mod[0] = '1';
	memset(mod + 1, 'F', 2048);
	mod[2049] = '\0';
	check_bad_field(6, mod);
	{
		char f4[7][2100];
		char *text = calloc(1, 1 << 15);
		struct kex_moduli *m = NULL;
		size_t skipped = 0;

		line_fields(2, f4);
		snprintf(text, 1 << 15, "%s %s %s %s 8192 %s %s\n", f4[0], f4[1], f4[2], f4[3],
			 f4[5], mod);
		assert_int_equal(parse_str(text, &m, &skipped), -ENOENT);
		assert_int_equal(skipped, 1);
		free(text);
	}
	/* a NUL byte inside a line */
	{
		char text[2200];
		struct kex_moduli *m = NULL;
		size_t skipped = 0, n = (size_t)snprintf(text, sizeof(text), "%s", lines[2]);

		text[n / 2] = '\0';
		assert_int_equal(kex_moduli_parse(text, n, &m, &skipped), -ENOENT);
		assert_int_equal(skipped, 1);
	}
}

static void test_layout_tolerated(void **state)
{
	char f[7][2100], *text = calloc(1, 1 << 15);
	struct kex_moduli *m = NULL;
	size_t skipped = 9;

	(void)state;
	assert_non_null(text);
	line_fields(0, f);
	/* comments, blank lines, CR LF, tabs and runs of blanks, leading zeros in the
	 * modulus and generator, no newline at the end */
	snprintf(text, 1 << 15,
		 "# moduli\n\n   \n\t# indented comment\r\n"
		 "  %s\t%s  %s %s %s 0%s 000%s\r\n"
		 "%s %s %s %s %s %s %s",
		 f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[0], f[1], f[2], f[3], f[4], f[5],
		 f[6]);
	assert_int_equal(parse_str(text, &m, &skipped), 0);
	assert_int_equal(skipped, 0);
	kex_moduli_free(m);
	/* nothing usable */
	assert_int_equal(parse_str("", &m, &skipped), -ENOENT);
	assert_int_equal(skipped, 0);
	assert_int_equal(parse_str("# only a comment\n\n", &m, &skipped), -ENOENT);
	assert_int_equal(kex_moduli_parse(NULL, 0, &m, &skipped), -ENOENT);
	assert_int_equal(kex_moduli_parse(NULL, 5, &m, &skipped), -EINVAL);
	assert_int_equal(kex_moduli_parse("x", 1, NULL, &skipped), -EINVAL);
	free(text);
}

static void test_too_many_groups(void **state)
{
	size_t line_len = strlen(lines[0]) + 1, n = KEX_MODULI_MAX_GROUPS + 1;
	char *text = malloc(line_len * n + 1);
	struct kex_moduli *m = NULL;
	const uint8_t *p, *g;
	size_t p_len, g_len;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < n; i++) {
		memcpy(text + i * line_len, lines[0], line_len - 1);
		text[i * line_len + line_len - 1] = '\n';
	}
	assert_int_equal(kex_moduli_parse(text, line_len * n, &m, NULL), -E2BIG);
	assert_null(m);
	/* exactly the limit is fine */
	assert_int_equal(kex_moduli_parse(text, line_len * (n - 1), &m, NULL), 0);
	assert_int_equal(kex_moduli_choose(m, 2048, 2048, 2048, &p, &p_len, &g, &g_len), 0);
	kex_moduli_free(m);
	free(text);
}

static void test_load_errors(void **state)
{
	struct kex_moduli *m = NULL;
	size_t skipped;
	int rc;

	(void)state;
	assert_int_equal(kex_moduli_load("/nonexistent/moduli", &m, &skipped), -ENOENT);
	assert_int_equal(kex_moduli_load("/", &m, &skipped), -EINVAL);
	assert_int_equal(kex_moduli_load(NULL, &m, &skipped), -EINVAL);
	assert_int_equal(kex_moduli_load("/dev/null", &m, &skipped), -EINVAL);
	/* the system's file, when there is one, loads whole */
	rc = kex_moduli_load("/etc/ssh/moduli", &m, &skipped);
	if (rc == -ENOENT)
		return;
	assert_int_equal(rc, 0);
	assert_int_equal(skipped, 0);
	kex_moduli_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_loads),
		cmocka_unit_test(test_values_exact),
		cmocka_unit_test(test_chooser_matches_openssh),
		cmocka_unit_test(test_chooser_random_among_best),
		cmocka_unit_test(test_chooser_no_fit),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_layout_tolerated),
		cmocka_unit_test(test_too_many_groups),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
