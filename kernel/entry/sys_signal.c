/*
 * Signals, the system calls: rt_sigaction, rt_sigprocmask,
 * rt_sigpending, rt_sigsuspend, rt_sigtimedwait, rt_sigreturn,
 * sigaltstack, pause, and process groups. They copy the user's
 * arguments in and out; kernel/proc/signal.c does the rest, and
 * docs/signals.md tells the whole story.
 */
#include "arch/trap.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define SIGSET_SIZE sizeof(uint64_t) /* the kernel's sigset_t */

long sys_rt_sigaction(int sig, uint64_t uact, uint64_t uoact, size_t setsize)
{
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	struct k_sigaction act, old;
	if (uact && copy_from_user(&act, uact, sizeof(act)) < 0)
		return -EFAULT;
	int r = proc_sigaction(sig, uact ? &act : NULL, &old);
	if (r)
		return r;
	if (uoact && copy_to_user(uoact, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(int how, uint64_t uset, uint64_t uoset, size_t setsize)
{
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	uint64_t set, old;
	if (uset && copy_from_user(&set, uset, sizeof(set)) < 0)
		return -EFAULT;
	int r = proc_sigprocmask(how, uset ? &set : NULL, &old);
	if (r)
		return r;
	if (uoset && copy_to_user(uoset, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(uint64_t uset, size_t setsize)
{
	if (setsize > SIGSET_SIZE)
		return -EINVAL;
	uint64_t set = proc_sigpending();
	return copy_to_user(uset, &set, setsize) < 0 ? -EFAULT : 0;
}

long sys_rt_sigsuspend(uint64_t umask, size_t setsize)
{
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	uint64_t mask;
	if (copy_from_user(&mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	return proc_sigsuspend(mask);
}

/* pause: rt_sigsuspend with the mask as it is. */
long sys_pause(void)
{
	uint64_t mask;
	(void)proc_sigprocmask(SIG_BLOCK, NULL, &mask);
	return proc_sigsuspend(mask);
}

/* siginfo_t's head, as rt_sigtimedwait fills it (the rest is zero). */
struct siginfo_head {
	int32_t signo, err, code, pad;
	int32_t pid;
	uint32_t uid;
	uint8_t rest[128 - 24];
};

long sys_rt_sigtimedwait(uint64_t uset, uint64_t uinfo, uint64_t utimeout,
			 size_t setsize)
{
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	uint64_t set, timeout_ns = UINT64_MAX;
	if (copy_from_user(&set, uset, sizeof(set)) < 0)
		return -EFAULT;
	if (utimeout) {
		int r = read_user_timespec(utimeout, &timeout_ns);
		if (r)
			return r;
	}
	struct signal_record rec;
	int sig;
	long r = proc_sigtimedwait(set, &rec, &sig, timeout_ns);
	if (r > 0 && uinfo) {
		struct siginfo_head si = {
			.signo = sig, .code = rec.code, .pid = rec.pid};
		if (copy_to_user(uinfo, &si, sizeof(si)) < 0)
			return -EFAULT;
	}
	return r;
}

long sys_rt_sigreturn(struct trap_frame *frame)
{
	return signal_return(frame);
}

/* stack_t */
struct user_stack {
	uint64_t sp;
	int32_t flags;
	uint64_t size;
};

long sys_sigaltstack(uint64_t uss, uint64_t uold, uint64_t user_rsp)
{
	struct user_stack ss = {0};
	struct altstack new, old;
	if (uss && copy_from_user(&ss, uss, sizeof(ss)) < 0)
		return -EFAULT;
	new = (struct altstack){
		.sp = ss.sp, .size = ss.size, .flags = (uint32_t)ss.flags};
	int r = proc_sigaltstack(uss ? &new : NULL, &old, user_rsp);
	if (r)
		return r;
	struct user_stack out = {
		.sp = old.sp, .flags = (int32_t)old.flags, .size = old.size};
	if (uold && copy_to_user(uold, &out, sizeof(out)) < 0)
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

/* One session, init's: its id is 1 for every process that exists. */
long sys_getsid(int pid)
{
	return proc_getsid(pid);
}

/* One session: setsid makes the caller a group leader, and that is all. */
long sys_setsid(void)
{
	int pid = current_process()->pid;
	int r = proc_setpgid(0, pid);
	return r < 0 ? r : pid;
}
