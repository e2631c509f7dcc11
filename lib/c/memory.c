/* Memory from the kernel: the heap's end (brk) and mappings (mmap). */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "c/syscall.h"

/* Where the kernel last said the heap ends; NULL until first asked. */
static char *heap_end;

/* The raw brk call never fails: it returns the new end, or the old one
 * when it refuses. */
int brk(void *end)
{
	heap_end = (char *)syscall1(SYS_brk, (long)end);
	if (heap_end != end) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void *sbrk(intptr_t increment)
{
	if (!heap_end)
		heap_end = (char *)syscall1(SYS_brk, 0);
	char *old_end = heap_end;
	if (increment != 0 && brk(old_end + increment) < 0)
		return (void *)-1;
	return old_end;
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	return (void *)__syscall_ret(syscall6(
		SYS_mmap, (long)addr, (long)length, prot, flags, fd, offset));
}

int munmap(void *addr, size_t length)
{
	return (int)__syscall_ret(
		syscall2(SYS_munmap, (long)addr, (long)length));
}

int mprotect(void *addr, size_t length, int prot)
{
	return (int)__syscall_ret(
		syscall3(SYS_mprotect, (long)addr, (long)length, prot));
}

int madvise(void *addr, size_t length, int advice)
{
	return (int)__syscall_ret(
		syscall3(SYS_madvise, (long)addr, (long)length, advice));
}
