# regress/os/: the daemon's OS layer (log, fdpass, sandbox, privsep, listener, pidfile,
# daemon).  Each regress/os/test_*.c is one cmocka program, linked with the shared
# helpers and libsshd.
OS_TEST_UTIL := regress/os/os_test_util.c
OS_TESTS := $(sort $(wildcard regress/os/test_*.c))
$(foreach t,$(OS_TESTS),$(eval $(call cmocka_test,os_$(patsubst test_%,%,$(basename $(notdir $(t)))),$(t) $(OS_TEST_UTIL),$(SSHD_LIB))))

# The program test_listener_run drives (it finds it beside itself).
OS_DRIVER := $(B)/regress/os-listener-driver
$(OS_DRIVER): $(call objs,regress/os/listener_driver.c regress/util/io_util.c) $(SSHD_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(B)/regress/os_listener_run: | $(OS_DRIVER)

# libFuzzer target: the monitor's parser of the untrusted net child's log lines.
$(eval $(call fuzz_target,os_fuzz_log_relay,regress/os/fuzz_log_relay.c,$(SSHD_LIB)))
