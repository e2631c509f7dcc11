/* Process and thread identity, exit, wait, TLS. */
#include "arch/cpu.h"
#include "arch/uaccess.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define WUNTRACED 2
#define WCONTINUED 8
#define __WALL 0x40000000
#define RUSAGE_SIZE 144 /* struct rusage: 2 timevals and 14 longs */

/* exit ends the calling thread; the last thread out ends the process. */
long sys_exit(int code)
{
	proc_exit_thread(WAIT_EXITED(code));
}

long sys_exit_group(int code)
{
	proc_exit_group(WAIT_EXITED(code));
}

long sys_getpid(void)
{
	return current_process()->pid;
}

long sys_getppid(void)
{
	struct process *parent = current_process()->parent;
	return parent ? parent->pid : 0;
}

long sys_gettid(void)
{
	return current()->tid;
}

long sys_wait4(int pid, uint64_t status, int options, uint64_t rusage)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL))
		return -EINVAL;
	if (pid == 0 || pid < -1)
		return -EINVAL; /* process groups: not supported */
	int st = 0;
	int r = proc_wait(pid, &st, options & WNOHANG);
	if (r > 0 && status && copy_to_user(status, &st, sizeof(st)) < 0)
		return -EFAULT;
	/* Spindle keeps no account of a child's resource use: the rusage
	 * it reports is all zeros. As on Linux, it is written after the
	 * child is reaped, so a bad pointer costs the caller the status. */
	uint8_t usage[RUSAGE_SIZE] = {0};
	if (r > 0 && rusage && copy_to_user(rusage, usage, sizeof(usage)) < 0)
		return -EFAULT;
	return r;
}

long sys_set_tid_address(uint64_t tidptr)
{
	current()->clear_child_tid = tidptr;
	return current()->tid;
}

long sys_arch_prctl(int code, uint64_t addr)
{
	struct task *t = current();
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM; /* Linux: must be a user address */
		t->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user(addr, &t->fs_base, sizeof(t->fs_base));
	case ARCH_SET_GS:
	case ARCH_GET_GS:
		return -EINVAL; /* GS belongs to the kernel here */
	default:
		return -EINVAL;
	}
}

/* Resource limits (kernel/proc/rlimit.c). As Linux: the new limits are
 * read before anything is looked up, the old ones written after the new
 * ones are set. */
long sys_prlimit64(int pid, int resource, uint64_t unew, uint64_t uold)
{
	struct rlimit_pair new, old;
	if (unew && copy_from_user(&new, unew, sizeof(new)) < 0)
		return -EFAULT;
	int r = proc_prlimit(pid, resource, unew ? &new : NULL,
			     uold ? &old : NULL);
	if (r)
		return r;
	if (uold && copy_to_user(uold, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long sys_getrlimit(int resource, uint64_t urlim)
{
	struct rlimit_pair lim;
	int r = proc_prlimit(0, resource, NULL, &lim);
	if (r)
		return r;
	return copy_to_user(urlim, &lim, sizeof(lim)) < 0 ? -EFAULT : 0;
}

long sys_setrlimit(int resource, uint64_t urlim)
{
	if (!urlim)
		return -EFAULT;
	return sys_prlimit64(0, resource, urlim, 0);
}
