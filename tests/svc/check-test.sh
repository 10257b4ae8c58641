#!/bin/sh
# check-test.sh OBJINFO SVCDIR EXPORTS_C — the build's loadability check
# (tests/svc/svc.mk): its two environment lists, and kea-objinfo's verdict
# on objects it must accept and refuse.  Prints PASS:/FAIL: lines.
objinfo=$1 dir=$2 exports=$3
kenv=$dir/env-kernel.txt uenv=$dir/env-user.txt
fail=0
pass() { echo "PASS: svccheck/$1"; }
failed() { echo "FAIL: svccheck/$1"; fail=1; }

# The kernel list is the export table, name for name.
sed -n 's/KEXPORT\(_AS\)\{0,1\}(\([A-Za-z0-9_]*\)[,)]/\n@\2\n/gp' "$exports" | sed -n 's/^@//p' | sort -u > "$dir/.table"
if cmp -s "$dir/.table" "$kenv"; then pass "kernel list is the export table"
else failed "kernel list differs from kernel/exports.c: $(diff "$dir/.table" "$kenv" | grep '^[<>]' | tr '\n' ' ')"; fi
rm -f "$dir/.table"

# Every kernel name is in the runtime, and so are the compiler's names.
missing=$(comm -23 "$kenv" "$uenv")
[ -z "$missing" ] && pass "runtime provides every kernel name" || failed "runtime lacks: $missing"
for n in __stack_chk_fail __stack_chk_fail_local __udivdi3 __umoddi3 __udivmoddi4 __divmoddi4 \
         portal_invoke kea_bind kea_domain_id kea_base_thread printf malloc; do
    if grep -qx "$n" "$kenv" && grep -qx "$n" "$uenv"; then pass "both provide $n"
    else failed "$n is missing from an environment"; fi
done

envs="--env kernel=$kenv --env user=$uenv"
# Accepted in both placements, with the imports a distribution build makes.
for o in svc_plain.o svc_distro.o; do
    if out=$("$objinfo" $envs "$dir/$o"); then pass "$o loadable in both"
    else failed "$o refused: $(echo "$out" | grep -i loadable)"; fi
done
out=$("$objinfo" $envs "$dir/svc_distro.o")
for n in __stack_chk_fail_local __udivmoddi4; do
    echo "$out" | grep -q "^  GLOBAL $n\$" && pass "svc_distro.o imports $n" \
        || failed "svc_distro.o does not import $n (not built as a distribution would?)"
done

# Refused: exit status 1 and the missing name, for each environment.
out=$("$objinfo" $envs "$dir/bad_unresolved.o"); st=$?
if [ $st -eq 1 ] && echo "$out" | grep -q "not loadable in kernel" &&
   echo "$out" | grep -q "not loadable in user" && echo "$out" | grep -q kea_no_such_function; then
    pass "bad_unresolved.o refused in both"
else failed "bad_unresolved.o: status $st: $out"; fi
# An object importing from another service is loadable in neither on its own.
"$objinfo" $envs "$dir/svc_importer.o" > /dev/null; st=$?
[ $st -eq 1 ] && pass "svc_importer.o refused alone" || failed "svc_importer.o: status $st"
exit $fail
