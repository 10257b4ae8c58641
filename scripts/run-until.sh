#!/bin/sh
# run-until.sh COMMANDS DONE_PATTERN KERNEL MODULE...
# Boots kea under QEMU (QEMU_EXTRA passed through, e.g. -icount shift=0),
# types COMMANDS (lines, printf-style escapes allowed) at its console, waits
# until the output matches DONE_PATTERN (a grep basic regular expression:
# give the end of the program and its domain's fault report, "... in domain
# NAME", as alternatives), QEMU ends, or 120 s pass, then types
# `shutdown`.  Prints QEMU's output with the carriage returns removed.  The
# benchmarks use it so that they end when the measured program ends, not
# after a fixed sleep.
set -e
cmds=$1; done_pat=$2; shift 2
kernel=$1; shift
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
{
    printf "$cmds"
    i=0
    while [ $i -lt 1200 ] && ! grep -q -e "$done_pat" "$tmp/out" 2>/dev/null &&
          [ ! -e "$tmp/rc" ]; do
        sleep 0.1; i=$((i + 1))
    done
    printf 'shutdown\n'
} | { timeout 600 scripts/run-qemu.sh "$kernel" "$@" >"$tmp/out" 2>&1; echo $? >"$tmp/rc"; } || true
tr -d '\r' <"$tmp/out"
