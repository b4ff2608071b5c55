# regress/channels/: the connection protocol of the net child (sshd/channel.c and
# sshd/session.c) driven by a test client over a socketpair, with a fake monitor that
# runs real /bin/sh commands (chan_harness.h).
$(eval $(call cmocka_test,channels,regress/channels/test_channels.c regress/channels/chan_harness.c,$(SSHD_LIBS)))
# ClientAliveInterval / ClientAliveCountMax on the same test bed.
$(eval $(call cmocka_test,client_alive,regress/channels/test_client_alive.c regress/channels/chan_harness.c,$(SSHD_LIBS)))
