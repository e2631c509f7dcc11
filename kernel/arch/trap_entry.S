/*
 * The 256 interrupt entry stubs and the common path they share.
 *
 * Each stub is padded to TRAP_STUB_SIZE bytes, so stub N lives at
 * trap_stubs + N * TRAP_STUB_SIZE and idt.c needs no table of addresses.
 * Exceptions that push an error code (8, 10-14, 17, 21, 29, 30) get none
 * from the stub; all others push a 0 so the frame has one shape.
 */
#include "arch/trap_stub.h"

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

trap_common:
	cld
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi		/* struct trap_frame * */
	call trap_dispatch
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp		/* vector, error code */
	iretq
