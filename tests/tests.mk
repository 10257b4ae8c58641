# Integration tests run against QEMU by tests/run.py.
QEMU_TESTS += $(sort $(wildcard tests/qemu/test_*.py))
