/*
 * The real-time class, and how it sits above the policy.
 *
 *   run queue   rt.prio[99]  A  ->  B        FIFO and RR tasks, by their
 *                    ...                      fixed priority, 99 first
 *               rt.prio[1]   C
 *               ----------------------------
 *               q (policy)   rr or mlfq levels: SCHED_OTHER tasks
 *               idle
 *
 * pick_next takes the first task of the highest non-empty real-time list;
 * only when every list is empty does the policy choose. So a runnable
 * real-time task always runs before any SCHED_OTHER task of its CPU (and
 * balance.c moves it to another CPU that runs something lower).
 *
 * Inside a priority, tasks take turns in list order:
 *   - SCHED_FIFO runs until it blocks, yields, or a higher priority wakes
 *     up. Preempted, it goes back to the HEAD of its list: it did not give
 *     the CPU up, so it is next again. A yield or a wake-up: the tail.
 *   - SCHED_RR is FIFO with a time slice of RT_SLICE ticks: when it is used
 *     up and another task of the same priority waits, it goes to the tail
 *     with a fresh slice. Alone at its priority, it simply goes on.
 * A real-time task is never handed to the policy's hooks, so the policy
 * (and the sched lab's mlfq) never needs to know this class exists.
 */
#include "sched/rt.h"

#include "base/kernel.h"
#include "freestanding/linux_abi.h"
#include "sched/runqueue.h"

void rt_init(struct rt_queues *q)
{
	for (int p = 0; p <= RT_PRIO_MAX; p++)
		list_init(&q->prio[p]);
	q->nr = 0;
}

int rt_top_prio(const struct rt_queues *q)
{
	if (q->nr == 0)
		return 0;
	for (int p = RT_PRIO_MAX; p > 0; p--)
		if (!list_empty(&q->prio[p]))
			return p;
	return 0;
}

struct task *rt_steal(struct rt_queues *q, unsigned cpu, int above)
{
	for (int p = RT_PRIO_MAX; p > above && q->nr; p--)
		list_for_each(n, &q->prio[p]) {
			struct task *t = list_entry(n, struct task, rq_link);
			if (task_allowed_on(t, cpu)) {
				list_remove(&t->rq_link);
				q->nr--;
				return t;
			}
		}
	return NULL;
}

static void rt_enqueue(struct rt_queues *q, struct task *t, bool at_head)
{
	if (at_head)
		list_push_front(&q->prio[t->rt_prio], &t->rq_link);
	else
		list_push_back(&q->prio[t->rt_prio], &t->rq_link);
	q->nr++;
}

void class_enqueue(struct runqueue *rq, struct task *t, bool preempted)
{
	spin_assert_held(&rq->lock);
	if (!task_is_rt(t)) {
		policy->enqueue(&rq->q, t);
		return;
	}
	bool keeps_turn =
		preempted && (t->rt_policy == SCHED_FIFO || t->slice_left > 0);
	if (t->slice_left <= 0)
		t->slice_left = RT_SLICE;
	rt_enqueue(&rq->rt, t, keeps_turn);
}

void class_dequeue(struct runqueue *rq, struct task *t)
{
	spin_assert_held(&rq->lock);
	if (!task_is_rt(t)) {
		policy->dequeue(&rq->q, t);
		return;
	}
	list_remove(&t->rq_link);
	rq->rt.nr--;
}

struct task *class_pick_next(struct runqueue *rq)
{
	spin_assert_held(&rq->lock);
	int top = rt_top_prio(&rq->rt);
	if (!top)
		return policy->pick_next(&rq->q);
	rq->rt.nr--;
	return list_entry(list_pop_front(&rq->rt.prio[top]), struct task,
			  rq_link);
}

/* A tick while curr runs: true if it should give up the CPU now. */
bool class_tick(struct runqueue *rq, struct task *curr)
{
	spin_assert_held(&rq->lock);
	int top = rt_top_prio(&rq->rt);
	if (!task_is_rt(curr))
		return top > 0 || policy->tick(&rq->q, curr);
	if (top > curr->rt_prio)
		return true; /* a wake-up's resched was missed: not a turn */
	if (curr->rt_policy != SCHED_RR || --curr->slice_left > 0)
		return false;
	if (top == curr->rt_prio)
		return true; /* slice used up: to the tail (class_enqueue) */
	curr->slice_left = RT_SLICE; /* alone at its priority: go on */
	return false;
}

bool class_preempts(const struct task *t, const struct task *curr)
{
	if (task_is_rt(t) || task_is_rt(curr))
		return t->rt_prio > curr->rt_prio;
	return policy->preempts(t, curr);
}

int class_rank(const struct runqueue *rq, const struct task *t)
{
	return t == rq->idle ? -1 : t->rt_prio;
}
