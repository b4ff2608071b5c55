# regress/interop/: the daemon against the stock OpenSSH client (and a small raw client
# for what that client cannot do on purpose).  Each script is a CHECK; it prints its
# counts as cmocka does, so run-checks.sh adds them up.  They run $(B)/sshd/sshd on
# loopback ports; as root they create the users msshd-test and sshd when missing.
# The start-up helpers of main.c (hostkeys_check, conn_addr), in-process.
$(eval $(call cmocka_test,interop_startup,regress/interop/test_startup.c,$(SSHD_LIBS)))

INTEROP_RAWCLIENT := $(B)/regress/interop-rawclient
$(INTEROP_RAWCLIENT): $(call objs,regress/interop/rawclient.c regress/util/io_util.c)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

# $(call interop_script,NAME): $(B)/regress/interop-NAME runs regress/interop/NAME.sh.
define interop_script
CHECKS += $(B)/regress/interop-$(1)
BINS += $(B)/regress/interop-$(1)
$(B)/regress/interop-$(1): regress/interop/$(1).sh regress/interop/lib.sh $(B)/sshd/sshd $(INTEROP_RAWCLIENT)
	@mkdir -p $$(@D)
	printf '#!/bin/sh\nexec sh regress/interop/$(1).sh %s %s\n' $(B)/sshd/sshd $(INTEROP_RAWCLIENT) > $$@
	chmod +x $$@
endef

ifneq ($(wildcard sshd/main.c),)
INTEROP_SCRIPTS := cmdline demo session algos auth auth-unknown bulk arch arch-user hostile \
	inetd keyopts debug include banner match sftp pty keepalive
$(foreach s,$(INTEROP_SCRIPTS),$(eval $(call interop_script,$(s))))
endif
