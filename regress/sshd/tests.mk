# regress/sshd/: the configuration parser and the command line.
# - test_config (cmocka): value types, errors with file and line, Include, Match, -o
# - sshd_config_tool: -t/-T driver; the check scripts compare it with OpenSSH's sshd -T
#   and replay the rules OpenSSH's regress suite checks (cfgparse, servcfginclude, ...)
SSHD_CONFIG_TOOL := $(B)/regress/sshd_config_tool
BINS += $(SSHD_CONFIG_TOOL)
$(SSHD_CONFIG_TOOL): $(call objs,regress/sshd/sshd_config_tool.c) $(SSHD_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(eval $(call cmocka_test,sshd_config,regress/sshd/test_config.c,$(SSHD_LIB)))
$(eval $(call cmocka_test,sshd_cmdline,regress/sshd/test_cmdline.c,$(SSHD_LIB)))

# Scripts run by `make check` get the tool's path through a generated wrapper.
define sshd_config_script
CHECKS += $(B)/regress/$(1)
$(B)/regress/$(1): regress/sshd/$(1).sh $(SSHD_CONFIG_TOOL)
	@mkdir -p $$(@D)
	printf '#!/bin/sh\nexec sh regress/sshd/$(1).sh %s\n' $(SSHD_CONFIG_TOOL) > $$@
	chmod +x $$@
BINS += $(B)/regress/$(1)
endef
$(eval $(call sshd_config_script,sshd-config-regress))
$(eval $(call sshd_config_script,sshd-config-vs-openssh))

# The fuzz target links the parser's own objects (not all of libsshd.a), so that the
# clang build compiles only what it runs.
SSHD_CONFIG_SRCS := $(sort $(wildcard sshd/config*.c)) sshd/cmdline.c
$(eval $(call fuzz_target,fuzz_sshd_config,regress/fuzz/fuzz_sshd_config.c $(SSHD_CONFIG_SRCS),))
# The configuration a re-executed child reads from the listener (config_source_wire.c).
$(eval $(call fuzz_target,fuzz_config_source,regress/sshd/fuzz_config_source.c $(SSHD_CONFIG_SRCS),))
