/*
 * The real-time class: SCHED_FIFO and SCHED_RR tasks, with fixed
 * priorities 1..99 (higher runs first, as on Linux), above every
 * SCHED_OTHER task whatever the policy (rr, mlfq) that orders those. The
 * core (sched.c, balance.c, attr.c) asks the class_* functions here, and
 * they pass SCHED_OTHER tasks on to the policy: a policy never sees a
 * real-time task. Private to the scheduler, as runqueue.h is.
 */
#ifndef SCHED_RT_H
#define SCHED_RT_H

#include <stdbool.h>

#include "freestanding/list.h"
#include "sched/task.h"

/* The real-time part of a run queue: a FIFO list per priority. */
struct rt_queues {
	struct list prio[RT_PRIO_MAX + 1]; /* by t->rt_prio; 0 unused */
	unsigned nr;			   /* tasks in all of them */
};

struct runqueue;

/* Makes rq's real-time queues empty (each CPU, once, at start-up). */
void rt_init(struct rt_queues *q);
/* The highest priority queued in q; 0 if none is. rq lock held. */
int rt_top_prio(const struct rt_queues *q);
/* Removes and returns the first queued real-time task of the highest
 * priority above `above` that may run on cpu; NULL if none. rq locked. */
struct task *rt_steal(struct rt_queues *q, unsigned cpu, int above);

/*
 * What the core calls, for a task of either class. All with rq locked.
 * class_enqueue: t runnable here; `preempted` puts a real-time task back
 * at the head of its priority (it did not give the CPU up), anything else
 * at the tail. class_rank: what a CPU running t is worth to a waking
 * real-time task (idle -1, SCHED_OTHER 0, else the RT priority).
 */
void class_enqueue(struct runqueue *rq, struct task *t, bool preempted);
void class_dequeue(struct runqueue *rq, struct task *t);
struct task *class_pick_next(struct runqueue *rq);
bool class_tick(struct runqueue *rq, struct task *curr);
bool class_preempts(const struct task *t, const struct task *curr);
int class_rank(const struct runqueue *rq, const struct task *t);

#endif
