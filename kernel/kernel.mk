# The kernel: boot code, architecture code (kernel/i386), generic kernel.
KERNEL_C    := $(filter-out kernel/i386/asm-offsets.c,$(wildcard kernel/*.c kernel/i386/*.c kernel/base/*.c))
KERNEL_S    := $(wildcard kernel/i386/*.S boot/*.S)
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(KERNEL_C)) $(patsubst %.S,$(BUILD)/%.o,$(KERNEL_S))
KERNEL_LIBS := $(BUILD)/liblmm.a $(BUILD)/libc.a $(BUILD)/libkea.a $(BUILD)/libelfobj.a
# The kernel links the servers of the base services it serves, one per
# kernel/base/<iface>.c beside its <iface>.idl, and no client stubs: of
# pager.idl, whose client it is (a domain's pager, idc_fault.c), it uses the
# generated constants alone, calling through portal_call.
KERNEL_SERVES  := $(filter $(notdir $(basename $(wildcard kernel/base/*.idl))),\
                           $(notdir $(basename $(wildcard kernel/base/*.c))))
KERNEL_GEN     := $(patsubst %,$(BUILD)/gen/%_server.o,$(KERNEL_SERVES))
KERNEL_CLIENTH := $(BUILD)/gen/pager_client.h

$(BUILD)/kernel/%.o: kernel/%.c | $(KERNEL_GEN) $(KERNEL_CLIENTH)
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_CFLAGS) -I$(BUILD)/gen -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.o: kernel/%.S | $(BUILD)/gen/asm-offsets.h
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_ASFLAGS) -I$(BUILD)/gen -MMD -MP -c $< -o $@

# Structure offsets for the entry code (kernel/i386/asm-offsets.c): compiled
# to assembly, its "->NAME value" markers become #defines.  The compiler
# lists every header it read (asm-offsets.h.d), so a structure changed in
# any of them regenerates the offsets.
$(BUILD)/gen/asm-offsets.h: kernel/i386/asm-offsets.c kernel/kernel.mk
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_CFLAGS) -MMD -MP -MF $@.d -MT $@ -S -o $@.s $<
	{ echo '/* Generated from kernel/i386/asm-offsets.c: do not edit. */'; \
	  sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"->\([A-Z_0-9]*\) \([0-9]*\)"/#define \1 \2/p' $@.s; } > $@.tmp
	@rm -f $@.s
	mv $@.tmp $@

$(BUILD)/boot/%.o: boot/%.S
	@mkdir -p $(dir $@)
	$(TARGET_CC) $(TARGET_ASFLAGS) -MMD -MP -c $< -o $@

# Linked until the embedded symbol table describes the image it is in.
$(BUILD)/kernel.elf: $(KERNEL_OBJS) $(KERNEL_GEN) $(KERNEL_LIBS) boot/kernel.ld scripts/link-kernel.sh scripts/mksyms.sh
	scripts/link-kernel.sh $@ boot/kernel.ld "$(TARGET_CC) $(TARGET_ASFLAGS)" \
		$(KERNEL_OBJS) $(KERNEL_GEN) --start-group $(KERNEL_LIBS) $(LIBGCC) --end-group

-include $(KERNEL_OBJS:.o=.d)

-include $(BUILD)/gen/asm-offsets.h.d
