/*
 * Touching memory that may fault, and surviving it: each probe returns 0,
 * or -EFAULT if the access faulted (see extable.h). Used by tests that
 * prove protections are enforced.
 */
#ifndef ARCH_PROBE_H
#define ARCH_PROBE_H

#include <stdint.h>

int probe_read_u8(const void *addr, uint8_t *value);
int probe_write_u8(void *addr, uint8_t value);
/* Calls addr as a function taking and returning nothing. */
int probe_exec(const void *addr);

#endif
