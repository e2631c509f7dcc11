/*
 * The context switch: the only place one task's execution becomes
 * another's.
 *
 * struct task *switch_to(uint64_t *save_rsp, uint64_t new_rsp,
 *                        struct task *prev)
 *
 * The C calling convention lets a function clobber rax, rcx, rdx, rsi, rdi,
 * r8-r11, so the caller (schedule) already assumes those are lost; only the
 * callee-saved registers — rbx, rbp, r12-r15 — and the stack pointer have
 * to survive. So: push those six on the old stack, store rsp into the old
 * task, load the new task's rsp, pop its six, and return — into wherever
 * the new task called switch_to from, long ago.
 *
 *   prev's stack at the switch            next's stack at the switch
 *   +-------------------------+           +-------------------------+
 *   | ... schedule()'s frame  |           | ... schedule()'s frame  |
 *   | return into schedule()  |           | return into schedule()  |
 *   | rbp rbx r12 r13 r14 r15 |           | rbp rbx r12 r13 r14 r15 |
 *   +-------------------------+           +-------------------------+
 *     ^ rsp before: saved in *save_rsp      ^ new_rsp: loaded into rsp
 *
 * A task that never ran has a stack built by task_create to look the same,
 * with task_entry as the return address.
 *
 * rax carries prev across the switch: the new task sees switch_to return
 * the task that ran before it on this CPU, which it must finish off
 * (sched_finish_switch).
 */
	.text
	.global switch_to
switch_to:
	/* LAB kthread: begin */
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	mov %rdx, %rax
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	/* LAB kthread: end */

/* A new task's first return from switch_to lands here, with rax = prev. */
	.global task_entry
task_entry:
	mov %rax, %rdi
	call task_start		/* never returns */
	ud2
