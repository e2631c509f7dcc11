/*
 * Copying to and from user space. A user pointer is never dereferenced
 * directly: it may be NULL, point into the kernel, at an unmapped page or
 * a read-only one. These functions check the range is user space, let the
 * page-fault handler bring in demand-zero pages, and turn any other fault
 * into -EFAULT. So a bad pointer from a buggy program is an error code,
 * never a kernel crash.
 *
 * Contract: callable only from a task (they may sleep in a page fault),
 * never with a spinlock held.
 */
#ifndef ARCH_UACCESS_H
#define ARCH_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0, or -EFAULT if any byte of the user range is not accessible. */
int copy_from_user(void *dst, uint64_t user_src, size_t n);
int copy_to_user(uint64_t user_dst, const void *src, size_t n);
int clear_user(uint64_t user_dst, size_t n);
/* Copies as much of n bytes as it can, page by page, and returns how many
 * it copied: short when the range runs into a page the program cannot
 * write (a read(2) into a buffer that straddles the end of a mapping
 * returns the bytes before it, as on Linux). */
size_t copy_to_user_partial(uint64_t user_dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max - 1 characters into dst
 * (max bytes); returns its length, -ENAMETOOLONG if longer, -EFAULT. */
long strncpy_from_user(char *dst, uint64_t user_src, size_t max);
/* Is [addr, addr + n) entirely in the user half? */
bool user_range_ok(uint64_t addr, size_t n);

#endif
