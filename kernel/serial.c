/* COM1, a 16550-compatible UART: the primary console.
 *
 * Output is polled (the console must work in panics with interrupts off).
 * Input is interrupt driven: the receive interrupt hands every byte to the
 * tty line discipline.  The FIFO control register is never written: enabling
 * or resetting the FIFOs would discard bytes that arrived before the kernel
 * booted (a scripted session piped into QEMU is usually already waiting). */
#include <stdint.h>
#include "i386/x86.h"
#include "i386/arch.h"
#include "kernel.h"

#define COM1 0x3f8
#define RBR 0      /* receive buffer (read) */
#define THR 0      /* transmit holding (write) */
#define IER 1
#define LCR 3
#define MCR 4
#define LSR 5
#define DLL 0
#define DLM 1
#define LSR_DR   0x01   /* data ready */
#define LSR_THRE 0x20   /* transmit holding register empty */
#define COM1_IRQ 4

static int present;

void serial_init(void)
{
    outb(COM1 + IER, 0);
    outb(COM1 + LCR, 0x80);          /* DLAB: divisor follows */
    outb(COM1 + DLL, 1);             /* 115200 baud */
    outb(COM1 + DLM, 0);
    outb(COM1 + LCR, 0x03);          /* 8N1 */
    outb(COM1 + MCR, 0x0b);          /* DTR, RTS, OUT2 (routes the IRQ) */
    present = inb(COM1 + LSR) != 0xff;
}

static void serial_irq(struct trapframe *tf, void *arg)
{
    (void)tf; (void)arg;
    while (inb(COM1 + LSR) & LSR_DR)
        tty_input((char)inb(COM1 + RBR));
}

void serial_enable_irq(void)
{
    if (!present) return;
    kirq_attach(COM1_IRQ, serial_irq, 0);
    outb(COM1 + IER, 0x01);          /* receive data available */
    serial_irq(0, 0);                /* anything that arrived before now */
}

void serial_putc(char c)
{
    if (!present) return;
    for (int spin = 0; !(inb(COM1 + LSR) & LSR_THRE) && spin < 100000; spin++)
        ;
    outb(COM1 + THR, (uint8_t)c);
}
