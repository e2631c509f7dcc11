/*
 * The 256 interrupt entry stubs and the common path they share.
 *
 * Each stub is padded to TRAP_STUB_SIZE bytes, so stub N lives at
 * trap_stubs + N * TRAP_STUB_SIZE and idt.c needs no table of addresses.
 * Exceptions that push an error code (8, 10-14, 17, 21, 29, 30) get none
 * from the stub; all others push a 0 so the frame has one shape.
 */
#include "entry/trap_stub.h"
#include "entry/user_entry.h"

	.macro TRAP_STUB
	.balign TRAP_STUB_SIZE
	.if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30)
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.endm

	.text
	.balign TRAP_STUB_SIZE
	.global trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	TRAP_STUB
	.set vec, vec + 1
	.endr

/*
 * GS: in the kernel, GS base points at this CPU's struct cpu; in user mode
 * it is the user's. `swapgs` exchanges the two, so an entry from user mode
 * (CS's low bits are 3) swaps on the way in and out, and an entry from the
 * kernel does not. NMI, #DF and #MC can also land in the few instructions
 * of syscall_entry/user_return where the kernel runs with the user's GS:
 * for those three the MSR itself says (a kernel GS base is a kernel
 * address: the top bit is set). %rbx remembers whether to swap back; it is
 * callee-saved, so trap_dispatch (and any task switch in it) keeps it.
 * A return to user mode goes through user_return, like a system call's.
 */
trap_common:
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa %rsp, FRAME_SIZE - FRAME_VECTOR
	.cfi_offset %rip, -40
	.cfi_offset %rsp, -16
	cld
	PUSH_GPRS
	xor %ebx, %ebx
	mov FRAME_VECTOR(%rsp), %rax
	cmp $2, %rax
	je 1f
	cmp $8, %rax
	je 1f
	cmp $18, %rax
	je 1f
	testb $3, FRAME_CS(%rsp)
	jz 2f
	swapgs
	mov $1, %ebx
	jmp 2f
1:	mov $MSR_GS_BASE_NUMBER, %ecx	/* paranoid: ask the MSR */
	rdmsr
	test %edx, %edx
	js 2f
	swapgs
	mov $1, %ebx
2:	mov %rsp, %rdi		/* struct trap_frame * */
	call trap_dispatch
	testb $3, FRAME_CS(%rsp)
	jnz user_return		/* back to user mode: syscall_entry.S */
	test %ebx, %ebx
	jz 3f
	cli			/* no interrupt between swapgs and iretq */
	swapgs
3:	POP_GPRS
	.cfi_def_cfa_offset FRAME_SIZE - FRAME_VECTOR
	add $16, %rsp		/* vector, error code */
	.cfi_def_cfa_offset FRAME_SIZE - FRAME_RIP
	iretq
	.cfi_endproc
