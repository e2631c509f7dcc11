/*
 * Signals and threads: pthread_kill sends to one thread (tgkill on its
 * tid), pthread_sigmask is the calling thread's rt_sigprocmask. Both
 * return an error number instead of setting errno, as POSIX says.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "c/syscall.h"
#include "internal.h"

int pthread_kill(pthread_t t, int sig)
{
	/* A thread that has ended has tid 0: the kernel cleared it. */
	int tid = __atomic_load_n(&t->tid, __ATOMIC_ACQUIRE);
	if (!tid)
		return ESRCH;
	long r = syscall3(SYS_tgkill, syscall0(SYS_getpid), tid, sig);
	return r < 0 ? (int)-r : 0;
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	int saved = errno;
	int r = sigprocmask(how, set, old) < 0 ? errno : 0;
	errno = saved;
	return r;
}
