/*
 * The context switch between green threads, and where new ones start.
 *
 * void uthread_switch(struct context *old, struct context *new)
 *                     rdi                  rsi
 *
 * It is an ordinary call, so the System V ABI has already told the caller
 * that rax, rcx, rdx, rsi, rdi, r8-r11 and the vector registers may be
 * clobbered: the caller saved what it needed of them. What a function must
 * preserve is the callee-saved set, rbx rbp r12-r15 and rsp, plus the
 * control bits of the x87 FPU (precision, rounding) and of MXCSR (SSE
 * rounding, exception masks). So that set is all a context holds. It is
 * pushed onto the thread's own stack and only rsp is stored in *old:
 *
 *   a green thread's stack after it called uthread_switch (higher up first)
 *
 *   +---------------------------+ <- top of its stack mapping
 *   | the thread's own frames:  |
 *   | fn, uthread_yield, ...    |
 *   +---------------------------+
 *   | return address            |  pushed by `call uthread_switch`
 *   | rbp                       |
 *   | rbx                       |
 *   | r12                       |
 *   | r13                       |
 *   | r14                       |
 *   | r15                       |
 *   | x87 CW, pad | MXCSR       |  fnstcw at +4, stmxcsr at +0
 *   +---------------------------+ <- old->rsp
 *   | (free stack below)        |
 *   +---------------------------+
 *   | guard page (PROT_NONE)    |  an overflow faults here, at once
 *   +---------------------------+
 *
 * Resuming is the mirror image: load new->rsp, pop the same words, `ret`
 * to the return address, which is in whoever called uthread_switch on that
 * stack. Between the store to (%rdi) and the load from (%rsi) the code runs
 * on the old stack; it is no longer touched after the load.
 *
 * A new thread has never called uthread_switch, so thread_new (thread.c)
 * builds the same frame by hand at the top of its stack, with r12 = fn,
 * r13 = arg, rbp = 0 (the outermost frame) and uthread_trampoline as the
 * return address: its first switch "returns" into the trampoline.
 */
	.text
	.global uthread_switch
	.type uthread_switch, @function
uthread_switch:
	/* LAB uthread: begin */
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)	/* old is saved: */
	movq (%rsi), %rsp	/* from here on, the new thread's stack */
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	/* LAB uthread: end */
	.size uthread_switch, .-uthread_switch

/*
 * A new thread's first switch lands here with rsp 16-byte aligned (the
 * frame is built so), the ABI's condition at a call.
 */
	.global uthread_trampoline
	.type uthread_trampoline, @function
uthread_trampoline:
	movq %r13, %rdi
	call *%r12
	call uthread_exit
	ud2			/* uthread_exit does not return */
	.size uthread_trampoline, .-uthread_trampoline

	.section .note.GNU-stack, "", @progbits
