#include "arch/cpu_features.h"

#include "arch/cpu.h"

#define CPUID7_EBX_SMEP (1u << 7)
#define CPUID7_EBX_SMAP (1u << 20)

int smap_enabled;

void cpu_features_init_cpu(void)
{
	uint32_t features = cpuid(0, 0).eax >= 7 ? cpuid(7, 0).ebx : 0;
	uint64_t cr4 = read_cr4();
	if (features & CPUID7_EBX_SMEP)
		cr4 |= CR4_SMEP;
	if (features & CPUID7_EBX_SMAP) {
		cr4 |= CR4_SMAP;
		smap_enabled = 1;
	}
	write_cr4(cr4);
}
