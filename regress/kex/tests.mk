# Tests of the server's key exchange (sshd/kex.c) and the moduli file (sshd/kex_moduli.c):
# each regress/kex/test_*.c is one cmocka program; each regress/kex/fuzz_*.c a libFuzzer
# target (seeds in regress/fuzz/corpus/kex_fuzz_*/).
KEX_TEST_LIBS := $(SSHD_LIB) $(MPLGEN_LIB) $(MPLRT_LIB) $(CRYPTO_LIB)
KEX_TESTS := $(sort $(wildcard regress/kex/test_*.c))
$(foreach t,$(KEX_TESTS),$(eval $(call cmocka_test,kex_$(basename $(notdir $(t))),$(t),$(KEX_TEST_LIBS))))
KEX_FUZZERS := $(sort $(wildcard regress/kex/fuzz_*.c))
$(foreach t,$(KEX_FUZZERS),$(eval $(call fuzz_target,kex_$(basename $(notdir $(t))),$(t),$(KEX_TEST_LIBS))))
