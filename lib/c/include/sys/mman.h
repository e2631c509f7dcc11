/* Mapping memory. Flag values are Linux x86-64's. */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <stddef.h>
#include <sys/types.h>

#include "freestanding/linux_abi.h" /* PROT_*, MAP_*, MADV_* */

#define MAP_FAILED ((void *)-1)

/* Returns the mapping, or MAP_FAILED and errno. */
void *mmap(void *addr, size_t length, int prot, int flags, int fd,
	   off_t offset);
int munmap(void *addr, size_t length);
int mprotect(void *addr, size_t length, int prot);
int madvise(void *addr, size_t length, int advice);

/* POSIX shared memory: files in /dev/shm (a tmpfs), as musl and glibc
 * keep them; name is "/NAME" (one leading slash, no other). */
int shm_open(const char *name, int flags, mode_t mode);
int shm_unlink(const char *name);

#endif
