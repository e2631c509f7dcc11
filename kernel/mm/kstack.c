#include "mm/kstack.h"

#include "arch/cpu.h"
#include "arch/ipi.h"
#include "arch/percpu.h"
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

#define STACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

/* Unmaps a stack's pages from the kernel page table; returns how many
 * there were, their frames in pages[]. No TLB is flushed yet. */
static size_t unmap_pages(uint64_t top, uint64_t bottom,
			  uint64_t pages[STACK_PAGES])
{
	size_t n = 0;
	for (uint64_t va = bottom; va < top; va += PAGE_SIZE) {
		uint64_t pa = vmm_unmap(kernel_pml4, va);
		if (pa)
			pages[n++] = pa;
	}
	return n;
}

/* Frees the frames of an unmapped range [bottom, top) once no CPU's TLB
 * can still reach them. */
static void flush_and_free(uint64_t top, uint64_t bottom, const uint64_t *pages,
			   size_t n)
{
	tlb_shootdown(bottom, (top - bottom) / PAGE_SIZE);
	for (size_t i = 0; i < n; i++)
		pmm_free(pages[i]);
}

/* Unmaps the stack from every CPU's view before its pages can be reused:
 * another CPU may still hold a TLB entry for it. */
static void unmap_stack(uint64_t top, uint64_t bottom)
{
	uint64_t pages[STACK_PAGES];
	flush_and_free(top, bottom, pages, unmap_pages(top, bottom, pages));
}

/*
 * Stacks freed beyond the cache (below) are unmapped at once but flushed
 * from the TLBs lazily, as Linux's vfree does. A shootdown interrupts
 * every CPU and waits for the slowest -- under QEMU with more vCPUs than
 * host cores, for a vCPU the host has not scheduled -- so a thousand
 * threads ending would cost a thousand of them. Instead an unmapped stack
 * waits here, its slot still taken and its pages not yet free (so nothing
 * can be mapped at that address, and nobody can reuse the pages, while a
 * CPU may still hold an old TLB entry), until STALE_MAX of them wait; then
 * one shootdown flushes them all and they are really freed.
 */
#define STALE_MAX 64

struct stale_stack {
	size_t slot;
	size_t nr_pages;
	uint64_t pages[STACK_PAGES];
};

static struct spinlock stale_lock = SPINLOCK_INIT("kstack_stale");
static struct stale_stack stale[STALE_MAX]; /* stale_lock; the flusher */
static int nr_stale;			    /* stale_lock */
static bool flushing; /* stale_lock: one CPU owns stale[] and flushes */

static long invalidate_stale(void *arg)
{
	(void)arg;
	for (int i = 0; i < nr_stale; i++)
		for (uint64_t p = 0; p < STACK_PAGES; p++)
			invlpg(slot_base(stale[i].slot) + KSTACK_SLOT_SIZE -
			       KSTACK_SIZE + p * PAGE_SIZE);
	return 0;
}

/* Flushes every waiting stack from every TLB and frees it. Contract:
 * interrupts on; the caller set `flushing`, so stale[] holds still. */
static void flush_stale(void)
{
	if (nr_cpus == 1)
		invalidate_stale(NULL);
	else
		smp_call_each(invalidate_stale, NULL, NULL);
	for (int i = 0; i < nr_stale; i++) {
		for (size_t p = 0; p < stale[i].nr_pages; p++)
			pmm_free(stale[i].pages[p]);
		slot_put(stale[i].slot);
	}
	spin_lock(&stale_lock);
	nr_stale = 0;
	flushing = false;
	spin_unlock(&stale_lock);
}

/* Claims stale[] for flushing if it holds anything and nobody else is
 * flushing it; the caller then calls flush_stale. */
static bool claim_stale(bool only_if_full)
{
	spin_lock(&stale_lock);
	bool mine = !flushing && nr_stale > 0 &&
		    (!only_if_full || nr_stale == STALE_MAX);
	if (mine)
		flushing = true;
	spin_unlock(&stale_lock);
	return mine;
}

/* Unmaps slot s's stack and leaves it to wait for the next flush; if the
 * list is being flushed (or is full), flushes this one stack at once. */
static void release_lazily(size_t s)
{
	uint64_t top = slot_base(s) + KSTACK_SLOT_SIZE;
	struct stale_stack st = {.slot = s};
	st.nr_pages = unmap_pages(top, top - KSTACK_SIZE, st.pages);
	spin_lock(&stale_lock);
	bool room = !flushing && nr_stale < STALE_MAX;
	if (room)
		stale[nr_stale++] = st;
	spin_unlock(&stale_lock);
	if (room) {
		if (claim_stale(true))
			flush_stale();
		return;
	}
	flush_and_free(top, top - KSTACK_SIZE, st.pages, st.nr_pages);
	slot_put(s);
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

static size_t slot_of(void *top)
{
	uint64_t t = (uint64_t)top;
	kassert(t > KSTACK_REGION_BASE && t % KSTACK_SLOT_SIZE == 0);
	size_t s = (t - KSTACK_REGION_BASE) / KSTACK_SLOT_SIZE - 1;
	kassert(s < KSTACK_MAX);
	return s;
}

void kstack_free(void *top)
{
	if (!cache_put(top))
		release_lazily(slot_of(top));
}

void kstack_cache_drain(void)
{
	for (void *top; (top = cache_take());)
		release_lazily(slot_of(top));
	if (claim_stale(false))
		flush_stale();
}

bool kstack_is_guard(uint64_t va)
{
	if (va < KSTACK_REGION_BASE || va >= slot_base(KSTACK_MAX))
		return false;
	return (va - KSTACK_REGION_BASE) % KSTACK_SLOT_SIZE <
	       KSTACK_SLOT_SIZE - KSTACK_SIZE;
}
