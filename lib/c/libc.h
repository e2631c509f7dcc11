/*
 * The first slice of Spindle's libc: enough for test programs. POSIX names
 * and semantics: -1 and errno on failure.
 */
#ifndef LIBC_LIBC_H
#define LIBC_LIBC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "freestanding/errno.h"
#include "freestanding/string.h"

extern int errno;

long write(int fd, const void *buf, size_t n);
int getpid(void);
int gettid(void);
void *sbrk_top(void); /* brk(0): the current end of the heap */
void *brk_to(void *end);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

struct timespec {
	long tv_sec, tv_nsec;
};
int clock_gettime(int clock, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);

_Noreturn void exit(int code);
_Noreturn void _exit(int code);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
void fflush_stdout(void);

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

#endif
