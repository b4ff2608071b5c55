# Known-answer and cross-check tests of crypto/: each regress/crypto/test_*.c is one cmocka
# program linked with libmcrypto.
CRYPTO_TESTS := $(sort $(wildcard regress/crypto/test_*.c))
$(foreach t,$(CRYPTO_TESTS),$(eval $(call cmocka_test,crypto_$(basename $(notdir $(t))),$(t),$(CRYPTO_LIB))))
# libFuzzer targets on crypto/'s receive paths: each regress/crypto/fuzz_*.c.
CRYPTO_FUZZERS := $(sort $(wildcard regress/crypto/fuzz_*.c))
$(foreach t,$(CRYPTO_FUZZERS),$(eval $(call fuzz_target,crypto_$(basename $(notdir $(t))),$(t),$(CRYPTO_LIB))))
