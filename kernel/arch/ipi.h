/*
 * Inter-processor interrupts, and the services built on them.
 */
#ifndef ARCH_IPI_H
#define ARCH_IPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef long (*smp_call_fn)(void *arg);

void ipi_init(void);
/* A fixed-vector interrupt to one CPU (by id), or to all but this one. */
void ipi_send(unsigned cpu, unsigned vector);
void ipi_send_all_but_self(unsigned vector);
/* NMI to every other CPU: how a panic stops them. */
void ipi_stop_others(void);

/*
 * Runs fn(arg) on CPU `cpu`, in its interrupt handler. With wait, returns
 * fn's result once it has run; without, returns 0 at once. Needs
 * interrupts on (a CPU waiting for another must itself answer calls).
 */
long smp_call(unsigned cpu, smp_call_fn fn, void *arg, bool wait);
/* Runs fn(arg) on every online CPU, this one included, at the same time;
 * waits for all; results[id] gets each CPU's result (results may be NULL). */
void smp_call_each(smp_call_fn fn, void *arg, long *results);
/* The same on the CPUs in cpu_mask (bit per CPU id) only. */
void smp_call_mask(uint64_t cpu_mask, smp_call_fn fn, void *arg, long *results);

/* Flushes [va, va + pages * 4 KiB) from every CPU's TLB: after changing a
 * mapping that other CPUs may have cached. Needs interrupts on. */
void tlb_shootdown(uint64_t va, size_t pages);
/* The same, on the CPUs in cpu_mask only (bit per CPU id): those running
 * an address space whose mapping changed. */
void tlb_shootdown_cpus(uint64_t cpu_mask, uint64_t va, size_t pages);

#endif
