# kea — top-level build.  GNU make only; no other build system.
#
#   make / make all   build the kernel, libraries, services and host tools
#   make deps         install missing Debian packages (idempotent)
#   make run          build and boot in QEMU, console on this terminal
#   make iso          GRUB rescue ISO;  make run-iso  boots it
#   make debug        QEMU halted with gdbstub + GDB with symbols
#   make test         every test; last line "N passed, N failed"
#   make bench        IDC benchmarks under -icount shift=0
#   make bench-linux  the same beside Debian's i386 Linux (installs its kernel)
#   make demo [NAME=] list the scripted demos, or boot and run one
#   make fuzz         longer fuzz runs: the ELF loader, then the trap boundary
#   make fuzz-traps   >= 10 million traps from a rightless domain [TRAPS= SEED=]
#   make clean
#
# Each area contributes a fragment (*.mk) that appends to the variables below;
# fragments never redefine them.

.DEFAULT_GOAL := all
MAKEFLAGS  += --no-builtin-rules
.SUFFIXES:
.SECONDARY:

BUILD      := build
GCCINC     := $(shell gcc -m32 -print-file-name=include)
LIBGCC     := $(shell gcc -m32 -print-libgcc-file-name)
PYTHON     := python3

# Target (i386, freestanding) code: kernel, libc, services, shell.
TARGET_CC      := gcc
TARGET_CFLAGS  := -m32 -march=i686 -std=c11 -ffreestanding -nostdinc -isystem $(GCCINC) \
                  -Iinclude -Ilib/libc/include -O2 -g -Wall -Wextra -Werror -fno-pic -fno-pie \
                  -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
                  -mno-sse -mno-mmx -mno-80387
TARGET_ASFLAGS := -m32 -Wa,--noexecstack -ffreestanding -nostdinc -isystem $(GCCINC) -Iinclude -Ilib/libc/include -g
TARGET_LD      := ld -m elf_i386

# Host code: unit tests, tools (libelf), fuzzers.
HOST_CC     := gcc
HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude

HOST_TESTS  :=          # host test executables; each prints PASS:/FAIL: lines
HOST_TOOLS  :=          # host tools built by `all`
MODULES     :=          # boot module files given to QEMU/GRUB (name = file name)
QEMU_TESTS  :=          # python files with test_* functions run against QEMU

include scripts/idl.mk
include lib/kea/kea.mk
include lib/rt/rt.mk
include lib/libc/libc.mk
include lib/lmm/lmm.mk
include kernel/kernel.mk
include loader/loader.mk
include services/services.mk
include services/apps/apps.mk
include shell/shell.mk
include tests/tests.mk
include tests/apps/apps.mk

# QEMU is started by scripts/run-qemu.sh (run, run-iso, demo, bench; its
# flags are there) and scripts/debug.sh (debug); tests/qemu/kea.py for tests.

.PHONY: all deps run iso run-iso debug test bench bench-linux demo fuzz fuzz-traps clean check-deps print-modules
all: $(BUILD)/kernel.elf $(HOST_TOOLS) $(MODULES)

deps:
	@scripts/deps.sh install

check-deps:
	@scripts/deps.sh ensure

run: check-deps
	@$(MAKE) --no-print-directory all
	@scripts/run-qemu.sh $(BUILD)/kernel.elf $(MODULES)

iso: check-deps
	@$(MAKE) --no-print-directory $(BUILD)/kea.iso

$(BUILD)/kea.iso: $(BUILD)/kernel.elf scripts/mkiso.sh $(MODULES)
	@scripts/mkiso.sh $@ $(BUILD)/kernel.elf $(MODULES)

run-iso: iso
	@scripts/run-qemu.sh --iso $(BUILD)/kea.iso

debug: check-deps
	@$(MAKE) --no-print-directory all
	@scripts/debug.sh $(BUILD)/kernel.elf $(MODULES)

test: check-deps
	@$(MAKE) --no-print-directory all $(HOST_TESTS)
	@$(PYTHON) tests/run.py --build $(BUILD) --host $(HOST_TESTS) --qemu $(QEMU_TESTS)

bench: check-deps
	@$(MAKE) --no-print-directory all
	@scripts/bench.sh $(BUILD)/kernel.elf $(MODULES)
	@scripts/zbench.sh $(BUILD)/kernel.elf $(MODULES)

bench-linux: check-deps
	@$(MAKE) --no-print-directory all
	@scripts/bench-linux.sh $(BUILD)/kernel.elf $(MODULES)

clean:
	rm -rf $(BUILD)

demo: check-deps
	@$(MAKE) --no-print-directory all
	@DEMO=$(NAME) scripts/demo.sh $(BUILD)/kernel.elf $(MODULES)

fuzz: check-deps
	@$(MAKE) --no-print-directory fuzz-loader
	@$(MAKE) --no-print-directory fuzz-traps

TRAPS ?= 10000000
SEED  ?= 1
fuzz-traps: check-deps
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tests/fuzz/traps/run.py --build $(BUILD) --traps $(TRAPS) --seed $(SEED)

print-modules:
	@echo $(MODULES)
