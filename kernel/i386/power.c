/* Leaving the machine: power off, or halt with a status a test can read.
 *
 * Under QEMU, the ACPI PM1a control port of the i440FX/PIIX4 machine (0x604)
 * powers off and QEMU exits 0.  The isa-debug-exit device (port 0xf4, added by
 * the run scripts) makes QEMU exit with status (code << 1) | 1, which lets
 * tests tell a fatal halt from a clean power-off.  On real hardware neither
 * port does anything and we stop the CPU. */
#include "x86.h"
#include "arch.h"

#define QEMU_ACPI_PM1A   0x604
#define BOCHS_ACPI_PM1A  0xb004
#define ACPI_SLP_EN_S5   0x2000
#define DEBUG_EXIT_PORT  0xf4

static __attribute__((noreturn)) void stop_cpu(void)
{
    for (;;) { cli(); hlt(); }
}

void arch_poweroff(void)
{
    outw(QEMU_ACPI_PM1A, ACPI_SLP_EN_S5);
    outw(BOCHS_ACPI_PM1A, ACPI_SLP_EN_S5);
    stop_cpu();
}

void arch_halt(int status)
{
    outb(DEBUG_EXIT_PORT, (uint8_t)status);
    stop_cpu();
}
