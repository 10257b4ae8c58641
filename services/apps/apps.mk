# Small applications the scripted demos run (services/apps/*.c): one
# relocatable program object each, with the client stubs it uses.
DEMO_APP_SRCS := $(wildcard services/apps/*.c)
DEMO_APP_OBJS := $(patsubst services/apps/%.c,$(BUILD)/demoapps/%.o,$(DEMO_APP_SRCS))
DEMO_APP_GEN  := $(addprefix $(BUILD)/gen/,block_client.o fs_client.o)

$(BUILD)/demoapps/%.part.o: services/apps/%.c $(BASE_CLIENT) $(DEMO_APP_GEN)
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_CFLAGS) -I$(BUILD)/gen -Iservices/fs -MMD -MP -c $< -o $@

$(BUILD)/demoapps/%.o: $(BUILD)/demoapps/%.part.o $(DEMO_APP_GEN)
	$(TARGET_LD) -r -o $@ $< $(DEMO_APP_GEN)

MODULES += $(DEMO_APP_OBJS)
-include $(wildcard $(BUILD)/demoapps/*.d)
