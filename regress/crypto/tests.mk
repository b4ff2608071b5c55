# Known-answer and cross-check tests of crypto/: each regress/crypto/test_*.c is one cmocka
# program linked with libmcrypto.
CRYPTO_TESTS := $(sort $(wildcard regress/crypto/test_*.c))
$(foreach t,$(CRYPTO_TESTS),$(eval $(call cmocka_test,crypto_$(basename $(notdir $(t))),$(t),$(CRYPTO_LIB))))
