/*
 * Raw system calls, Linux x86-64 convention:
 *
 *   number    rax          the result, or -errno (-4095 .. -1), in rax
 *   args 1-6  rdi rsi rdx r10 r8 r9
 *   clobbered rcx (the return rip) and r11 (the saved rflags)
 *
 * r10 stands in for rcx, the C convention's 4th argument register,
 * because `syscall` overwrites rcx. The same code runs on Linux and on
 * Spindle. These return -errno; the POSIX wrappers pass the result
 * through __syscall_ret, which sets errno and returns -1.
 */
#ifndef LIBC_SYSCALL_H
#define LIBC_SYSCALL_H

#include <sys/syscall.h>

static inline long syscall6(long n, long a1, long a2, long a3, long a4, long a5,
			    long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Fewer arguments: the unused registers are passed as 0, which no call
 * reads. */
static inline long syscall0(long n)
{
	return syscall6(n, 0, 0, 0, 0, 0, 0);
}

static inline long syscall1(long n, long a1)
{
	return syscall6(n, a1, 0, 0, 0, 0, 0);
}

static inline long syscall2(long n, long a1, long a2)
{
	return syscall6(n, a1, a2, 0, 0, 0, 0);
}

static inline long syscall3(long n, long a1, long a2, long a3)
{
	return syscall6(n, a1, a2, a3, 0, 0, 0);
}

static inline long syscall4(long n, long a1, long a2, long a3, long a4)
{
	return syscall6(n, a1, a2, a3, a4, 0, 0);
}

static inline long syscall5(long n, long a1, long a2, long a3, long a4, long a5)
{
	return syscall6(n, a1, a2, a3, a4, a5, 0);
}

/* r if it is not an error; else errno = -r and -1 (lib/c/errno.c). */
long __syscall_ret(long r);

/* syscall6 as a cancellation point (lib/pthread/cancel.c): a pending
 * pthread_cancel request ends the thread before the call or while it
 * blocks, never after it has returned. read, write, wait4, nanosleep,
 * pause, rt_sigsuspend and rt_sigtimedwait go through it. */
long syscall_cp(long n, long a1, long a2, long a3, long a4, long a5, long a6);

/* The signal that carries pthread_cancel's requests, as in musl: kept
 * from programs (sigaction refuses it, sigfillset leaves it out). */
#define SIGCANCEL 33

/* sigaction without that refusal, for lib/pthread (lib/c/signal.c). */
struct sigaction;
int sigaction_any(int sig, const struct sigaction *act, struct sigaction *old);

#endif
