/*
 * The short way in for Spindle's own programs: every header lib/c has,
 * plus the calls without a POSIX wrapper that the kernel's tests use.
 * Ordinary programs include the standard headers they need instead.
 */
#ifndef LIBC_LIBC_H
#define LIBC_LIBC_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* The file in /dev/shm for a shm_open or sem_open name ("/NAME": one
 * leading slash, no other), prefixed: "/dev/shm/" prefix NAME, in buf
 * (SHM_PATH_MAX bytes). NULL and errno EINVAL or ENAMETOOLONG if the name
 * is not one (shm.c). */
#define SHM_PATH_MAX (NAME_MAX + 16)
char *shm_path(const char *name, const char *prefix, char *buf);

/* Free memory in bytes (sysinfo's freeram * mem_unit), -1 on error. */
long free_memory(void);

#endif
