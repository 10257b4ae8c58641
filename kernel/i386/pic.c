/* The two cascaded 8259A interrupt controllers, remapped to vectors 32..47. */
#include "x86.h"
#include "arch.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20

static uint16_t irq_masks = 0xffff & ~(1u << 2);   /* all masked but the cascade */

static void write_masks(void)
{
    outb(PIC1_DATA, irq_masks & 0xff);
    outb(PIC2_DATA, irq_masks >> 8);
}

void pic_init(void)
{
    outb(PIC1_CMD, 0x11);        /* ICW1: edge, cascade, ICW4 needed */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, T_IRQ0);     /* ICW2: vector offsets */
    outb(PIC2_DATA, T_IRQ0 + 8);
    outb(PIC1_DATA, 1u << 2);    /* ICW3: slave on IRQ 2 */
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, 0x01);       /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    write_masks();
}

void pic_set_mask(int irq, int masked)
{
    if (masked) irq_masks |= (uint16_t)(1u << irq);
    else        irq_masks &= (uint16_t)~(1u << irq);
    write_masks();
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}
