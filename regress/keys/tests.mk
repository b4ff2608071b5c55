# Tests of the key glue in sshd/ (keyblob, keyfile, authkeys): each regress/keys/test_*.c
# is one cmocka program; each regress/keys/fuzz_*.c a libFuzzer target (seeds in
# regress/fuzz/corpus/keys_fuzz_*/).
KEYS_TEST_LIBS := $(SSHD_LIB) $(MPLGEN_LIB) $(MPLRT_LIB) $(CRYPTO_LIB)
KEYS_TESTS := $(sort $(wildcard regress/keys/test_*.c))
$(foreach t,$(KEYS_TESTS),$(eval $(call cmocka_test,keys_$(basename $(notdir $(t))),$(t),$(KEYS_TEST_LIBS))))
KEYS_FUZZERS := $(sort $(wildcard regress/keys/fuzz_*.c))
$(foreach t,$(KEYS_FUZZERS),$(eval $(call fuzz_target,keys_$(basename $(notdir $(t))),$(t),$(KEYS_TEST_LIBS))))
