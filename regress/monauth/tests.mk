# regress/monauth/: the monitor's authentication decisions (sshd/mon_auth*.c): the user
# lookup, the authorized keys files (read as the user, StrictModes, options) and the
# re-check of signed publickey requests.  Each regress/monauth/test_*.c is one cmocka
# program; fuzz_*.c are libFuzzer targets (seeds in regress/fuzz/corpus/monauth_fuzz_*/).
MONAUTH_TEST_LIBS := $(SSHD_LIB) $(MPLGEN_LIB) $(MPLRT_LIB) $(CRYPTO_LIB)
MONAUTH_TESTS := $(sort $(wildcard regress/monauth/test_*.c))
$(foreach t,$(MONAUTH_TESTS),$(eval $(call cmocka_test,monauth_$(patsubst test_%,%,$(basename $(notdir $(t)))),$(t),$(MONAUTH_TEST_LIBS))))
MONAUTH_FUZZERS := $(sort $(wildcard regress/monauth/fuzz_*.c))
$(foreach t,$(MONAUTH_FUZZERS),$(eval $(call fuzz_target,monauth_$(basename $(notdir $(t))),$(t),$(MONAUTH_TEST_LIBS))))
