/*
 * Process groups and sessions: setpgid, getpgid, getsid. A group is
 * what kill(-pgrp) and Ctrl-C on the console signal (signal.c). Spindle
 * has one session, init's.
 */
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "proc/pid.h"
#include "proc/proc.h"
#include "sync/spinlock.h"

int proc_setpgid(int pid, int pgid)
{
	struct process *self = current_process();
	if (pgid < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	struct process *p = pid ? pid_find_process(pid) : self;
	int r = 0;
	if (!p || (p != self && p->parent != self))
		r = -ESRCH;
	else
		p->pgid = pgid ? pgid : p->pid;
	spin_unlock(&proc_lock);
	return r;
}

int proc_getpgid(int pid)
{
	spin_lock(&proc_lock);
	struct process *p = pid ? pid_find_process(pid) : current_process();
	int r = p ? p->pgid : -ESRCH;
	spin_unlock(&proc_lock);
	return r;
}

int proc_getsid(int pid)
{
	spin_lock(&proc_lock);
	bool found = pid == 0 || pid_find_process(pid);
	spin_unlock(&proc_lock);
	return found ? 1 : -ESRCH;
}
