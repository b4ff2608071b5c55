# crypto/: thin wrappers over libsodium, OpenSSL libcrypto and zlib -> libmcrypto.a
CRYPTO_SRCS := $(sort $(wildcard crypto/*.c))
CRYPTO_LIB  := $(B)/lib/libmcrypto.a
$(eval $(call static_lib,libmcrypto,$(CRYPTO_SRCS)))
