#!/bin/sh
# mksyms.sh KERNEL.ELF > ksyms.S
# Emit the kernel's function symbols, sorted by address, as assembly for
# kernel/ksyms.c.  With no ELF (first link) the table is empty.
set -e
echo '        .section .ksyms, "a"'
echo '        .align 4'
if [ -n "$1" ]; then
    nm -n --defined-only "$1" | awk '$2 ~ /^[tTwW]$/ && $3 !~ /^\./'
fi | awk '
BEGIN { n = 0; off = 0 }
{ addr[n] = $1; name[n] = $3; noff[n] = off; off += length($3) + 1; n++ }
END {
    print "        .globl ksyms_count"
    print "ksyms_count: .long " n
    print "        .globl ksyms_table"
    print "ksyms_table:"
    for (i = 0; i < n; i++) printf "        .long 0x%s, %d\n", addr[i], noff[i]
    print "        .globl ksyms_names"
    print "ksyms_names:"
    for (i = 0; i < n; i++) printf "        .asciz \"%s\"\n", name[i]
    print "        .byte 0"
}'
