# regress/bench/: `make bench` runs msshd and OpenSSH's sshd side by side (run.sh) and
# prints ratios.  Timings live only here, never in `make check`.
ifneq ($(wildcard sshd/main.c),)
bench: $(B)/sshd/sshd $(INTEROP_RAWCLIENT)
	sh regress/bench/run.sh $(B)/sshd/sshd $(INTEROP_RAWCLIENT)
endif
