/*
 * long cancel_syscall_asm(requested, n, a1, a2, a3, a4, a5, a6)
 *                         rdi        rsi rdx rcx r8  r9  8(%rsp) 16(%rsp)
 *
 * A system call that a cancel request can stop before or while it blocks,
 * never after it has returned. The window is every instruction from
 * cancel_syscall_begin up to `syscall` itself; cancel_syscall_end, the
 * instruction after it, is outside:
 *
 *   cancel_syscall_begin:  *requested?  -> cancel_syscall_cancelled
 *                          move the arguments into place
 *                          syscall          <- a blocked call that a
 *   cancel_syscall_end:    ret                 signal restarts has its
 *                                              rip back on `syscall`
 *
 * The SIGCANCEL handler (cancel.c) moves a thread whose rip is in the
 * window to cancel_syscall_cancelled: a request that came after the check
 * of *requested still stops the call. rip at cancel_syscall_end means the
 * call has returned: its result stands. No stack is used, so from any
 * point of the window `ret` goes back to the caller; the .cfi lines say
 * so to a debugger, which then unwinds through to the caller's frames.
 */
#include "freestanding/errno.h"

	.text
	.global cancel_syscall_asm
	.global cancel_syscall_begin
	.global cancel_syscall_end
	.global cancel_syscall_cancelled
	.type cancel_syscall_asm, @function
cancel_syscall_asm:
	.cfi_startproc
cancel_syscall_begin:
	mov (%rdi), %eax
	test %eax, %eax
	jnz cancel_syscall_cancelled
	mov %rsi, %rax		/* the call's number */
	mov %rdx, %rdi
	mov %rcx, %rsi
	mov %r8, %rdx
	mov %r9, %r10		/* the kernel's 4th argument register */
	mov 8(%rsp), %r8
	mov 16(%rsp), %r9
	syscall
cancel_syscall_end:
	ret
cancel_syscall_cancelled:
	mov $-ECANCELED, %rax
	ret
	.cfi_endproc
	.size cancel_syscall_asm, .-cancel_syscall_asm
