/*
 * User address spaces: regions, demand-zero faults, mmap/munmap/mprotect,
 * brk. See mm.h for the picture.
 *
 * A user page-table entry is in one of three states:
 *   0                          nothing there yet (demand zero on a touch)
 *   pa | PRESENT | USER | ...  a page, with the region's permissions
 *   pa | PTE_SOFT_PROTNONE     a page kept while its region is PROT_NONE;
 *                              not present, so every access faults (the
 *                              kernel's user copies included)
 * A private region's pages are the mm's own: unmapping frees them (a
 * MAP_PRIVATE file mapping's too: they are copies). A MAP_SHARED region's
 * pages belong to its struct shmem: unmapping only clears the entries,
 * and the last reference to the shmem frees it. Their entries also carry
 * PTE_SOFT_SHARED, in either state, so that the futex code can tell a
 * shared page from a private one by walking the page table without
 * mm->lock (page tables are freed only with the whole address space;
 * futex.c's get_key says why it matters).
 */
#include "aspace/mm.h"
#include "arch/cpu.h"
#include "arch/ipi.h"
#include "arch/percpu.h"
#include "aspace/internal.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/vmm.h"

uint64_t pte_flags(unsigned prot)
{
	uint64_t f = prot & VMA_SHARED ? PTE_SOFT_SHARED : 0;
	prot &= VMA_PROT_MASK;
	if (!prot)
		return f | PTE_SOFT_PROTNONE;
	f |= PTE_PRESENT | PTE_USER;
	if (prot & VMA_WRITE)
		f |= PTE_WRITE;
	if (!(prot & VMA_EXEC))
		f |= pte_nx();
	return f;
}

_Static_assert(offsetof(struct mm, space) == 0,
	       "vmm_switch takes a struct mm * as its struct vmm_space *");

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	mm->space.pml4 = vmm_create_address_space();
	if (!mm->space.pml4) {
		kfree(mm);
		return NULL;
	}
	mutex_init(&mm->lock, "mm");
	list_init(&mm->vmas);
	atomic_init(&mm->refs, 1);
	return mm;
}

void mm_get(struct mm *mm)
{
	atomic_fetch_add(&mm->refs, 1);
}

/*
 * Clearing entries gathers the private pages they held and frees them only
 * after every CPU that runs this address space has flushed its TLB (Linux's
 * mmu_gather). Freed first, a page could be handed out again while a thread
 * on another CPU still reads or writes it through an old TLB entry: one
 * process's data in another's page. A long range is flushed and freed a
 * batch at a time.
 */
#define ZAP_BATCH 64

struct zap {
	struct mm *mm;
	uint64_t start, end; /* the range a flush covers */
	bool free;	     /* this region's pages go back to the allocator */
	size_t cleared;	     /* entries cleared since the last flush */
	size_t nr_pages;
	uint64_t pages[ZAP_BATCH];
};

/* Flushes [start, end) from every CPU that has mm loaded. Caller holds
 * mm->lock and has just changed entries in that range. */
static void flush_tlbs(struct mm *mm, uint64_t start, uint64_t end)
{
	/* The entries were changed with plain stores, and a CPU that loads
	 * mm sets its bit with a locked instruction before CR3: without a
	 * full fence our load of `cpus` could pass our stores (x86 keeps
	 * stores in a buffer), miss that CPU, and leave it walking the old
	 * entries. */
	atomic_thread_fence(memory_order_seq_cst);
	uint64_t cpus = atomic_load(&mm->space.cpus);
	if (cpus)
		tlb_shootdown_cpus(cpus, start, (end - start) / PAGE_SIZE);
}

static void zap_flush(struct zap *z)
{
	if (z->cleared)
		flush_tlbs(z->mm, z->start, z->end);
	for (size_t i = 0; i < z->nr_pages; i++)
		pmm_free(z->pages[i]);
	z->cleared = z->nr_pages = 0;
}

static void zap_leaf(uint64_t va, uint64_t *pte, void *arg)
{
	(void)va;
	struct zap *z = arg;
	uint64_t pa = *pte & PTE_ADDR_MASK;
	*pte = 0;
	z->mm->resident--;
	z->cleared++;
	if (z->free) {
		z->pages[z->nr_pages++] = pa;
		if (z->nr_pages == ZAP_BATCH)
			zap_flush(z);
	}
}

/* Clears the entries of [z->start, z->end) inside region v. Lock held. */
static void zap_range(struct zap *z, struct vma *v)
{
	z->free = !(v->prot & VMA_SHARED);
	vmm_for_each_leaf(z->mm->space.pml4, MAX(z->start, v->start),
			  MIN(z->end, v->end), zap_leaf, z);
}

/* Drops the pages of [start, end) and flushes them from every CPU that
 * runs this address space. Caller holds mm->lock. */
static void drop_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	struct zap z = {.mm = mm, .start = start, .end = end};
	for (struct vma *v = vma_first_ending_after(mm, start);
	     v && v->start < end; v = vma_next(mm, v))
		zap_range(&z, v);
	zap_flush(&z);
}

static void vma_free(struct vma *v)
{
	shm_put(v->shm);
	kfree(v);
}

void mm_put(struct mm *mm)
{
	if (atomic_fetch_sub(&mm->refs, 1) != 1)
		return;
	vmm_release(&mm->space); /* CPUs that idle in it */
	while (!list_empty(&mm->vmas)) {
		struct vma *v =
			list_entry(list_pop_front(&mm->vmas), struct vma, link);
		struct zap z = {.mm = mm, .start = v->start, .end = v->end};
		zap_range(&z, v);
		zap_flush(&z); /* no CPU has mm loaded: it only frees */
		vma_free(v);
	}
	vmm_destroy_address_space(mm->space.pml4);
	kfree(mm);
}

/* Makes sure no region straddles addr: splits the one that does. */
static int split_at(struct mm *mm, uint64_t addr)
{
	struct vma *v = mm_find(mm, addr);
	if (!v || v->start == addr)
		return 0;
	struct vma *tail = kmalloc(sizeof(*tail));
	if (!tail)
		return -ENOMEM;
	*tail = *v;
	tail->start = addr;
	if (v->shm) {
		shm_get(v->shm);
		tail->shm_pgoff += (addr - v->start) / PAGE_SIZE;
	}
	v->end = addr;
	vma_link(mm, tail);
	return 0;
}

/* Inserts [start, end) (free) in order, merging a private anonymous
 * region with an equal neighbour below it (a growing heap stays one
 * region); returns it, or NULL if out of memory. A region with a shm is
 * never merged into: only a file's own regions are named "file". */
static struct vma *insert_region(struct mm *mm, uint64_t start, uint64_t end,
				 unsigned prot, const char *what)
{
	mm->mapped += end - start;
	struct vma *below = start ? mm_find(mm, start - 1) : NULL;
	if (below && below->end == start && below->prot == prot &&
	    below->what == what && !below->shm && !(prot & VMA_SHARED)) {
		below->end = end;
		vma_end_changed(mm, below);
		return below;
	}
	struct vma *v = kmalloc(sizeof(*v));
	if (!v) {
		mm->mapped -= end - start;
		return NULL;
	}
	*v = (struct vma){
		.start = start, .end = end, .prot = prot, .what = what};
	vma_link(mm, v);
	return v;
}

static bool range_is_free(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v = vma_first_ending_after(mm, start);
	return !v || v->start >= end;
}

/* The highest free gap of len bytes between the heap and MMAP_TOP, or 0.
 * (vma_find_gap checks every subtraction first: a len near the size of
 * user space would otherwise wrap below 0 into the kernel half.) */
static uint64_t find_gap(struct mm *mm, uint64_t len)
{
	uint64_t floor = MAX(USER_MIN, ALIGN_UP(mm->brk, PAGE_SIZE));
	return vma_find_gap(mm, len, floor, MMAP_TOP);
}

static bool user_range(uint64_t addr, uint64_t len)
{
	return addr >= USER_MIN && len <= USER_TOP && addr <= USER_TOP - len;
}

static int unmap_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	int err = split_at(mm, start);
	if (!err)
		err = split_at(mm, end);
	if (err)
		return err;
	drop_pages(mm, start, end);
	/* After the splits, every region that starts below end lies whole
	 * inside [start, end). */
	for (struct vma *v = vma_first_ending_after(mm, start), *next;
	     v && v->start < end; v = next) {
		next = vma_next(mm, v);
		mm->mapped -= v->end - v->start;
		vma_unlink(mm, v);
		vma_free(v);
	}
	return 0;
}

/* mmap's placement, and the region: a new shmem for an anonymous
 * MAP_SHARED one (shm NULL), else shm if given. */
static long map_region(struct mm *mm, uint64_t addr, uint64_t len,
		       unsigned prot, enum mmap_placement where,
		       const char *what, struct shmem *shm, uint64_t pgoff)
{
	if (len == 0 || (prot & ~(VMA_PROT_MASK | VMA_SHARED)) ||
	    addr % PAGE_SIZE)
		return -EINVAL;
	if (len > USER_TOP)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	long r;
	if (where != MMAP_HINT && addr < USER_MIN) {
		r = -EINVAL;
	} else if (where != MMAP_HINT && !user_range(addr, len)) {
		r = -ENOMEM; /* past the top of user space, as Linux */
	} else if (where == MMAP_FIXED) {
		r = unmap_locked(mm, addr, addr + len);
	} else if (where == MMAP_NOREPLACE) {
		r = range_is_free(mm, addr, addr + len) ? 0 : -EEXIST;
	} else {
		if (!addr || !user_range(addr, len) ||
		    !range_is_free(mm, addr, addr + len))
			addr = find_gap(mm, len);
		r = addr ? 0 : -ENOMEM;
	}
	if (r == 0 && shm) {
		shm_get(shm);
	} else if (r == 0 && (prot & VMA_SHARED)) {
		shm = shm_create(len / PAGE_SIZE, NULL);
		r = shm ? 0 : -ENOMEM;
	}
	if (r == 0) {
		struct vma *v = insert_region(mm, addr, addr + len, prot, what);
		if (v)
			v->shm = shm, v->shm_pgoff = pgoff;
		else
			r = -ENOMEM, shm_put(shm);
	}
	mutex_unlock(&mm->lock);
	return r < 0 ? r : (long)addr;
}

long mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot,
	     enum mmap_placement where, const char *what)
{
	return map_region(mm, addr, len, prot, where, what, NULL, 0);
}

long mm_mmap_shm(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot,
		 enum mmap_placement where, struct shmem *shm, uint64_t pgoff)
{
	return map_region(mm, addr, len, prot, where, "file", shm, pgoff);
}

int mm_unmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	/* Below USER_MIN nothing is ever mapped: unmapping it is allowed
	 * (and does nothing), as on Linux. */
	if (addr % PAGE_SIZE || len == 0 || addr > USER_TOP ||
	    len > USER_TOP - addr)
		return -EINVAL;
	mutex_lock(&mm->lock);
	int r = unmap_locked(mm, addr, addr + ALIGN_UP(len, PAGE_SIZE));
	mutex_unlock(&mm->lock);
	return r;
}

/* Is [start, end) covered by regions with no gap? */
static bool fully_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	uint64_t at = start;
	for (struct vma *v = vma_first_ending_after(mm, start); v;
	     v = vma_next(mm, v)) {
		if (v->start > at)
			return false;
		at = v->end;
		if (at >= end)
			return true;
	}
	return false;
}

struct reprotect {
	struct mm *mm;
	uint64_t flags;
};

static void reprotect_leaf(uint64_t va, uint64_t *pte, void *arg)
{
	(void)va;
	struct reprotect *r = arg;
	*pte = (*pte & (PTE_ADDR_MASK | PTE_SOFT_SHARED)) | r->flags;
}

int mm_protect(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot)
{
	if (addr % PAGE_SIZE || (prot & ~VMA_PROT_MASK))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!user_range(addr, len))
		return -ENOMEM;
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	int r = fully_mapped(mm, addr, end) ? 0 : -ENOMEM;
	if (!r)
		r = split_at(mm, addr);
	if (!r)
		r = split_at(mm, end);
	if (!r) {
		for (struct vma *v = vma_first_ending_after(mm, addr);
		     v && v->start < end; v = vma_next(mm, v))
			v->prot = (v->prot & VMA_SHARED) | prot;
		struct reprotect rp = {mm, pte_flags(prot)};
		vmm_for_each_leaf(mm->space.pml4, addr, end, reprotect_leaf,
				  &rp);
		flush_tlbs(mm, addr, end);
	}
	mutex_unlock(&mm->lock);
	return r;
}

int mm_dontneed(struct mm *mm, uint64_t addr, uint64_t len)
{
	if (addr % PAGE_SIZE || !user_range(addr, len))
		return -EINVAL;
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	int r = fully_mapped(mm, addr, end) ? 0 : -ENOMEM;
	if (!r)
		drop_pages(mm, addr, end);
	mutex_unlock(&mm->lock);
	return r;
}

uint64_t mm_brk(struct mm *mm, uint64_t new_end)
{
	mutex_lock(&mm->lock);
	uint64_t old_top = ALIGN_UP(mm->brk, PAGE_SIZE);
	uint64_t new_top = ALIGN_UP(new_end, PAGE_SIZE);
	if (new_end < mm->brk_start || new_end > MMAP_TOP) {
		/* Out of range: unchanged, as Linux (the caller sees the
		 * old end and knows it failed). */
	} else if (new_top > old_top) {
		if (range_is_free(mm, old_top, new_top) &&
		    insert_region(mm, old_top, new_top, VMA_READ | VMA_WRITE,
				  "[heap]"))
			mm->brk = new_end;
	} else {
		if (new_top < old_top)
			unmap_locked(mm, new_top, old_top);
		mm->brk = new_end;
	}
	uint64_t r = mm->brk;
	mutex_unlock(&mm->lock);
	return r;
}

struct copy_ctx {
	struct mm *dst;
	int err;
};

static void copy_leaf(uint64_t va, uint64_t *pte, void *arg)
{
	struct copy_ctx *c = arg;
	uint64_t *to = c->err ? NULL : vmm_leaf(c->dst->space.pml4, va, true);
	uint64_t pa = to ? pmm_alloc() : 0;
	if (!pa) {
		c->err = -ENOMEM;
		return;
	}
	memcpy(phys_to_virt(pa), phys_to_virt(*pte & PTE_ADDR_MASK), PAGE_SIZE);
	*to = pa | (*pte & ~PTE_ADDR_MASK);
	c->dst->resident++;
}

struct mm *mm_copy(struct mm *src)
{
	struct mm *dst = mm_create();
	if (!dst)
		return NULL;
	struct copy_ctx c = {dst, 0};
	mutex_lock(&src->lock);
	list_for_each(node, &src->vmas) {
		struct vma *v = list_entry(node, struct vma, link);
		struct vma *copy = c.err ? NULL
					 : insert_region(dst, v->start, v->end,
							 v->prot, v->what);
		if (!copy) {
			c.err = -ENOMEM;
		} else {
			/* A MAP_SHARED region's pages are the same in the
			 * child; a private region's are copied. */
			copy->shm = v->shm;
			copy->shm_pgoff = v->shm_pgoff;
			if (v->shm)
				shm_get(v->shm);
			if (!(v->prot & VMA_SHARED))
				vmm_for_each_leaf(src->space.pml4, v->start,
						  v->end, copy_leaf, &c);
		}
	}
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	mutex_unlock(&src->lock);
	if (c.err) {
		mm_put(dst);
		return NULL;
	}
	return dst;
}
