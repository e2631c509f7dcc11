/*
 * Register-holding probes for the context-switch tests (test_sched.c).
 *
 * long hold_registers(uint64_t seed, volatile uint64_t *counter,
 *                     uint64_t target)
 *   Fills rbx, rbp, r12-r15 and xmm0-xmm15 with patterns made from seed,
 *   spins until *counter >= target (the test makes that "until this task
 *   has been preempted a few times"), then checks every register. Returns 0
 *   if all held their pattern, else a code for the first register that
 *   did not (1-6: rbx rbp r12 r13 r14 r15; 7-21: xmm0-xmm14).
 *
 * long survive_calls(uint64_t seed, void (*fn)(void), long rounds)
 *   Fills the callee-saved registers, calls fn (which yields) rounds
 *   times, checking them after each call; returns as hold_registers does.
 */
	.text

	.macro FILL_GPRS
	mov %rdi, %rbx
	xor $0x1111, %rbx
	mov %rdi, %rbp
	xor $0x2222, %rbp
	mov %rdi, %r12
	xor $0x3333, %r12
	mov %rdi, %r13
	xor $0x4444, %r13
	mov %rdi, %r14
	xor $0x5555, %r14
	mov %rdi, %r15
	xor $0x6666, %r15
	.endm

	/* Compares reg to seed ^ pattern (seed in %r8); on mismatch
	 * returns code. */
	.macro CHECK_GPR reg, pattern, code
	mov %r8, %rax
	xor $\pattern, %rax
	cmp %rax, \reg
	mov $\code, %eax
	jne 9f
	.endm

	.macro SAVE_CALLEE
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	.endm

	.macro RESTORE_CALLEE
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	.endm

	.global hold_registers
hold_registers:
	SAVE_CALLEE
	mov %rdi, %r8			/* seed, kept for the checks */
	FILL_GPRS
	/* xmm n = (seed + n) in both halves */
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	lea \n(%rdi), %rax
	movq %rax, %xmm\n
	punpcklqdq %xmm\n, %xmm\n
	.endr
1:	pause
	cmp (%rsi), %rdx
	ja 1b
	CHECK_GPR %rbx, 0x1111, 1
	CHECK_GPR %rbp, 0x2222, 2
	CHECK_GPR %r12, 0x3333, 3
	CHECK_GPR %r13, 0x4444, 4
	CHECK_GPR %r14, 0x5555, 5
	CHECK_GPR %r15, 0x6666, 6
	/* xmm15 is the scratch register, so it holds no pattern of its
	 * own by now: check xmm0-xmm14 */
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14
	lea \n(%r8), %rax
	movq %rax, %xmm15
	punpcklqdq %xmm15, %xmm15
	pcmpeqq %xmm\n, %xmm15
	movmskpd %xmm15, %ecx
	cmp $3, %ecx
	mov $(7 + \n), %eax
	jne 9f
	.endr
	xor %eax, %eax
9:	RESTORE_CALLEE
	ret

	.global survive_calls
survive_calls:
	SAVE_CALLEE
	push %rsi			/* fn */
	push %rdx			/* rounds */
	push %rdi			/* seed */
	sub $8, %rsp			/* keep the stack 16-aligned at calls */
	FILL_GPRS
2:	call *24(%rsp)
	mov 8(%rsp), %r8
	CHECK_GPR %rbx, 0x1111, 1
	CHECK_GPR %rbp, 0x2222, 2
	CHECK_GPR %r12, 0x3333, 3
	CHECK_GPR %r13, 0x4444, 4
	CHECK_GPR %r14, 0x5555, 5
	CHECK_GPR %r15, 0x6666, 6
	decq 16(%rsp)
	jnz 2b
	xor %eax, %eax
9:	add $32, %rsp
	RESTORE_CALLEE
	ret
