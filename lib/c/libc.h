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

int fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
int waitpid(int pid, int *status, int options);
int kill(int pid, int sig);
int getppid(void);
int sched_yield(void);
long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *t,
	   uint32_t *uaddr2, uint32_t val3);
/* clone(2) the raw way: the child runs fn(arg) on `stack` (its top) and
 * exits with its return value. Returns the child's tid or -errno. */
long raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid,
	       unsigned long tls, int (*fn)(void *), void *arg);
/* Free memory in bytes (sysinfo's freeram * mem_unit). */
long free_memory(void);

#define WNOHANG 1
#define WIFEXITED(s) (((s)&0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s)&0x7f) != 0 && ((s)&0x7f) != 0x7f)
#define WTERMSIG(s) ((s)&0x7f)
#define SIGKILL 9
#define SIGSEGV 11
#define SIGTERM 15
#define SIGCHLD 17

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
