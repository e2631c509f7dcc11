/* Scheduling: policies and priorities, yielding and CPU affinity (Linux's
 * calls and macros). */
#ifndef _SCHED_H
#define _SCHED_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "freestanding/linux_abi.h" /* SCHED_* */

struct sched_param {
	int sched_priority; /* 1..99 for SCHED_FIFO and SCHED_RR, else 0 */
};

/* A set of CPUs, one bit each, as Linux's sched_setaffinity takes it. */
#define CPU_SETSIZE 1024
typedef struct {
	unsigned long bits[CPU_SETSIZE / (8 * sizeof(unsigned long))];
} cpu_set_t;

#define CPU_BIT_(cpu) (1ul << ((cpu) % (8 * sizeof(unsigned long))))
#define CPU_WORD_(cpu) ((cpu) / (8 * sizeof(unsigned long)))
#define CPU_ZERO(set) __builtin_memset((set), 0, sizeof(cpu_set_t))
#define CPU_SET(cpu, set) ((set)->bits[CPU_WORD_(cpu)] |= CPU_BIT_(cpu))
#define CPU_CLR(cpu, set) ((set)->bits[CPU_WORD_(cpu)] &= ~CPU_BIT_(cpu))
#define CPU_ISSET(cpu, set) (((set)->bits[CPU_WORD_(cpu)] & CPU_BIT_(cpu)) != 0)
#define CPU_COUNT(set) cpu_count_(set)

static inline int cpu_count_(const cpu_set_t *set)
{
	int n = 0; /* no __builtin_popcount: it would need libgcc */
	for (size_t i = 0; i < sizeof(set->bits) / sizeof(set->bits[0]); i++)
		for (unsigned long w = set->bits[i]; w; w &= w - 1)
			n++;
	return n;
}

int sched_yield(void);
/* Per thread, as Linux's system calls are (pid 0: the calling thread). */
int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param);
int sched_getscheduler(pid_t pid);
int sched_setparam(pid_t pid, const struct sched_param *param);
int sched_getparam(pid_t pid, struct sched_param *param);
int sched_get_priority_max(int policy);
int sched_get_priority_min(int policy);
int sched_rr_get_interval(pid_t pid, struct timespec *interval);
/* pid 0: the calling thread. */
int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set);
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);
int sched_getcpu(void);

#endif
