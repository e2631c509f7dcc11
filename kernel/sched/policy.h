/*
 * A scheduling policy: which runnable task a CPU runs next, and for how
 * long. The core (sched.c) owns the run queues, the locking, the context
 * switch and the decision to move tasks between CPUs; a policy only orders
 * the tasks of one run queue, in struct policy_queues, which the core never
 * looks inside. Every hook is called with that run queue's lock held and
 * interrupts off.
 *
 * Writing a third policy: see docs/sched.md. In short, put the data
 * structure it needs in struct policy_queues, fill in a struct
 * sched_policy, add it to the table in sched.c, and boot with sched=NAME.
 * rr and mlfq share the array of levels (policy_levels.c).
 */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include <stdbool.h>

#include "freestanding/list.h"
#include "sched/task.h"

/* The part of a run queue that belongs to the policy. */
struct policy_queues {
	struct list level[NR_PRIO]; /* runnable tasks, by level */
	unsigned long ticks;	    /* ticks this run queue has seen */
};

struct sched_policy {
	const char *name;
	/* Makes q empty (each CPU's run queue, once, at its start-up). */
	void (*init)(struct policy_queues *q);
	/* t becomes runnable here (new, woken, preempted or yielding). */
	void (*enqueue)(struct policy_queues *q, struct task *t);
	/* t leaves this queue without running (migration). */
	void (*dequeue)(struct policy_queues *q, struct task *t);
	/* Removes and returns the task to run next, or NULL if none. */
	struct task *(*pick_next)(struct policy_queues *q);
	/* A timer tick while curr runs (curr is not queued). Returns true if
	 * curr should give up the CPU now. */
	bool (*tick)(struct policy_queues *q, struct task *curr);
	/* Would t, just made runnable, deserve the CPU more than curr? */
	bool (*preempts)(const struct task *t, const struct task *curr);
	/* Balancing: removes and returns a queued task that may run on `cpu`
	 * (task_allowed_on), which the core then queues there; NULL if none.
	 * Which one is the policy's choice. */
	struct task *(*steal)(struct policy_queues *q, unsigned cpu);
};

/* The array of priority levels rr and mlfq share (policy_levels.c): a
 * FIFO list per level, level 0 the highest. */
void levels_init(struct policy_queues *q);
void levels_dequeue(struct policy_queues *q, struct task *t);
struct task *levels_pick_next(struct policy_queues *q);
struct task *levels_steal(struct policy_queues *q, unsigned cpu);
/* Whether a task waits at `level` or a higher one (a lower number). */
bool levels_waiting_at_or_above(const struct policy_queues *q, int level);

/*
 * Every hook starts with policy_assert_locked(q) (or, for preempts,
 * policy_assert_task_locked(t)): a hook called without the run queue's
 * lock panics, naming itself, instead of corrupting a queue quietly.
 */
#define policy_assert_locked(q) policy_assert_locked_at((q), __func__)
#define policy_assert_task_locked(t) policy_assert_task_locked_at((t), __func__)
void policy_assert_locked_at(struct policy_queues *q, const char *fn);
void policy_assert_task_locked_at(const struct task *t, const char *fn);

extern const struct sched_policy policy_rr;
extern const struct sched_policy policy_mlfq;

#endif
