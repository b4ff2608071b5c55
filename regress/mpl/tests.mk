# Tests of mpl/: the runtime's reader and writer at every boundary, and a fuzz target
# on the reader.
$(eval $(call cmocka_test,mpl_rt_reader,regress/mpl/test_rt_reader.c,$(MPLRT_LIB)))
$(eval $(call cmocka_test,mpl_rt_writer,regress/mpl/test_rt_writer.c,$(MPLRT_LIB)))
$(eval $(call fuzz_target,mpl_rt_reader,regress/mpl/fuzz_rt_reader.c,$(MPLRT_LIB)))
# The generated codecs: round trip and malformed forms of every variant of every packet.
$(eval $(call cmocka_test,mpl_codec_roundtrip,regress/mpl/test_codec_roundtrip.c,$(MPLGEN_LIB) $(MPLRT_LIB)))

# mplc's error messages on bad inputs, and the golden copies of the generated code: each
# a small wrapper script in $(B)/regress/ (run-checks runs CHECKS without arguments).
CHECKS += $(B)/regress/mpl_errors $(B)/regress/mpl_golden $(B)/regress/mpl_dump
$(B)/regress/mpl_errors: regress/mpl/mplc-errors.sh $(MPLC)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec regress/mpl/mplc-errors.sh %s\n' $(MPLC) > $@
	chmod +x $@
$(B)/regress/mpl_golden: regress/mpl/golden-diff.sh $(GEN)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec regress/mpl/golden-diff.sh %s\n' $(B)/gen > $@
	chmod +x $@
$(B)/regress/mpl_dump: regress/mpl/mpldump.sh $(MPLDUMP)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec regress/mpl/mpldump.sh %s\n' $(MPLDUMP) > $@
	chmod +x $@
all: $(B)/regress/mpl_errors $(B)/regress/mpl_golden $(B)/regress/mpl_dump

.PHONY: mpl-golden
mpl-golden: $(MPL_GEN_H) $(MPL_GEN_C) $(MPL_GEN_SC)
	@mkdir -p regress/golden
	cp $^ regress/golden/

# One fuzz target per top-level message packet, and one over the key blobs.
$(eval $(call fuzz_target,mpl_ssh_msg,regress/mpl/fuzz_ssh_msg.c,$(MPLGEN_LIB) $(MPLRT_LIB)))
$(eval $(call fuzz_target,mpl_monitor_msg,regress/mpl/fuzz_monitor_msg.c,$(MPLGEN_LIB) $(MPLRT_LIB)))
$(eval $(call fuzz_target,mpl_keys,regress/mpl/fuzz_keys.c,$(MPLGEN_LIB) $(MPLRT_LIB)))

# The generated codec against the stock OpenSSH client on loopback.
$(eval $(call cmocka_test,mpl_real_peer,regress/mpl/test_real_peer.c,$(MPLGEN_LIB) $(MPLRT_LIB)))
$(eval $(call cmocka_test,mpl_codec_malformed,regress/mpl/test_codec_malformed.c,$(MPLGEN_LIB) $(MPLRT_LIB)))
