#!/bin/sh
# link-kernel.sh OUT LDSCRIPT "AS-COMMAND" INPUTS...
# Links the kernel three times: first with an empty symbol table, then with
# the table of the previous link, until the table no longer changes (its size
# depends only on the names, so the third link reproduces the second).
set -e
out=$1 lds=$2 as=$3
shift 3
tmp=$out.ksyms
scripts/mksyms.sh > "$tmp.0.S"
$as -c "$tmp.0.S" -o "$tmp.0.o"
ld -m elf_i386 -z noexecstack -T "$lds" -o "$out.0" "$tmp.0.o" "$@"
scripts/mksyms.sh "$out.0" > "$tmp.1.S"
$as -c "$tmp.1.S" -o "$tmp.1.o"
ld -m elf_i386 -z noexecstack -T "$lds" -o "$out.1" "$tmp.1.o" "$@"
scripts/mksyms.sh "$out.1" > "$tmp.2.S"
$as -c "$tmp.2.S" -o "$tmp.2.o"
ld -m elf_i386 -z noexecstack -T "$lds" -o "$out" "$tmp.2.o" "$@"
scripts/mksyms.sh "$out" > "$tmp.3.S"
if ! cmp -s "$tmp.2.S" "$tmp.3.S"; then
    echo "link-kernel: symbol table did not converge" >&2
    exit 1
fi
rm -f "$out.0" "$out.1" "$tmp".*
