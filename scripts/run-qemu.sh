#!/bin/sh
# run-qemu.sh KERNEL [MODULE...]     boot KERNEL with MODULEs as Multiboot modules
# run-qemu.sh --iso ISO              boot a GRUB ISO
# The console is the serial port on stdin/stdout, which may be a terminal or
# pipes (printf 'help\nshutdown\n' | make run).  Extra QEMU flags come from
# $QEMU_EXTRA.  Exit status: 0 after a power-off, otherwise QEMU's, explained.
qemu="qemu-system-i386 -m ${QEMU_MEM:-128} -display none -serial stdio -monitor none -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04 $QEMU_EXTRA"
if [ "$1" = --iso ]; then
    $qemu -cdrom "$2"
else
    kernel=$1; shift
    initrd=$(printf '%s,' "$@"); initrd=${initrd%,}
    if [ -n "$initrd" ]; then
        $qemu -kernel "$kernel" -initrd "$initrd"
    else
        $qemu -kernel "$kernel"
    fi
fi
status=$?
case $status in
    0) ;;
    3) echo "kea: the kernel halted after a fatal exception (QEMU status 3)" >&2 ;;
    5) echo "kea: the kernel halted after a panic (QEMU status 5)" >&2 ;;
    *) echo "kea: QEMU exited with status $status" >&2 ;;
esac
exit $status
