#ifndef ARCH_SMP_H
#define ARCH_SMP_H

/* Starts every CPU the MADT lists, one at a time; returns when each has
 * answered or timed out. Afterwards nr_cpus counts the CPUs online. */
void smp_boot(void);

#endif
