/* Memory calls: mmap, munmap, mprotect, madvise, brk (on mm/mm.c). */
#include "aspace/mm.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "proc/proc.h"
#include "sched/sched.h"

/* Flags accepted and either honoured or harmless to ignore (demand paging
 * reserves nothing; POPULATE and LOCKED are hints). */
#define MAP_KNOWN                                                              \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN |                \
	 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE |         \
	 MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_FIXED_NOREPLACE)

static struct mm *current_mm(void)
{
	return current()->mm;
}

/*
 * Anonymous memory only: there are no mappable files yet (fd must be -1
 * or is ignored, as Linux ignores it with MAP_ANONYMOUS). A MAP_SHARED
 * region's pages belong to the mapping (mm.h's struct shmem): made on
 * first touch, shared with forked children, futexes on them keyed by
 * physical page.
 */
long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd,
	      int64_t offset)
{
	(void)fd;
	int type = flags & MAP_TYPE;
	if ((type != MAP_SHARED && type != MAP_PRIVATE) ||
	    (flags & ~MAP_KNOWN) || len == 0 || (prot & ~VMA_PROT_MASK))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV; /* no file supports mmap yet */
	if (offset % (int64_t)PAGE_SIZE)
		return -EINVAL;
	enum mmap_placement where = flags & MAP_FIXED_NOREPLACE ? MMAP_NOREPLACE
				    : flags & MAP_FIXED		? MMAP_FIXED
								: MMAP_HINT;
	unsigned shared = type == MAP_SHARED ? VMA_SHARED : 0;
	return mm_mmap(current_mm(), addr, len, (unsigned)prot | shared, where,
		       "anon");
}

long sys_munmap(uint64_t addr, uint64_t len)
{
	return mm_unmap(current_mm(), addr, len);
}

long sys_mprotect(uint64_t addr, uint64_t len, int prot)
{
	return mm_protect(current_mm(), addr, len, (unsigned)prot);
}

long sys_madvise(uint64_t addr, uint64_t len, int advice)
{
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_FREE: /* "may free": freeing at once is allowed */
		return mm_dontneed(current_mm(), addr, len);
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
		return addr % PAGE_SIZE ? -EINVAL : 0; /* hints */
	default:
		return -EINVAL;
	}
}

long sys_brk(uint64_t addr)
{
	return (long)mm_brk(current_mm(), addr);
}
