# Tests of mpl/: the runtime's reader and writer at every boundary, and a fuzz target
# on the reader.
$(eval $(call cmocka_test,mpl_rt_reader,regress/mpl/test_rt_reader.c,$(MPLRT_LIB)))
$(eval $(call cmocka_test,mpl_rt_writer,regress/mpl/test_rt_writer.c,$(MPLRT_LIB)))
$(eval $(call fuzz_target,mpl_rt_reader,regress/mpl/fuzz_rt_reader.c,$(MPLRT_LIB)))
