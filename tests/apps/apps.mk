# Test programs and services loaded as boot modules by the QEMU tests.
# Each is one relocatable object, compiled the way services are; echosrv.c
# and probe.c are built once per service name.
APP_GEN  := $(addprefix $(BUILD)/gen/,echo_client.o echo_server.o probe_client.o probe_server.o \
              irqev_client.o irqev_server.o bench_client.o pager_server.o)
# Clients of the block services (tests/apps/blk*.c).
APP_GEN  += $(addprefix $(BUILD)/gen/,block_client.o atastat_client.o fs_client.o)
APP_PLAIN := $(filter-out tests/apps/echosrv.c tests/apps/probe.c,$(wildcard tests/apps/*.c))
APP_OBJS := $(patsubst tests/apps/%.c,$(BUILD)/apps/%.o,$(APP_PLAIN)) \
            $(BUILD)/apps/srv_f.o $(BUILD)/apps/srv_g.o $(BUILD)/apps/srv_h.o \
            $(BUILD)/apps/probe_a.o $(BUILD)/apps/probe_b.o
APP_CFLAGS = $(TARGET_CFLAGS) -I$(BUILD)/gen -Itests/include -MMD -MP

$(BUILD)/apps/%.part.o: tests/apps/%.c $(BASE_CLIENT) $(APP_GEN)
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(APP_CFLAGS) -c $< -o $@

$(BUILD)/apps/srv_%.part.o: tests/apps/echosrv.c $(BASE_CLIENT) $(APP_GEN)
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(APP_CFLAGS) -DSVC='"$*"' -c $< -o $@

$(BUILD)/apps/probe_%.part.o: tests/apps/probe.c $(BASE_CLIENT) $(APP_GEN)
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(APP_CFLAGS) -DSVC='"$*"' -c $< -o $@

# One object per program: its code plus the stubs it uses (ld -r).
$(BUILD)/apps/%.o: $(BUILD)/apps/%.part.o $(APP_GEN)
	$(TARGET_LD) -r -o $@ $< $(APP_GEN)

MODULES += $(APP_OBJS)
-include $(wildcard $(BUILD)/apps/*.d)

# The service loader's test services and build check (tests/svc).
include tests/svc/svc.mk
