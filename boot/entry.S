/*
 * The first instructions Spindle runs, for both ways it can be loaded.
 *
 *   GRUB (multiboot2)   enters _start     EAX = 0x36d76289, EBX = info (phys)
 *   QEMU -kernel (PVH)  enters pvh_start  EBX = struct hvm_start_info (phys)
 *
 * Both arrive in 32-bit protected mode, paging off, interrupts off, with no
 * usable stack. The path from here to C is the same for both:
 *
 *   1. check the CPU can run 64-bit code (else print a message and halt);
 *   2. load CR3 with the static early page tables below, which map the first
 *      4 GiB three times: identity (so the next instruction still exists once
 *      paging is on), at the direct map, and the first 1 GiB at KERNEL_VMA;
 *   3. enable PAE, long mode (EFER.LME) and NX (EFER.NXE), then paging;
 *   4. far-jump into a 64-bit code segment, then jump to the higher half,
 *      switch to the boot stack and call kmain(loader_magic, info_phys).
 *
 * kmain copies what it needs out of the loader's structure and then builds
 * the real page tables (kernel/mm/vmm.c); the early ones are never used again.
 */
#include "boot/boot.h"

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define CPUID_EXT_LM (1 << 29)
#define CPUID_EXT_NX (1 << 20)
#define PTE_P_W 0x003
#define PDE_P_W_PS 0x083

/* --- The multiboot2 header (GRUB looks for it in the first 32 KiB). --- */
	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0				/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	.short 0, 0			/* end tag */
	.long 8
mb2_header_end:

/* --- The PVH note: QEMU's -kernel enters pvh_start in 32-bit mode. --- */
	.section .note.Xen, "a"
	.balign 4
	.long 4				/* name size: "Xen\0" */
	.long 8				/* descriptor size */
	.long 18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad pvh_start

	.section .boot.text, "ax"
	.code32
	.global _start
_start:
	cli
	mov %eax, %edi
	mov %ebx, %esi
	jmp boot32

	.global pvh_start
pvh_start:
	cli
	mov $BOOT_MAGIC_PVH, %edi
	mov %ebx, %esi

boot32:	/* EDI, ESI hold kmain's arguments; CPUID clobbers EAX-EDX only. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	test $CPUID_EXT_LM, %edx
	jz no_long_mode
	mov %edx, %ebp			/* remember whether NX exists */

	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $early_pml4, %eax
	mov %eax, %cr3

	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	test $CPUID_EXT_NX, %ebp
	jz 1f
	or $EFER_NXE, %eax
1:	wrmsr

	mov %cr0, %eax
	or $(CR0_PE | CR0_WP | CR0_PG), %eax
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $8, $boot64

no_long_mode:	/* Say why on the VGA screen, then stop. */
	mov $no_long_mode_msg, %esi
	mov $0xb8000, %edi
	mov $0x4f, %ah
2:	lodsb
	test %al, %al
	jz 3f
	stosw
	jmp 2b
3:	hlt
	jmp 3b

	.code64
boot64:
	xor %eax, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	movabs $start64, %rax
	jmp *%rax

	.section .boot.data, "aw"
no_long_mode_msg:
	.asciz "Spindle needs a 64-bit (x86-64) CPU."

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

/*
 * Early page tables, filled in by the assembler. One set of four page
 * directories (2 MiB pages) maps physical 0-4 GiB; the PML4 points at it from
 * slot 0 (identity) and slot 256 (the direct map at 0xffff800000000000),
 * and slot 511 maps the first 1 GiB at KERNEL_VMA.
 */
	.balign 4096
early_pml4:
	.quad early_pdpt_low + PTE_P_W
	.fill 255, 8, 0
	.quad early_pdpt_low + PTE_P_W
	.fill 254, 8, 0
	.quad early_pdpt_high + PTE_P_W
early_pdpt_low:
	.quad early_pd + 0x0000 + PTE_P_W
	.quad early_pd + 0x1000 + PTE_P_W
	.quad early_pd + 0x2000 + PTE_P_W
	.quad early_pd + 0x3000 + PTE_P_W
	.fill 508, 8, 0
early_pdpt_high:
	.fill 510, 8, 0
	.quad early_pd + PTE_P_W
	.quad 0
early_pd:
	.set page, 0
	.rept 2048
	.quad (page << 21) + PDE_P_W_PS
	.set page, page + 1
	.endr

/* --- 64-bit, higher half from here on. --- */
	.text
	.global start64
start64:	/* named, so backtraces end in a function name */
	mov $boot_stack_top, %rsp
	xor %ebp, %ebp			/* ends every backtrace */
	mov %edi, %edi			/* upper halves are undefined after */
	mov %esi, %esi			/* the switch to long mode */
	call kmain
4:	cli
	hlt
	jmp 4b

/*
 * The boot CPU's stack, with an unmapped guard page below it (vmm_init leaves
 * boot_stack_guard out of the kernel mapping): an overflow faults at once.
 */
	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
	.global boot_stack_guard, boot_stack_top
boot_stack_guard:
	.skip 4096
	.skip BOOT_STACK_SIZE
boot_stack_top:
