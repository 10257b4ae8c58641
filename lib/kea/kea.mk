# Small kea support code shared by the kernel and the user runtime.

# The base-service interfaces (kernel/base/*.idl) and their generated code.
BASE_IDLS   := $(wildcard kernel/base/*.idl)
BASE_NAMES  := $(notdir $(BASE_IDLS:.idl=))
BASE_CLIENT := $(patsubst %,$(BUILD)/gen/%_client.o,$(BASE_NAMES))
LIBKEA_SRCS := $(wildcard lib/kea/*.c)
LIBKEA_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIBKEA_SRCS))

# bindings.c includes generated client headers (interface ids only).
$(BUILD)/lib/kea/%.o: lib/kea/%.c | $(BASE_CLIENT)
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_CFLAGS) -I$(BUILD)/gen -MMD -MP -c $< -o $@

$(BUILD)/libkea.a: $(LIBKEA_OBJS)
	rm -f $@
	ar rcs $@ $^

-include $(LIBKEA_OBJS:.o=.d)
