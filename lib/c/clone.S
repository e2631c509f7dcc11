/*
 * long raw_clone(flags, stack, ptid, ctid, tls, fn, arg)
 *                rdi    rsi    rdx   rcx   r8   r9  8(%rsp)
 *
 * The child of clone(2) starts where the parent returns from `syscall`,
 * but on its new stack and with rax = 0, so it cannot return from this
 * function. fn and arg travel to it in r12 and r13: callee-saved, so the
 * kernel hands them to the child unchanged.
 */
	.text
	.global raw_clone
raw_clone:
	push %r12
	push %r13
	mov %r9, %r12
	mov 24(%rsp), %r13
	mov %rcx, %r10		/* the kernel's 4th argument register */
	mov $56, %eax		/* SYS_clone */
	syscall
	test %rax, %rax
	jz 1f
	pop %r13
	pop %r12
	ret
1:	xor %ebp, %ebp		/* the child: outermost frame */
	and $-16, %rsp
	mov %r13, %rdi
	call *%r12
	mov %eax, %edi
	mov $60, %eax		/* SYS_exit: this thread only */
	syscall
	hlt
