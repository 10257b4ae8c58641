# Small kea support code shared by the kernel and the user runtime.
LIBKEA_SRCS := $(wildcard lib/kea/*.c)
LIBKEA_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIBKEA_SRCS))

$(BUILD)/lib/kea/%.o: lib/kea/%.c
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libkea.a: $(LIBKEA_OBJS)
	rm -f $@
	ar rcs $@ $^

-include $(LIBKEA_OBJS:.o=.d)
