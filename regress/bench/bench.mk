# regress/bench/: `make bench` runs msshd and OpenSSH's sshd side by side (run.sh) and
# prints ratios.  Timings live only here, never in `make check`.
# packet_speed times crypto/'s per-packet path in-process (no server, no root needed);
# `all` builds it so that it keeps compiling, `make bench` runs it first.
BENCH_PACKET_SPEED := $(B)/bench/packet_speed
all: $(BENCH_PACKET_SPEED)
$(BENCH_PACKET_SPEED): $(call objs,regress/bench/packet_speed.c) $(CRYPTO_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

.PHONY: bench-packet
bench-packet: $(BENCH_PACKET_SPEED)
	$(BENCH_PACKET_SPEED)

ifneq ($(wildcard sshd/main.c),)
bench: bench-packet $(B)/sshd/sshd $(INTEROP_RAWCLIENT)
	sh regress/bench/run.sh $(B)/sshd/sshd $(INTEROP_RAWCLIENT)
else
bench: bench-packet
endif
