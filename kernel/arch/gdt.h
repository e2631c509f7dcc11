/*
 * Segments still matter in long mode for three things: the privilege level
 * (CS), the task state segment (the stack the CPU switches to on entry from
 * user mode, and the IST stacks), and the layout that syscall/sysret demand:
 * user data must sit 8 bytes below user code, so the order below is fixed.
 */
#ifndef ARCH_GDT_H
#define ARCH_GDT_H

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA 0x18 /* used with RPL 3: 0x1b */
#define GDT_USER_CODE 0x20 /* used with RPL 3: 0x23 */
#define GDT_TSS 0x28	   /* 16-byte descriptor */
#define GDT_ENTRIES 7

/* Interrupt stack table slots (1-based, as in the IDT gate). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3

#ifndef __ASSEMBLER__
#include <stdint.h>

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3]; /* rsp[0]: kernel stack on entry from ring 3 */
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* One CPU's descriptor tables: each CPU has its own TSS, so its own GDT. */
struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
};

/* Builds tables and loads them on this CPU. ist[] are the tops of the
 * stacks (guarded, from the caller) that #DF, NMI and #MC switch to. */
void gdt_init_cpu(struct cpu_tables *tables, void *const ist[IST_COUNT]);

#endif /* __ASSEMBLER__ */

#endif
