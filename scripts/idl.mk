# scripts/idl.mk — the interface compiler (docs/interfaces.md).
#
#   X.idl (anywhere in the tree)  ->  $(BUILD)/gen/X_client.{h,c}
#                                      $(BUILD)/gen/X_server.{h,c}
#   $(BUILD)/gen/X_*.o                 those sources built for the target
#
# A user of interface X adds -I$(BUILD)/gen, links $(BUILD)/gen/X_client.o
# (caller) or $(BUILD)/gen/X_server.o (service) or both (an interposer), and
# makes its objects that include a generated header depend on that header:
# it does not exist before the first build, so no .d file can name it yet.
#
#   $(BUILD)/obj/foo.o: $(BUILD)/gen/block_client.h
#
# Generated files go to one flat directory, so .idl base names must be
# unique (checked below); they name the generated files, not the C symbols,
# which come from the interface name inside.

IDLGEN      := $(PYTHON) scripts/idlgen.py
IDLGEN_DEPS := scripts/idlgen.py $(wildcard scripts/idl/*.py) scripts/idl.mk

# Every .idl in the tree, found rather than registered so a fragment
# included before or after this one needs no list of its own.
IDL_SRCS  := $(sort $(patsubst ./%,%,$(shell find . \( -path ./$(BUILD) -o -path ./.git \) \
                 -prune -o -name '*.idl' -print)))
IDL_BASES := $(notdir $(basename $(IDL_SRCS)))
ifneq ($(words $(IDL_BASES)),$(words $(sort $(IDL_BASES))))
$(error two .idl files share a base name (they would generate the same files): $(IDL_SRCS))
endif
vpath %.idl $(sort $(dir $(IDL_SRCS)))

# Generated sources are kept for reading and debugging by the Makefile's
# bare `.SECONDARY:` (every target).  No `.SECONDARY: FILES` here: naming
# files would turn that into "only these", and the other intermediates (the
# .part.o of every program) would be deleted and rebuilt by every `make`.

# One run writes all four files (a multi-target pattern rule is one recipe).
$(BUILD)/gen/%_client.h $(BUILD)/gen/%_client.c $(BUILD)/gen/%_server.h $(BUILD)/gen/%_server.c: \
        %.idl $(IDLGEN_DEPS)
	@mkdir -p $(@D)
	$(IDLGEN) -o $(@D) $<

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(TARGET_CC) $(TARGET_CFLAGS) -I$(BUILD)/gen -MMD -MP -c -o $@ $<

-include $(wildcard $(BUILD)/gen/*.d)

# --- host tests (tests/host/idl) -------------------------------------------
#
# test_idl, test_idl32   the generated kt stubs and dispatcher, looped back
#                        through a fake portal_invoke (native and i386 sizes)
# test_idlgen            the generator's errors and interface ids (Python)
#
# The kt objects built with TARGET_CFLAGS are prerequisites of the test, so
# generated code that breaks the i386 freestanding build fails `make`.  The
# host build uses extra warnings: generated code should stay clean under
# whatever flags its users pick.

IDL_TEST_GEN   := $(addprefix $(BUILD)/gen/kt_,client.c server.c client.h server.h)
IDL_TEST_DEPS  := tests/host/idl/test_idl.c $(IDL_TEST_GEN) $(BUILD)/gen/kt_client.o \
                  $(BUILD)/gen/kt_server.o include/kea/idc.h include/kea/binding.h
IDL_TEST_FLAGS := $(HOST_CFLAGS) -I$(BUILD)/gen -Wpedantic -Wshadow -Wconversion \
                  -Wstrict-prototypes -Wmissing-prototypes -Wno-sign-conversion
IDL_TEST_SRCS  := tests/host/idl/test_idl.c $(BUILD)/gen/kt_client.c $(BUILD)/gen/kt_server.c

$(BUILD)/host/test_idl: $(IDL_TEST_DEPS)
	@mkdir -p $(@D)
	$(HOST_CC) $(IDL_TEST_FLAGS) -o $@ $(IDL_TEST_SRCS)

$(BUILD)/host/test_idl32: $(IDL_TEST_DEPS)
	@mkdir -p $(@D)
	$(HOST_CC) $(IDL_TEST_FLAGS) -m32 -DIDL_TEST_SUFFIX='"-m32"' -o $@ $(IDL_TEST_SRCS)

# run.py executes each HOST_TESTS entry directly: wrap the Python test.
$(BUILD)/host/test_idlgen: tests/host/idl/test_idlgen.py $(IDLGEN_DEPS)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(PYTHON)' '$(abspath $<)' > $@
	chmod +x $@

HOST_TESTS += $(BUILD)/host/test_idl $(BUILD)/host/test_idl32 $(BUILD)/host/test_idlgen
