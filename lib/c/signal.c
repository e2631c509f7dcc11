/*
 * Signal handlers and masks over rt_sigaction, rt_sigprocmask and
 * friends. The kernel (Linux's or Spindle's) returns from a handler
 * through sa_restorer, which must call rt_sigreturn with the stack as the
 * handler's `ret` left it: __restore_rt below, set on every sigaction as
 * musl and glibc do.
 */
#include <errno.h>
#include <signal.h>

#include "c/syscall.h"

#define KERNEL_SIGSET_SIZE 8

/* struct k_sigaction, as the x86-64 kernel reads it. */
struct k_sigaction {
	unsigned long handler, flags, restorer, mask;
};

void __restore_rt(void);
__asm__(".text\n"
	".global __restore_rt\n"
	".type __restore_rt, @function\n"
	"__restore_rt:\n"
	"	mov $15, %rax\n" /* SYS_rt_sigreturn */
	"	syscall\n"
	".size __restore_rt, .-__restore_rt\n");

int sigaction_any(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct k_sigaction kact, kold;
	if (act) {
		kact = (struct k_sigaction){
			.handler = (unsigned long)act->sa_handler,
			.flags = (unsigned long)(unsigned)act->sa_flags |
				 SA_RESTORER,
			.restorer = (unsigned long)__restore_rt,
			.mask = act->sa_mask.bits[0],
		};
	}
	long r = syscall4(SYS_rt_sigaction, sig, act ? (long)&kact : 0,
			  old ? (long)&kold : 0, KERNEL_SIGSET_SIZE);
	if (r < 0)
		return (int)__syscall_ret(r);
	if (old) {
		*old = (struct sigaction){0};
		old->sa_handler = (void (*)(int))kold.handler;
		old->sa_flags = (int)kold.flags;
		old->sa_restorer = (void (*)(void))kold.restorer;
		old->sa_mask.bits[0] = kold.mask;
	}
	return 0;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (sig == SIGCANCEL) {
		errno = EINVAL;
		return -1;
	}
	return sigaction_any(sig, act, old);
}

sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction act = {.sa_flags = SA_RESTART}, old = {0};
	act.sa_handler = handler;
	return sigaction(sig, &act, &old) < 0 ? SIG_ERR : old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	if (old)
		*old = (sigset_t){{0}};
	return (int)__syscall_ret(syscall4(SYS_rt_sigprocmask, how, (long)set,
					   (long)old, KERNEL_SIGSET_SIZE));
}

int sigpending(sigset_t *set)
{
	*set = (sigset_t){{0}};
	return (int)__syscall_ret(
		syscall2(SYS_rt_sigpending, (long)set, KERNEL_SIGSET_SIZE));
}

int sigsuspend(const sigset_t *mask)
{
	return (int)__syscall_ret(syscall_cp(SYS_rt_sigsuspend, (long)mask,
					     KERNEL_SIGSET_SIZE, 0, 0, 0, 0));
}

int sigtimedwait(const sigset_t *set, siginfo_t *info,
		 const struct timespec *timeout)
{
	long r;
	do
		r = syscall_cp(SYS_rt_sigtimedwait, (long)set, (long)info,
			       (long)timeout, KERNEL_SIGSET_SIZE, 0, 0);
	while (r == -EINTR);
	return (int)__syscall_ret(r);
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	return sigtimedwait(set, info, NULL);
}

/* POSIX: returns the error number rather than setting errno. */
int sigwait(const sigset_t *set, int *sig)
{
	siginfo_t info;
	int r = sigtimedwait(set, &info, NULL);
	if (r < 0)
		return errno;
	*sig = r;
	return 0;
}

int sigaltstack(const stack_t *ss, stack_t *old)
{
	return (int)__syscall_ret(
		syscall2(SYS_sigaltstack, (long)ss, (long)old));
}

static int valid(int sig)
{
	if (sig < 1 || sig > 64) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

int sigemptyset(sigset_t *set)
{
	*set = (sigset_t){{0}};
	return 0;
}

int sigfillset(sigset_t *set)
{
	sigemptyset(set);
	set->bits[0] = ~SIGNAL_BIT(SIGCANCEL);
	return 0;
}

int sigaddset(sigset_t *set, int sig)
{
	if (!valid(sig))
		return -1;
	set->bits[0] |= SIGNAL_BIT(sig);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (!valid(sig))
		return -1;
	set->bits[0] &= ~SIGNAL_BIT(sig);
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (!valid(sig))
		return -1;
	return (set->bits[0] & SIGNAL_BIT(sig)) != 0;
}
