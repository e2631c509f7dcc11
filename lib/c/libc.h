/*
 * The short way in for Spindle's own programs: every header lib/c has,
 * plus the calls without a POSIX wrapper that the kernel's tests use.
 * Ordinary programs include the standard headers they need instead.
 */
#ifndef LIBC_LIBC_H
#define LIBC_LIBC_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* futex(2), Linux's arguments: -1 and errno on failure (futex.c). */
long futex(uint32_t *uaddr, int op, uint32_t val,
	   const struct timespec *timeout, uint32_t *uaddr2, uint32_t val3);

/* clone(2) the raw way: the child runs fn(arg) on `stack` (its top) and
 * exits with its return value. Returns the child's tid or -errno, leaving
 * errno alone (clone.S). */
long raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid,
	       unsigned long tls, int (*fn)(void *), void *arg);

/* Free memory in bytes (sysinfo's freeram * mem_unit), -1 on error. */
long free_memory(void);

#endif
