# Test programs and services loaded as boot modules by the QEMU tests.
# Each .c is one relocatable object, compiled the way services are.
APP_SRCS := $(wildcard tests/apps/*.c)
APP_OBJS := $(patsubst tests/apps/%.c,$(BUILD)/apps/%.o,$(APP_SRCS))

$(BUILD)/apps/%.o: tests/apps/%.c $(BASE_CLIENT)
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_CFLAGS) -I$(BUILD)/gen -MMD -MP -c $< -o $@

MODULES += $(APP_OBJS)
-include $(APP_OBJS:.o=.d)
