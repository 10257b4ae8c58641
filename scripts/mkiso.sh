#!/bin/sh
# mkiso.sh ISO KERNEL [MODULE...]
# A GRUB rescue ISO whose grub.cfg loads KERNEL with `multiboot` and every
# MODULE with `module`, named by its file name as on the QEMU command line.
set -e
iso=$1 kernel=$2
shift 2
grub-file --is-x86-multiboot "$kernel" || { echo "mkiso: $kernel is not a Multiboot kernel" >&2; exit 1; }
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot/grub" "$tree/boot/modules"
cp "$kernel" "$tree/boot/kernel.elf"
{
    echo 'set timeout=0'
    echo 'set default=0'
    echo 'menuentry "kea" {'
    echo '    multiboot /boot/kernel.elf'
    for m in "$@"; do
        name=$(basename "$m")
        cp "$m" "$tree/boot/modules/$name"
        echo "    module /boot/modules/$name $name"
    done
    echo '    boot'
    echo '}'
} > "$tree/boot/grub/grub.cfg"
grub-mkrescue -o "$iso" "$tree" >/dev/null 2>&1 || { echo "mkiso: grub-mkrescue failed" >&2; grub-mkrescue -o "$iso" "$tree"; exit 1; }
echo "mkiso: wrote $iso"
