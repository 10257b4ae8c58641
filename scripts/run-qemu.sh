#!/bin/sh
# run-qemu.sh KERNEL [MODULE...]     boot KERNEL with MODULEs as Multiboot modules
# run-qemu.sh --iso ISO              boot a GRUB ISO
# The console is the serial port on stdin/stdout, which may be a terminal or
# pipes (printf 'help\nshutdown\n' | make run).  Extra QEMU flags come from
# $QEMU_EXTRA, the kernel command line from $KEA_CMDLINE (console=monitor:
# the kernel's monitor instead of the shell).  Exit status: 0 after a
# power-off, otherwise QEMU's, explained.
#
# On a terminal every key goes to kea: signal=off keeps ^C (and ^Z, ^\) from
# becoming signals to QEMU, so ^C reaches the shell, which abandons the line.
# To leave QEMU by force, type ^] then x: the console is a QEMU multiplexer
# (mux=on) whose escape key is ^] (-echr 0x1d) rather than QEMU's usual ^A,
# which the shell's line editor uses (^] h lists the escape keys).
#
# QEMU ends with status 0 also when it is killed (SIGTERM, SIGINT, SIGHUP):
# its "terminating on signal N" line on stderr, which is passed on as it
# comes, tells that apart from a power-off, and the status is then 128+N.
qemu="qemu-system-i386 -m ${QEMU_MEM:-128} -display none -no-reboot
      -chardev stdio,id=con,mux=on,signal=off -serial chardev:con -echr 0x1d -monitor none
      -device isa-debug-exit,iobase=0xf4,iosize=0x04 $QEMU_EXTRA"

run() {
    if [ "$1" = --iso ]; then
        $qemu -cdrom "$2"
    else
        kernel=$1; shift
        initrd=$(printf '%s,' "$@"); initrd=${initrd%,}
        if [ -n "$initrd" ]; then
            $qemu -kernel "$kernel" -initrd "$initrd" ${KEA_CMDLINE:+-append "$KEA_CMDLINE"}
        else
            $qemu -kernel "$kernel" ${KEA_CMDLINE:+-append "$KEA_CMDLINE"}
        fi
    fi
}

errlog=$(mktemp /tmp/kea-qemu-err-XXXXXX)
stfile=$(mktemp /tmp/kea-qemu-status-XXXXXX)
trap 'rm -f "$errlog" "$stfile"' EXIT
# QEMU's stderr through tee (to keep a copy), its stdout and stdin untouched.
{ { run "$@"; echo $? > "$stfile"; } 2>&1 1>&3 3>&- | tee "$errlog" >&2; } 3>&1
status=$(cat "$stfile")
sig=$(sed -n 's/.*terminating on signal \([0-9][0-9]*\).*/\1/p' "$errlog" | head -n 1)
[ "$status" = 0 ] && [ -n "$sig" ] && status=$((128 + sig))
case $status in
    0) ;;
    3) echo "kea: the kernel halted after a fatal exception (QEMU status 3)" >&2 ;;
    5) echo "kea: the kernel halted after a panic (QEMU status 5)" >&2 ;;
    *) if [ -n "$sig" ]; then
           echo "kea: QEMU was stopped by signal $sig (status $status)" >&2
       else
           echo "kea: QEMU exited with status $status" >&2
       fi ;;
esac
exit $status
