/*
 * Crossing between user mode and the kernel: constants shared by the
 * assembly (trap_entry.S, syscall_entry.S) and C.
 */
#ifndef ENTRY_USER_ENTRY_H
#define ENTRY_USER_ENTRY_H

/* struct trap_frame offsets (arch/trap.h; checked in syscall.c). */
#define FRAME_RAX 112
#define FRAME_VECTOR 120
#define FRAME_RIP 136
#define FRAME_CS 144
#define FRAME_RFLAGS 152
#define FRAME_RSP 160
#define FRAME_SIZE 176

/* struct cpu offsets (arch/percpu.h; checked in syscall.c). */
#define CPU_KERNEL_RSP 8 /* top of the running task's kernel stack */
#define CPU_USER_RSP 16	 /* scratch: the user rsp at syscall entry */

/* The vector number a system call's trap frame carries: not a real one. */
#define VEC_SYSCALL 256

#define MSR_GS_BASE_NUMBER 0xc0000101

#ifdef __ASSEMBLER__
/* The general registers of struct trap_frame, rax pushed first (so r15 is
 * at the lowest address), and back. */
/* clang-format off */
.macro PUSH_GPRS
	push %rax; push %rbx; push %rcx; push %rdx; push %rsi; push %rdi
	push %rbp; push %r8; push %r9; push %r10; push %r11; push %r12
	push %r13; push %r14; push %r15
.endm
.macro POP_GPRS
	pop %r15; pop %r14; pop %r13; pop %r12; pop %r11; pop %r10; pop %r9
	pop %r8; pop %rbp; pop %rdi; pop %rsi; pop %rdx; pop %rcx; pop %rbx
	pop %rax
.endm
/* clang-format on */
#else
struct trap_frame;

/* Per-CPU set-up of the syscall MSRs (syscall_msr.c). */
void syscall_init_cpu(void);
/* Leaves the kernel for user mode with the registers in frame, which
 * must sit at the top of the current task's kernel stack. */
_Noreturn void enter_user(struct trap_frame *frame);
/* The work before each return to user mode (user_return.c): called by
 * user_return with interrupts off, returns with them off. */
void user_return_work(struct trap_frame *frame);
#endif

#endif
