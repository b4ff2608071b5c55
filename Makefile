# msshd — top-level GNU Makefile (no autotools).
#
# Every module contributes a fragment, picked up by wildcard so that modules can be
# added without editing this file:  crypto/crypto.mk  mpl/mpl.mk  spl/spl.mk
# sshd/sshd.mk  regress/<area>/tests.mk.  A fragment appends to the lists below and
# uses the helper macros defined here; it never redefines a variable of another.
#
#   make                 build everything into build/
#   make check           install missing deps, build, run every test suite
#   make check SAN=1     the same with AddressSanitizer + UBSan (into build-san/)
#   make verify          SPIN model checking of the SPL policies
#   make fuzz            run each fuzz target for FUZZ_SECONDS (default 600)
#   make bench           benchmarks against OpenSSH's sshd, ratios printed
#   make regress-openssh OpenSSH's regression suite against our sshd (LTESTS=...)
#   make demo            deps, build, host key, foreground sshd on 127.0.0.1:2222
#   make install         PREFIX=/usr/local DESTDIR=
#   make clean

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

ifeq ($(FUZZ),1)
# libFuzzer build: every object instrumented, fuzz targets linked with -fsanitize=fuzzer.
B       := build-fuzz
CC      := clang
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
else ifeq ($(SAN),1)
B       ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
B       ?= build
SANFLAGS :=
endif

CC         ?= cc
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
DESTDIR    ?=

# Libraries the daemon links; nothing else is linked into it.
DEP_PKGS   := libsodium libcrypto zlib libseccomp
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEP_PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(DEP_PKGS) 2>/dev/null)
PAM_LIBS   := -lpam
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARNFLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wvla -Wpointer-arith -Wno-unused-parameter
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 $(WARNFLAGS) $(CFLAGS) $(SANFLAGS) -fstack-protector-strong \
             -fPIE -D_FORTIFY_SOURCE=2 $(PKG_CFLAGS) $(CMOCKA_CFLAGS)
ALL_CPPFLAGS = -D_GNU_SOURCE -I. -I$(B)/gen $(CPPFLAGS)
ALL_LDFLAGS  = $(SANFLAGS) -pie -Wl,-z,relro,-z,now $(LDFLAGS)
ifeq ($(SAN),1)
ALL_CFLAGS := $(filter-out -D_FORTIFY_SOURCE=2,$(ALL_CFLAGS))
endif

# Lists the fragments append to.
BINS    :=   # programs built by `make`
TESTS   :=   # cmocka test programs run by `make check`
CHECKS  :=   # other check scripts run by `make check` (each prints its own result)
GEN     :=   # generated files, made before anything is compiled
FUZZERS :=   # libFuzzer targets (built with clang by `make fuzz`)

# $(call objs,SRCS): object files for sources (hand-written or generated).
objs = $(patsubst %.c,$(B)/obj/%.o,$(1))

# $(call static_lib,LIB,SRCS): a static library $(B)/lib/LIB.a from SRCS.
define static_lib
$(B)/lib/$(1).a: $(call objs,$(2))
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef

# $(call cmocka_test,NAME,SRCS,LIBS): test program $(B)/regress/NAME, run by `make check`.
define cmocka_test
TESTS += $(B)/regress/$(1)
$(B)/regress/$(1): $(call objs,$(2)) $(3)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(CMOCKA_LIBS) $$(PKG_LIBS) $$(PAM_LIBS)
endef

# $(call fuzz_target,NAME,SRCS,LIBS): libFuzzer target $(B)/fuzz/NAME (FUZZ=1 builds).
# Seed inputs go in regress/fuzz/corpus/NAME/.
define fuzz_target
FUZZERS += $(B)/fuzz/$(1)
$(B)/fuzz/$(1): $(call objs,$(2)) $(3)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$(PKG_LIBS) $$(PAM_LIBS)
endef

# Module fragments first (crypto, mpl, spl, sshd: each may use the ones before it), then
# the test fragments, which link against all of them.
-include $(sort $(wildcard */*.mk))
-include $(sort $(wildcard regress/*/*.mk))

$(B)/obj/%.o: %.c | $(GEN)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

.PHONY: all deps check check-run fuzz fuzz-build fuzz-targets verify bench demo install clean

FUZZ_SECONDS       ?= 600
FUZZ_CHECK_SECONDS ?= 5

all: $(GEN) $(BINS) $(TESTS)

deps:
	@contrib/install-deps.sh

# `make check` installs what is missing, then re-enters make so that the pkg-config
# flags above are read with the packages in place.
check: deps
	@$(MAKE) --no-print-directory check-run

# The fuzz targets are built with clang into build-fuzz/ and each runs briefly as part of
# `make check` (not under SAN=1: they carry their own sanitizers).
ifeq ($(SAN),1)
check-run: all
	@regress/run-checks.sh $(TESTS) $(CHECKS)
else
check-run: all fuzz-build
	@FUZZ_CHECK_SECONDS=$(FUZZ_CHECK_SECONDS) regress/run-checks.sh $(TESTS) $(CHECKS) \
	    $(patsubst $(B)/%,build-fuzz/%,$(FUZZERS))
endif

fuzz-build:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-targets

fuzz-targets: $(FUZZERS)

fuzz: fuzz-build
	@regress/run-fuzzers.sh $(FUZZ_SECONDS) $(patsubst $(B)/%,build-fuzz/%,$(FUZZERS))

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin
	$(if $(filter $(B)/sshd/sshd,$(BINS)),install -m 0755 $(B)/sshd/sshd $(DESTDIR)$(PREFIX)/sbin/msshd)

clean:
	rm -rf build build-san build-fuzz

# Deps, build, host key, and sshd in the foreground on 127.0.0.1:2222 (contrib/demo.sh).
demo:
	@contrib/demo.sh

