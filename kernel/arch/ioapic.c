#include "arch/ioapic.h"

#include "arch/acpi.h"
#include "base/kernel.h"
#include "mm/ioremap.h"

/* Registers, reached through a select/window pair (82093AA datasheet). */
#define IOAPIC_SELECT 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_REDIRECT(n) (0x10 + 2 * (n)) /* low word; +1 high */

#define REDIRECT_ACTIVE_LOW (1u << 13)
#define REDIRECT_LEVEL (1u << 15)
#define REDIRECT_MASKED (1u << 16)

/* MADT override flags (ACPI 5.2.12.5). */
#define OVERRIDE_POLARITY_MASK 0x3
#define OVERRIDE_POLARITY_LOW 0x3
#define OVERRIDE_TRIGGER_MASK 0xc
#define OVERRIDE_TRIGGER_LEVEL 0xc

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base, nr_inputs;
};

static struct ioapic ioapics[MAX_IOAPICS];

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOAPIC_SELECT / 4] = reg;
	return io->regs[IOAPIC_WINDOW / 4];
}

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t value)
{
	io->regs[IOAPIC_SELECT / 4] = reg;
	io->regs[IOAPIC_WINDOW / 4] = value;
}

void ioapic_init(void)
{
	for (size_t i = 0; i < madt.nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];
		io->regs = ioremap(madt.ioapics[i].phys, 4096);
		io->gsi_base = madt.ioapics[i].gsi_base;
		io->nr_inputs =
			((ioapic_read(io, IOAPIC_REG_VERSION) >> 16) & 0xff) +
			1;
		for (uint32_t n = 0; n < io->nr_inputs; n++)
			ioapic_write(io, IOAPIC_REG_REDIRECT(n),
				     REDIRECT_MASKED);
	}
}

void ioapic_route_isa_irq(unsigned irq, unsigned vector, uint32_t apic_id)
{
	uint32_t gsi = irq, flags = 0; /* ISA default: edge, active high */
	for (size_t i = 0; i < madt.nr_overrides; i++)
		if (madt.overrides[i].irq == irq) {
			gsi = madt.overrides[i].gsi;
			flags = madt.overrides[i].flags;
		}
	uint32_t low = vector;
	if ((flags & OVERRIDE_POLARITY_MASK) == OVERRIDE_POLARITY_LOW)
		low |= REDIRECT_ACTIVE_LOW;
	if ((flags & OVERRIDE_TRIGGER_MASK) == OVERRIDE_TRIGGER_LEVEL)
		low |= REDIRECT_LEVEL;
	for (size_t i = 0; i < madt.nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];
		if (gsi < io->gsi_base || gsi >= io->gsi_base + io->nr_inputs)
			continue;
		uint32_t n = gsi - io->gsi_base;
		ioapic_write(io, IOAPIC_REG_REDIRECT(n) + 1, apic_id << 24);
		ioapic_write(io, IOAPIC_REG_REDIRECT(n), low);
		return;
	}
	panic("ioapic: no IOAPIC serves GSI %u (ISA IRQ %u)", gsi, irq);
}
