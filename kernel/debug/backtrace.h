#ifndef DEBUG_BACKTRACE_H
#define DEBUG_BACKTRACE_H

#include <stdint.h>

/*
 * Prints the call chain starting at rip, following saved frame pointers from
 * rbp (the kernel is built with -fno-omit-frame-pointer). Every frame is
 * checked to be mapped before it is read, so a corrupt stack ends the
 * backtrace, not the report.
 */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* Prints "0xADDR name+0xoff" (or just the address) for one code address. */
void print_symbolized(uint64_t addr);

#endif
