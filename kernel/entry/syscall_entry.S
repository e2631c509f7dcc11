/*
 * The system-call entry and the one way back to user mode.
 *
 * `syscall` jumps here (LSTAR) with the user's rip in %rcx, its rflags in
 * %r11, interrupts off (FMASK) and -- careful -- the user's %rsp and GS.
 * We swap to the kernel GS, switch to the task's kernel stack, and build
 * the same struct trap_frame an interrupt from user mode would have:
 *
 *   kernel stack top ->  ss      user data selector
 *                        rsp     the user's stack pointer
 *                        rflags  (from %r11)
 *                        cs      user code selector
 *                        rip     (from %rcx)
 *                        error   0
 *                        vector  VEC_SYSCALL
 *                        rax ... r15        <- %rsp: struct trap_frame *
 *
 * so syscall_dispatch, fork, execve and the scheduler all see one frame
 * type whichever way the task entered the kernel. The .cfi lines tell a
 * debugger where the user's rip and rsp are at each step (user_entry.h).
 */
#include "arch/gdt.h"
#include "entry/user_entry.h"

	.text
	.global syscall_entry
syscall_entry:
	.cfi_startproc simple		/* an ordinary frame while on the user */
	.cfi_def_cfa %rsp, 0		/* stack: the user's rsp, */
	.cfi_register %rip, %rcx	/* rip in rcx */
	swapgs
	mov %rsp, %gs:CPU_USER_RSP
	mov %gs:CPU_KERNEL_RSP, %rsp
	.cfi_endproc
	.cfi_startproc simple		/* on the kernel stack: a signal frame */
	.cfi_signal_frame		/* (the user stack is below it) */
	.cfi_def_cfa %rsp, 0
	.cfi_register %rip, %rcx
	.cfi_undefined %rsp		/* only in this CPU's struct cpu */
	PUSH_CFI $(GDT_USER_DATA | 3)
	PUSH_CFI %gs:CPU_USER_RSP, %rsp
	PUSH_CFI %r11
	PUSH_CFI $(GDT_USER_CODE | 3)
	PUSH_CFI %rcx, %rip
	PUSH_CFI $0
	PUSH_CFI $VEC_SYSCALL
	PUSH_GPRS
	cld
	sti
	mov %rsp, %rdi
	call syscall_dispatch
	jmp user_return
	.cfi_endproc

/* enter_user(frame): start user mode from a frame at the stack top. */
	.global enter_user
enter_user:
	mov %rdi, %rsp
	/* fall through */

/*
 * Back to user mode from a frame at the top of the kernel stack: first the
 * work that must happen before (reschedule, a pending kill), with
 * interrupts off so that no new work can slip in after the check, then
 * sysretq when the frame came from `syscall`, its rcx and r11 hold its rip
 * and rflags (what sysret leaves there; not so after signal delivery or
 * rt_sigreturn) and its rip is canonical (sysret to a non-canonical rip
 * faults in ring 0 on Intel CPUs, with the user's rsp: never allowed),
 * else iretq.
 */
	.global user_return
user_return:
	cli
	mov %rsp, %rdi
	call user_return_work
	POP_GPRS
	cmpq $VEC_SYSCALL, (%rsp)
	jne 1f
	cmp 16(%rsp), %rcx	/* sysret sets rcx = rip, r11 = rflags: */
	jne 1f			/* only iretq can return other values */
	cmp 32(%rsp), %r11	/* (a signal frame, rt_sigreturn) */
	jne 1f
	mov 16(%rsp), %rcx	/* rip */
	mov %rcx, %r11
	shl $16, %r11
	sar $16, %r11
	cmp %rcx, %r11
	jne 1f			/* non-canonical: iretq raises #GP in user */
	mov 32(%rsp), %r11	/* rflags */
	mov 40(%rsp), %rsp	/* the user's stack */
	swapgs
	sysretq
1:	add $16, %rsp		/* vector, error code */
	swapgs
	iretq
