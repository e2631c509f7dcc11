/*
 * User address spaces.
 *
 * A struct mm is one process's view of memory: a page table whose lower
 * half is private and whose upper half is the kernel's, and a sorted list
 * of regions (struct vma) saying which user addresses are valid and with
 * what permissions. The page table is filled lazily: a region starts with
 * no pages at all, and the first touch of each page faults; mm_fault()
 * then gives it a zeroed page (demand zero). So `mmap` of 1 GiB costs
 * nothing until it is used, and no user ever sees another's old data.
 *
 *   0x00007ffffffff000  USER_TOP   +---------------------------+
 *                                  | stack (8 MiB, grows down) |
 *                                  +---------------------------+
 *                                  | 1 GiB + MMAP_TOP_SKEW gap |
 *                                  +---------------------------+
 *                                  | mmap area, allocated      |
 *                                  | downwards from MMAP_TOP   |
 *                                  |          ...              |
 *                                  | brk heap (grows up)       |
 *                                  | ELF segments (0x400000)   |
 *   0x0000000000010000  USER_MIN   +---------------------------+
 *                                    nothing: NULL faults
 *
 * The threads of a process share one mm (refs counts them). Locking:
 * `lock` (a sleeping mutex: faults and TLB shootdowns may wait) protects
 * the region list, brk and the page table's user half.
 */
#ifndef ASPACE_MM_H
#define ASPACE_MM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aspace/shmem.h"
#include "base/layout.h"
#include "freestanding/list.h"
#include "freestanding/rbtree.h"
#include "mm/vmm.h"
#include "sched/mutex.h"
#include "sync/spinlock.h"

#define USER_STACK_SIZE (8ul << 20)
/*
 * The mmap area starts below the stack, a 1 GiB gap and MMAP_TOP_SKEW.
 *
 * Why the skew: both areas fill downwards, so the hottest pages of each
 * are just below its top -- the stack's (argv, main's frames) and the
 * first mapping's (libc puts the main thread's TLS and stack-protector
 * canary there, then malloc's first block). A TLB picks a page's slot
 * (QEMU's is direct-mapped, a CPU's a set) by the low bits of its page
 * number. 8 MiB + 1 GiB is a multiple of 2048 pages, so without the skew
 * page i below one top evicts page i below the other in every TLB of up
 * to 2048 slots, at each access of a loop that uses both: an uncontended
 * pthread_mutex_lock/unlock took twice as long on the main thread as on
 * any other. With the tops 32 pages apart modulo 64, the top 32 pages of
 * the two areas never share a slot in a TLB of 64 (QEMU's smallest) or
 * any larger power of two slots.
 */
#define MMAP_TOP_SKEW (32 * PAGE_SIZE)
#define MMAP_TOP (USER_TOP - USER_STACK_SIZE - (1ul << 30) - MMAP_TOP_SKEW)

/* Region permissions: the values of PROT_READ, PROT_WRITE, PROT_EXEC. */
#define VMA_READ 0x1
#define VMA_WRITE 0x2
#define VMA_EXEC 0x4
#define VMA_PROT_MASK 0x7
/* MAP_SHARED: the pages belong to the mapping (its struct shmem), not to
 * one process (a futex on them is keyed by physical address). */
#define VMA_SHARED 0x8

struct vma {
	uint64_t start, end; /* page-aligned, end exclusive */
	/* MAP_SHARED: the pages. A private region with a shm is a
	 * MAP_PRIVATE file mapping: each page starts as a copy of shm's. */
	struct shmem *shm;
	uint64_t shm_pgoff; /* page of shm that start maps */
	unsigned prot; /* VMA_READ | VMA_WRITE | VMA_EXEC (or 0), VMA_SHARED */
	const char *what;      /* "[stack]", "[heap]", "anon", the ELF's name */
	struct list_node link; /* in mm->vmas, by address */
	/* In mm->vma_tree, by address (aspace/regions.c): */
	struct rb_node node;
	uint64_t gap;	  /* free bytes between the region below and start */
	uint64_t max_gap; /* the largest gap in this node's subtree */
};

struct mm {
	struct vmm_space space; /* first: vmm_switch takes a struct mm * */
	struct mutex lock;
	struct list vmas;	 /* lock: sorted by start, never overlapping */
	struct rb_tree vma_tree; /* lock: the same regions, for searches */
	uint64_t brk_start, brk; /* lock: the heap is [brk_start, brk) */
	size_t resident;	 /* lock: pages mapped */
	uint64_t mapped;	 /* lock: bytes in regions (/proc vsize) */
	atomic_int refs;	 /* threads (and others) using it */
};

struct mm *mm_create(void);
void mm_get(struct mm *mm);
/* fork: a new mm with the same regions and a private copy of every page
 * (copying, not copy-on-write: simple, and fork+exec of small programs is
 * all Spindle does) -- except MAP_SHARED regions, whose pages the two
 * share. NULL if out of memory. */
struct mm *mm_copy(struct mm *src);
/* Drops a reference; the last one frees every page and the page table. */
void mm_put(struct mm *mm);

/* Loads to's page table on this CPU now (exec); NULL: the kernel's own
 * (exit). The scheduler uses vmm_switch, which lets a kernel thread
 * borrow whatever is loaded. */
static inline void mm_switch(struct mm *to)
{
	if (to)
		vmm_switch(&to->space);
	else
		vmm_switch_kernel();
}

/*
 * The system-call side (all take mm->lock; addresses from user space):
 *   mm_mmap   - anonymous mapping; addr is a hint (MMAP_HINT), or exact:
 *               replacing what was there (MMAP_FIXED) or failing with
 *               -EEXIST if anything is (MMAP_NOREPLACE). Returns the
 *               address or -errno.
 *   mm_unmap  - removes [addr, addr + len); partial regions are split.
 *   mm_protect- changes the permission of every page in the range; the
 *               range must be fully mapped (-ENOMEM otherwise, as Linux).
 *   mm_dontneed - drops the pages; the next touch gets zeroes again.
 *   mm_brk    - moves the heap end; returns the new (or unchanged) end.
 */
enum mmap_placement { MMAP_HINT, MMAP_FIXED, MMAP_NOREPLACE };
long mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot,
	     enum mmap_placement where, const char *what);
/* The same for a file's pages: shm (the mapping takes a reference of its
 * own) from page pgoff on, shared (VMA_SHARED in prot) or private. */
long mm_mmap_shm(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot,
		 enum mmap_placement where, struct shmem *shm, uint64_t pgoff);
int mm_unmap(struct mm *mm, uint64_t addr, uint64_t len);
int mm_protect(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot);
int mm_dontneed(struct mm *mm, uint64_t addr, uint64_t len);
uint64_t mm_brk(struct mm *mm, uint64_t new_end);

/*
 * The page-fault side: va faulted in user space (or in a kernel copy from
 * user space). Returns 0 if the access is allowed by a region and the page
 * is now there, MM_FAULT_NOTHING_TO_DO if it is allowed and the page was
 * there already (so retrying changes nothing but a flushed TLB entry),
 * -EFAULT if the process must get SIGSEGV (or the copy -EFAULT), -ENOMEM
 * if no page could be had. write/exec say what the access was.
 */
#define MM_FAULT_NOTHING_TO_DO 1
int mm_fault(struct mm *mm, uint64_t va, bool write, bool exec);

/* For the ELF loader and exec: copies len bytes to va in mm (which need
 * not be the current one), allocating pages as needed and ignoring the
 * region's permissions. [va, va + len) must be inside regions. */
int mm_write(struct mm *mm, uint64_t va, const void *src, size_t len);

/* The region containing va, or NULL. Caller holds mm->lock. */
struct vma *mm_find(struct mm *mm, uint64_t va);

#endif
