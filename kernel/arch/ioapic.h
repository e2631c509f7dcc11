/*
 * The IOAPIC: routes device interrupt lines (global system interrupts,
 * GSIs) to a vector on a chosen CPU. ISA IRQ n is GSI n unless the MADT
 * has an override (the PIT's IRQ 0 is GSI 2 on every PC).
 */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include <stdint.h>

/* Maps every IOAPIC of the MADT and masks all its inputs. */
void ioapic_init(void);
/* Delivers ISA IRQ irq as vector on the CPU with this APIC id. */
void ioapic_route_isa_irq(unsigned irq, unsigned vector, uint32_t apic_id);

#endif
