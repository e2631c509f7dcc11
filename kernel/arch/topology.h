#ifndef ARCH_TOPOLOGY_H
#define ARCH_TOPOLOGY_H

#include "arch/percpu.h"

/* Fills c->package, c->core, c->thread from this CPU's own CPUID. */
void topology_detect(struct cpu *c);

#endif
