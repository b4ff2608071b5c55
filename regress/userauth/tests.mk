# regress/userauth/: the net child's side of user authentication (sshd/userauth.c) over a
# real struct conn, with a scripted monitor on a socketpair. Each test_*.c is one cmocka
# program linked with the daemon's libraries.
USERAUTH_TESTS := $(sort $(wildcard regress/userauth/test_*.c))
$(foreach t,$(USERAUTH_TESTS),$(eval $(call cmocka_test,userauth_$(patsubst test_%,%,$(basename $(notdir $(t)))),$(t),$(SSHD_LIBS))))
