/*
 * Resource limits: getrlimit, setrlimit and prlimit64. Each process has a
 * soft and a hard limit per resource (Linux's 16), under proc_lock; fork
 * copies them and execve keeps them. Three are enforced:
 *
 *   RLIMIT_NOFILE  no new descriptor at or above the soft limit (open,
 *                  pipe, dup: EMFILE; dup2 to it: EBADF; F_DUPFD from it:
 *                  EINVAL). It is kept in the descriptor table itself
 *                  (files_set_max), which the fs layer can read.
 *   RLIMIT_NPROC   fork and clone fail with EAGAIN when the user's tasks
 *                  (threads too, as Linux counts) number the limit or
 *                  more. Spindle has one user, root, and applies it to
 *                  root too (Linux exempts root; test_rlimit drops to an
 *                  ordinary user there first).
 *   RLIMIT_STACK   execve maps a stack of the soft limit (at least
 *                  STACK_MIN, at most USER_STACK_SIZE): recursion past it
 *                  faults, as Linux's stack stops growing at the limit.
 *
 * The others are stored and read back. Everyone is root, so raising a
 * hard limit is allowed; NOFILE above FD_MAX is EPERM (Linux's nr_open).
 */
#include "aspace/mm.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "fs/file.h"
#include "proc/pid.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "sync/spinlock.h"

static const struct rlimit_pair defaults[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = {RLIM_INFINITY, RLIM_INFINITY},
	[RLIMIT_FSIZE] = {RLIM_INFINITY, RLIM_INFINITY},
	[RLIMIT_DATA] = {RLIM_INFINITY, RLIM_INFINITY},
	[RLIMIT_STACK] = {USER_STACK_SIZE, RLIM_INFINITY},
	[RLIMIT_CORE] = {0, RLIM_INFINITY},
	[RLIMIT_RSS] = {RLIM_INFINITY, RLIM_INFINITY},
	[RLIMIT_NPROC] = {RLIM_INFINITY, RLIM_INFINITY},
	[RLIMIT_NOFILE] = {FD_MAX, FD_MAX},
	[RLIMIT_MEMLOCK] = {8ul << 20, 8ul << 20},
	[RLIMIT_AS] = {RLIM_INFINITY, RLIM_INFINITY},
	[RLIMIT_LOCKS] = {RLIM_INFINITY, RLIM_INFINITY},
	[RLIMIT_SIGPENDING] = {RLIM_INFINITY, RLIM_INFINITY},
	[RLIMIT_MSGQUEUE] = {819200, 819200},
	[RLIMIT_NICE] = {0, 0},
	[RLIMIT_RTPRIO] = {0, 0},
	[RLIMIT_RTTIME] = {RLIM_INFINITY, RLIM_INFINITY},
};

void rlimit_inherit(struct process *p, const struct process *parent)
{
	const struct rlimit_pair *from = parent ? parent->rlim : defaults;
	for (int r = 0; r < RLIM_NLIMITS; r++)
		p->rlim[r] = from[r];
}

/* What Linux's do_prlimit checks, in its order. */
static int check(int resource, const struct rlimit_pair *new)
{
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (!new)
		return 0;
	if (new->cur > new->max)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && new->max > FD_MAX)
		return -EPERM;
	return 0;
}

int proc_prlimit(int pid, int resource, const struct rlimit_pair *new,
		 struct rlimit_pair *old)
{
	spin_lock(&proc_lock);
	struct task *t = pid ? pid_find_thread(pid) : current();
	struct process *p = t ? t->proc : NULL;
	int r = p ? check(resource, new) : -ESRCH;
	if (!r && old)
		*old = p->rlim[resource];
	if (!r && new) {
		p->rlim[resource] = *new;
		if (resource == RLIMIT_NOFILE && p->files)
			files_set_max(p->files, (int)new->cur);
	}
	spin_unlock(&proc_lock);
	return r;
}

bool proc_nproc_reached(void)
{
	spin_lock(&proc_lock);
	bool reached = (uint64_t)pid_nr_threads() >=
		       current_process()->rlim[RLIMIT_NPROC].cur;
	spin_unlock(&proc_lock);
	return reached;
}

uint64_t proc_rlimit(int resource)
{
	spin_lock(&proc_lock);
	uint64_t v = current_process()->rlim[resource].cur;
	spin_unlock(&proc_lock);
	return v;
}
