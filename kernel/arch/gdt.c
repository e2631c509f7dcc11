#include "arch/gdt.h"

#include "base/kernel.h"
#include "freestanding/string.h"
#include "mm/kstack.h"

/* Descriptor bits (Intel SDM vol. 3, 3.4.5). */
#define SEG_PRESENT (1ull << 47)
#define SEG_DPL3 (3ull << 45)
#define SEG_CODE_DATA (1ull << 44) /* S: not a system segment */
#define SEG_EXEC (1ull << 43)
#define SEG_RW (1ull << 41) /* readable code / writable data */
#define SEG_LONG (1ull << 53)
#define SEG_TSS_AVAILABLE (9ull << 40)

#define KERNEL_CODE (SEG_PRESENT | SEG_CODE_DATA | SEG_EXEC | SEG_RW | SEG_LONG)
#define KERNEL_DATA (SEG_PRESENT | SEG_CODE_DATA | SEG_RW)

void gdt_init_cpu(struct cpu_tables *t)
{
	memset(t, 0, sizeof(*t));
	t->gdt[GDT_KERNEL_CODE / 8] = KERNEL_CODE;
	t->gdt[GDT_KERNEL_DATA / 8] = KERNEL_DATA;
	t->gdt[GDT_USER_DATA / 8] = KERNEL_DATA | SEG_DPL3;
	t->gdt[GDT_USER_CODE / 8] = KERNEL_CODE | SEG_DPL3;

	for (int i = 0; i < IST_COUNT; i++)
		t->tss.ist[i] = (uint64_t)kstack_alloc();
	t->tss.iomap_base = sizeof(struct tss); /* no I/O bitmap */

	uint64_t base = (uint64_t)&t->tss, limit = sizeof(struct tss) - 1;
	t->gdt[GDT_TSS / 8] = SEG_PRESENT | SEG_TSS_AVAILABLE |
			      (limit & 0xffff) | ((base & 0xffffff) << 16) |
			      ((base >> 24 & 0xff) << 56);
	t->gdt[GDT_TSS / 8 + 1] = base >> 32;

	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = {sizeof(t->gdt) - 1, (uint64_t)t->gdt};

	/* Load the table, reload CS with a far return, then the data
	 * segments and the task register. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "i"(GDT_KERNEL_CODE),
			   "r"(GDT_KERNEL_DATA), "r"(GDT_TSS)
			 : "rax", "memory");
}
