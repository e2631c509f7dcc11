/*
 * _start: where the kernel (Linux or Spindle) starts a program. The stack
 * holds argc, argv[], NULL, envp[], NULL, auxv (see kernel/proc/proc.c);
 * %rsp points at argc and is 16-byte aligned. __libc_start gets that
 * address and never returns.
 */
	.text
	.global _start
_start:
	xor %ebp, %ebp		/* the outermost frame: backtraces stop here */
	mov %rsp, %rdi
	and $-16, %rsp
	call __libc_start
	hlt			/* not reached */
