/* Scheduling calls: affinity and priority (nice) of a thread. */
#include "arch/percpu.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define PRIO_PROCESS 0
#define NICE_MIN -20
#define NICE_MAX 19

static int set_mask(struct task *t, void *arg)
{
	return sched_set_affinity(t, *(uint64_t *)arg) < 0 ? -EINVAL : 0;
}

static int get_mask(struct task *t, void *arg)
{
	*(uint64_t *)arg = t->affinity;
	return 0;
}

/* Masks are bitmaps of CPUs in bytes; Spindle has at most 64 CPUs, so 8
 * bytes hold them (a longer user mask must have no higher bit set). */
long sys_sched_setaffinity(int tid, size_t len, uint64_t umask)
{
	uint64_t mask = 0;
	if (len < sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	return proc_on_thread(tid, set_mask, &mask);
}

long sys_sched_getaffinity(int tid, size_t len, uint64_t umask)
{
	uint64_t mask;
	if (len < sizeof(mask) || len % sizeof(uint64_t))
		return -EINVAL;
	int r = proc_on_thread(tid, get_mask, &mask);
	if (r)
		return r;
	uint64_t online = nr_cpus >= 64 ? ~0ul : (1ul << nr_cpus) - 1;
	mask &= online;
	if (copy_to_user(umask, &mask, sizeof(mask)) < 0)
		return -EFAULT;
	return sizeof(mask); /* the kernel's mask size, as Linux returns */
}

/* nice -20..19 onto the scheduler's NR_PRIO levels (0 is the highest). */
static int set_nice(struct task *t, void *arg)
{
	int nice = *(int *)arg;
	t->nice = nice;
	sched_set_priority(t, (nice - NICE_MIN) * NR_PRIO /
				      (NICE_MAX - NICE_MIN + 1));
	return 0;
}

static int get_nice(struct task *t, void *arg)
{
	*(int *)arg = t->nice;
	return 0;
}

long sys_setpriority(int which, int who, int nice)
{
	if (which != PRIO_PROCESS)
		return -EINVAL; /* process groups and users: not supported */
	nice = MAX(NICE_MIN, MIN(NICE_MAX, nice));
	return proc_on_thread(who, set_nice, &nice);
}

/* Returns 20 - nice (1..40), as the Linux system call does: never
 * negative, so never taken for an error. */
long sys_getpriority(int which, int who)
{
	if (which != PRIO_PROCESS)
		return -EINVAL;
	int nice;
	int r = proc_on_thread(who, get_nice, &nice);
	return r ? r : 20 - nice;
}
