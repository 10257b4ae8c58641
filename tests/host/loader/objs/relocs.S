/*
 * relocs.S — every relocation type the loader supports, in the forms an
 * assembler emits them, plus legacy and prioritized constructor sections.
 *
 *   R_386_32, R_386_PC32, R_386_PLT32    calls, absolute and data words
 *   R_386_GOT32X  with a base register (mov/call/test/binop)
 *                 and without one (mov foo@GOT, %reg; jmp *foo@GOT)
 *   R_386_GOT32   lea (not relaxable) and .long foo@GOT in data
 *   R_386_GOTPC, R_386_GOTOFF
 *   R_386_16, R_386_8       against small imported addresses (abs16_*,
 *                           abs8_*), with positive and negative addends
 *   R_386_PC16, R_386_PC8   between nearby text sections
 */
        .text
        .globl  asm_entry
        .type   asm_entry, @function
asm_entry:
        movl    $data_word, %eax                /* R_386_32 */
        movl    data_word+8, %ecx               /* R_386_32, addend 8 */
        call    ext_func                        /* R_386_PC32 */
        call    ext_func@PLT                    /* R_386_PLT32 */
        call    near_target                     /* R_386_PC32, local global */
        movl    ext_var@GOT, %eax               /* GOT32X, no base register */
        movl    ext_var@GOT, %ebx               /* GOT32X, no base register */
        movl    ext_var@GOT(%ebx), %ecx         /* GOT32X, base register */
        call    *ext_func@GOT(%ebx)             /* GOT32X call */
        testl   %eax, ext_var@GOT(%ebx)         /* GOT32X test */
        addl    ext_var@GOT(%ebx), %eax         /* GOT32X binop */
        leal    ext_var@GOT(%ebx), %edx         /* GOT32: lea */
        movl    data_word@GOT(%ebx), %eax       /* GOT32X, locally defined */
        movl    missing_weak_asm@GOT(%ebx), %eax /* GOT32X, weak undefined */
        addl    $_GLOBAL_OFFSET_TABLE_, %ebx    /* GOTPC */
        leal    data_word@GOTOFF(%ebx), %eax    /* GOTOFF */
        leal    rodata_word@GOTOFF(%ebx), %eax  /* GOTOFF into rodata */
        movw    $abs16_a, %ax                   /* R_386_16 */
        movb    $abs8_a, %al                    /* R_386_8 */
        jmp     *ext_func@GOT                   /* GOT32X jmp, no base */
        .size   asm_entry, .-asm_entry

        .globl  near_target
        .type   near_target, @function
near_target:
        ret
        .size   near_target, .-near_target

        /* A PC-relative reference within one section is resolved by the
         * assembler; these go between two adjacent small sections. */
        .section .text.tiny, "ax", @progbits
        .globl  near_target2
near_target2:
        ret

        .section .text.pcrel, "ax", @progbits
        .globl  pcrel_table
pcrel_table:
        .word   near_target - .                 /* R_386_PC16 */
        .word   near_target - . + 2             /* R_386_PC16, addend */
        .byte   near_target2 - .                /* R_386_PC8 */
        .byte   near_target2 - . - 3            /* R_386_PC8, addend */
        .byte   near_target2 - . + 100          /* R_386_PC8, addend */

        .section .rodata, "a", @progbits
        .globl  rodata_word
        .p2align 3
rodata_word:
        .long   asm_entry                       /* R_386_32 in rodata */
        .long   ext_func - .                    /* R_386_PC32 in data */

        .data
        .globl  data_word
        .p2align 2
data_word:
        .long   0x11223344
        .long   ext_var                         /* R_386_32, import */
        .long   ext_var + 12                    /* R_386_32, addend */
        .long   ext_var@GOT                     /* R_386_GOT32 in data */
        .word   abs16_a                         /* R_386_16 */
        .word   abs16_b - 4                     /* R_386_16, negative addend */
        .word   abs16_a + 0x100                 /* R_386_16, positive addend */
        .byte   abs8_a                          /* R_386_8 */
        .byte   abs8_b + 3                      /* R_386_8, addend */
        .byte   abs8_b - 1                      /* R_386_8, negative addend */
        .p2align 2
        .weak   weak_data_def
weak_data_def:
        .long   weak_data_def                   /* weak defined, self pointer */

/* Constructor and destructor sections in every naming scheme. */
        .section .init_array, "aw", @init_array
        .p2align 2
        .long   ctor_a, ctor_b
        .section .init_array.00300, "aw", @init_array
        .p2align 2
        .long   ctor_c
        .section .ctors, "aw", @progbits
        .p2align 2
        .long   ctor_d, ctor_e                  /* run backward: e, d */
        .section .ctors.65335, "aw", @progbits  /* priority 200 */
        .p2align 2
        .long   ctor_f
        .section .preinit_array, "aw", @preinit_array
        .p2align 2
        .long   ctor_g
        .section .fini_array, "aw", @fini_array
        .p2align 2
        .long   dtor_a, dtor_b                  /* run backward: b, a */
        .section .fini_array.00250, "aw", @fini_array
        .p2align 2
        .long   dtor_c
        .section .dtors, "aw", @progbits
        .p2align 2
        .long   dtor_d, dtor_e                  /* run forward: d, e */
        .section .dtors.65435, "aw", @progbits  /* priority 100 */
        .p2align 2
        .long   dtor_f

        .text
        .irp    f, ctor_a, ctor_b, ctor_c, ctor_d, ctor_e, ctor_f, ctor_g, dtor_a, dtor_b, dtor_c, dtor_d, dtor_e, dtor_f
        .type   \f, @function
\f:     ret
        .endr

        .bss
        .p2align 4
        .globl  bss_block
bss_block:
        .zero   100
        .comm   asm_common, 24, 8
        .weak   missing_weak_asm

        .section .note.GNU-stack, "", @progbits
