# sshd/: the daemon. Every sshd/*.c but main.c goes into libsshd.a, so that tests can link
# any part of the daemon; main.c adds the entry point of $(B)/sshd/sshd.
SSHD_SRCS := $(filter-out sshd/main.c,$(sort $(wildcard sshd/*.c)))
SSHD_LIB  := $(B)/lib/libsshd.a
$(eval $(call static_lib,libsshd,$(SSHD_SRCS)))

# Link order: the daemon's own code, then the runtimes and crypto it calls.
SSHD_LIBS := $(SSHD_LIB) $(SPL_POLICY_LIB) $(MPLGEN_LIB) $(MPLRT_LIB) $(CRYPTO_LIB)

ifneq ($(wildcard sshd/main.c),)
BINS += $(B)/sshd/sshd
$(B)/sshd/sshd: $(call objs,sshd/main.c) $(SSHD_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(PAM_LIBS)
endif
