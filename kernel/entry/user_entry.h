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
/* clang-format off */
/* The .cfi lines go to .eh_frame, which linker.ld keeps for GDB: clang's
 * assembler leaves the signal-frame mark out of .debug_frame. */
/* A push that tells a debugger's unwinder (.cfi: DWARF call frame
 * information) where the value went: the entry stubs' frames are marked
 * .cfi_signal_frame, and GDB goes on from them into the interrupted code's
 * frames, at any instruction of the entry. */
.macro PUSH_CFI value, reg
	pushq \value
	.cfi_adjust_cfa_offset 8
	.ifnb \reg
	.cfi_rel_offset \reg, 0
	.endif
.endm
/* The general registers of struct trap_frame, rax pushed first (so r15 is
 * at the lowest address), and back. */
.macro PUSH_GPRS
	PUSH_CFI %rax, %rax; PUSH_CFI %rbx, %rbx; PUSH_CFI %rcx, %rcx
	PUSH_CFI %rdx, %rdx; PUSH_CFI %rsi, %rsi; PUSH_CFI %rdi, %rdi
	PUSH_CFI %rbp, %rbp; PUSH_CFI %r8, %r8; PUSH_CFI %r9, %r9
	PUSH_CFI %r10, %r10; PUSH_CFI %r11, %r11; PUSH_CFI %r12, %r12
	PUSH_CFI %r13, %r13; PUSH_CFI %r14, %r14; PUSH_CFI %r15, %r15
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
