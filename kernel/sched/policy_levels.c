/*
 * The data structure rr and mlfq share: one FIFO list of runnable tasks per
 * priority level, level 0 the highest. The policies differ in which level
 * a task is queued at and for how long it runs, not in how the levels are
 * kept. Every function runs with the run queue's lock held (policy.h).
 */
#include "base/kernel.h"
#include "sched/policy.h"

void levels_init(struct policy_queues *q)
{
	/* The one hook that runs before the run queue's lock is usable. */
	for (int l = 0; l < NR_PRIO; l++)
		list_init(&q->level[l]);
	q->ticks = 0;
}

void levels_dequeue(struct policy_queues *q, struct task *t)
{
	policy_assert_locked(q);
	list_remove(&t->rq_link);
}

/*
 * levels_pick_next - the task to run next.
 * Contract: rq lock held; returns the first task of the highest non-empty
 * level, removed from its queue, or NULL if q is empty.
 */
struct task *levels_pick_next(struct policy_queues *q)
{
	policy_assert_locked(q);
	for (int l = 0; l < NR_PRIO; l++) {
		struct list_node *n = list_pop_front(&q->level[l]);
		if (n)
			return list_entry(n, struct task, rq_link);
	}
	return NULL;
}

/* The one to give away is one this CPU would not run soon: the lowest
 * non-empty level, and within it the first that may run on `cpu`. */
struct task *levels_steal(struct policy_queues *q, unsigned cpu)
{
	policy_assert_locked(q);
	for (int l = NR_PRIO - 1; l >= 0; l--)
		list_for_each(n, &q->level[l]) {
			struct task *t = list_entry(n, struct task, rq_link);
			if (task_allowed_on(t, cpu)) {
				list_remove(&t->rq_link);
				return t;
			}
		}
	return NULL;
}

bool levels_waiting_at_or_above(const struct policy_queues *q, int level)
{
	for (int l = 0; l <= level && l < NR_PRIO; l++)
		if (!list_empty(&q->level[l]))
			return true;
	return false;
}
