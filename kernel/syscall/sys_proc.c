/* Process and thread identity, exit, wait, TLS. */
#include "arch/cpu.h"
#include "arch/uaccess.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8
#define __WALL 0x40000000

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
	if (rusage)
		return -EINVAL; /* resource usage: not supported */
	int st = 0;
	int r = proc_wait(pid, &st, options & WNOHANG);
	if (r > 0 && status && copy_to_user(status, &st, sizeof(st)) < 0)
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
