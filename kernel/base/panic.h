/*
 * panic() stops the kernel with a report: the message, the CPU, a symbolized
 * backtrace; then QEMU exits with MACHINE_PANIC. It never returns and never
 * hangs: a panic inside a panic exits at once.
 */
#ifndef BASE_PANIC_H
#define BASE_PANIC_H

#include <stdbool.h>

struct trap_frame;

_Noreturn void panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* The report for an exception the kernel cannot handle: registers too. */
_Noreturn void panic_trap(const struct trap_frame *frame, const char *what);

bool panic_in_progress(void);

/* Parks this CPU for good (interrupts off, halted): how the other CPUs
 * answer the NMI a panicking CPU sends them. */
_Noreturn void panic_stop_this_cpu(void);

#define kassert(cond)                                                          \
	do {                                                                   \
		if (!(cond))                                                   \
			panic("assertion failed: %s\n  at %s:%d in %s()",      \
			      #cond, __FILE__, __LINE__, __func__);            \
	} while (0)

#endif
