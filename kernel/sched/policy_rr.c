/*
 * Round robin with priority levels: always run a task of the highest
 * non-empty level (0 is highest); inside a level, take turns, each task
 * running for a time slice of RR_SLICE ticks before going to the back of
 * its level. Priorities never change, so a busy high level starves the
 * lower ones: that is the policy's known weakness (see policy_mlfq.c).
 */
#include "base/kernel.h"
#include "sched/policy.h"

#define RR_SLICE 2 /* ticks: 20 ms at HZ = 100 */

/*
 * rr_enqueue - make t runnable in queue q.
 * Contract: rq lock held; t is on no queue. A task that used up its slice
 * gets a fresh one; one preempted early keeps what it had left.
 */
static void rr_enqueue(struct policy_queues *q, struct task *t)
{
	if (t->slice_left <= 0)
		t->slice_left = RR_SLICE;
	t->level = t->prio;
	list_push_back(&q->level[t->level], &t->rq_link);
}

static void rr_dequeue(struct policy_queues *q, struct task *t)
{
	(void)q;
	list_remove(&t->rq_link);
}

/*
 * rr_pick_next - the task to run next.
 * Contract: rq lock held; returns the first task of the highest non-empty
 * level, removed from its queue, or NULL if q is empty.
 */
static struct task *rr_pick_next(struct policy_queues *q)
{
	for (int l = 0; l < NR_PRIO; l++) {
		struct list_node *n = list_pop_front(&q->level[l]);
		if (n)
			return list_entry(n, struct task, rq_link);
	}
	return NULL;
}

/*
 * rr_tick - one tick of curr's slice has passed.
 * Contract: rq lock held; returns true when the slice is used up and
 * another task of the same or a higher level is waiting.
 */
static bool rr_tick(struct policy_queues *q, struct task *curr)
{
	if (--curr->slice_left > 0)
		return false;
	for (int l = 0; l <= curr->prio; l++)
		if (!list_empty(&q->level[l]))
			return true;
	curr->slice_left = RR_SLICE; /* alone at its level: go on */
	return false;
}

static bool rr_preempts(const struct task *t, const struct task *curr)
{
	return t->prio < curr->prio;
}

const struct sched_policy policy_rr = {
	.name = "rr",
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.tick = rr_tick,
	.preempts = rr_preempts,
};
