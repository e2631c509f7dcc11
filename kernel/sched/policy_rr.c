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
	policy_assert_locked(q);
	if (t->slice_left <= 0)
		t->slice_left = RR_SLICE;
	t->level = t->prio;
	list_push_back(&q->level[t->level], &t->rq_link);
}

/*
 * rr_tick - one tick of curr's slice has passed.
 * Contract: rq lock held; returns true when the slice is used up and
 * another task of the same or a higher level is waiting.
 */
static bool rr_tick(struct policy_queues *q, struct task *curr)
{
	policy_assert_locked(q);
	if (--curr->slice_left > 0)
		return false;
	if (levels_waiting_at_or_above(q, curr->prio))
		return true;
	curr->slice_left = RR_SLICE; /* alone at its level: go on */
	return false;
}

static bool rr_preempts(const struct task *t, const struct task *curr)
{
	policy_assert_task_locked(t);
	return t->prio < curr->prio;
}

const struct sched_policy policy_rr = {
	.name = "rr",
	.init = levels_init,
	.enqueue = rr_enqueue,
	.dequeue = levels_dequeue,
	.pick_next = levels_pick_next,
	.tick = rr_tick,
	.preempts = rr_preempts,
	.steal = levels_steal,
};
