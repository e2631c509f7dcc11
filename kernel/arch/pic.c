/*
 * The legacy 8259 PICs. Spindle routes interrupts through the IOAPIC, but
 * the PICs still exist and power up mapped onto vectors 8-15, which collide
 * with CPU exceptions. So: move them to vectors 0x20-0x2f (ICW2), then mask
 * every line. A spurious PIC interrupt can still arrive on 0x27/0x2f; the
 * trap code ignores it.
 */
#include "arch/pic.h"

#include "arch/cpu.h"

#define PIC1_COMMAND 0x20
#define PIC1_DATA 0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11 /* initialise, ICW4 follows */
#define ICW3_MASTER_SLAVE_ON_IRQ2 0x04
#define ICW3_SLAVE_ID 0x02
#define ICW4_8086 0x01
#define MASK_ALL 0xff

void pic_disable(void)
{
	outb(PIC1_COMMAND, ICW1_INIT_ICW4);
	outb(PIC2_COMMAND, ICW1_INIT_ICW4);
	outb(PIC1_DATA, PIC_VECTOR_BASE);
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	outb(PIC1_DATA, ICW3_MASTER_SLAVE_ON_IRQ2);
	outb(PIC2_DATA, ICW3_SLAVE_ID);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, MASK_ALL);
	outb(PIC2_DATA, MASK_ALL);
}
