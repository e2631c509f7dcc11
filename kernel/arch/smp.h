#ifndef ARCH_SMP_H
#define ARCH_SMP_H

/*
 * Starts every CPU the MADT lists, one at a time; returns when each has
 * answered or timed out. Afterwards nr_cpus counts the CPUs online. Each
 * new CPU, once its own hardware is set up, calls init(its stack) — the
 * scheduler's per-CPU set-up — then reports online and runs idle().
 */
void smp_boot(void (*init)(void *stack_top), void (*idle)(void));

#endif
