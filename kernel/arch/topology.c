/*
 * Which package, core and SMT thread a CPU is, from its APIC id.
 *
 * An x2APIC id is a packed bit field:  | package | core | thread |
 * CPUID leaf 0x1F (or 0xB) says how wide each field is: sub-leaf n reports
 * the level type (1 = SMT, 2 = core) and how far to shift the id right to
 * reach the next level up. Without those leaves, leaf 1 gives the logical
 * CPUs per package and leaf 4 the cores, which gives the same two shifts.
 */
#include "arch/topology.h"

#include "arch/cpu.h"
#include "base/kernel.h"

#define LEVEL_TYPE_SMT 1
#define LEVEL_TYPE_CORE 2
#define CPUID_1_EDX_HTT (1u << 28)

static unsigned bits_for(unsigned count)
{
	unsigned bits = 0;
	while ((1u << bits) < count)
		bits++;
	return bits;
}

/* Shifts from leaf 0x1F or 0xB; false if the CPU has neither. */
static bool shifts_from_extended_leaf(unsigned *smt_shift, unsigned *core_shift,
				      uint32_t *id)
{
	uint32_t max = cpuid(0, 0).eax;
	uint32_t leaf = max >= 0x1f && cpuid(0x1f, 0).ebx ? 0x1f
			: max >= 0xb && cpuid(0xb, 0).ebx ? 0xb
							  : 0;
	if (!leaf)
		return false;
	*smt_shift = 0;
	*core_shift = 0;
	for (uint32_t sub = 0; sub < 8; sub++) {
		struct cpuid_regs r = cpuid(leaf, sub);
		unsigned type = (r.ecx >> 8) & 0xff;
		if (type == 0)
			break;
		if (type == LEVEL_TYPE_SMT)
			*smt_shift = r.eax & 0x1f;
		*core_shift = r.eax & 0x1f; /* the last level's shift */
		*id = r.edx;
	}
	return true;
}

static void shifts_from_legacy_leaves(unsigned *smt_shift, unsigned *core_shift,
				      uint32_t *id)
{
	struct cpuid_regs r1 = cpuid(1, 0);
	*id = r1.ebx >> 24;
	unsigned logical =
		(r1.edx & CPUID_1_EDX_HTT) ? (r1.ebx >> 16) & 0xff : 1;
	unsigned cores = 1;
	if (cpuid(0, 0).eax >= 4)
		cores = (cpuid(4, 0).eax >> 26) + 1;
	*core_shift = bits_for(logical);
	*smt_shift = bits_for(logical / MAX(cores, 1u));
}

void topology_detect(struct cpu *c)
{
	unsigned smt_shift, core_shift;
	uint32_t id = 0;
	if (!shifts_from_extended_leaf(&smt_shift, &core_shift, &id))
		shifts_from_legacy_leaves(&smt_shift, &core_shift, &id);
	c->thread = id & ((1u << smt_shift) - 1);
	c->core = (id >> smt_shift) & ((1u << (core_shift - smt_shift)) - 1);
	c->package = id >> core_shift;
}
