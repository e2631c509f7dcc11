/*
 * The run queues, shared by the scheduler's own files (sched.c, balance.c,
 * idle.c, attr.c) and by nothing else: what is not in sched.h is private
 * to the scheduler.
 */
#ifndef SCHED_RUNQUEUE_H
#define SCHED_RUNQUEUE_H

#include "arch/percpu.h"
#include "sched/policy.h"
#include "sched/rt.h"
#include "sync/spinlock.h"

struct runqueue {
	struct spinlock lock;
	struct policy_queues q; /* lock: SCHED_OTHER tasks */
	struct rt_queues rt;	/* lock: SCHED_FIFO and SCHED_RR tasks */
	unsigned nr_queued;	/* lock: tasks in q and rt (yield reads it
				 * without the lock, as a hint) */
	struct task *current;	/* lock */
	struct task *idle;	/* const once the CPU runs */
	/* Written under lock, read without it as a hint (sched_place):
	 * class_rank of the task running here. */
	atomic_int rank;
};

extern struct runqueue runqueues[MAX_CPUS];
extern const struct sched_policy *policy; /* chosen at boot (sched=) */

/* Every BALANCE_TICKS ticks each CPU balances against the busiest. */
#define BALANCE_TICKS 4

/* Asks cpu to reschedule soon: at once if it is this one, else by IPI
 * (skipped when that CPU is polling in its idle loop). */
void resched_cpu(unsigned cpu);
/*
 * Queues t on rq, cpu's. rq locked; t runnable, on no queue, off every CPU.
 * If t should run at once, sets cpu's need_resched, and returns whether
 * cpu must also be sent a VEC_RESCHEDULE IPI to notice -- which the caller
 * sends after unlocking rq. Under QEMU an IPI is two trips through the
 * emulator's global lock; a CPU that waits for that lock while holding a
 * run queue's makes the other CPUs spin on the run queue's, and when the
 * host deschedules a vCPU, each of those waits lasts milliseconds.
 */
bool enqueue_locked(struct runqueue *rq, unsigned cpu, struct task *t);
/* Locks the run queue t belongs to; t->cpu may change until we hold it. */
struct runqueue *lock_task_rq(struct task *t);
/* Queues t -- runnable, on no queue and on no CPU -- on `cpu` if its mask
 * allows, else on a CPU it allows; unlocks rq (t's current one). */
unsigned queue_task_unlock(struct runqueue *rq, struct task *t, unsigned cpu);
/* Pulls one task to this CPU from the busiest run queue, if that one has
 * at least `margin` more tasks than this CPU's (balance.c). */
void sched_balance(unsigned margin);
/* The CPU to queue t on when it wakes or starts: `cpu`, unless another
 * CPU it may use runs something it outranks (an idle CPU, for an ordinary
 * task) while `cpu` does not (balance.c). t's run queue locked. */
unsigned sched_place(const struct task *t, unsigned cpu);

#endif
