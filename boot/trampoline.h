/* Shared by boot/trampoline.S and kernel/arch/smp.c. */
#ifndef BOOT_TRAMPOLINE_H
#define BOOT_TRAMPOLINE_H

/* A page below 1 MiB (STARTUP IPIs can only point there) that the page
 * allocator never hands out. */
#define TRAMPOLINE_PHYS 0x8000

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trampoline_params {
	uint32_t cr3;	/* page tables: this page 1:1 plus the kernel half */
	uint32_t efer;	/* EFER bits to set: LME, NXE */
	uint64_t stack; /* top of the new CPU's kernel stack */
	uint64_t entry; /* ap_main */
	uint64_t cpu;	/* its struct cpu, ap_main's argument */
};

extern const char trampoline_start[], trampoline_end[], trampoline_params[];
#endif

#endif
