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
# it links; its sources are services/<name>/*.c; the template
# service_object links them.  An object keeps only kea_service global
# (objcopy -G): its stubs and glue are its own, so that services placed side
# by side (all in the kernel, say) neither clash nor bind to one another's
# copies.  trace.o alone has a rule of its own and keeps its globals.

SERVICE_CFLAGS = $(TARGET_CFLAGS) -I$(BUILD)/gen -MMD -MP

# One service object from its parts: $(call service_object,NAME,PARTS[,LDFLAGS])
# under $(eval ...) links PARTS (its compiled sources and the generated
# objects it needs) into $(BUILD)/services/NAME.o with `ld -r`, keeps only
# kea_service global, and makes the object a boot module.
define service_object
$(BUILD)/services/$(1).o: $(2)
	$$(TARGET_LD) -r$(if $(3), $(3)) -o $$@ $$^
	objcopy -G kea_service $$@

MODULES += $(BUILD)/services/$(1).o
endef

# Sources of service `s` are built here; the generated objects each needs
# are its prerequisites, which also makes their headers exist first.
$(BUILD)/services/%.o: services/%.c $(BASE_CLIENT)
	@mkdir -p $(@D)
	$(TARGET_CC) $(SERVICE_CFLAGS) -c $< -o $@

# --- ramdisk: a RAM disk behind the block interface ----------------------------
SVC_RAMDISK_GEN := $(BUILD)/gen/block_server.o
SVC_RAMDISK_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/ramdisk/*.c))

$(SVC_RAMDISK_OBJ): $(SVC_RAMDISK_GEN)
$(eval $(call service_object,ramdisk,$(SVC_RAMDISK_OBJ) $(SVC_RAMDISK_GEN)))

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
$(eval $(call service_object,ata,$(SVC_ATA_OBJ) $(SVC_ATA_GEN)))

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
#
# compress compresses with Debian's own zlib: the members of the installed
# archive ZLIB_A (package lib32z1-dev, scripts/deps.sh) that compress2,
# uncompress2 and crc32 need, taken out with `ar x` and linked with `ld -r`
# as they are, never recompiled (services/compress/zlibsvc.c is the glue;
# tests/host/zlib checks the linked code against the archive).
FS_CFLAGS    := -Iservices/fs -Iservices/compress
FS_CORE_OBJ  := $(addprefix $(BUILD)/services/fs/,fscore.o fscheck.o fsalloc.o fsinode.o \
                  fsfile.o fsdir.o fsserv.o)
FS_FILE_GEN  := $(addprefix $(BUILD)/gen/,fs_server.o block_client.o thread_client.o)
SVC_CZ_GEN   := $(addprefix $(BUILD)/gen/,fs_server.o fs_client.o thread_client.o zlib_server.o)
SVC_CZ_OBJ   := $(BUILD)/services/compress/compress.o $(BUILD)/services/compress/zlibsvc.o
ZLIB_A       := /usr/lib32/libz.a
ZLIB_MEMBERS := adler32 crc32 deflate inffast inflate inftrees trees zutil compress uncompr
ZLIB_DIR     := $(BUILD)/services/compress/libz
ZLIB_OBJ     := $(patsubst %,$(ZLIB_DIR)/%.o,$(ZLIB_MEMBERS))
FS_SVC_SRCOBJ := $(FS_CORE_OBJ) $(BUILD)/services/simplefs/simplefs.o \
                 $(BUILD)/services/cachefs/cachefs.o $(SVC_CZ_OBJ)

$(FS_SVC_SRCOBJ): SERVICE_CFLAGS += $(FS_CFLAGS)
$(FS_SVC_SRCOBJ): $(FS_FILE_GEN) $(SVC_CZ_GEN)

$(eval $(call service_object,simplefs,$(BUILD)/services/simplefs/simplefs.o $(FS_CORE_OBJ) $(FS_FILE_GEN)))
$(eval $(call service_object,cachefs,$(BUILD)/services/cachefs/cachefs.o $(FS_CORE_OBJ) $(FS_FILE_GEN)))
$(ZLIB_DIR)/.extracted: $(ZLIB_A)
	@test -r $< || { echo "$<: missing; run 'make deps' (package lib32z1-dev)"; exit 1; }
	rm -rf $(@D) && mkdir -p $(@D)
	cd $(@D) && ar x $(abspath $<) $(addsuffix .o,$(ZLIB_MEMBERS))
	touch $@
$(ZLIB_OBJ): $(ZLIB_DIR)/.extracted
# Each zlib member carries its own copies of the PIC helpers
# (__x86.get_pc_thunk.*) in COMDAT groups: --force-group-allocation keeps
# one copy now, as a final link would, so that the object needs no group
# resolution later (objcopy -G makes the helpers local: a host program
# linking compress.o, tests/host/kfs, would bind to discarded copies).
$(eval $(call service_object,compress,$(SVC_CZ_OBJ) $(SVC_CZ_GEN) $(ZLIB_OBJ),--force-group-allocation))

# The services linked into test programs, each descriptor renamed
# (kea_service -> simplefs_service, ...).
FS_TEST_SVCS := $(addprefix $(BUILD)/services/fs/,simplefs-linked.o cachefs-linked.o compress-linked.o)
$(BUILD)/services/fs/%-linked.o: $(BUILD)/services/%.o
	objcopy --redefine-sym kea_service=$*_service $< $@

# --- vm: virtual memory with a pluggable page-selection policy -----------------
# services/vm: the VM service (vm.o: interfaces pager and vmctl), paging to a
# block device and choosing victims through a policy portal (policy.idl).
# services/vm/policy: two policies, clock.c and mru.c (clock.o, mru.o).
# services/vm/apps: the sequential-scan and random-access workloads
# (vm_seq.o, vm_rand.o, programs for `spawn`).  tests/vm: programs for
# tests/qemu/test_vm.py: vm_user.o (the VM service run as a program, to
# give it the domains right), vm_admin.o (remaps, counters, rounds of a
# served vm_seq), vm_bad.o (bad input).
SVC_VM_GEN    := $(addprefix $(BUILD)/gen/,pager_server.o pager_client.o vmctl_server.o \
                   policy_client.o block_client.o memory_client.o thread_client.o sys_client.o)
SVC_VM_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/vm/*.c))   # vm.c, vmstate.c
SVC_CLOCK_GEN := $(addprefix $(BUILD)/gen/,policy_server.o thread_client.o)
SVC_CLOCK_OBJ := $(BUILD)/services/vm/policy/clock.o
SVC_MRU_OBJ   := $(BUILD)/services/vm/policy/mru.o
VM_APP_GEN    := $(addprefix $(BUILD)/gen/,vmctl_client.o policy_client.o portal_client.o \
                   sys_client.o thread_client.o)
VM_APPS       := vm_seq vm_rand
VM_TESTS      := vm_admin vm_bad

$(SVC_VM_OBJ): $(SVC_VM_GEN)
$(SVC_CLOCK_OBJ) $(SVC_MRU_OBJ): $(SVC_CLOCK_GEN)
$(eval $(call service_object,vm,$(SVC_VM_OBJ) $(SVC_VM_GEN)))
$(eval $(call service_object,clock,$(SVC_CLOCK_OBJ) $(SVC_CLOCK_GEN)))
$(eval $(call service_object,mru,$(SVC_MRU_OBJ) $(SVC_CLOCK_GEN)))

# Programs: their code and the stubs they call, one object each.  The test
# programs' sources are compiled like the services'.
VM_PROG_SRCOBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard services/vm/apps/*.c tests/vm/*.c))
$(VM_PROG_SRCOBJ): $(VM_APP_GEN)
$(BUILD)/tests/vm/%.o: tests/vm/%.c $(BASE_CLIENT)
	@mkdir -p $(@D)
	$(TARGET_CC) $(SERVICE_CFLAGS) -c $< -o $@
$(BUILD)/vm/%.o: $(BUILD)/services/vm/apps/%.o $(BUILD)/services/vm/apps/vmapp.o $(VM_APP_GEN)
	@mkdir -p $(@D)
	$(TARGET_LD) -r -o $@ $^
$(BUILD)/vm/%.o: $(BUILD)/tests/vm/%.o $(VM_APP_GEN)
	@mkdir -p $(@D)
	$(TARGET_LD) -r -o $@ $^
# vm_seq serves rounds (workload.idl) that vm_admin asks for.
$(BUILD)/services/vm/apps/vm_seq.o $(BUILD)/vm/vm_seq.o: $(BUILD)/gen/workload_server.o
$(BUILD)/tests/vm/vm_admin.o $(BUILD)/vm/vm_admin.o: $(BUILD)/gen/workload_client.o
$(BUILD)/vm/vm_user.o: $(BUILD)/tests/vm/svcmain.o $(BUILD)/services/vm.o \
                       $(BUILD)/gen/portal_client.o
	@mkdir -p $(@D)
	$(TARGET_LD) -r -o $@ $^

MODULES += $(patsubst %,$(BUILD)/vm/%.o,$(VM_APPS) $(VM_TESTS) vm_user)
-include $(wildcard $(BUILD)/services/vm/*/*.d $(BUILD)/tests/vm/*.d)

# Host tests (tests/host/kfs):
#   test_fssuite  fshost --suite: the three objects above, the very i386
#                 code kea loads, run on the host behind a loopback
#                 portal_invoke, through the tests of fssuite.c
#   test_kfs      scripts/kfs.py (and scripts/kfsimg/), and kfs.py and the C
#                 code agreeing on the disk format (through fshost's command
#                 mode): the containers they make are byte-identical, the
#                 service's Debian zlib and Python's zlib compressing alike
FSHOST      := $(BUILD)/host/fshost
FSHOST_SRCS := tests/host/kfs/fshost.c tests/host/kfs/fssuite.c lib/kea/errors.c \
               $(addprefix $(BUILD)/gen/,fs_client.c block_server.c thread_client.c zlib_client.c)

$(FSHOST): $(FSHOST_SRCS) tests/host/kfs/fssuite.h $(wildcard tests/include/*.h) $(FS_TEST_SVCS) $(BUILD)/gen/fs_client.h \
        $(BUILD)/gen/zlib_client.h \
        $(BUILD)/gen/block_server.h $(BUILD)/gen/thread_client.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -m32 -no-pie -I$(BUILD)/gen -Iservices/fs -Iservices/compress -Itests/include -o $@ \
	    $(FSHOST_SRCS) $(FS_TEST_SVCS)

# fshost is an i386 program: started through scripts/run32 (which emulates
# it where the host cannot run 32-bit code), like every such program.
$(BUILD)/host/test_fssuite: $(FSHOST) scripts/run32
	printf '#!/bin/sh\nexec %s %s --suite all\n' '$(abspath scripts/run32)' '$(abspath $(FSHOST))' > $@
	chmod +x $@

$(BUILD)/host/test_kfs: tests/host/kfs/test_kfs.py scripts/kfs.py $(wildcard scripts/kfsimg/*.py) \
        $(FSHOST)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec %s %s %s "$$@"\n' '$(PYTHON)' '$(abspath $<)' '$(abspath $(FSHOST))' > $@
	chmod +x $@

HOST_TESTS += $(BUILD)/host/test_fssuite $(BUILD)/host/test_kfs

# The whole archive in one object, gz* file functions included: it cannot
# load (it needs POSIX file calls and glibc's __*_chk), and the loader's
# error says what is missing (tests/qemu/test_zlib.py).
ZLIB_WHOLE := $(BUILD)/svc/zlib_whole.o
$(ZLIB_WHOLE): $(ZLIB_A)
	@mkdir -p $(@D)
	$(TARGET_LD) -r --force-group-allocation -o $@ --whole-archive $<

# tests/host/zlib: the zlib members in compress.o are the archive's,
# unmodified.  (It also makes the whole-archive object for the QEMU test.)
$(BUILD)/host/test_zlib_objects: tests/host/zlib/test_zlib_objects.py $(BUILD)/services/compress.o \
        $(ZLIB_WHOLE)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec %s %s %s %s\n' '$(PYTHON)' '$(abspath $<)' \
	    '$(abspath $(BUILD)/services/compress.o)' '$(ZLIB_MEMBERS)' > $@
	chmod +x $@

HOST_TESTS += $(BUILD)/host/test_zlib_objects

# Test programs (tests/apps/fs*.c; tests/qemu/test_fs.py).  apps.mk would
# build every tests/apps/*.c as a plain program; these rules replace its
# rules for them.  fstest links the three services (renamed descriptors)
# and fssuite.c's tests; fsclient is a client of loaded services.
FS_APP_CFLAGS = $(TARGET_CFLAGS) -I$(BUILD)/gen -Iservices/fs -Itests/host/kfs -Itests/include -MMD -MP
FS_APP_HDRS   := $(addprefix $(BUILD)/gen/,fs_client.h block_server.h portal_client.h thread_client.h)

$(BUILD)/services/fs/fssuite-target.o: tests/host/kfs/fssuite.c $(FS_APP_HDRS)
	@mkdir -p $(@D)
	$(TARGET_CC) $(FS_APP_CFLAGS) -c $< -o $@
$(BUILD)/apps/fstest.part.o $(BUILD)/apps/fsclient.part.o $(BUILD)/apps/zbench.part.o \
        $(BUILD)/apps/zlibtest.part.o: $(BUILD)/apps/%.part.o: \
        tests/apps/%.c $(FS_APP_HDRS) $(BUILD)/gen/zlib_client.h $(BASE_CLIENT)
	@mkdir -p $(@D)
	$(TARGET_CC) $(FS_APP_CFLAGS) -c $< -o $@
$(BUILD)/apps/fstest.o: $(BUILD)/apps/fstest.part.o $(BUILD)/services/fs/fssuite-target.o \
        $(FS_TEST_SVCS) $(BUILD)/gen/fs_client.o $(BUILD)/gen/block_server.o
	$(TARGET_LD) -r -o $@ $^
$(BUILD)/apps/fsclient.o: $(BUILD)/apps/fsclient.part.o $(BUILD)/gen/fs_client.o
	$(TARGET_LD) -r -o $@ $^
# zlibtest: a client of compress's zlib interface (tests/qemu/test_zlib.py);
# zbench: what compression costs (scripts/zbench.sh).
$(BUILD)/apps/zlibtest.o: $(BUILD)/apps/zlibtest.part.o $(BUILD)/gen/zlib_client.o
	$(TARGET_LD) -r -o $@ $^
$(BUILD)/apps/zbench.o: $(BUILD)/apps/zbench.part.o $(BUILD)/gen/fs_client.o $(BUILD)/gen/zlib_client.o
	$(TARGET_LD) -r -o $@ $^
