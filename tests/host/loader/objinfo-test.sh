#!/bin/sh
# objinfo-test.sh TOOL OBJDIR — host test of kea-objinfo on the loader's
# test objects.  Prints PASS:/FAIL: lines; exits 1 if anything failed.
tool=$1
dir=$2
tmp=$(mktemp -d /tmp/kea-objinfo-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0

# check NAME WANT_STATUS CMD...: runs the tool, keeps its output in $out.
check() {
    name=$1; want=$2; shift 2
    "$@" > "$tmp/out" 2>&1
    status=$?
    why=""
    [ "$status" = "$want" ] || why="exit status $status, want $want"
}
expect() {      # the output must contain this line fragment (grep -F)
    [ -n "$why" ] && return
    grep -qF -- "$1" "$tmp/out" || why="output lacks '$1'"
}
reject() {      # ... and must not contain this one
    [ -n "$why" ] && return
    grep -qF -- "$1" "$tmp/out" && why="output has '$1'"
}
verdict() {
    if [ -z "$why" ]; then
        echo "PASS: loader/$name"
    else
        echo "FAIL: loader/$name: $why"
        sed 's/^/    /' "$tmp/out" | head -40
        failed=1
    fi
}

check objinfo-sections 0 "$tool" "$dir/basic-pic-O2.o"
expect "ELF32 i386 relocatable object"
grep -E '^\s+\[ *[0-9]+\] \.text +PROGBITS +AX +0x[0-9a-f]+ +16$' "$tmp/out" >/dev/null || why=${why:-"no .text line with type, flags, size, align 16"}
grep -E '^\s+\[ *[0-9]+\] \.bss +NOBITS +WA ' "$tmp/out" >/dev/null || why=${why:-"no .bss line"}
grep -E '^\s+\[ *[0-9]+\] \.rel\.text +REL ' "$tmp/out" >/dev/null || why=${why:-"no .rel.text line"}
expect "FUNC    GLOBAL size"
expect " entry"
expect "OBJECT  GLOBAL size 256    comm_big"
expect "FUNC    WEAK   size"
expect "GLOBAL imp_add"
expect "WEAK   missing_weak_fn"
expect "R_386_GOT32X"
expect "R_386_GOTOFF"
expect "R_386_GOTPC"
expect "R_386_PLT32"
expect "kea_service: absent"
expect "loader: accepts"
reject "UNSUPPORTED"
reject "_GLOBAL_OFFSET_TABLE_"
# hidden symbols are not exports
grep -E '^  [A-Z]+ +(GLOBAL|WEAK) +size .*__x86\.get_pc_thunk' "$tmp/out" >/dev/null && why=${why:-"hidden thunk listed as an export"}
verdict

check objinfo-asm-relocs 0 "$tool" "$dir/relocs-asm.o"
for t in R_386_32 R_386_PC32 R_386_PLT32 R_386_GOT32X R_386_GOT32 R_386_GOTPC R_386_GOTOFF R_386_16 R_386_PC16 R_386_8 R_386_PC8; do
    grep -E "^  $t +[0-9]+\$" "$tmp/out" >/dev/null || why=${why:-"no count for $t"}
done
verdict

check objinfo-service 0 "$tool" "$dir/service-pic-O2.o"
expect "kea_service: present, OBJECT, 12 bytes in .data.rel.ro"
verdict

printf 'kernel_only_call\nuser_only_call\n# a comment\n\nshared_call\n' > "$tmp/all"
check objinfo-env-ok 0 "$tool" --env "kernel=$tmp/all" "$dir/service-pic-O2.o"
expect "kernel: loadable (3 imports resolved)"
verdict

printf 'kernel_only_call\nshared_call\nprintf\n' > "$tmp/kernel"
printf 'user_only_call\nshared_call\n' > "$tmp/user"
check objinfo-env-partial 1 "$tool" --env "kernel=$tmp/kernel" --env "user=$tmp/user" "$dir/service-pic-O2.o"
expect "kernel: NOT loadable: missing user_only_call"
expect "user: NOT loadable: missing kernel_only_call"
expect "not loadable in kernel: 1 import not provided"
expect "not loadable in user: 1 import not provided"
verdict

printf 'kernel_only_call\nuser_only_call\n' > "$tmp/k2"
printf 'user_only_call\nkernel_only_call\n' > "$tmp/u2"
check objinfo-env-nowhere 1 "$tool" --env "kernel=$tmp/k2" --env "user=$tmp/u2" "$dir/service-pic-O2.o"
expect "kernel: NOT loadable: missing shared_call"
expect "user: NOT loadable: missing shared_call"
verdict

printf 'imp_add\nimp_table\n' > "$tmp/basic"
check objinfo-env-weak 0 "$tool" --env "kernel=$tmp/basic" "$dir/basic-pic-O2.o"
expect "kernel: loadable (2 imports resolved, 2 weak imports left 0)"
verdict

check objinfo-tls 1 "$tool" "$dir/tls-nopic-O2.o"
expect "UNSUPPORTED by the loader"
expect "not loadable anywhere: relocation type R_386_TLS_"
expect "loader: REFUSES:"
expect "thread-local"
verdict

printf 'not an object\n' > "$tmp/text.o"
check objinfo-not-elf 1 "$tool" "$tmp/text.o"
expect "not an ELF32 i386 relocatable object"
verdict

check objinfo-usage 2 "$tool"
expect "usage: kea-objinfo"
[ -n "$why" ] || { check objinfo-usage 2 "$tool" --env "kernel=$tmp/nonexistent" "$dir/basic-pic-O2.o"; expect "cannot read environment kernel"; }
[ -n "$why" ] || { check objinfo-usage 2 "$tool" --env "bad" "$dir/basic-pic-O2.o"; }
verdict

exit $failed
