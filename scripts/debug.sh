#!/bin/sh
# debug.sh KERNEL [MODULE...]
# Starts QEMU halted at the first instruction with its gdbstub, and GDB with
# the kernel's symbols (scripts/gdb/kea.gdb), stopped at a breakpoint on kmain
# ready to `continue`.  The kea console is on a pseudo-terminal: its path is
# printed (attach with `screen PATH` or `picocom PATH`), and everything it
# prints is also logged to build/debug-console.log.
# GDB finds the files of objects the kernel loads (scripts/gdb/kea-symbols.py)
# among the MODULE paths, passed in KEA_MODULES.
#   GDB_PORT    gdbstub TCP port (default 1234, or a free port when 1234 is
#               taken, e.g. by another `make debug`: the line printed says which)
#   GDB_BATCH   if set, GDB runs these commands non-interactively (tests)
#   KEA_CMDLINE kernel command line (e.g. console=monitor: the kernel's monitor,
#               which runs a boot module named `autorun`, rather than the shell)
set -e
kernel=$1; shift
port=${GDB_PORT:-$(python3 -c '
import socket
for p in (1234, 0):                 # 1234 if free, else one the system picks
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        print(s.getsockname()[1])
        break
    except OSError:
        pass
    finally:
        s.close()
')}
initrd=$(printf '%s,' "$@"); initrd=${initrd%,}
log=$(dirname "$kernel")/debug-console.log
qlog=$(mktemp /tmp/kea-debug-qemu-XXXXXX)      # QEMU's own output, per run

qemu-system-i386 -m ${QEMU_MEM:-128} -display none -monitor none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -chardev pty,id=con,logfile="$log" -serial chardev:con \
    -gdb tcp:127.0.0.1:$port -S \
    -kernel "$kernel" ${initrd:+-initrd "$initrd"} ${KEA_CMDLINE:+-append "$KEA_CMDLINE"} \
    >"$qlog" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null; rm -f "$qlog"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# QEMU names the pty on its standard output ("char device redirected to
# /dev/pts/N (label con)"); an error (the port taken) ends it early.
for _ in $(seq 100); do
    grep -q 'redirected' "$qlog" 2>/dev/null && break
    kill -0 $qpid 2>/dev/null || break
    sleep 0.1
done
pty=$(sed -n 's/.*redirected to \(\/dev\/[^ ]*\).*/\1/p' "$qlog")
if ! kill -0 $qpid 2>/dev/null; then
    echo "debug: QEMU did not start:" >&2
    cat "$qlog" >&2
    exit 1
fi
echo "debug: QEMU halted, gdbstub on 127.0.0.1:$port; kea console on ${pty:-?} (log: $log)"

export KEA_MODULES="$*"
gdbargs="-q -ex 'set \$kea_port = $port' -x scripts/gdb/kea.gdb"
if [ -n "$GDB_BATCH" ]; then
    eval gdb -batch $gdbargs $GDB_BATCH "$kernel"
else
    eval gdb $gdbargs "$kernel"
fi
