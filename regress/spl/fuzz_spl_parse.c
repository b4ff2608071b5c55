/*
 * libFuzzer target: splc's front and middle ends (lexer, parser, checker, control-flow
 * graph, determinisation) on arbitrary policy text, against a small statecall universe.
 * splc is a batch compiler that frees nothing before it exits, so leak reports are off.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "spl/spl.h"

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const universe[] = {
	"Receive_Transport_KexInit", "Transmit_Transport_KexInit", "Receive_Transport_NewKeys",
	"Transmit_Transport_NewKeys", "Receive_Transport_Ignore", "Transmit_Transport_Ignore",
	"Receive_Auth_Request_None", "Transmit_Auth_Success", "Receive_Channel_Data",
	"Transmit_Channel_Close",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	struct spl_source src = { .path = "fuzz.spl", .len = size };
	src.text = xcalloc(size + 1, 1);
	memcpy(src.text, data, size);
	if (memchr(src.text, '\0', size))
		return 0;

	struct spl_statecalls sc = { 0 };
	sc.names = xcalloc(sizeof universe / sizeof *universe, sizeof *sc.names);
	for (size_t i = 0; i < sizeof universe / sizeof *universe; i++)
		sc.names[sc.n++] = xstrdup(universe[i]);
	sc.nlist = sc.n;

	struct spl_program prog = { 0 };
	if (spl_parse(&src, &prog) || spl_check(&prog, &sc))
		return 0;
	for (int a = 0; a < prog.nautos; a++) {
		struct spl_cfg cfg;
		struct spl_dfa dfa;
		if (spl_cfg_build(&prog, prog.autos[a], &sc, &cfg) == 0)
			(void)spl_dfa_build(&cfg, sc.n, &dfa);
	}
	return 0;
}
