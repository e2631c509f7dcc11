#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/percpu.h"

/* The boot CPU: records its APIC id and topology, and marks it online. */
void smp_boot_cpu_online(void);

/*
 * Starts the CPU c describes (its id and apic_id set, boot_stack_top a
 * fresh kernel stack) with INIT-SIPI-SIPI. The trampoline loads cr3 --
 * page tables below 4 GiB that map the trampoline page 1:1 and the kernel
 * half -- switches to the stack and calls entry(c), which must set
 * c->online. Returns whether it did so within the timeout. One CPU at a
 * time: they share the trampoline page.
 */
bool smp_start_ap(struct cpu *c, uint64_t cr3, void (*entry)(struct cpu *c));

#endif
