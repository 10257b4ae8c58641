/* Thin wrappers over i386 instructions the kernel needs. */
#ifndef KEA_X86_H
#define KEA_X86_H

/* Segment selectors (see gdt.c for the table). */
#define SEG_KCODE 1
#define SEG_KDATA 2
#define SEG_UCODE 3
#define SEG_UDATA 4
#define SEG_TSS   5
#define SEG_KTLS  6    /* kernel %gs: per-CPU block holding the stack canary at 0x14 */
#define SEG_UTLS  7    /* user %gs: base set per domain */
#define NSEGS     8
#define SEL(seg, rpl) (((seg) << 3) | (rpl))
#define KCODE_SEL SEL(SEG_KCODE, 0)
#define KDATA_SEL SEL(SEG_KDATA, 0)
#define UCODE_SEL SEL(SEG_UCODE, 3)
#define UDATA_SEL SEL(SEG_UDATA, 3)
#define TSS_SEL   SEL(SEG_TSS, 0)
#define KTLS_SEL  SEL(SEG_KTLS, 0)
#define UTLS_SEL  SEL(SEG_UTLS, 3)

/* EFLAGS bits.  EFLAGS_USER are the ones a user domain may keep across a
 * trap (it can set them itself with popf); the kernel clears the rest. */
#define EFLAGS_CF    0x00000001
#define EFLAGS_FIXED 0x00000002        /* always 1 */
#define EFLAGS_PF    0x00000004
#define EFLAGS_AF    0x00000010
#define EFLAGS_ZF    0x00000040
#define EFLAGS_SF    0x00000080
#define EFLAGS_TF    0x00000100        /* single step */
#define EFLAGS_IF    0x00000200
#define EFLAGS_DF    0x00000400        /* string direction: the C ABI needs 0 */
#define EFLAGS_OF    0x00000800
#define EFLAGS_IOPL  0x00003000        /* I/O privilege level */
#define EFLAGS_NT    0x00004000        /* nested task: iret would switch tasks */
#define EFLAGS_RF    0x00010000
#define EFLAGS_VM    0x00020000        /* virtual-8086 mode */
#define EFLAGS_AC    0x00040000
#define EFLAGS_ID    0x00200000
#define EFLAGS_USER  (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_TF | \
                      EFLAGS_DF | EFLAGS_OF | EFLAGS_AC | EFLAGS_ID)


#ifndef __ASSEMBLER__
#include <stdint.h>

static inline uint8_t inb(uint16_t port)
{ uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port)
{ uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port)
{ uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outb(uint16_t port, uint8_t v)
{ __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v)
{ __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v)
{ __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
/* Enable interrupts and halt atomically: an interrupt arriving between the
 * two cannot be missed because sti takes effect after the next instruction. */
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

static inline uint32_t read_eflags(void)
{ uint32_t f; __asm__ volatile("pushfl; popl %0" : "=r"(f)); return f; }

/* Critical sections on our single CPU: interrupts off, restored afterwards. */
static inline uint32_t irq_save(void) { uint32_t f = read_eflags(); cli(); return f; }
static inline void irq_restore(uint32_t f) { if (f & EFLAGS_IF) sti(); }

static inline uint32_t rcr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t rcr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t rcr3(void) { uint32_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint32_t rcr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void lcr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void lcr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void lcr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

static inline uint64_t rdtsc(void)
{ uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }

static inline void wrmsr(uint32_t msr, uint64_t v)
{ __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{ __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0)); }

#define CR0_WP  (1u << 16)
#define CR0_PG  (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PGE (1u << 7)

#endif /* __ASSEMBLER__ */
#endif
