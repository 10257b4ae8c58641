#!/bin/sh
# bench-linux.sh KERNEL MODULE...      (make bench-linux)
# kea's benchmarks and a Linux baseline side by side, in one run and under
# the same QEMU (-icount shift=0, 128 MiB, one CPU): rdtsc counts guest
# instructions in both.  Linux is Debian's i386 kernel (linux-image-686,
# installed by scripts/deps.sh linux), booted with an initramfs whose only
# program is scripts/bench-linux-init.c: getpid() and a pipe round trip
# between two processes with 1 B, 1 KiB and 4 KiB.  Prints both and the
# ratios; the table also goes to docs/performance.md (not with BENCH_DOC=0).
#   bench-linux.sh --initramfs DIR     only build DIR/init and DIR/initramfs.cpio
#                                      (what make test checks; no Linux needed)
set -e
initramfs() {
    gcc -m32 -static -nostdlib -ffreestanding -fno-pic -fno-pie -no-pie -O2 -fno-stack-protector \
        -Wall -Wextra -Werror -o "$1/init" scripts/bench-linux-init.c
    python3 scripts/bench-linux-cpio.py "$1/initramfs.cpio" "$1/init"
}
if [ "$1" = --initramfs ]; then
    mkdir -p "$2"
    initramfs "$2"
    exit 0
fi
kernel=$1; shift
build=$(dirname "$kernel")/linux
mkdir -p "$build"
scripts/deps.sh linux
vmlinuz=$(ls /boot/vmlinuz-*-686 | sort -V | tail -1)
initramfs "$build"

echo "bench-linux: kea ..."
BENCH_DOC=0 BENCH_RAW="$build/kea.txt" scripts/bench.sh "$kernel" "$@" >/dev/null
echo "bench-linux: Linux ($(basename "$vmlinuz")) ..."
timeout 600 qemu-system-i386 -m "${QEMU_MEM:-128}" -display none -serial stdio -monitor none \
    -no-reboot -icount shift=0 -kernel "$vmlinuz" -initrd "$build/initramfs.cpio" \
    -append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 | tr -d '\r' >"$build/linux.txt" || true
grep -q '^LINUX done' "$build/linux.txt" || {
    echo "bench-linux: the Linux benchmark did not finish:"; tail -20 "$build/linux.txt"; exit 1; }

table=$(cat "$build/kea.txt" "$build/linux.txt" | awk -v kernel="$(basename "$vmlinuz")" '
$1 == "BENCH" || $1 == "LINUX" { v[$1 " " $2] = $3 }
function row(what, k, l,   a, b) {
    a = v["BENCH " k]; b = v["LINUX " l]
    printf "| %s | %s | %s | %.2f |\n", what, a, b, (a && b) ? a / b : 0
}
END {
    print "| operation (kea / Linux " kernel ") | kea | Linux | kea / Linux |"
    print "|---|---|---|---|"
    row("null system call: thread_id() through its portal / getpid()", "thread_id_user_kernel", "getpid")
    row("round trip to another domain / process, no data / 1 B pipe", "null_idc_user_user", "pipe_round_trip_1")
    row("1 B there and back: IDC transport / pipe round trip", "transport_in_out_1", "pipe_round_trip_1")
    row("1 KiB there and back: IDC transport / pipe round trip", "transport_in_out_1024", "pipe_round_trip_1024")
    row("4 KiB there and back: IDC transport / pipe round trip", "transport_in_out_4096", "pipe_round_trip_4096")
}')
echo "$table"
[ "${BENCH_DOC:-1}" = 0 ] && exit 0
{
    echo "$table"
    echo
    echo "Linux: $(basename "$vmlinuz") from Debian, booted by \`make bench-linux\` in the"
    echo "same QEMU with \`scripts/bench-linux-init.c\` as /init ($(sed -n 's/^bench-linux: //p' "$build/linux.txt"),"
    echo "as glibc makes them); the same method: median of 7 batches of 200, the empty"
    echo "loop subtracted."
} | python3 scripts/bench-doc.py docs/performance.md "make bench-linux"
