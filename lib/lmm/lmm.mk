# lib/lmm — list-based memory manager (API: include/kea/lmm.h).
#
#   $(BUILD)/liblmm.a          i386 freestanding library, for the kernel
#   $(BUILD)/host/test_lmm     host unit tests, native word size
#   $(BUILD)/host/test_lmm32   the same tests built with -m32 (i386 layout)

LMM_SRCS      := lib/lmm/lmm.c lib/lmm/lmm_debug.c
LMM_HDRS      := include/kea/lmm.h
LMM_OBJS      := $(patsubst %.c,$(BUILD)/%.o,$(LMM_SRCS))
LMM_TEST_SRCS := $(wildcard tests/host/lmm/*.c)

$(BUILD)/liblmm.a: $(LMM_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(LMM_OBJS): $(BUILD)/%.o: %.c $(LMM_HDRS) lib/lmm/lmm.mk
	@mkdir -p $(@D)
	$(TARGET_CC) $(TARGET_CFLAGS) -c -o $@ $<

$(BUILD)/host/test_lmm: $(LMM_TEST_SRCS) $(LMM_SRCS) $(LMM_HDRS) lib/lmm/lmm.mk
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(LMM_TEST_SRCS) $(LMM_SRCS)

$(BUILD)/host/test_lmm32: $(LMM_TEST_SRCS) $(LMM_SRCS) $(LMM_HDRS) lib/lmm/lmm.mk
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -m32 -DLMM_TEST_SUFFIX='"-m32"' -o $@ $(LMM_TEST_SRCS) $(LMM_SRCS)

HOST_TESTS += $(BUILD)/host/test_lmm $(BUILD)/host/test_lmm32
