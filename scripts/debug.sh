#!/bin/sh
# debug.sh KERNEL [MODULE...]
# Starts QEMU halted at the first instruction with its gdbstub, and GDB with
# the kernel's symbols (scripts/gdb/kea.gdb), stopped at a breakpoint on kmain
# ready to `continue`.  The kea console is on a pseudo-terminal: its path is
# printed (attach with `screen PATH` or `picocom PATH`), and everything it
# prints is also logged to build/debug-console.log.
# GDB finds the files of objects the kernel loads (scripts/gdb/kea-symbols.py)
# among the MODULE paths, passed in KEA_MODULES.
#   GDB_PORT    gdbstub TCP port (default 1234)
#   GDB_BATCH   if set, GDB runs these commands non-interactively (tests)
#   KEA_CMDLINE kernel command line (e.g. console=monitor: the kernel's monitor,
#               which runs a boot module named `autorun`, rather than the shell)
set -e
kernel=$1; shift
port=${GDB_PORT:-1234}
initrd=$(printf '%s,' "$@"); initrd=${initrd%,}
log=$(dirname "$kernel")/debug-console.log
qlog=$(dirname "$kernel")/debug-qemu.log

qemu-system-i386 -m ${QEMU_MEM:-128} -display none -monitor none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -chardev pty,id=con,logfile="$log" -serial chardev:con \
    -gdb tcp:127.0.0.1:$port -S \
    -kernel "$kernel" ${initrd:+-initrd "$initrd"} ${KEA_CMDLINE:+-append "$KEA_CMDLINE"} 2>"$qlog" &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null' EXIT INT TERM
for _ in $(seq 50); do grep -q 'redirected' "$qlog" 2>/dev/null && break; sleep 0.1; done
pty=$(sed -n 's/.*redirected to \(\/dev\/[^ ]*\).*/\1/p' "$qlog")
echo "debug: QEMU halted, gdbstub on 127.0.0.1:$port; kea console on ${pty:-?} (log: $log)"

export KEA_MODULES="$*"
gdbargs="-q -ex 'set \$kea_port = $port' -x scripts/gdb/kea.gdb"
if [ -n "$GDB_BATCH" ]; then
    eval gdb -batch $gdbargs $GDB_BATCH "$kernel"
else
    eval gdb $gdbargs "$kernel"
fi
