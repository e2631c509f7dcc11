/*
 * Kernel stacks with guard pages. Each stack lives in its own slot of the
 * kernel-stack region:
 *
 *   slot + KSTACK_SLOT_SIZE  ->  +------------------+  <- kstack_alloc() result
 *                                |  stack, mapped   |     (the stack grows
 * down) |  KSTACK_SIZE     |
 *                                +------------------+
 *                                |  guard, never    |  a push past the bottom
 *                                |  mapped          |  faults here, at once
 *   slot                     ->  +------------------+
 *
 * A stack overflow is then a page fault on the guard; the CPU cannot push
 * the fault's frame on that stack either, so it raises a double fault,
 * which runs on its own IST stack and reports it.
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

#define KSTACK_SIZE (16 * 1024)
#define KSTACK_SLOT_SIZE (32 * 1024)
#define KSTACK_MAX 65536 /* stacks alive at once */

/* Returns the top of a new, zeroed stack, or NULL (out of memory/slots). */
void *kstack_alloc(void);
/* A freed stack may be kept (mapped) for the next kstack_alloc. */
void kstack_free(void *top);
/* Really frees every kept stack: before counting free pages. */
void kstack_cache_drain(void);

/* Is va in the guard area of some stack slot? (For fault reports.) */
bool kstack_is_guard(uint64_t va);

#endif
