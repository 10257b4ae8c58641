# lib/libc/libc.mk — kea's minimal C library (included by the top Makefile).
#
# $(BUILD)/libc.a is built for the target with TARGET_CFLAGS; the kernel and
# user domains link it.  Each source is one mechanism, and environment
# dependencies (putchar, malloc, panic) are kept in separate objects, so a
# client links only what it uses and provides only what that needs.
#
# The host test builds the same sources for the host, renames every symbol
# they define or use with a kea_ prefix, and links them into a program that
# compares them against glibc.

LIBC_FILES := assert.c ctype.c errno.c format.c misc.c printf.c qsort.c \
              sprintf.c strdup.c string.c strtol.c
LIBC_SRC   := $(addprefix lib/libc/,$(LIBC_FILES))
LIBC_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(LIBC_SRC))

$(BUILD)/libc.a: $(LIBC_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/lib/libc/%.o: lib/libc/%.c lib/libc/libc.mk
	@mkdir -p $(@D)
	$(TARGET_CC) $(TARGET_CFLAGS) -MMD -MP -c -o $@ $<

# --- host test --------------------------------------------------------------

# Freestanding, against kea's own headers, as on the target; no PIC (a GOT
# reference would be renamed too) and no stack protector (its guard symbol
# would be).
LIBC_HOST_CFLAGS := -m32 -std=c11 -ffreestanding -fno-builtin -nostdinc \
                    -isystem $(GCCINC) -Ilib/libc/include -O2 -g \
                    -Wall -Wextra -Werror -fno-pic -fno-pie -fno-stack-protector
LIBC_HOST_OBJS   := $(patsubst %.c,$(BUILD)/host/%.o,$(LIBC_SRC))
LIBC_TEST_SRC    := $(wildcard tests/host/libc/*.c)
LIBC_TEST_HDR    := $(wildcard tests/host/libc/*.h)

$(BUILD)/host/lib/libc/%.o: lib/libc/%.c lib/libc/libc.mk
	@mkdir -p $(@D)
	$(HOST_CC) $(LIBC_HOST_CFLAGS) -MMD -MP -c -o $@ $<

# One relocatable object with every symbol, defined or undefined, renamed
# kea_*: kea's strlen becomes kea_strlen and cannot collide with glibc's,
# and its environment (putchar, malloc, panic, libgcc's 64-bit division
# helpers) becomes kea_putchar etc., which the test program supplies.
$(BUILD)/host/libc_kea.o: $(LIBC_HOST_OBJS)
	$(TARGET_LD) -r -o $@.tmp $^
	objcopy --prefix-symbols=kea_ $@.tmp $@
	@rm -f $@.tmp

$(BUILD)/host/test_libc: $(LIBC_TEST_SRC) $(LIBC_TEST_HDR) \
                         $(BUILD)/host/libc_kea.o lib/libc/libc.mk
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -m32 -D_GNU_SOURCE -fno-pie -no-pie -o $@ \
	    $(LIBC_TEST_SRC) $(BUILD)/host/libc_kea.o

HOST_TESTS += $(BUILD)/host/test_libc

-include $(LIBC_OBJS:.o=.d) $(LIBC_HOST_OBJS:.o=.d)
