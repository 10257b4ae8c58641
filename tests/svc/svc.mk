# tests/svc/svc.mk — service objects for the loader's QEMU tests
# (tests/qemu/test_loader.py, test_gdb_services.py), and the build check
# every service object passes.  Included from tests/apps/apps.mk.
#
#   $(BUILD)/svc/svc_plain.o      svctest.c built like kernel code (TARGET_CFLAGS)
#   $(BUILD)/svc/svc_distro.o     the same, built as a distribution builds library
#                                 code: -O2 -fPIC -fstack-protector-strong, unwind
#                                 tables, no frame pointer
#   $(BUILD)/svc/svc_failinit.o   init() returns an error
#   $(BUILD)/svc/svc_initfault.o  init() dereferences NULL
#   $(BUILD)/svc/svcclient.o      a user program calling them
#   $(BUILD)/svc/bad_*.o          objects the loader must refuse
#   $(BUILD)/svc/svc_importer.o   a service importing from another service
#
# The build check: every service object among the boot modules is run
# through kea-objinfo with the names the kernel's export table and the user
# runtime provide (env-kernel.txt, env-user.txt); the build stops on one
# that is not loadable in a placement it needs (docs/services.md).

SVC_DIR   := $(BUILD)/svc
SVC_GEN   := $(BUILD)/gen/svctest_server.c $(BUILD)/gen/svctest_client.c \
             $(BUILD)/gen/svctest_server.h $(BUILD)/gen/svctest_client.h
SVC_CFLAGS := $(TARGET_CFLAGS) -I$(BUILD)/gen -MMD -MP
# What a distribution adds (Debian's dpkg-buildflags for a library), after
# the kernel's flags so that it wins: PIC, the stack protector, unwind
# tables, no frame pointer.  _FORTIFY_SOURCE needs glibc's headers: not here.
SVC_DISTRO := $(SVC_CFLAGS) -O2 -fPIC -fstack-protector-strong \
              -fasynchronous-unwind-tables -fomit-frame-pointer

SVC_ENV_KERNEL := $(SVC_DIR)/env-kernel.txt
SVC_ENV_USER   := $(SVC_DIR)/env-user.txt
OBJINFO        := $(BUILD)/host/kea-objinfo

# The kernel's environment: the entries of its export table, as the
# KEXPORT() macro names them in exports.o (so it is known before the kernel
# links).
$(SVC_ENV_KERNEL): $(BUILD)/kernel/exports.o
	@mkdir -p $(@D)
	nm $< | sed -n 's/^.* __kexport_//p' | sort -u > $@

# The user environment: the runtime's global symbols (hidden ones too: the
# runtime is linked into a domain like a static library, kernel/load.c).
# Every name the kernel exports must be among them, or a service would load
# in one placement and not the other.
$(SVC_ENV_USER): $(BUILD)/rt.o $(SVC_ENV_KERNEL)
	@mkdir -p $(@D)
	nm --defined-only $< | awk '$$2 ~ /^[A-Z]$$/ { print $$3 }' | sort -u > $@.tmp
	@missing=$$(comm -23 $(SVC_ENV_KERNEL) $@.tmp); if [ -n "$$missing" ]; then \
	    echo "kernel/exports.c exports what the user runtime lacks:" $$missing; \
	    rm -f $@.tmp; exit 1; fi
	mv $@.tmp $@

# --- the test service, two ways ----------------------------------------------

$(SVC_DIR)/%.plain.o: tests/svc/%.c $(SVC_GEN) $(BASE_CLIENT)
	@mkdir -p $(@D)
	$(TARGET_CC) $(SVC_CFLAGS) -c $< -o $@
$(SVC_DIR)/%.distro.o: tests/svc/%.c $(SVC_GEN) $(BASE_CLIENT)
	@mkdir -p $(@D)
	$(TARGET_CC) $(SVC_DISTRO) -c $< -o $@
$(SVC_DIR)/gen-%.plain.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(TARGET_CC) $(SVC_CFLAGS) -c $< -o $@
$(SVC_DIR)/gen-%.distro.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(TARGET_CC) $(SVC_DISTRO) -c $< -o $@
$(SVC_DIR)/svctest-%.plain.o: tests/svc/svctest.c $(SVC_GEN) $(BASE_CLIENT)
	@mkdir -p $(@D)
	$(TARGET_CC) $(SVC_CFLAGS) -DSVC_$(shell echo $* | tr a-z A-Z) -c $< -o $@

# The service, its server glue and the client stubs it calls (the thread
# service's): everything but the environment is inside the object.
SVC_PLAIN_GLUE  := $(SVC_DIR)/gen-svctest_server.plain.o $(SVC_DIR)/gen-thread_client.plain.o
SVC_DISTRO_GLUE := $(SVC_DIR)/gen-svctest_server.distro.o $(SVC_DIR)/gen-thread_client.distro.o

$(SVC_DIR)/svc_plain.o: $(SVC_DIR)/svctest.plain.o $(SVC_PLAIN_GLUE)
	$(TARGET_LD) -r -o $@ $^
$(SVC_DIR)/svc_distro.o: $(SVC_DIR)/svctest.distro.o $(SVC_DISTRO_GLUE)
	$(TARGET_LD) -r -o $@ $^
$(SVC_DIR)/svc_failinit.o: $(SVC_DIR)/svctest-fail_init.plain.o $(SVC_PLAIN_GLUE)
	$(TARGET_LD) -r -o $@ $^
$(SVC_DIR)/svc_initfault.o: $(SVC_DIR)/svctest-init_fault.plain.o $(SVC_PLAIN_GLUE)
	$(TARGET_LD) -r -o $@ $^
# Migration (tests/qemu/test_migrate.py): with state hooks, an import that
# fails, an init that faults in the migrated instance.
$(SVC_DIR)/svc_migr.o: $(SVC_DIR)/svctest-migr.plain.o $(SVC_PLAIN_GLUE)
	$(TARGET_LD) -r -o $@ $^
$(SVC_DIR)/svc_migr_%.o: $(SVC_DIR)/svctest-migr_%.plain.o $(SVC_PLAIN_GLUE)
	$(TARGET_LD) -r -o $@ $^

$(SVC_DIR)/svcclient.o: $(SVC_DIR)/svcclient.plain.o $(SVC_DIR)/gen-svctest_client.plain.o
	$(TARGET_LD) -r -o $@ $^

# --- objects the loader must refuse ------------------------------------------

SVC_BAD_DESC := magic nifaces name_outside name_unterminated dispatch none contract
$(SVC_DIR)/bad_desc_%.o: tests/svc/baddesc.c
	@mkdir -p $(@D)
	$(TARGET_CC) $(SVC_CFLAGS) -DBAD_$(shell echo $* | tr a-z A-Z) -c $< -o $@
$(SVC_DIR)/bad_unresolved.o: tests/svc/unresolved.c
	@mkdir -p $(@D)
	$(TARGET_CC) $(SVC_CFLAGS) -c $< -o $@
# Imports from another service, so it is not loadable on its own (unchecked).
$(SVC_DIR)/svc_importer.o: tests/svc/importer.c
	@mkdir -p $(@D)
	$(TARGET_CC) $(SVC_CFLAGS) -c $< -o $@
$(SVC_DIR)/bad_reloc.o: tests/svc/badreloc.S
	@mkdir -p $(@D)
	$(TARGET_CC) $(TARGET_ASFLAGS) -c $< -o $@
$(SVC_DIR)/bad_notelf.o:
	@mkdir -p $(@D)
	printf 'This is a text file, not an ELF object.\n' > $@
# Cut inside the section contents: the section header table is gone.
$(SVC_DIR)/bad_truncated.o: $(SVC_DIR)/svc_plain.o
	head -c 1500 $< > $@
# e_machine (offset 18) = 62, EM_X86_64.
$(SVC_DIR)/bad_machine.o: $(SVC_DIR)/svc_plain.o
	cp $< $@.tmp
	printf '\076\000' | dd of=$@.tmp bs=1 seek=18 conv=notrunc status=none
	mv $@.tmp $@

# The services and their client are boot modules of `make run` (try
# `load svc_distro.o kernel as dk`).  The test-only objects are not: the
# QEMU tests boot them with the runtime alone (tests/qemu/test_loader.py);
# they are built by `make all` too, so that a targeted test run
# (python3 tests/run.py --qemu tests/qemu/test_X.py) never boots a stale one.
SVC_MODULES := $(addprefix $(SVC_DIR)/,svc_plain.o svc_distro.o svcclient.o)
SVC_TESTOBJ := $(addprefix $(SVC_DIR)/,svc_failinit.o svc_initfault.o svc_importer.o \
                 svc_migr.o svc_migr_badimport.o svc_migr_initfault.o \
                 $(patsubst %,bad_desc_%.o,$(SVC_BAD_DESC)) bad_unresolved.o bad_reloc.o \
                 bad_notelf.o bad_truncated.o bad_machine.o)
MODULES += $(SVC_MODULES)
all: $(SVC_TESTOBJ)

# --- the build check -----------------------------------------------------------
# Every service object among the boot modules (services/*, and the test
# service) must be loadable in the placements it is meant for: by default
# both; SERVICE_PLACEMENTS.<file> := user (or kernel) narrows it.  `all`
# builds one stamp per object (through HOST_TOOLS, the list of host-side
# things `all` makes), so an object whose imports an environment lacks
# fails the build right after it is linked.

SVC_CHECKED := $(filter $(BUILD)/services/%.o,$(MODULES)) \
               $(addprefix $(SVC_DIR)/,svc_plain.o svc_distro.o svc_failinit.o svc_initfault.o)
svc_places   = $(or $(SERVICE_PLACEMENTS.$(notdir $(1))),kernel user)

define svc_check_rule
$(SVC_DIR)/checked/$(notdir $(1)).ok: $(1) $(OBJINFO) $(SVC_ENV_KERNEL) $(SVC_ENV_USER)
	@mkdir -p $$(@D)
	@$(OBJINFO) $(foreach p,$(call svc_places,$(1)),--env $(p)=$(SVC_DIR)/env-$(p).txt) $(1) \
	    > $$@.info || { grep -i 'loadable\|reject' $$@.info; \
	    echo "$(1): not loadable where it must be ($(call svc_places,$(1))); see $$@.info"; exit 1; }
	@mv $$@.info $$@
endef
$(foreach o,$(SVC_CHECKED),$(eval $(call svc_check_rule,$(o))))
HOST_TOOLS += $(foreach o,$(SVC_CHECKED),$(SVC_DIR)/checked/$(notdir $(o)).ok)

# A host test of the check itself: the environment lists, and objects it
# must accept and refuse.  Its prerequisites make the test-only objects.
$(BUILD)/host/test_svc_check: tests/svc/check-test.sh $(OBJINFO) $(SVC_ENV_KERNEL) \
        $(SVC_ENV_USER) $(SVC_MODULES) $(SVC_TESTOBJ)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec sh %s %s %s %s\n' $(abspath tests/svc/check-test.sh) \
	    $(abspath $(OBJINFO)) $(abspath $(SVC_DIR)) $(abspath kernel/exports.c) > $@
	chmod +x $@
HOST_TESTS += $(BUILD)/host/test_svc_check

-include $(wildcard $(SVC_DIR)/*.d)
