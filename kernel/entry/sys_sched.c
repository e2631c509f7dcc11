/* Scheduling calls: affinity, priority (nice) and real-time policy of a
 * thread (docs/sched.md, "The real-time class"). */
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "freestanding/linux_abi.h"
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

struct sched_param {
	int sched_priority;
};

/* A policy and priority to set: policy -1 keeps the thread's own
 * (sched_setparam); reset_on_fork -1 keeps its flag. */
struct rt_setting {
	int policy, prio, reset_on_fork;
};

static bool policy_valid(int policy)
{
	return policy == SCHED_OTHER || policy == SCHED_FIFO ||
	       policy == SCHED_RR || policy == SCHED_BATCH ||
	       policy == SCHED_IDLE;
}

static bool policy_is_rt(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/* Real-time policies take priorities 1..99; the others only 0. SCHED_BATCH
 * and SCHED_IDLE are kept and reported, and scheduled as SCHED_OTHER. */
static int set_rt(struct task *t, void *arg)
{
	const struct rt_setting *s = arg;
	int policy = s->policy < 0 ? t->rt_policy : s->policy;
	bool rt = policy_is_rt(policy);
	if (!policy_valid(policy) || s->prio < (rt ? 1 : 0) ||
	    s->prio > (rt ? RT_PRIO_MAX : 0))
		return -EINVAL;
	if (s->reset_on_fork >= 0)
		t->rt_reset_on_fork = s->reset_on_fork;
	sched_set_rt(t, policy, s->prio);
	return 0;
}

static long set_scheduler(int tid, uint64_t uparam, struct rt_setting *s)
{
	struct sched_param param;
	if (!uparam || tid < 0)
		return -EINVAL;
	if (copy_from_user(&param, uparam, sizeof(param)) < 0)
		return -EFAULT;
	s->prio = param.sched_priority;
	return proc_on_thread(tid, set_rt, s);
}

long sys_sched_setscheduler(int tid, int policy, uint64_t uparam)
{
	/* As Linux: a bad policy is found out after a missing thread. */
	struct rt_setting s = {policy & ~SCHED_RESET_ON_FORK, 0,
			       !!(policy & SCHED_RESET_ON_FORK)};
	if (policy < 0)
		return -EINVAL;
	return set_scheduler(tid, uparam, &s);
}

long sys_sched_setparam(int tid, uint64_t uparam)
{
	struct rt_setting s = {-1, 0, -1};
	return set_scheduler(tid, uparam, &s);
}

static int get_rt(struct task *t, void *arg)
{
	*(struct rt_setting *)arg = (struct rt_setting){
		t->rt_policy, t->rt_prio, t->rt_reset_on_fork};
	return 0;
}

long sys_sched_getscheduler(int tid)
{
	struct rt_setting s;
	int r = tid < 0 ? -EINVAL : proc_on_thread(tid, get_rt, &s);
	if (r)
		return r;
	return s.policy | (s.reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

long sys_sched_getparam(int tid, uint64_t uparam)
{
	struct rt_setting s;
	if (!uparam || tid < 0)
		return -EINVAL;
	int r = proc_on_thread(tid, get_rt, &s);
	if (r)
		return r;
	struct sched_param param = {s.prio};
	return copy_to_user(uparam, &param, sizeof(param)) < 0 ? -EFAULT : 0;
}

long sys_sched_get_priority_max(int policy)
{
	if (!policy_valid(policy))
		return -EINVAL;
	return policy_is_rt(policy) ? RT_PRIO_MAX : 0;
}

long sys_sched_get_priority_min(int policy)
{
	if (!policy_valid(policy))
		return -EINVAL;
	return policy_is_rt(policy) ? 1 : 0;
}

/* SCHED_RR's slice; 0 for the others (FIFO has none; SCHED_OTHER's
 * depends on the policy and on who else waits). */
long sys_sched_rr_get_interval(int tid, uint64_t uts)
{
	struct rt_setting s;
	int r = tid < 0 ? -EINVAL : proc_on_thread(tid, get_rt, &s);
	if (r)
		return r;
	uint64_t ns = s.policy == SCHED_RR ? RT_SLICE * NSEC_PER_SEC / HZ : 0;
	struct {
		int64_t sec, nsec;
	} ts = {(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC)};
	return copy_to_user(uts, &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}
