/* Multiboot v1 entry.  The boot loader (GRUB or QEMU -kernel) jumps to _start
 * in 32-bit protected mode with paging off, EAX = magic, EBX = physical
 * address of the multiboot_info.  This code runs at its physical address
 * (section .boot is linked at 1 MiB, VMA == LMA); it maps the first 16 MiB both
 * at 0 and at KERNBASE with 4 KiB pages, turns paging on, moves to the higher
 * half and calls kmain(magic, info).  kmain builds the real page tables. */
#include <kea/multiboot.h>
#include <kea/memlayout.h>

#define MB_FLAGS (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)
#define BOOT_MAPPED_TABLES 4            /* 4 page tables = 16 MiB */

        .section .multiboot, "a"
        .align 4
        .long MULTIBOOT_HEADER_MAGIC
        .long MB_FLAGS
        .long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)

        .section .boot.text, "ax"
        .code32
        .globl _start
_start:
        cli
        cld
        movl    %eax, %esi                      /* keep magic and info */
        movl    %ebx, %edi

        /* boot_pt[i] = (i << 12) | present | writable, for 16 MiB. */
        movl    $(boot_pt - KERNBASE), %edx
        xorl    %ecx, %ecx
1:      movl    %ecx, %eax
        shll    $12, %eax
        orl     $3, %eax
        movl    %eax, (%edx,%ecx,4)
        incl    %ecx
        cmpl    $(BOOT_MAPPED_TABLES * 1024), %ecx
        jb      1b

        /* The same tables at PDE 0.. (identity, for the next few
         * instructions) and at PDE 768.. (KERNBASE). */
        movl    $(boot_pgdir - KERNBASE), %ebx
        xorl    %ecx, %ecx
2:      movl    %ecx, %eax
        shll    $12, %eax
        addl    $(boot_pt - KERNBASE + 3), %eax
        movl    %eax, (%ebx,%ecx,4)
        movl    %eax, (768*4)(%ebx,%ecx,4)
        incl    %ecx
        cmpl    $BOOT_MAPPED_TABLES, %ecx
        jb      2b

        movl    %ebx, %cr3
        movl    %cr0, %eax
        orl     $0x80010000, %eax               /* PG | WP */
        movl    %eax, %cr0
        movl    $higher_half, %eax
        jmp     *%eax

        .text
higher_half:
        movl    $boot_stack_top, %esp
        xorl    %ebp, %ebp                      /* ends backtraces */
        pushl   %edi
        pushl   %esi
        call    kmain
3:      cli
        hlt
        jmp     3b

        .bss
        .align 4096
        .globl boot_pgdir
boot_pgdir:
        .space 4096
boot_pt:
        .space 4096 * BOOT_MAPPED_TABLES
        .globl boot_stack, boot_stack_top
boot_stack:
        .space 16384
boot_stack_top:
