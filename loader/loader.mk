# loader/loader.mk — the relocatable-object loader (included by the top Makefile).
#
#   $(BUILD)/libelfobj.a          the engine for the i386 freestanding target
#   $(BUILD)/host/kea-objinfo     host tool (libelf): what an object needs
#   host tests                    test_loader_{unit,objs,run32,objinfo,fuzz}
#   make fuzz-loader              five minutes of libFuzzer on parse+relocate
#
# Test sources live in tests/host/loader/ (objs/ holds the C and assembly
# the test objects are built from); the fuzz seed corpus in
# tests/fuzz/loader/corpus/.

# The generic engine is one file per mechanism (loader/elfobj_int.h says
# which holds what); reloc_i386.c is the one per-architecture file.
LOADER_SRC  := loader/elfobj.c loader/elfobj_layout.c loader/elfobj_sym.c \
               loader/elfobj_reloc.c loader/elfobj_ctors.c loader/reloc_i386.c
LOADER_HDR  := include/kea/elfobj.h loader/elfobj_int.h loader/elf32.h loader/reloc.h
LOADER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LOADER_SRC))

$(BUILD)/libelfobj.a: $(LOADER_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/loader/%.o: loader/%.c
	@mkdir -p $(@D)
	$(TARGET_CC) $(TARGET_CFLAGS) -MMD -MP -c -o $@ $<

# --- host builds of the engine ----------------------------------------------

LOADER_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(LOADER_SRC))

$(BUILD)/host/loader/%.o: loader/%.c $(LOADER_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c -o $@ $<

# Tests run the engine under AddressSanitizer and UBSan: a stray read of
# an untrusted image must crash the test, not pass by luck.
LOADER_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# --- the tool ---------------------------------------------------------------

$(BUILD)/host/kea-objinfo: loader/tools/kea-objinfo.c $(LOADER_HOST_OBJS) $(LOADER_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Iloader -o $@ $< $(LOADER_HOST_OBJS) -lelf

HOST_TOOLS += $(BUILD)/host/kea-objinfo

# --- test objects -----------------------------------------------------------
# The same sources built the ways real objects are built.  The name says
# how: -nopic/-pic/-pie, -O0/-O2, -g (debug info, whose relocations the
# loader must skip), -got32 (assembler told not to emit R_386_GOT32X),
# -sections (one section per function/object), -distro (-O2 -fPIC
# -fstack-protector-strong, as Debian builds library code), -fortify (that
# plus _FORTIFY_SOURCE).

LT_SRC    := tests/host/loader/objs
LT_DIR    := $(BUILD)/host/loader/tobj
LT_CC     := gcc -m32 -c -fcommon
LT_NOPIC  := -fno-pic -fno-pie
LT_DISTRO := -O2 -fPIC -fstack-protector-strong

$(LT_DIR)/%-nopic-O0.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) $(LT_NOPIC) -O0 -o $@ $<
$(LT_DIR)/%-nopic-O2.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) $(LT_NOPIC) -O2 -o $@ $<
$(LT_DIR)/%-nopic-O2g.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) $(LT_NOPIC) -O2 -g -o $@ $<
$(LT_DIR)/%-pic-O0.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) -fPIC -O0 -o $@ $<
$(LT_DIR)/%-pic-O2.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) -fPIC -O2 -o $@ $<
$(LT_DIR)/%-pic-O2-got32.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) -fPIC -O2 -Wa,-mrelax-relocations=no -o $@ $<
$(LT_DIR)/%-pic-O2-sections.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) -fPIC -O2 -ffunction-sections -fdata-sections -o $@ $<
$(LT_DIR)/%-pie-O2.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) -fPIE -O2 -o $@ $<
$(LT_DIR)/%-distro.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) $(LT_DISTRO) -o $@ $<
$(LT_DIR)/%-fortify.o: $(LT_SRC)/%.c
	@mkdir -p $(@D)
	$(LT_CC) $(LT_DISTRO) -D_FORTIFY_SOURCE=2 -o $@ $<
$(LT_DIR)/%-asm.o: $(LT_SRC)/%.S
	@mkdir -p $(@D)
	gcc -m32 -c -o $@ $<
$(LT_DIR)/merged.o: $(LT_DIR)/merge_a-pic-O2.o $(LT_DIR)/merge_b-nopic-O0.o
	ld -m elf_i386 -r -o $@ $^

# Objects the engine must load (and that the ld comparison covers) ...
LT_GOOD := basic-nopic-O0.o basic-nopic-O2.o basic-nopic-O2g.o basic-pic-O0.o \
           basic-pic-O2.o basic-pic-O2-got32.o basic-pie-O2.o \
           basic-pic-O2-sections.o pic-nopic-O2.o pic-pic-O0.o pic-pic-O2.o \
           pic-pic-O2-got32.o relocs-asm.o merged.o run-nopic-O0.o \
           run-nopic-O2.o run-pic-O2.o run-distro.o distro-distro.o \
           distro-fortify.o service-pic-O2.o
# ... and one it must refuse.
LT_BAD  := tls-nopic-O2.o
LT_ALL  := $(addprefix $(LT_DIR)/,$(LT_GOOD) $(LT_BAD))

LT_DEFS := -DLT_DIR='"$(abspath $(LT_DIR))"' -DLT_GOOD='"$(LT_GOOD)"'

# --- host tests -------------------------------------------------------------

LT_TEST := tests/host/loader
LT_LIB  := $(LT_TEST)/tl.c $(LT_TEST)/elfbuild.c
LT_LIBH := $(LT_TEST)/tl.h $(LT_TEST)/elfbuild.h

# Unit tests; depending on libelfobj.a keeps the freestanding -Werror
# build of the engine checked by every `make test`.
$(BUILD)/host/test_loader_unit: $(LT_TEST)/test_unit.c $(LT_LIB) $(LT_LIBH) \
        $(LOADER_SRC) $(LOADER_HDR) $(LT_ALL) | $(BUILD)/libelfobj.a
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(LOADER_SAN) -Iloader $(LT_DEFS) -o $@ \
	    $(LT_TEST)/test_unit.c $(LT_LIB) $(LOADER_SRC)

# Differential test against GNU ld, real-world objects, layout properties.
$(BUILD)/host/test_loader_objs: $(LT_TEST)/test_objs.c $(LT_LIB) $(LT_LIBH) \
        $(LOADER_SRC) $(LOADER_HDR) $(LT_ALL)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(LOADER_SAN) -D_GNU_SOURCE -Iloader $(LT_DEFS) \
	    -o $@ $(LT_TEST)/test_objs.c $(LT_LIB) $(LOADER_SRC) -lelf

# Relocated code really runs: a 32-bit process, where every address is one
# the object can be placed at.
$(BUILD)/host/test_loader_run32: $(LT_TEST)/test_run32.c $(LT_TEST)/tl.c $(LT_TEST)/tl.h \
        $(LOADER_SRC) $(LOADER_HDR) $(LT_ALL)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -m32 -D_GNU_SOURCE -Iloader $(LT_DEFS) -o $@ \
	    $(LT_TEST)/test_run32.c $(LT_TEST)/tl.c $(LOADER_SRC)

# kea-objinfo on the test objects.
$(BUILD)/host/test_loader_objinfo: $(LT_TEST)/objinfo-test.sh $(BUILD)/host/kea-objinfo $(LT_ALL)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec sh %s %s %s\n' $(abspath $(LT_TEST)/objinfo-test.sh) \
	    $(abspath $(BUILD)/host/kea-objinfo) $(abspath $(LT_DIR)) > $@
	chmod +x $@

# --- fuzzing ----------------------------------------------------------------
# libFuzzer (clang, libclang-rt-14-dev) over parse + relocate + queries,
# with ASan/UBSan and a bounded, leak-checking allocator.  A short run is a
# host test; `make fuzz-loader` runs longer (FUZZ_LOADER_SECONDS).

LOADER_FUZZ_CORPUS  := tests/fuzz/loader/corpus
FUZZ_LOADER_SECONDS ?= 300

$(BUILD)/host/loader-fuzz: $(LT_TEST)/fuzz_elfobj.c $(LOADER_SRC) $(LOADER_HDR)
	@mkdir -p $(@D)
	clang -std=c11 -g -O1 -Wall -Wextra -Werror -Iinclude -Iloader \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o $@ $(LT_TEST)/fuzz_elfobj.c $(LOADER_SRC)

$(BUILD)/host/test_loader_fuzz: $(LT_TEST)/fuzz-run.sh $(BUILD)/host/loader-fuzz
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec sh %s %s %s 20\n' $(abspath $(LT_TEST)/fuzz-run.sh) \
	    $(abspath $(BUILD)/host/loader-fuzz) $(abspath $(LOADER_FUZZ_CORPUS)) > $@
	chmod +x $@

.PHONY: fuzz-loader
fuzz-loader: $(BUILD)/host/loader-fuzz
	sh $(LT_TEST)/fuzz-run.sh $(BUILD)/host/loader-fuzz $(LOADER_FUZZ_CORPUS) $(FUZZ_LOADER_SECONDS)

HOST_TESTS += $(BUILD)/host/test_loader_unit $(BUILD)/host/test_loader_objs \
              $(BUILD)/host/test_loader_run32 $(BUILD)/host/test_loader_objinfo \
              $(BUILD)/host/test_loader_fuzz

-include $(LOADER_OBJS:.o=.d)
