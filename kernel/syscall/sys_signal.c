/*
 * Signals, the part that exists: dispositions SIG_DFL and SIG_IGN, the
 * blocked mask, kill to a process group, and process groups themselves.
 * Handlers (a function to run in user space) are not implemented: setting
 * one returns -ENOSYS, so a program knows rather than trusts.
 */
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define SIG_DFL 0
#define SIG_IGN 1
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* struct k_sigaction, as the kernel (not libc) sees it on x86-64. */
struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};

long sys_rt_sigaction(int sig, uint64_t uact, uint64_t uoact, size_t setsize)
{
	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	struct k_sigaction act;
	if (uact && copy_from_user(&act, uact, sizeof(act)) < 0)
		return -EFAULT;
	if (uact && act.handler != SIG_DFL && act.handler != SIG_IGN)
		return -ENOSYS; /* signal handlers: not yet */
	bool was_ignored;
	int r = proc_sigaction(sig, uact && act.handler == SIG_IGN, uact != 0,
			       &was_ignored);
	if (r)
		return r;
	struct k_sigaction old = {.handler = was_ignored ? SIG_IGN : SIG_DFL};
	if (uoact && copy_to_user(uoact, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(int how, uint64_t uset, uint64_t uoset, size_t setsize)
{
	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	struct task *self = current();
	uint64_t old = self->sig_blocked, set = 0;
	if (uset && copy_from_user(&set, uset, sizeof(set)) < 0)
		return -EFAULT;
	if (uset) {
		uint64_t now = how == SIG_BLOCK	    ? old | set
			       : how == SIG_UNBLOCK ? old & ~set
			       : how == SIG_SETMASK ? set
						    : (uint64_t)-1;
		if (how != SIG_BLOCK && how != SIG_UNBLOCK &&
		    how != SIG_SETMASK)
			return -EINVAL;
		proc_set_sigmask(now);
	}
	if (uoset && copy_to_user(uoset, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_setpgid(int pid, int pgid)
{
	return proc_setpgid(pid, pgid);
}

long sys_getpgid(int pid)
{
	return proc_getpgid(pid);
}

/* One session: setsid makes the caller a group leader, and that is all. */
long sys_setsid(void)
{
	int pid = current_process()->pid;
	int r = proc_setpgid(0, pid);
	return r < 0 ? r : pid;
}
