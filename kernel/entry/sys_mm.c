/* Memory calls: mmap, munmap, mprotect, madvise, brk (on mm/mm.c). */
#include "aspace/mm.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "fs/file.h"
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

/* Linux's checks for a file: a descriptor (-EBADF), opened for reading
 * (-EACCES), and for writing too if a shared mapping may write; a file
 * with no pages to map is -ENODEV. */
static long map_file(int fd, uint64_t addr, uint64_t len, unsigned prot,
		     enum mmap_placement where, int64_t offset)
{
	struct file *f = fd_get(current_process()->files, fd);
	if (!f)
		return -EBADF;
	int mode = f->flags & O_ACCMODE;
	long r = mode == O_WRONLY ? -EACCES
		 : (prot & VMA_SHARED) && (prot & VMA_WRITE) && mode != O_RDWR
			 ? -EACCES
		 : !f->ops->pages ? -ENODEV
				  : 0;
	struct shmem *pages = r ? NULL : f->ops->pages(f);
	file_put(f);
	if (r)
		return r;
	r = offset < 0 ? -EINVAL
		       : mm_mmap_shm(current_mm(), addr, len, prot, where,
				     pages, (uint64_t)offset / PAGE_SIZE);
	shm_put(pages);
	return r;
}

/*
 * Anonymous memory, or a file that has pages to map (a tmpfs file). A
 * MAP_SHARED region's pages belong to a struct shmem (aspace/shmem.h):
 * a new one for anonymous memory (shared with forked children), the
 * file's own for a file, so every process mapping it sees the same
 * bytes; futexes on them are keyed by physical page. A MAP_PRIVATE file
 * mapping gets a copy of each page on its first touch.
 */
long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd,
	      int64_t offset)
{
	int type = flags & MAP_TYPE;
	if ((type != MAP_SHARED && type != MAP_PRIVATE) ||
	    (flags & ~MAP_KNOWN) || len == 0 || (prot & ~VMA_PROT_MASK))
		return -EINVAL;
	if (offset % (int64_t)PAGE_SIZE)
		return -EINVAL;
	enum mmap_placement where = flags & MAP_FIXED_NOREPLACE ? MMAP_NOREPLACE
				    : flags & MAP_FIXED		? MMAP_FIXED
								: MMAP_HINT;
	unsigned shared = type == MAP_SHARED ? VMA_SHARED : 0;
	if (flags & MAP_ANONYMOUS)
		return mm_mmap(current_mm(), addr, len, (unsigned)prot | shared,
			       where, "anon");
	return map_file(fd, addr, len, (unsigned)prot | shared, where, offset);
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
