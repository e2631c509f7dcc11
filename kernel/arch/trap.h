/*
 * Traps: exceptions and interrupts arrive through one path.
 *
 *   CPU pushes            stub pushes          trap_common pushes
 *   ss rsp rflags cs rip  error (or 0), vector  rax ... r15
 *
 * so that every handler sees one struct trap_frame, lowest address first.
 * Change the order here and in trap_entry.S together.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Exception vectors (Intel SDM vol. 3, table 6-1). */
enum {
	VEC_DIVIDE_ERROR = 0,
	VEC_DEBUG = 1,
	VEC_NMI = 2,
	VEC_BREAKPOINT = 3,
	VEC_INVALID_OPCODE = 6,
	VEC_DOUBLE_FAULT = 8,
	VEC_GENERAL_PROTECTION = 13,
	VEC_PAGE_FAULT = 14,
	VEC_X87_ERROR = 16,
	VEC_ALIGNMENT_CHECK = 17,
	VEC_MACHINE_CHECK = 18,
	VEC_SIMD_ERROR = 19,
	VEC_FIRST_IRQ = 32,
	NR_VECTORS = 256,
};

/* Page-fault error code bits. */
#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_USER (1u << 2)
#define PF_RESERVED (1u << 3)
#define PF_FETCH (1u << 4)

typedef void (*trap_handler_fn)(struct trap_frame *frame);

/* Routes interrupt vector (>= 32) to handler. */
void trap_set_handler(unsigned vector, trap_handler_fn handler);

/* Called after every interrupt handler, still in the handler's context:
 * where the scheduler traces the interrupt and preempts the interrupted
 * task. */
void trap_set_interrupt_exit_hook(void (*hook)(unsigned vector,
					       bool interrupts_were_on));

/*
 * User space is entry's business (user_fault.c), so arch asks it through a
 * hook: user_fault(frame, cr2) is called for every exception taken in user
 * mode, and for a page fault in the kernel at a user address (a user copy
 * touching a page not there yet). It returns true if it handled the fault
 * (the page is there now, or the process was killed); false sends a
 * kernel-mode fault on to the exception table and then to panic.
 */
void trap_set_user_fault_hook(bool (*hook)(struct trap_frame *frame,
					   uint64_t cr2));

void trap_dispatch(struct trap_frame *frame);
const char *trap_name(unsigned vector);

#endif
