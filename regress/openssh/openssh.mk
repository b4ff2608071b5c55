# regress/openssh/: `make regress-openssh` runs OpenSSH's regression suite (Debian's
# openssh-tests) against our sshd: a line per test and a count.  Not part of `make check`
# (half an hour or more, and most of it belongs to later milestones).  LTESTS="a b" picks
# tests; REGRESS_TIMEOUT sets the limit per test.
ifneq ($(wildcard sshd/main.c),)
.PHONY: regress-openssh
regress-openssh: $(B)/sshd/sshd
	sh regress/openssh/run.sh $(B)/sshd/sshd $(LTESTS)
endif
