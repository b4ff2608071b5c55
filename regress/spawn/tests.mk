# regress/spawn/: starting the user's process of a session (sshd/session_spawn.c), its
# environment (sshd/session_env.c) and the RFC 4254 signal names (sshd/signal_names.c).
# As root the test also creates the user msshd-spawn-test (and group msshd-spawn-tg) to
# check the change of user; without root that part is skipped.
$(eval $(call cmocka_test,spawn,regress/spawn/test_spawn.c,$(SSHD_LIB)))
# The pty of a session (sshd/session_pty.c: modes, size, owner, release) and a process
# started on its slave.
$(eval $(call cmocka_test,spawn_pty,regress/spawn/test_pty.c,$(SSHD_LIBS)))
# Login records (sshd/login_record.c) written into a utmp and a wtmp of the test's own.
$(eval $(call cmocka_test,spawn_login_record,regress/spawn/test_login_record.c,$(SSHD_LIB)))
