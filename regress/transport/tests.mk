# regress/transport/: the binary packet protocol, the identification exchange, algorithm
# negotiation and key derivation. Each regress/transport/test_*.c is one cmocka program
# linked with the daemon's libraries and the generated codecs; each fuzz_*.c a libFuzzer
# target linked with only the transport files it exercises.
TRANSPORT_TESTS := $(sort $(wildcard regress/transport/test_*.c))
$(foreach t,$(TRANSPORT_TESTS),$(eval $(call cmocka_test,transport_$(patsubst test_%,%,$(basename $(notdir $(t)))),$(t) regress/transport/transport_test_util.c,$(SSHD_LIB) $(MPLGEN_LIB) $(SSHD_LIBS))))

$(eval $(call fuzz_target,transport_fuzz_packet_next,regress/transport/fuzz_packet_next.c sshd/packet.c,$(MPLRT_LIB) $(CRYPTO_LIB)))
$(eval $(call fuzz_target,transport_fuzz_version,regress/transport/fuzz_version.c sshd/version.c,))

# The no-allocation test counts every malloc/calloc/realloc made from the statically
# linked code (see the test).
$(B)/regress/transport_packet_noalloc: ALL_LDFLAGS += -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc
