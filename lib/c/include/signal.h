/* Signals: numbers (Linux x86-64), sending them, handlers, masks, the
 * alternate stack. The types are laid out as musl's and glibc's are. */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "freestanding/linux_abi.h" /* SIG*, SA_*, SI_*, SS_* */

typedef void (*sighandler_t)(int);
#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN ((sighandler_t)1)
#define SIG_ERR ((sighandler_t)-1)

/* 1024 bits, as in musl and glibc; the kernel reads the first 64. */
typedef struct {
	unsigned long bits[128 / sizeof(long)];
} sigset_t;

union sigval {
	int sival_int;
	void *sival_ptr;
};

typedef struct {
	int si_signo, si_errno, si_code;
	union {
		char pad[128 - 2 * sizeof(int) - sizeof(long)];
		struct {
			pid_t si_pid;
			uid_t si_uid;
			union sigval si_value;
		} kill;
		struct {
			void *si_addr;
		} fault;
	} fields;
} siginfo_t;
#define si_pid fields.kill.si_pid
#define si_uid fields.kill.si_uid
#define si_value fields.kill.si_value
#define si_addr fields.fault.si_addr

struct sigaction {
	union {
		void (*sa_handler)(int);
		void (*sa_sigaction)(int, siginfo_t *, void *);
	} sa_u;
	sigset_t sa_mask;
	int sa_flags;
	void (*sa_restorer)(void);
};
#define sa_handler sa_u.sa_handler
#define sa_sigaction sa_u.sa_sigaction

typedef struct {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} stack_t;

/* SIG_DFL or SIG_IGN or a function for sig, with SA_RESTART; returns the
 * previous one, or SIG_ERR. */
sighandler_t signal(int sig, sighandler_t handler);
int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
int sigpending(sigset_t *set);
int sigsuspend(const sigset_t *mask);
int sigwait(const sigset_t *set, int *sig);
int sigwaitinfo(const sigset_t *set, siginfo_t *info);
int sigtimedwait(const sigset_t *set, siginfo_t *info,
		 const struct timespec *timeout);
int sigaltstack(const stack_t *ss, stack_t *old);

int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);

/* The calling thread's mask, and a signal to one thread
 * (lib/pthread/signal.c): 0 or an error number. */
typedef struct pthread *pthread_t;
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old);
int pthread_kill(pthread_t thread, int sig);

int kill(pid_t pid, int sig);
/* Sends sig to the calling thread. */
int raise(int sig);

#endif
