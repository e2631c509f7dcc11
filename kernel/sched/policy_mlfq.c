/*
 * A multi-level feedback queue (MLFQ), as in "Operating Systems: Three Easy
 * Pieces", chapter 8:
 *
 *   1. Run the task in the highest non-empty level; round robin inside it.
 *   2. A task starts at the level of its static priority.
 *   3. A task that uses up its slice at a level moves down one level
 *      (it looks CPU-bound); one that blocks before that stays put.
 *   4. Lower levels get longer slices: level L runs for L + 1 ticks.
 *   5. Every BOOST_TICKS ticks, every task goes back to its starting level,
 *      so CPU-bound tasks are not starved forever (aging).
 */
#include "base/kernel.h"
#include "sched/policy.h"

#define BOOST_TICKS 100 /* one second at HZ = 100 */

static int slice_for(int level)
{
	return level + 1;
}

static void mlfq_enqueue(struct policy_queues *q, struct task *t)
{
	/* LAB sched: begin */
	policy_assert_locked(q);
	if (t->level < 0) { /* new: rule 2 */
		t->level = t->prio;
		t->slice_left = slice_for(t->level);
	} else if (t->slice_left <= 0) { /* used its whole slice: rule 3 */
		if (t->level < NR_PRIO - 1)
			t->level++;
		t->slice_left = slice_for(t->level);
	}
	list_push_back(&q->level[t->level], &t->rq_link);
	/* LAB sched: end */
}

/* Rule 5: everyone back to their starting level. */
static void boost(struct policy_queues *q, struct task *curr)
{
	/* LAB sched: begin */
	struct list all;
	list_init(&all);
	for (int l = 0; l < NR_PRIO; l++)
		while (!list_empty(&q->level[l]))
			list_push_back(&all, list_pop_front(&q->level[l]));
	while (!list_empty(&all)) {
		struct task *t =
			list_entry(list_pop_front(&all), struct task, rq_link);
		t->level = t->prio;
		t->slice_left = slice_for(t->level);
		list_push_back(&q->level[t->level], &t->rq_link);
	}
	curr->level = curr->prio;
	/* LAB sched: end */
}

static bool mlfq_tick(struct policy_queues *q, struct task *curr)
{
	/* LAB sched: begin */
	policy_assert_locked(q);
	if (++q->ticks % BOOST_TICKS == 0)
		boost(q, curr);
	if (--curr->slice_left > 0)
		return false;
	if (levels_waiting_at_or_above(q, NR_PRIO - 1))
		return true;
	/* Alone: demote it anyway (rule 3), and go on running. */
	if (curr->level < NR_PRIO - 1)
		curr->level++;
	curr->slice_left = slice_for(curr->level);
	return false;
	/* LAB sched: end */
}

static bool mlfq_preempts(const struct task *t, const struct task *curr)
{
	/* LAB sched: begin */
	policy_assert_task_locked(t);
	return t->level < curr->level;
	/* LAB sched: end */
}

const struct sched_policy policy_mlfq = {
	.name = "mlfq",
	.init = levels_init,
	.enqueue = mlfq_enqueue,
	.dequeue = levels_dequeue,
	.pick_next = levels_pick_next,
	.tick = mlfq_tick,
	.preempts = mlfq_preempts,
	.steal = levels_steal,
};
