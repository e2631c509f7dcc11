/* Memory calls: mmap, munmap, mprotect, madvise, brk (on mm/mm.c). */
#include "aspace/mm.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_FIXED_NOREPLACE 0x100000
/* Flags accepted and either honoured or harmless to ignore (demand paging
 * reserves nothing; POPULATE and LOCKED are hints). */
#define MAP_KNOWN                                                              \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN |                \
	 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE |         \
	 MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_FIXED_NOREPLACE)

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8

static struct mm *current_mm(void)
{
	return current()->mm;
}

/*
 * Anonymous memory only: there are no mappable files yet (fd must be -1
 * or is ignored, as Linux ignores it with MAP_ANONYMOUS). MAP_SHARED
 * regions are marked shared (futexes on them are keyed by physical page)
 * but fork still copies them: sharing pages with a child is to come.
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
