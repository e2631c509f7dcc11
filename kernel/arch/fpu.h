/*
 * The x87/SSE registers are user state: each task has its own copy,
 * saved and restored (fxsave64/fxrstor64) on every context switch. The
 * kernel itself is built with -mno-sse and never touches them.
 */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include <stdint.h>

/* The registers as fxsave stores them (512 bytes, 16-aligned). */
struct fpu_state {
	uint8_t bytes[512];
} __attribute__((aligned(16)));

/* Lets x87/SSE instructions run natively on this CPU, from a clean state
 * (every CPU, once, at start-up). */
void fpu_enable_cpu(void);
/* Sets *f to what a fresh program starts with: fninit's control word and
 * the default MXCSR (all exceptions masked, round to nearest). */
void fpu_init_state(struct fpu_state *f);
/* Saves this CPU's registers into *f / loads them from *f. */
void fpu_save(struct fpu_state *f);
void fpu_restore(const struct fpu_state *f);

#endif
