/*
 * Device registers must not be cached: a read has to reach the device every
 * time. The direct map uses write-back caching (and may not cover device
 * addresses at all), so devices get their own uncached mappings, handed out
 * upwards from MMIO_REGION_BASE.
 */
#include "mm/ioremap.h"

#include "base/kernel.h"
#include "base/layout.h"
#include "mm/vmm.h"
#include "sync/spinlock.h"

static struct spinlock ioremap_lock = SPINLOCK_INIT("ioremap");
static uint64_t next_va = MMIO_REGION_BASE; /* ioremap_lock */

volatile void *ioremap(uint64_t phys, size_t size)
{
	uint64_t first = ALIGN_DOWN(phys, PAGE_SIZE);
	uint64_t pages = (ALIGN_UP(phys + size, PAGE_SIZE) - first) / PAGE_SIZE;
	spin_lock(&ioremap_lock);
	uint64_t va = next_va;
	next_va += pages * PAGE_SIZE;
	spin_unlock(&ioremap_lock);
	for (uint64_t i = 0; i < pages; i++)
		if (vmm_map(kernel_pml4, va + i * PAGE_SIZE,
			    first + i * PAGE_SIZE,
			    PTE_WRITE | PTE_PCD | PTE_PWT | PTE_GLOBAL |
				    pte_nx()))
			panic("ioremap: cannot map 0x%lx", phys);
	return (volatile void *)(va + (phys - first));
}
