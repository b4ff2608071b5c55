# spl/: splc, the policy compiler (a build tool), and spl/rt/, the automaton runtime the
# daemon links; the policies of sshd/proto/*.spl compiled to C, PROMELA, DOT and SVG.
#
# Exported for other fragments:
#   SPL_POLICY_LIB   $(B)/lib/libsplpolicy.a: the runtime + the ssh and monitor policies
#   SPL_GEN          $(B)/gen/ssh_policy.h, monitor_policy.h (generated headers)

SPLC_SRCS := $(filter-out spl/rt/%,$(sort $(wildcard spl/*.c)))
SPLC      := $(B)/spl/splc
BINS      += $(SPLC)

# splc's own objects must not wait for $(GEN): GEN is what splc makes.
$(B)/obj/spl/%.o: spl/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# splc is a batch compiler that frees nothing before it exits: under SAN=1 / FUZZ=1 its
# allocations are not leaks worth reporting.
SPLC_RUN := ASAN_OPTIONS=detect_leaks=0 $(SPLC)

$(SPLC): $(call objs,$(SPLC_SRCS))
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

# The statecall lists come from mplc (mpl/mpl.mk, included before this fragment, makes
# $(B)/gen/NAME.statecalls and the enum in $(B)/gen/NAME.h for each sshd/proto/NAME.mpl);
# the generated C then asserts, name by name, that mplc's enum values are splc's ids.
# Without mplc's rules, splc is built and tested against the fixture lists in
# regress/spl/fixtures/ (copies of mplc's output).
ifneq ($(filter $(B)/gen/ssh.statecalls,$(MPL_GEN_SC)),)
SPL_SSH_STATECALLS     := $(B)/gen/ssh.statecalls
SPL_MONITOR_STATECALLS := $(B)/gen/monitor.statecalls
SPL_SSH_ENUM           := --enum-header ssh.h
SPL_MONITOR_ENUM       := --enum-header monitor.h
else
SPL_SSH_STATECALLS     := regress/spl/fixtures/ssh.statecalls
SPL_MONITOR_STATECALLS := regress/spl/fixtures/monitor.statecalls
SPL_SSH_ENUM           :=
SPL_MONITOR_ENUM       :=
endif

SPL_SSH_POLICIES     := sshd/proto/transport.spl sshd/proto/layers.spl \
                        sshd/proto/auth.spl sshd/proto/channel.spl
SPL_MONITOR_POLICIES := sshd/proto/monitor.spl
SPL_SSH_AUTOMATA     := transport layers auth global channel
SPL_MONITOR_AUTOMATA := monitor

$(B)/gen/ssh_policy.c $(B)/gen/ssh_policy.h: $(SPLC) $(SPL_SSH_STATECALLS) $(SPL_SSH_POLICIES)
	@mkdir -p $(B)/gen/dot
	$(SPLC_RUN) --statecalls $(SPL_SSH_STATECALLS) --prefix ssh_policy $(SPL_SSH_ENUM) \
	    --c $(B)/gen/ssh_policy.c --h $(B)/gen/ssh_policy.h \
	    --dot-dir $(B)/gen/dot $(SPL_SSH_POLICIES)

$(B)/gen/monitor_policy.c $(B)/gen/monitor_policy.h: $(SPLC) $(SPL_MONITOR_STATECALLS) \
		$(SPL_MONITOR_POLICIES)
	@mkdir -p $(B)/gen/dot
	$(SPLC_RUN) --statecalls $(SPL_MONITOR_STATECALLS) --prefix monitor_policy $(SPL_MONITOR_ENUM) \
	    --c $(B)/gen/monitor_policy.c --h $(B)/gen/monitor_policy.h \
	    --dot-dir $(B)/gen/dot $(SPL_MONITOR_POLICIES)

# Pictures of every automaton (splc writes the .dot files beside the C).
SPL_SVGS := $(foreach a,$(SPL_SSH_AUTOMATA) $(SPL_MONITOR_AUTOMATA),$(B)/doc/spl/$(a).svg)
$(B)/doc/spl/%.svg: $(B)/gen/ssh_policy.c $(B)/gen/monitor_policy.c
	@mkdir -p $(@D)
	dot -Tsvg -o $@ $(B)/gen/dot/$*.dot

SPL_GEN := $(B)/gen/ssh_policy.h $(B)/gen/monitor_policy.h
GEN     += $(B)/gen/ssh_policy.c $(B)/gen/monitor_policy.c $(SPL_GEN) $(SPL_SVGS)

SPL_POLICY_LIB := $(B)/lib/libsplpolicy.a
$(eval $(call static_lib,libsplpolicy,spl/rt/spl_rt.c $(B)/gen/ssh_policy.c \
	$(B)/gen/monitor_policy.c))

# make verify: SPIN on the PROMELA of every policy and of every mutant.
verify: $(SPLC) $(SPL_SSH_STATECALLS) $(SPL_MONITOR_STATECALLS)
	@ASAN_OPTIONS=detect_leaks=0 SPLC=$(SPLC) B=$(B) SSH_STATECALLS=$(SPL_SSH_STATECALLS) \
	    MONITOR_STATECALLS=$(SPL_MONITOR_STATECALLS) \
	    SSH_POLICIES="$(SPL_SSH_POLICIES)" MONITOR_POLICIES="$(SPL_MONITOR_POLICIES)" \
	    regress/spl/verify.sh
