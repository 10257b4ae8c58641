# services/services.mk — loadable services (included by the top Makefile).
#
# Each service is one relocatable object, $(BUILD)/services/NAME.o, which
# `load NAME.o kernel|user` places in either placement: its sources compiled
# like any target code, plus (ld -r) the generated server glue of the
# interfaces it implements and the client stubs it calls — the base
# services' stubs included, since the kernel's export table does not carry
# them (kernel/exports.c).  Every object is a boot module.
#
# One section per service below: SVC_<NAME>_GEN lists the generated objects
# it links; its sources are services/<name>/*.c.  An object keeps only
# kea_service global (objcopy -G): its stubs and glue are its own, so that
# services placed side by side (all in the kernel, say) neither clash nor
# bind to one another's copies.

SERVICE_CFLAGS = $(TARGET_CFLAGS) -I$(BUILD)/gen -MMD -MP

# Sources of service `s` are built here; the generated objects each needs
# are its prerequisites, which also makes their headers exist first.
$(BUILD)/services/%.o: services/%.c $(BASE_CLIENT)
	@mkdir -p $(@D)
	$(TARGET_CC) $(SERVICE_CFLAGS) -c $< -o $@

# --- ramdisk: a RAM disk behind the block interface ----------------------------
SVC_RAMDISK_GEN := $(BUILD)/gen/block_server.o
SVC_RAMDISK_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/ramdisk/*.c))

$(SVC_RAMDISK_OBJ): $(SVC_RAMDISK_GEN)
$(BUILD)/services/ramdisk.o: $(SVC_RAMDISK_OBJ) $(SVC_RAMDISK_GEN)
	$(TARGET_LD) -r -o $@ $^
	objcopy -G kea_service $@

MODULES += $(BUILD)/services/ramdisk.o

# A 4 MiB RAM disk, for the migration benchmark (tests/apps/migbench.c).
$(BUILD)/services/ramdisk/ramdisk4m.o: services/ramdisk/ramdisk.c $(SVC_RAMDISK_GEN) $(BASE_CLIENT)
	@mkdir -p $(@D)
	$(TARGET_CC) $(SERVICE_CFLAGS) -DRAMDISK_KIB=4096 -c $< -o $@
$(BUILD)/services/ramdisk4m.o: $(BUILD)/services/ramdisk/ramdisk4m.o $(SVC_RAMDISK_GEN)
	$(TARGET_LD) -r -o $@ $^
	objcopy -G kea_service $@

MODULES += $(BUILD)/services/ramdisk4m.o

# --- ata: the primary IDE/ATA disk, PIO with its interrupt ---------------------
SVC_ATA_GEN := $(addprefix $(BUILD)/gen/,block_server.o atastat_server.o ataintr_server.o \
                 irq_client.o portal_client.o thread_client.o)
SVC_ATA_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/ata/*.c))

$(SVC_ATA_OBJ): $(SVC_ATA_GEN)
$(BUILD)/services/ata.o: $(SVC_ATA_OBJ) $(SVC_ATA_GEN)
	$(TARGET_LD) -r -o $@ $^
	objcopy -G kea_service $@

MODULES += $(BUILD)/services/ata.o

-include $(wildcard $(BUILD)/services/*/*.d)

# --- trace: the tracing interposer (services/trace) ------------------------------
# trace.o interposes on any interface (trace.idl).  ifnames.o is the table
# of every interface in the tree (id, procedure names and signatures),
# generated from all the .idl files so that the log can name procedures;
# the shell links it too (shell/shell.mk).
SVC_TRACE_GEN := $(addprefix $(BUILD)/gen/,trace_server.o portal_client.o sys_client.o thread_client.o)
SVC_TRACE_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/trace/*.c))
TRACE_IFNAMES := $(BUILD)/services/trace/ifnames.o

$(BUILD)/services/trace/ifnames.c: $(IDL_SRCS) services/trace/ifnames.py $(IDLGEN_DEPS)
	@mkdir -p $(@D)
	$(PYTHON) services/trace/ifnames.py $@ scripts/idlgen.py $(IDL_SRCS)
$(TRACE_IFNAMES): $(BUILD)/services/trace/ifnames.c services/trace/ifnames.h
	$(TARGET_CC) $(SERVICE_CFLAGS) -Iservices/trace -c $< -o $@

$(SVC_TRACE_OBJ): SERVICE_CFLAGS += -Iservices/trace
$(SVC_TRACE_OBJ): $(SVC_TRACE_GEN)
$(BUILD)/services/trace.o: $(SVC_TRACE_OBJ) $(TRACE_IFNAMES) $(SVC_TRACE_GEN)
	$(TARGET_LD) -r -o $@ $^

MODULES += $(BUILD)/services/trace.o

# --- simplefs, cachefs, compress: the file services (services/fs/fs.idl) ---------
# simplefs and cachefs are one file system (services/fs/fscore.c and the
# files beside it, one per mechanism: fscore_int.h lists them; with the
# interface glue fsserv.c) over two block layers: none (simplefs) and a
# write-through cache (cachefs).  compress stacks on either.  Each object
# keeps only kea_service global (objcopy -G), so that any of them can sit
# beside the others in one placement, and a test program can link all
# three with their descriptors renamed (FS_TEST_SVCS below).
FS_CFLAGS    := -Iservices/fs -Iservices/compress
FS_CORE_OBJ  := $(addprefix $(BUILD)/services/fs/,fscore.o fscheck.o fsalloc.o fsinode.o \
                  fsfile.o fsdir.o fsserv.o)
FS_FILE_GEN  := $(addprefix $(BUILD)/gen/,fs_server.o block_client.o thread_client.o)
SVC_CZ_GEN   := $(addprefix $(BUILD)/gen/,fs_server.o fs_client.o thread_client.o)
SVC_CZ_OBJ   := $(BUILD)/services/compress/compress.o $(BUILD)/services/compress/lzss.o
FS_SVC_SRCOBJ := $(FS_CORE_OBJ) $(BUILD)/services/simplefs/simplefs.o \
                 $(BUILD)/services/cachefs/cachefs.o $(SVC_CZ_OBJ)

$(FS_SVC_SRCOBJ): SERVICE_CFLAGS += $(FS_CFLAGS)
$(FS_SVC_SRCOBJ): $(FS_FILE_GEN) $(SVC_CZ_GEN)

$(BUILD)/services/simplefs.o: $(BUILD)/services/simplefs/simplefs.o $(FS_CORE_OBJ) $(FS_FILE_GEN)
	$(TARGET_LD) -r -o $@ $^
	objcopy -G kea_service $@
$(BUILD)/services/cachefs.o: $(BUILD)/services/cachefs/cachefs.o $(FS_CORE_OBJ) $(FS_FILE_GEN)
	$(TARGET_LD) -r -o $@ $^
	objcopy -G kea_service $@
$(BUILD)/services/compress.o: $(SVC_CZ_OBJ) $(SVC_CZ_GEN)
	$(TARGET_LD) -r -o $@ $^
	objcopy -G kea_service $@

MODULES += $(addprefix $(BUILD)/services/,simplefs.o cachefs.o compress.o)

# The services linked into test programs, each descriptor renamed
# (kea_service -> simplefs_service, ...).
FS_TEST_SVCS := $(addprefix $(BUILD)/services/fs/,simplefs-linked.o cachefs-linked.o compress-linked.o)
$(BUILD)/services/fs/%-linked.o: $(BUILD)/services/%.o
	objcopy --redefine-sym kea_service=$*_service $< $@

# --- vm: virtual memory with a pluggable page-selection policy -----------------
# services/vm: the VM service (vm.o: interfaces pager and vmctl), paging to a
# block device and choosing victims through a policy portal (policy.idl).
# services/policy_clock, services/policy_mru: two policies (clock.o, mru.o).
# services/vm/apps: the sequential-scan and random-access workloads
# (vm_seq.o, vm_rand.o, programs for `spawn`).  services/vm/test: programs
# for tests/qemu/test_vm.py: vm_user.o (the VM service run as a program, to
# give it the domains right), vm_admin.o (remaps, counters, rounds of a
# served vm_seq), vm_bad.o (bad input).
SVC_VM_GEN    := $(addprefix $(BUILD)/gen/,pager_server.o pager_client.o vmctl_server.o \
                   policy_client.o block_client.o memory_client.o thread_client.o sys_client.o)
SVC_VM_OBJ    := $(BUILD)/services/vm/vm.o
SVC_CLOCK_GEN := $(addprefix $(BUILD)/gen/,policy_server.o thread_client.o)
SVC_CLOCK_OBJ := $(BUILD)/services/policy_clock/clock.o
SVC_MRU_OBJ   := $(BUILD)/services/policy_mru/mru.o
VM_APP_GEN    := $(addprefix $(BUILD)/gen/,vmctl_client.o policy_client.o portal_client.o \
                   sys_client.o thread_client.o)
VM_APPS       := vm_seq vm_rand
VM_TESTS      := vm_admin vm_bad

$(SVC_VM_OBJ): $(SVC_VM_GEN)
$(SVC_CLOCK_OBJ) $(SVC_MRU_OBJ): $(SVC_CLOCK_GEN)
$(BUILD)/services/vm.o: $(SVC_VM_OBJ) $(SVC_VM_GEN)
	$(TARGET_LD) -r -o $@ $^
	objcopy -G kea_service $@
$(BUILD)/services/clock.o: $(SVC_CLOCK_OBJ) $(SVC_CLOCK_GEN)
	$(TARGET_LD) -r -o $@ $^
	objcopy -G kea_service $@
$(BUILD)/services/mru.o: $(SVC_MRU_OBJ) $(SVC_CLOCK_GEN)
	$(TARGET_LD) -r -o $@ $^
	objcopy -G kea_service $@

# Programs: their code and the stubs they call, one object each.
VM_PROG_SRCOBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/vm/apps/*.c services/vm/test/*.c))
$(VM_PROG_SRCOBJ): $(VM_APP_GEN)
$(BUILD)/vm/%.o: $(BUILD)/services/vm/apps/%.o $(BUILD)/services/vm/apps/vmapp.o $(VM_APP_GEN)
	@mkdir -p $(@D)
	$(TARGET_LD) -r -o $@ $^
$(BUILD)/vm/%.o: $(BUILD)/services/vm/test/%.o $(VM_APP_GEN)
	@mkdir -p $(@D)
	$(TARGET_LD) -r -o $@ $^
# vm_seq serves rounds (workload.idl) that vm_admin asks for.
$(BUILD)/services/vm/apps/vm_seq.o $(BUILD)/vm/vm_seq.o: $(BUILD)/gen/workload_server.o
$(BUILD)/services/vm/test/vm_admin.o $(BUILD)/vm/vm_admin.o: $(BUILD)/gen/workload_client.o
$(BUILD)/vm/vm_user.o: $(BUILD)/services/vm/test/svcmain.o $(BUILD)/services/vm.o \
                       $(BUILD)/gen/portal_client.o
	@mkdir -p $(@D)
	$(TARGET_LD) -r -o $@ $^

MODULES += $(addprefix $(BUILD)/services/,vm.o clock.o mru.o) \
           $(patsubst %,$(BUILD)/vm/%.o,$(VM_APPS) $(VM_TESTS) vm_user)
-include $(wildcard $(BUILD)/services/vm/*/*.d)

# Host tests (tests/host/kfs):
#   test_fssuite  fshost --suite: the three objects above, the very i386
#                 code kea loads, run on the host behind a loopback
#                 portal_invoke, through the tests of fssuite.c
#   test_kfs      scripts/kfs.py (and scripts/kfsimg/), and kfs.py and the C
#                 code agreeing on the disk format (through fshost's command
#                 mode)
FSHOST      := $(BUILD)/host/fshost
FSHOST_SRCS := tests/host/kfs/fshost.c tests/host/kfs/fssuite.c lib/kea/errors.c \
               services/compress/lzss.c \
               $(addprefix $(BUILD)/gen/,fs_client.c block_server.c thread_client.c)

$(FSHOST): $(FSHOST_SRCS) tests/host/kfs/fssuite.h services/compress/lzss.h $(FS_TEST_SVCS) $(BUILD)/gen/fs_client.h \
        $(BUILD)/gen/block_server.h $(BUILD)/gen/thread_client.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -m32 -no-pie -I$(BUILD)/gen -Iservices/fs -Iservices/compress -o $@ \
	    $(FSHOST_SRCS) $(FS_TEST_SVCS)

$(BUILD)/host/test_fssuite: $(FSHOST)
	printf '#!/bin/sh\nexec %s --suite all\n' '$(abspath $(FSHOST))' > $@
	chmod +x $@

$(BUILD)/host/test_kfs: tests/host/kfs/test_kfs.py scripts/kfs.py $(wildcard scripts/kfsimg/*.py) \
        $(FSHOST)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec %s %s %s "$$@"\n' '$(PYTHON)' '$(abspath $<)' '$(abspath $(FSHOST))' > $@
	chmod +x $@

HOST_TESTS += $(BUILD)/host/test_fssuite $(BUILD)/host/test_kfs

# Test programs (tests/apps/fs*.c; tests/qemu/test_fs.py).  apps.mk would
# build every tests/apps/*.c as a plain program; these rules replace its
# rules for them.  fstest links the three services (renamed descriptors)
# and fssuite.c's tests; fsclient is a client of loaded services.
FS_APP_CFLAGS = $(TARGET_CFLAGS) -I$(BUILD)/gen -Iservices/fs -Itests/host/kfs -MMD -MP
FS_APP_HDRS   := $(addprefix $(BUILD)/gen/,fs_client.h block_server.h portal_client.h thread_client.h)

$(BUILD)/services/fs/fssuite-target.o: tests/host/kfs/fssuite.c $(FS_APP_HDRS)
	@mkdir -p $(@D)
	$(TARGET_CC) $(FS_APP_CFLAGS) -c $< -o $@
$(BUILD)/apps/fstest.part.o $(BUILD)/apps/fsclient.part.o: $(BUILD)/apps/%.part.o: \
        tests/apps/%.c $(FS_APP_HDRS) $(BASE_CLIENT)
	@mkdir -p $(@D)
	$(TARGET_CC) $(FS_APP_CFLAGS) -c $< -o $@
$(BUILD)/apps/fstest.o: $(BUILD)/apps/fstest.part.o $(BUILD)/services/fs/fssuite-target.o \
        $(FS_TEST_SVCS) $(BUILD)/gen/fs_client.o $(BUILD)/gen/block_server.o
	$(TARGET_LD) -r -o $@ $^
$(BUILD)/apps/fsclient.o: $(BUILD)/apps/fsclient.part.o $(BUILD)/gen/fs_client.o
	$(TARGET_LD) -r -o $@ $^
