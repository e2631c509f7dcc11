/*
 * The exception table: instructions that are allowed to fault.
 *
 * Code that touches memory it cannot vouch for (a user pointer, a probe in
 * a test) lists the address of the risky instruction and of a fixup to run
 * instead. When such an instruction faults, the trap handler resumes at the
 * fixup rather than panicking, and the fixup returns an error (-EFAULT).
 *
 * A "call" entry covers a call to an address that may not be executable:
 * the fault then happens at the callee's first instruction, with the
 * entry's address (the return address) on top of the stack.
 */
#ifndef ARCH_EXTABLE_H
#define ARCH_EXTABLE_H

#define EXTABLE_LOAD_STORE 0
#define EXTABLE_CALL 1

#ifdef __ASSEMBLER__

/* Assembler syntax, not C: */
/* clang-format off */
#define EXTABLE_ENTRY(insn, fixup, kind) \
	.pushsection .extable, "a"; \
	.balign 8; \
	.quad insn, fixup, kind; \
	.popsection
/* clang-format on */

#else

#include <stdbool.h>
#include <stdint.h>

struct extable_entry {
	uint64_t insn;	/* faulting instruction, or return address (call) */
	uint64_t fixup; /* where to continue */
	uint64_t kind;
};

struct trap_frame;

/* What the last fixed-up fault was, so a test can check it was the one
 * it expected. */
struct fixup_record {
	uint64_t vector, error_code, address;
};
extern struct fixup_record last_fixup;

/* If frame faulted at a listed instruction, redirects it to the fixup. */
bool extable_fixup(struct trap_frame *frame, uint64_t fault_address);

#endif
#endif
