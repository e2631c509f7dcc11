#ifndef BASE_BACKTRACE_H
#define BASE_BACKTRACE_H

#include <stdint.h>

/*
 * Prints the call chain starting at rip, following saved frame pointers from
 * rbp (the kernel is built with -fno-omit-frame-pointer). Every frame is
 * checked to be mapped before it is read, so a corrupt stack ends the
 * backtrace, not the report.
 */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* The same for the state a trap interrupted; also finds the caller of a
 * function that faulted before building its frame (a leaf, or at its first
 * instruction), from the return address on top of its stack. */
void backtrace_print_trap(uint64_t rip, uint64_t rbp, uint64_t rsp);

/* Prints "0xADDR name+0xoff" (or just the address) for one code address. */
void print_symbolized(uint64_t addr);

#endif
