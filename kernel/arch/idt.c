/*
 * The interrupt descriptor table: 256 interrupt gates, one per stub in
 * trap_entry.S. Interrupt gates (not trap gates) clear IF on entry, so a
 * handler runs with interrupts off until it chooses otherwise.
 */
#include "arch/cpu.h"
#include "arch/gdt.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "entry/trap_stub.h"

#define GATE_INTERRUPT_DPL0 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_INTERRUPT_DPL3 0xee /* the same, callable from user mode */

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

static struct idt_gate idt[NR_VECTORS];
extern const char trap_stubs[];

static void idt_set_gate(unsigned vector, uint8_t type, uint8_t ist)
{
	uint64_t addr = (uint64_t)trap_stubs + vector * TRAP_STUB_SIZE;
	idt[vector] = (struct idt_gate){
		.offset_low = addr & 0xffff,
		.selector = GDT_KERNEL_CODE,
		.ist = ist,
		.type = type,
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_high = addr >> 32,
	};
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void idt_init(void)
{
	for (unsigned v = 0; v < NR_VECTORS; v++)
		idt_set_gate(v, GATE_INTERRUPT_DPL0, 0);
	/* int3 may be used from user mode (debuggers). */
	idt_set_gate(VEC_BREAKPOINT, GATE_INTERRUPT_DPL3, 0);
	idt_load();
}

void idt_use_ist(void)
{
	idt_set_gate(VEC_DOUBLE_FAULT, GATE_INTERRUPT_DPL0, IST_DOUBLE_FAULT);
	idt_set_gate(VEC_NMI, GATE_INTERRUPT_DPL0, IST_NMI);
	idt_set_gate(VEC_MACHINE_CHECK, GATE_INTERRUPT_DPL0, IST_MACHINE_CHECK);
}
