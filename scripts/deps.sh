#!/bin/sh
# deps.sh ensure|install|list
#   ensure   install what is missing (called by make run/test/...); silent when all is there
#   install  the same, saying so even when nothing is missing (make deps)
#   list     print the Debian packages kea uses
#   linux    Debian's i386 kernel for make bench-linux (adds the i386
#            architecture to dpkg; not part of ensure/install)
# Idempotent and non-interactive.  Not root: prints the apt command to run.
set -e
mode=${1:-ensure}

# "package check" pairs: the check is a shell test that succeeds when present.
checks='
gcc             command -v gcc
make            command -v make
binutils        command -v ld && command -v objcopy
gcc-multilib    test -n "$(ls /usr/lib/gcc/x86_64-linux-gnu/*/32/libgcc.a 2>/dev/null)" && test -e /usr/include/x86_64-linux-gnu/gnu/stubs-32.h
qemu-system-x86 command -v qemu-system-i386
qemu-user       command -v qemu-i386
grub-common     command -v grub-mkrescue && command -v grub-file
grub-pc-bin     test -d /usr/lib/grub/i386-pc
xorriso         command -v xorriso
mtools          command -v mformat
libelf-dev      test -e /usr/include/gelf.h
gdb             command -v gdb
python3         command -v python3
clang           command -v clang
libclang-rt-14-dev test -n "$(ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)"
graphviz        command -v dot
lib32z1-dev     test -e /usr/lib32/libz.a
'

if [ "$mode" = linux ]; then
    ls /boot/vmlinuz-*-686 >/dev/null 2>&1 && exit 0
    if [ "$(id -u)" != 0 ]; then
        echo "deps: as root, run:  dpkg --add-architecture i386 && apt-get update &&" \
             "apt-get install -y --no-install-recommends linux-image-686:i386" >&2
        exit 1
    fi
    echo "deps: installing Debian's i386 kernel (linux-image-686:i386)"
    export DEBIAN_FRONTEND=noninteractive
    dpkg --add-architecture i386
    # An index that fails (a mirror mid-sync) leaves the others usable.
    apt-get update -q >/dev/null || echo "deps: apt-get update reported errors; trying anyway" >&2
    apt-get install -y -q --no-install-recommends linux-image-686:i386 >/dev/null
    ls /boot/vmlinuz-*-686 >/dev/null 2>&1 || { echo "deps: no /boot/vmlinuz-*-686 after installing" >&2; exit 1; }
    echo "deps: done"
    exit 0
fi

if [ "$mode" = list ]; then
    echo "$checks" | awk 'NF { print $1 }'
    exit 0
fi

missing=$(echo "$checks" | while read -r pkg check; do
    [ -n "$pkg" ] || continue
    sh -c "$check" >/dev/null 2>&1 || printf '%s ' "$pkg"
done)

if [ -z "$missing" ]; then
    [ "$mode" = install ] && echo "deps: everything kea needs is installed"
    exit 0
fi

cmd="apt-get install -y --no-install-recommends $missing"
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages: $missing" >&2
    echo "deps: as root, run:  apt-get update && $cmd" >&2
    exit 1
fi
echo "deps: installing Debian packages: $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $missing >/dev/null
echo "deps: done"
