# regress/netloop/: the net child's gates (conn.c), its transport layer (transport.c)
# against a client built from the generated codecs and crypto/, and its event loop
# end to end with the stock OpenSSH client.  Each regress/netloop/test_*.c is one cmocka
# program linked with the shared helpers and the daemon's libraries.
NETLOOP_TEST_UTIL := regress/netloop/netloop_test_util.c
NETLOOP_TESTS := $(sort $(wildcard regress/netloop/test_*.c))
$(foreach t,$(NETLOOP_TESTS),$(eval $(call cmocka_test,netloop_$(patsubst test_%,%,$(basename $(notdir $(t)))),$(t) $(NETLOOP_TEST_UTIL) regress/transport/transport_test_util.c,$(SSHD_LIBS))))


# libFuzzer target: the receive gate (conn_recv) over sequences of payloads.
$(eval $(call fuzz_target,netloop_fuzz_conn_recv,regress/netloop/fuzz_conn_recv.c,$(SSHD_LIBS)))
