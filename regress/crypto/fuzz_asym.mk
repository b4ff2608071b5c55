# libFuzzer targets on the inputs crypto/'s asymmetric half takes from outside: PEM
# key files, public-key and signature components, key-exchange peer values, base64.
# Seeds in regress/fuzz/corpus/<name>/.
$(eval $(call fuzz_target,crypto_asym_pem,regress/crypto/fuzz_asym_pem.c,$(CRYPTO_LIB)))
$(eval $(call fuzz_target,crypto_asym_verify,regress/crypto/fuzz_asym_verify.c,$(CRYPTO_LIB)))
$(eval $(call fuzz_target,crypto_asym_kex_peer,regress/crypto/fuzz_asym_kex_peer.c,$(CRYPTO_LIB)))
$(eval $(call fuzz_target,crypto_asym_base64,regress/crypto/fuzz_asym_base64.c,$(CRYPTO_LIB)))
