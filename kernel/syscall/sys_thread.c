/* Processes and threads: fork, clone, execve, kill, futex. */
#include "arch/time.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "freestanding/linux_abi.h"
#include "freestanding/string.h"
#include "futex/futex.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define PATH_MAX 4096
#define ARG_MAX (128 * 1024) /* argument and environment strings */

/* What a thread-creating pthread library passes (musl and glibc), and
 * the flags that change nothing here (one file table, no SysV sems). */
#define CLONE_THREAD_FLAGS                                                     \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |    \
	 CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |                  \
	 CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED)
/* fork's subset: a new process with a copy of the memory. */
#define CLONE_FORK_FLAGS                                                       \
	(CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID |     \
	 CLONE_SETTLS | CLONE_DETACHED)

long sys_clone(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid,
	       uint64_t tls)
{
	uint64_t f = flags & ~(uint64_t)CSIGNAL;
	/* Linux's rules: a thread shares the signal handlers, which needs
	 * shared memory. */
	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	bool thread = f & CLONE_THREAD;
	/* A process sharing memory without being a thread (CLONE_VM alone,
	 * vfork's CLONE_VM|CLONE_VFORK) is not supported. */
	if (thread ? (f & ~(uint64_t)CLONE_THREAD_FLAGS) || (flags & CSIGNAL)
		   : (f & ~(uint64_t)CLONE_FORK_FLAGS))
		return -EINVAL;
	struct clone_args a = {flags, stack, ptid, ctid, tls};
	return proc_clone(&a);
}

long sys_fork(void)
{
	struct clone_args a = {0};
	return proc_clone(&a);
}

/* Copies a NULL-terminated user array of strings into buf at *used;
 * returns how many, or -EFAULT / -E2BIG. */
static int copy_strings(uint64_t uarray, char *buf, size_t *used)
{
	int n = 0;
	for (; uarray; n++) {
		uint64_t p;
		if (copy_from_user(&p, uarray + (uint64_t)n * 8, 8) < 0)
			return -EFAULT;
		if (!p)
			break;
		long len = strncpy_from_user(buf + *used, p, ARG_MAX - *used);
		if (len == -ENAMETOOLONG)
			return -E2BIG;
		if (len < 0)
			return (int)len;
		*used += (size_t)len + 1;
	}
	return n;
}

long sys_execve(uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
	char *path = kmalloc(PATH_MAX);
	char *args = kmalloc(ARG_MAX);
	long r = path && args ? 0 : -ENOMEM;
	int argc = 0, envc = 0;
	size_t used = 0;
	if (!r)
		r = strncpy_from_user(path, upath, PATH_MAX);
	if (r >= 0)
		r = argc = copy_strings(uargv, args, &used);
	if (r >= 0)
		r = envc = copy_strings(uenvp, args, &used);
	if (r >= 0)
		r = proc_exec(path, args, used, argc, envc);
	kfree(path);
	kfree(args);
	return r;
}

long sys_kill(int pid, int sig)
{
	if (pid == -1)
		return -EPERM; /* every process: not for a teaching kernel */
	if (pid <= 0)
		return proc_kill_pgrp(pid ? -pid : current_process()->pgid,
				      sig);
	return proc_kill(pid, sig);
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	return proc_kill_thread(tgid, tid, sig);
}

long sys_tkill(int tid, int sig)
{
	if (tid <= 0)
		return -EINVAL;
	return proc_kill_thread(-1, tid, sig);
}

long sys_futex(uint64_t uaddr, int op, uint32_t val, uint64_t utime,
	       uint64_t uaddr2, uint32_t val3)
{
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT &&
	    cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	uint64_t deadline = 0, ns;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (utime) {
			int r = read_user_timespec(utime, &ns);
			if (r)
				return r;
			/* WAIT's timeout is relative, WAIT_BITSET's absolute
			 * (REALTIME and MONOTONIC are one clock here). */
			deadline = cmd == FUTEX_WAIT ? clock_ns() + ns : ns;
			if (!deadline)
				deadline = 1; /* absolute 0: long past */
		}
		return futex_wait(uaddr, val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY
						    : val3,
				  shared);
	case FUTEX_WAKE:
		return futex_wake(uaddr, (int)val, FUTEX_BITSET_MATCH_ANY,
				  shared);
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, (int)val, val3, shared);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		/* The fourth argument is a count here, not a timeout. */
		return futex_requeue(uaddr, (int)val, (int)utime, uaddr2,
				     cmd == FUTEX_CMP_REQUEUE, val3, shared);
	default:
		return -ENOSYS; /* WAKE_OP, the PI operations, ... */
	}
}
