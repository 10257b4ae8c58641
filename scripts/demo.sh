#!/bin/sh
# demo.sh KERNEL MODULE...             list the demos
# DEMO=NAME demo.sh KERNEL MODULE...   boot kea and run demo NAME, narrated, then power off
#
# A demo is a shell script boot module, modules/demo-NAME.kea; its first
# comment line says what it shows.  It runs in the shell (`run demo-NAME.kea`)
# exactly as a user would run it by hand, under -icount shift=0 so that any
# figures it prints are exact and repeatable.  Demos that use the ATA disk get a
# fresh 8 MiB disk image of their own in build/.
set -e
kernel=$1; shift
if [ -z "$DEMO" ]; then
    echo "demos (make demo NAME=...):"
    for f in modules/demo-*.kea; do
        [ -e "$f" ] || { echo "  (none)"; exit 0; }
        name=$(basename "$f" .kea); name=${name#demo-}
        what=$(sed -n 's/^# *//p' "$f" | head -n 1)
        printf '  %-12s %s\n' "$name" "$what"
    done
    exit 0
fi
script=modules/demo-$DEMO.kea
[ -e "$script" ] || { echo "demo: no demo named '$DEMO' (make demo lists them)" >&2; exit 1; }
disk=$(dirname "$kernel")/demo-$DEMO-$$.img     # per run: demos may run side by side
trap 'rm -f "$disk"' EXIT
truncate -s 8M "$disk"
printf 'run demo-%s.kea\nshutdown\n' "$DEMO" |
    QEMU_EXTRA="-icount shift=0 -drive file=$disk,format=raw,if=ide,index=0 $QEMU_EXTRA" \
    scripts/run-qemu.sh "$kernel" "$@"
