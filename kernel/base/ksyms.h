/*
 * The kernel's own symbol table, embedded at build time (tools/gen-ksyms.py),
 * so a backtrace can say "kmalloc+0x1c" without a debugger.
 */
#ifndef BASE_KSYMS_H
#define BASE_KSYMS_H

#include <stdint.h>

/* Name of the function containing addr, and addr's offset into it; NULL if
 * addr is outside the kernel's text. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* Address of the function called name, or 0. */
uint64_t ksym_address(const char *name);

#endif
