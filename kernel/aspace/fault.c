/*
 * Page faults in user address spaces: a region's page is made on first
 * touch (zeroed, the shared page of a MAP_SHARED region, or a copy of a
 * file's page for a MAP_PRIVATE file mapping), and the
 * kernel writes into another address space (exec's initial stack) the same
 * way.
 */
#include "arch/cpu.h"
#include "aspace/internal.h"
#include "aspace/mm.h"
#include "aspace/shmem.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "mm/pmm.h"
#include "mm/vmm.h"

/* The page at va (in a region), allocating a zeroed one if there is none
 * yet; its physical address, or 0 if out of memory. Caller holds lock. */
static uint64_t page_for(struct mm *mm, struct vma *v, uint64_t va)
{
	uint64_t *pte = vmm_leaf(mm->space.pml4, va, true);
	if (!pte)
		return 0;
	if (*pte)
		return *pte & PTE_ADDR_MASK;
	uint64_t pa = 0;
	size_t index = v->shm_pgoff + (va - v->start) / PAGE_SIZE;
	if (v->shm && (v->prot & VMA_SHARED)) {
		/* the shared page, made on first touch by anyone */
		pa = shm_page(v->shm, index);
	} else if ((pa = pmm_alloc()) != 0) {
		/* A MAP_PRIVATE file page starts as a copy of the file's
		 * (a hole in the file reads as zeroes). */
		uint64_t from = v->shm ? shm_peek(v->shm, index) : 0;
		if (from)
			memcpy(phys_to_virt(pa), phys_to_virt(from), PAGE_SIZE);
		else
			memset(phys_to_virt(pa), 0, PAGE_SIZE);
	}
	if (!pa)
		return 0;
	*pte = pa | pte_flags(v->prot);
	mm->resident++;
	return pa;
}

int mm_fault(struct mm *mm, uint64_t va, bool write, bool exec)
{
	mutex_lock(&mm->lock);
	struct vma *v = mm_find(mm, va);
	int r = -EFAULT;
	if (v && (v->prot & VMA_PROT_MASK) &&
	    (!write || (v->prot & VMA_WRITE)) &&
	    (!exec || (v->prot & VMA_EXEC))) {
		/* Present already: another thread got here first, this CPU's
		 * TLB held an old entry -- or the CPU refuses an access the
		 * page table allows, and retrying would fault for ever. The
		 * caller tells these apart (MM_FAULT_NOTHING_TO_DO). */
		uint64_t *pte = vmm_leaf(mm->space.pml4,
					 ALIGN_DOWN(va, PAGE_SIZE), false);
		bool present = pte && (*pte & PTE_PRESENT);
		r = !page_for(mm, v, ALIGN_DOWN(va, PAGE_SIZE)) ? -ENOMEM
		    : present ? MM_FAULT_NOTHING_TO_DO
			      : 0;
		invlpg(va);
	}
	mutex_unlock(&mm->lock);
	return r;
}

int mm_write(struct mm *mm, uint64_t va, const void *src, size_t len)
{
	const uint8_t *from = src;
	int r = 0;
	mutex_lock(&mm->lock);
	while (len > 0 && r == 0) {
		struct vma *v = mm_find(mm, va);
		uint64_t pa =
			v ? page_for(mm, v, ALIGN_DOWN(va, PAGE_SIZE)) : 0;
		size_t chunk = MIN(len, PAGE_SIZE - va % PAGE_SIZE);
		if (!v)
			r = -EFAULT;
		else if (!pa)
			r = -ENOMEM;
		else
			memcpy(phys_to_virt(pa + va % PAGE_SIZE), from, chunk);
		va += chunk;
		from += chunk;
		len -= chunk;
	}
	mutex_unlock(&mm->lock);
	return r;
}
