#include "mm/kstack.h"

#include "arch/ipi.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/string.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "sync/spinlock.h"

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static uint64_t slot_used[KSTACK_MAX / 64]; /* kstack_lock */

static uint64_t slot_base(size_t slot)
{
	return KSTACK_REGION_BASE + slot * KSTACK_SLOT_SIZE;
}

/* First fit: the lowest free slot, so live stacks stay packed together and
 * share page tables (tables grown for this region are never freed). */
static long slot_take(void)
{
	spin_lock(&kstack_lock);
	for (size_t s = 0; s < KSTACK_MAX; s++) {
		if (slot_used[s / 64] >> (s % 64) & 1)
			continue;
		slot_used[s / 64] |= 1ul << (s % 64);
		spin_unlock(&kstack_lock);
		return (long)s;
	}
	spin_unlock(&kstack_lock);
	return -1;
}

static void slot_put(size_t s)
{
	spin_lock(&kstack_lock);
	if (!(slot_used[s / 64] >> (s % 64) & 1))
		panic("kstack_free: stack slot %zu is not in use (double "
		      "free?)",
		      s);
	slot_used[s / 64] &= ~(1ul << (s % 64));
	spin_unlock(&kstack_lock);
}

/* Unmaps the stack from every CPU's view before its pages can be reused:
 * another CPU may still hold a TLB entry for it. */
static void unmap_stack(uint64_t top, uint64_t bottom)
{
	uint64_t pages[KSTACK_SIZE / PAGE_SIZE];
	size_t n = 0;
	for (uint64_t va = bottom; va < top; va += PAGE_SIZE) {
		uint64_t pa = vmm_unmap(kernel_pml4, va);
		if (pa)
			pages[n++] = pa;
	}
	tlb_shootdown(bottom, (top - bottom) / PAGE_SIZE);
	for (size_t i = 0; i < n; i++)
		pmm_free(pages[i]);
}

/*
 * Freed stacks stay mapped in a small cache, so creating a thread right
 * after another ended costs no page-table change and no TLB shootdown (a
 * shootdown interrupts every CPU). kstack_cache_drain empties it, for leak
 * checks that count free pages.
 */
#define KSTACK_CACHE_MAX 32
static struct spinlock cache_lock = SPINLOCK_INIT("kstack_cache");
static void *cache[KSTACK_CACHE_MAX]; /* cache_lock: stack tops */
static int cached;		      /* cache_lock */

static void *cache_take(void)
{
	spin_lock(&cache_lock);
	void *top = cached ? cache[--cached] : NULL;
	spin_unlock(&cache_lock);
	return top;
}

static bool cache_put(void *top)
{
	spin_lock(&cache_lock);
	bool kept = cached < KSTACK_CACHE_MAX;
	if (kept)
		cache[cached++] = top;
	spin_unlock(&cache_lock);
	return kept;
}

void *kstack_alloc(void)
{
	void *cached_top = cache_take();
	if (cached_top)
		return cached_top;
	long s = slot_take();
	if (s < 0)
		return NULL;
	uint64_t top = slot_base(s) + KSTACK_SLOT_SIZE;
	uint64_t bottom = top - KSTACK_SIZE;
	for (uint64_t va = bottom; va < top; va += PAGE_SIZE) {
		uint64_t pa = pmm_alloc();
		if (!pa || vmm_map(kernel_pml4, va, pa,
				   PTE_WRITE | PTE_GLOBAL | pte_nx())) {
			if (pa)
				pmm_free(pa);
			unmap_stack(va, bottom);
			slot_put(s);
			return NULL;
		}
		memset((void *)va, 0, PAGE_SIZE);
	}
	return (void *)top;
}

static void release(void *top)
{
	uint64_t t = (uint64_t)top;
	kassert(t > KSTACK_REGION_BASE && t % KSTACK_SLOT_SIZE == 0);
	size_t s = (t - KSTACK_REGION_BASE) / KSTACK_SLOT_SIZE - 1;
	kassert(s < KSTACK_MAX);
	unmap_stack(t, t - KSTACK_SIZE);
	slot_put(s);
}

void kstack_free(void *top)
{
	if (!cache_put(top))
		release(top);
}

void kstack_cache_drain(void)
{
	for (void *top; (top = cache_take());)
		release(top);
}

bool kstack_is_guard(uint64_t va)
{
	if (va < KSTACK_REGION_BASE || va >= slot_base(KSTACK_MAX))
		return false;
	return (va - KSTACK_REGION_BASE) % KSTACK_SLOT_SIZE <
	       KSTACK_SLOT_SIZE - KSTACK_SIZE;
}
