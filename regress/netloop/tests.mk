# regress/netloop/: the net child's gates (conn.c), its transport layer (transport.c)
# against a client built from the generated codecs and crypto/, and its event loop
# end to end with the stock OpenSSH client.  Each regress/netloop/test_*.c is one cmocka
# program linked with the shared helpers and the daemon's libraries.
NETLOOP_TEST_UTIL := regress/netloop/netloop_test_util.c regress/netloop/client_kex_util.c
NETLOOP_TESTS := $(sort $(wildcard regress/netloop/test_*.c))
$(foreach t,$(NETLOOP_TESTS),$(eval $(call cmocka_test,netloop_$(patsubst test_%,%,$(basename $(notdir $(t)))),$(t) $(NETLOOP_TEST_UTIL) regress/transport/transport_test_util.c,$(SSHD_LIBS))))


# libFuzzer target: the receive gate (conn_recv) over sequences of payloads.
$(eval $(call fuzz_target,netloop_fuzz_conn_recv,regress/netloop/fuzz_conn_recv.c,$(SSHD_LIBS)))

# End to end with the stock OpenSSH client: the test server runs the real split
# (privsep_run with netchild_* and monitor_loop) on 127.0.0.1, e2e.sh drives ssh and
# ssh-keyscan against it.
NETLOOP_E2E_SERVER := $(B)/regress/netloop-e2e-server
BINS += $(NETLOOP_E2E_SERVER)
$(NETLOOP_E2E_SERVER): $(call objs,regress/netloop/e2e_server.c regress/os/os_test_util.c) $(SSHD_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(PAM_LIBS)
NETLOOP_E2E_HOSTILE := $(B)/regress/netloop-e2e-hostile
BINS += $(NETLOOP_E2E_HOSTILE)
$(NETLOOP_E2E_HOSTILE): $(call objs,regress/netloop/e2e_hostile.c regress/netloop/client_kex_util.c) $(SSHD_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(PAM_LIBS)
CHECKS += $(B)/regress/netloop-e2e
BINS += $(B)/regress/netloop-e2e
$(B)/regress/netloop-e2e: regress/netloop/e2e.sh $(NETLOOP_E2E_SERVER) $(NETLOOP_E2E_HOSTILE)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec sh regress/netloop/e2e.sh %s %s\n' $(NETLOOP_E2E_SERVER) $(NETLOOP_E2E_HOSTILE) > $@
	chmod +x $@

# sshd -i with stdout redirected to a regular file (RLIMIT_FSIZE 0 in the net child):
# a clean failure with the cause logged, not a death by SIGXFSZ.
ifneq ($(wildcard sshd/main.c),)
CHECKS += $(B)/regress/netloop-inetd-file
BINS += $(B)/regress/netloop-inetd-file
$(B)/regress/netloop-inetd-file: regress/netloop/inetd_file.sh $(B)/sshd/sshd
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec sh regress/netloop/inetd_file.sh %s\n' $(B)/sshd/sshd > $@
	chmod +x $@
endif
