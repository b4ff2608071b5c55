# regress/spl/: trace tests of the generated policies, splc's error messages, and (in
# `make check`) the SPIN verification of every property and mutant.
$(eval $(call cmocka_test,spl_traces,regress/spl/test_traces.c,$(SPL_POLICY_LIB)))

# Scripts run by `make check` need to know the build directory: small wrappers in $(B).
# splc on malformed policies: each regress/spl/errors/*.spl names the diagnostic it must get.
TESTS += $(B)/regress/spl_errors
$(B)/regress/spl_errors: regress/spl/check-errors.sh $(SPLC)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nB=%s exec sh regress/spl/check-errors.sh\n' '$(B)' >$@
	chmod +x $@

# The emitters against golden copies (regress/spl/golden/).
TESTS += $(B)/regress/spl_golden
$(B)/regress/spl_golden: regress/spl/check-golden.sh $(SPLC)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nB=%s exec sh regress/spl/check-golden.sh\n' '$(B)' >$@
	chmod +x $@

# libFuzzer target for splc's front end; seeds in regress/fuzz/corpus/spl_parse/.
$(eval $(call fuzz_target,spl_parse,regress/spl/fuzz_spl_parse.c $(filter-out spl/splc.c,$(SPLC_SRCS))))

# make verify, run by make check (once: under SAN=1 SPIN's verdict is the same).
ifneq ($(SAN),1)
TESTS += $(B)/regress/spl_verify
$(B)/regress/spl_verify: regress/spl/verify.sh
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec $(MAKE) -s --no-print-directory verify\n' >$@
	chmod +x $@
endif
