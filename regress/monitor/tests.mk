# regress/monitor/: the monitor IPC (mon_wire, both ends) and the monitor's loop.
# Each regress/monitor/test_*.c is one cmocka program, linked with the shared helpers
# and the whole daemon library.
MON_TEST_UTIL := regress/monitor/mon_test_util.c regress/os/os_test_util.c
MON_TESTS := $(sort $(wildcard regress/monitor/test_*.c))
$(foreach t,$(MON_TESTS),$(eval $(call cmocka_test,monitor_$(patsubst test_%,%,$(basename $(notdir $(t)))),$(t) $(MON_TEST_UTIL),$(SSHD_LIBS))))

# libFuzzer target: the monitor's receive (mon_wire_decode) and dispatch of what the
# untrusted net child sends.
$(eval $(call fuzz_target,monitor_fuzz_dispatch,regress/monitor/fuzz_monitor_dispatch.c,$(SSHD_LIBS)))
