# Known-answer and cross-check tests of crypto/: each regress/crypto/test_*.c is one cmocka
# program linked with libmcrypto.
# test_keyfile_interop compares key blobs with ssh-keygen's, so it also links the codec
# glue of sshd/keyblob.
CRYPTO_TESTS := $(filter-out regress/crypto/test_keyfile_interop.c,$(sort $(wildcard regress/crypto/test_*.c)))
$(foreach t,$(CRYPTO_TESTS),$(eval $(call cmocka_test,crypto_$(basename $(notdir $(t))),$(t),$(CRYPTO_LIB))))
$(eval $(call cmocka_test,crypto_test_keyfile_interop,regress/crypto/test_keyfile_interop.c,$(SSHD_LIB) $(MPLGEN_LIB) $(MPLRT_LIB) $(CRYPTO_LIB)))
# libFuzzer targets on crypto/'s receive paths: each regress/crypto/fuzz_*.c.
CRYPTO_FUZZERS := $(sort $(wildcard regress/crypto/fuzz_*.c))
$(foreach t,$(CRYPTO_FUZZERS),$(eval $(call fuzz_target,crypto_$(basename $(notdir $(t))),$(t),$(CRYPTO_LIB))))
