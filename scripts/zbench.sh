#!/bin/sh
# zbench.sh KERNEL MODULE...
# What compression costs: boots kea under QEMU with -icount shift=0 (rdtsc
# counts guest instructions exactly), loads ramdisk and simplefs in the
# kernel and the compress service in each placement in turn, and runs
# tests/apps/zbench.c, which times 4 KiB writes and reads of text through
# simplefs alone and through compress stacked on it.  Prints instructions
# per KiB; docs/performance.md ("Compression") has the figures.
set -e
kernel=$1; shift
run() {
    where=$1; shift
    printf 'load ramdisk.o kernel\nload simplefs.o kernel\nload compress.o %s\nspawn zbench.o 15\nsleep 60000\nshutdown\n' "$where" |
        QEMU_EXTRA="-icount shift=0 -append console=monitor" timeout 900 scripts/run-qemu.sh "$kernel" "$@" 2>&1 | tr -d '\r'
}
for where in kernel user; do
    out=$(run $where "$@")
    echo "$out" | grep -q '^ZBENCH done' || { echo "zbench: did not finish ($where):"; echo "$out" | tail -20; exit 1; }
    echo "$out" | awk -v w=$where '$1 == "ZBENCH" && $2 != "done" { printf "%s %s %s\n", w, $2, $3 }'
    echo "$out" | awk -v w=$where '$1 == "ZBENCH" { v[$2] = $3 }
        END { printf "%s compress_minus_simplefs_write %d\n%s compress_minus_simplefs_read %d\n", w,
              v["write_compress"] - v["write_simplefs"], w, v["read_compress"] - v["read_simplefs"] }'
done
