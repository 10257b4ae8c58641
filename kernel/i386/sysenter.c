/* The sysenter/sysexit entry's machine state: the three MSRs that say where
 * sysenter lands (code selector, entry point, kernel stack).  idc.c decides
 * whether to use it; the scheduler and the IDC upcall move the stack.
 *
 * The entry point is the assembly fast path (idc_fast.S), which falls back
 * to the general entry (idc_entry.S) on anything it does not handle; the
 * kernel command line's fastpath=off points the MSR at the general entry
 * itself, so the C path alone serves every call. */
#include <stdint.h>
#include "x86.h"
#include "arch.h"
#include "../kernel.h"
#include "../proc.h"

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

int idc_have_sysenter;

/* sysenter where the CPU has it (CPUID.1:EDX.SEP) unless the command line
 * says idc=int; 1 if enabled.  The runtime reads the choice from its
 * domain's TLS block. */
int sysenter_init(uint32_t entry)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if ((d & (1u << 11)) && !cmdline_has("idc=int")) {
        wrmsr(MSR_SYSENTER_CS, KCODE_SEL);
        wrmsr(MSR_SYSENTER_EIP, entry);
        idc_have_sysenter = 1;
    }
    return idc_have_sysenter;
}

/* Where the next sysenter lands: the top of the running thread's kernel
 * stack (kept equal to the TSS's esp0). */
void sysenter_set_stack(uint32_t top)
{
    if (idc_have_sysenter)
        wrmsr(MSR_SYSENTER_ESP, top);
}
