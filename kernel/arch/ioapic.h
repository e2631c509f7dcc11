/*
 * The IOAPIC: routes device interrupt lines (global system interrupts,
 * GSIs) to a vector on a chosen CPU. ISA IRQ n is GSI n unless the MADT
 * has an override (the PIT's IRQ 0 is GSI 2 on every PC).
 */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include <stdint.h>

#define IOAPIC_MMIO_SIZE 4096 /* the register page */

/* Takes one IOAPIC of the MADT, its registers mapped by the caller
 * (uncached), serving GSIs from gsi_base; masks all its inputs. */
void ioapic_add(volatile void *regs, uint32_t gsi_base);
/* Delivers ISA IRQ irq as vector on the CPU with this APIC id. */
void ioapic_route_isa_irq(unsigned irq, unsigned vector, uint32_t apic_id);

#endif
