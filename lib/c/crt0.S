/*
 * _start: where the kernel (Linux or Spindle) starts a program. %rsp
 * points at argc, then argv[], envp[] and the auxiliary vector (the
 * picture is in start.c). The ABI says %rsp is 16-byte aligned here; we
 * align it anyway, because a C function may keep SSE values on its stack
 * and a misaligned one faults there, far from the cause. __libc_start
 * gets the original %rsp and never returns.
 */
	.text
	.global _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined %rip	/* GDB: the outermost frame, no caller */
	xor %ebp, %ebp		/* frame-pointer backtraces stop here */
	mov %rsp, %rdi
	and $-16, %rsp
	call __libc_start
	hlt			/* not reached */
	.cfi_endproc
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
