/*
 * errno, defined once. The kernel returns -errno in rax; every wrapper
 * hands its raw result to __syscall_ret, so this is the one place that
 * turns it into POSIX's -1-and-errno. Each thread has its own errno (a
 * __thread variable: lib/pthread/tls.c gives every thread a copy).
 */
#include <errno.h>

#include "c/syscall.h"

__thread int errno;

/* Linux keeps -4095 .. -1 for errors: larger "negative" values are valid
 * results, such as addresses from mmap in the upper half of a 64-bit
 * space. */
#define MAX_ERRNO 4095

long __syscall_ret(long r)
{
	if (r < 0 && r >= -MAX_ERRNO) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
