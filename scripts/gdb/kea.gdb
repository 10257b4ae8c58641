# GDB setup for kea (loaded by `make debug`, i.e. scripts/debug.sh).
# The kernel ELF is given on GDB's command line; $kea_port is the gdbstub port.
set pagination off
set confirm off
set disassembly-flavor att
set architecture i386
eval "target remote 127.0.0.1:%d", $kea_port
break kmain
# Symbols of relocated objects (services, programs): kea-symbols.py.
set breakpoint pending on
source scripts/gdb/kea-symbols.py
echo kea: stopped before boot; `continue` runs to kmain.\n
