/*
 * The AP trampoline: where a second CPU starts, in 16-bit real mode.
 *
 * A STARTUP IPI can only start a CPU at a page boundary below 1 MiB, in
 * real mode, with CS = vector << 8 and IP = 0. So this code is assembled
 * here but copied to TRAMPOLINE_PHYS before each start-up (smp.c), and
 * every address in it is written as TR(label): where the label will be
 * once copied. It climbs the same ladder as boot/entry.S:
 *
 *   real mode  --lgdt, CR0.PE-->  32-bit protected mode
 *              --PAE, CR3, EFER.LME, CR0.PG-->  64-bit mode
 *              --jmp-->  ap_main(cpu) in the higher half, on its own stack
 *
 * The page tables it loads (params.cr3) map this page 1:1 as well as the
 * kernel half, because the instruction after "enable paging" is still
 * fetched from its low, physical address. ap_main switches to the kernel's
 * own tables at once.
 *
 *   TRAMPOLINE_PHYS  +--------------------------+
 *                    | 16-bit code              |
 *                    | 32-bit code              |
 *                    | 64-bit code              |
 *                    | GDT and its pointer      |
 *                    | params (written by smp.c)|
 *                    +--------------------------+
 */
#include "boot/trampoline.h"

#define TR(label) (TRAMPOLINE_PHYS + (label - trampoline_start))

	.section .rodata
	.code16
	.global trampoline_start, trampoline_end, trampoline_params
trampoline_start:
	cli
	cld
	xor %ax, %ax
	mov %ax, %ds
	lgdtl TR(tr_gdt_ptr)
	mov %cr0, %eax
	or $1, %eax			/* CR0.PE */
	mov %eax, %cr0
	ljmpl $0x08, $TR(tr_protected)

	.code32
tr_protected:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $((1 << 5) | (1 << 7)), %eax	/* CR4.PAE, CR4.PGE */
	mov %eax, %cr4
	mov TR(tr_cr3), %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx		/* EFER: LME, and NXE if the BSP has it */
	rdmsr
	or TR(tr_efer), %eax
	wrmsr
	/* The whole of CR0, not just more bits: INIT leaves caching off
	 * (CD, NW), and it must come back on. PG WP NE ET MP PE: */
	mov $0x80010033, %eax
	mov %eax, %cr0
	ljmp $0x18, $TR(tr_long)

	.code64
tr_long:
	xor %eax, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov TR(tr_stack), %rsp
	mov TR(tr_cpu), %rdi
	xor %ebp, %ebp			/* ends backtraces */
	pushq $0			/* a null return address, likewise */
	jmp *TR(tr_entry)

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tr_gdt_ptr:
	.short tr_gdt_ptr - tr_gdt - 1
	.long TR(tr_gdt)

	.balign 8
trampoline_params:	/* struct trampoline_params in trampoline.h */
tr_cr3:	.long 0
tr_efer: .long 0
tr_stack: .quad 0
tr_entry: .quad 0
tr_cpu:	.quad 0
trampoline_end:
