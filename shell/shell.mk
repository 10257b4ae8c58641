# The shell: one relocatable program object, $(BUILD)/shell.o (its main()
# runs in a domain of its own), and the shell scripts in modules/ as boot
# modules for `run`.  The base services' client stubs come from the
# runtime (rt.o) of its domain; it links the tracer's client stubs and the
# interface table (services/services.mk, the trace section).
SHELL_SRCS   := $(wildcard shell/*.c)
SHELL_PARTS  := $(patsubst shell/%.c,$(BUILD)/shell/%.o,$(SHELL_SRCS))
SHELL_LINKED := $(BUILD)/gen/trace_client.o $(TRACE_IFNAMES)

$(BUILD)/shell/%.o: shell/%.c $(BASE_CLIENT) $(BUILD)/gen/trace_client.o
	@mkdir -p $(@D)
	$(TARGET_CC) $(TARGET_CFLAGS) -I$(BUILD)/gen -Iservices/trace -MMD -MP -c $< -o $@

$(BUILD)/shell.o: $(SHELL_PARTS) $(SHELL_LINKED)
	$(TARGET_LD) -r -o $@ $^

MODULES += $(BUILD)/shell.o $(wildcard modules/*.kea)
-include $(wildcard $(BUILD)/shell/*.d)
