# mpl/: the codec runtime (libmplrt.a), the compiler mplc, the codecs it generates from
# sshd/proto/*.mpl into $(B)/gen/, and mpldump.
MPLRT_SRCS := $(sort $(wildcard mpl/rt/*.c))
MPLRT_LIB  := $(B)/lib/libmplrt.a
$(eval $(call static_lib,libmplrt,$(MPLRT_SRCS)))

MPLC_SRCS := $(sort $(wildcard mpl/mplc_*.c))
MPLC      := $(B)/mpl/mplc
BINS      += $(MPLC)

# mplc itself is compiled before GEN exists (it makes GEN): its objects do not wait for GEN.
$(B)/obj/mpl/mplc_%.o: mpl/mplc_%.c mpl/mplc.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(MPLC): $(call objs,$(MPLC_SRCS))
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

# Each sshd/proto/NAME.mpl becomes $(B)/gen/NAME.{h,c,statecalls}.
MPL_SPECS    := $(sort $(wildcard sshd/proto/*.mpl))
MPL_STEMS    := $(basename $(notdir $(MPL_SPECS)))
MPL_GEN_C    := $(patsubst %,$(B)/gen/%.c,$(MPL_STEMS))
MPL_GEN_H    := $(patsubst %,$(B)/gen/%.h,$(MPL_STEMS))
MPL_GEN_SC   := $(patsubst %,$(B)/gen/%.statecalls,$(MPL_STEMS))
GEN          += $(MPL_GEN_H) $(MPL_GEN_C) $(MPL_GEN_SC)

# one rule makes all three files of a stem (pattern rule with several targets)
$(B)/gen/%.h $(B)/gen/%.c $(B)/gen/%.statecalls: sshd/proto/%.mpl $(MPLC)
	@mkdir -p $(@D)
	$(MPLC) -o $(B)/gen $<

# The generated codecs, compiled from $(B)/gen/ into one library.
MPLGEN_LIB := $(B)/lib/libmplgen.a
$(B)/obj/$(B)/gen/%.o: $(B)/gen/%.c $(MPL_GEN_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
$(MPLGEN_LIB): $(patsubst %.c,$(B)/obj/%.o,$(MPL_GEN_C))
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

MPLDUMP := $(B)/mpl/mpldump
BINS    += $(MPLDUMP)
$(MPLDUMP): $(call objs,mpl/mpldump.c) $(MPLGEN_LIB) $(MPLRT_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^
