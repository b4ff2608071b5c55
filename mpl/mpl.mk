# mpl/: the codec runtime (libmplrt.a) that mplc-generated code calls.
MPLRT_SRCS := $(sort $(wildcard mpl/rt/*.c))
MPLRT_LIB  := $(B)/lib/libmplrt.a
$(eval $(call static_lib,libmplrt,$(MPLRT_SRCS)))
