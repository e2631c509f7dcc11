/* Scheduling calls: policies, yielding, CPU affinity, the current CPU. */
#include <sched.h>
#include <string.h>

#include "c/syscall.h"

int sched_yield(void)
{
	return (int)__syscall_ret(syscall0(SYS_sched_yield));
}

int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param)
{
	return (int)__syscall_ret(
		syscall3(SYS_sched_setscheduler, pid, policy, (long)param));
}

int sched_getscheduler(pid_t pid)
{
	return (int)__syscall_ret(syscall1(SYS_sched_getscheduler, pid));
}

int sched_setparam(pid_t pid, const struct sched_param *param)
{
	return (int)__syscall_ret(
		syscall2(SYS_sched_setparam, pid, (long)param));
}

int sched_getparam(pid_t pid, struct sched_param *param)
{
	return (int)__syscall_ret(
		syscall2(SYS_sched_getparam, pid, (long)param));
}

int sched_get_priority_max(int policy)
{
	return (int)__syscall_ret(syscall1(SYS_sched_get_priority_max, policy));
}

int sched_get_priority_min(int policy)
{
	return (int)__syscall_ret(syscall1(SYS_sched_get_priority_min, policy));
}

int sched_rr_get_interval(pid_t pid, struct timespec *interval)
{
	return (int)__syscall_ret(
		syscall2(SYS_sched_rr_get_interval, pid, (long)interval));
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)
{
	return (int)__syscall_ret(
		syscall3(SYS_sched_setaffinity, pid, (long)size, (long)set));
}

/* The kernel copies out only its own mask's bytes and returns how many;
 * POSIX callers expect 0 and a whole set, so the rest is cleared. */
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
	long n = __syscall_ret(
		syscall3(SYS_sched_getaffinity, pid, (long)size, (long)set));
	if (n < 0)
		return -1;
	memset((char *)set + n, 0, size - (size_t)n);
	return 0;
}

int sched_getcpu(void)
{
	unsigned cpu;
	long r = __syscall_ret(syscall3(SYS_getcpu, (long)&cpu, 0, 0));
	return r < 0 ? -1 : (int)cpu;
}
