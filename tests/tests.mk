# Integration tests run against QEMU by tests/run.py.
QEMU_TESTS += $(sort $(wildcard tests/qemu/test_*.py))

# scripts/run32, forced to emulate, and tests/run.py going on past tests that
# cannot start (tests/host/run32).
$(BUILD)/host/probe32: tests/host/run32/probe32.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -m32 -o $@ $<

$(BUILD)/host/test_run32: tests/host/run32/test_run32.py scripts/run32 tests/run.py \
        $(BUILD)/host/probe32 $(BUILD)/host/test_idl32
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec %s %s %s %s\n' '$(PYTHON)' '$(abspath $<)' \
	    '$(abspath $(BUILD)/host/probe32)' '$(abspath $(BUILD)/host/test_idl32)' > $@
	chmod +x $@

HOST_TESTS += $(BUILD)/host/test_run32
