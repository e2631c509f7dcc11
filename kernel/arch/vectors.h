/*
 * Interrupt vector assignments (0-31 are the CPU's exceptions). A higher
 * vector has a higher priority at the local APIC, which is why IPIs sit
 * above device interrupts.
 */
#ifndef ARCH_VECTORS_H
#define ARCH_VECTORS_H

#define VEC_PIC_BASE 0x20   /* legacy PICs, masked (pic.c) */
#define VEC_IRQ_BASE 0x30   /* IOAPIC: ISA IRQ n arrives on 0x30 + n */
#define VEC_TIMER 0xe0	    /* local APIC timer: the tick */
#define VEC_RESCHEDULE 0xf0 /* IPI: "look at your run queue" */
#define VEC_CALL 0xf1	    /* IPI: run the function in your call slot */
#define VEC_APIC_ERROR 0xfe /* local APIC error */
#define VEC_SPURIOUS 0xff   /* local APIC spurious: no EOI */

#endif
