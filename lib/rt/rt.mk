# The user-domain runtime: one relocatable object (build/rt.o) the kernel
# loads into every user domain first.  It holds the IDC stubs, the base
# service client stubs, the minimal libc, the LMM (its malloc) and the libgcc
# helpers compiled code may call; objects loaded after it import from it.
RT_SRCS     := $(wildcard lib/rt/*.c lib/rt/*.S)
RT_OBJS     := $(patsubst %,$(BUILD)/%.o,$(basename $(RT_SRCS)))
LIBGCC_HELPERS := __udivdi3 __umoddi3 __divdi3 __moddi3 __udivmoddi4

$(BUILD)/lib/rt/%.o: lib/rt/%.c $(BASE_CLIENT)
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_CFLAGS) -I$(BUILD)/gen -MMD -MP -c $< -o $@

$(BUILD)/lib/rt/%.o: lib/rt/%.S
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_ASFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/rt.o: $(RT_OBJS) $(BASE_CLIENT) $(BUILD)/libc.a $(BUILD)/liblmm.a $(BUILD)/libkea.a
	$(TARGET_LD) -r -o $@ $(RT_OBJS) $(BASE_CLIENT) $(addprefix -u ,$(LIBGCC_HELPERS)) \
		--whole-archive $(BUILD)/libc.a $(BUILD)/libkea.a --no-whole-archive $(BUILD)/liblmm.a $(LIBGCC)

-include $(RT_OBJS:.o=.d)

MODULES += $(BUILD)/rt.o
