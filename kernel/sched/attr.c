/* Changing what the scheduler knows of a task while it may be queued or
 * running: its affinity mask, its priority, its class (rt.c). */
#include "base/kernel.h"
#include "sched/runqueue.h"
#include "sched/sched.h"

int sched_set_affinity(struct task *t, uint64_t mask)
{
	uint64_t online = nr_cpus >= 64 ? ~0ul : (1ul << nr_cpus) - 1;
	if (!(mask & online))
		return -1;
	struct runqueue *rq = lock_task_rq(t);
	t->affinity = mask;
	unsigned cpu = t->cpu;
	bool move_self = t == current() && !task_allowed_on(t, cpu);
	if (task_allowed_on(t, cpu)) {
		spin_unlock(&rq->lock);
	} else if (list_node_linked(&t->rq_link)) {
		class_dequeue(rq, t);
		rq->nr_queued--;
		queue_task_unlock(rq, t, cpu);
	} else {
		/* Running, or on its way somewhere (whoever moves it checks
		 * the mask again under the lock it ends under). */
		bool kick = t->on_cpu && !move_self;
		spin_unlock(&rq->lock);
		if (kick)
			resched_cpu(cpu); /* its next switch moves it */
	}
	if (move_self)
		schedule(); /* context_switch sends it where it may run */
	return 0;
}

void sched_set_priority(struct task *t, int prio)
{
	kassert(prio >= 0 && prio < NR_PRIO);
	struct runqueue *rq = lock_task_rq(t);
	bool queued = list_node_linked(&t->rq_link) && !task_is_rt(t);
	if (queued)
		policy->dequeue(&rq->q, t);
	t->prio = t->level = prio; /* a real-time task's turn when it leaves */
	if (queued) {
		policy->enqueue(&rq->q, t);
		/* Raised above what its CPU runs: that CPU switches now,
		 * not when the running task's slice is up. */
		if (policy->preempts(t, rq->current))
			resched_cpu(t->cpu);
	}
	spin_unlock(&rq->lock);
}

/*
 * As sched(7) says for Linux: a queued task raised to a higher real-time
 * priority goes to the tail of its new list, one lowered to the head, one
 * whose priority stays keeps its place; a running one lowered below a
 * waiting task gives its CPU up.
 */
void sched_set_rt(struct task *t, int rt_policy, int rt_prio)
{
	kassert(rt_prio >= 0 && rt_prio <= RT_PRIO_MAX);
	struct runqueue *rq = lock_task_rq(t);
	bool queued = list_node_linked(&t->rq_link);
	bool lowered = rt_prio < t->rt_prio;
	if (rt_prio == t->rt_prio) { /* it keeps its place in line */
		t->rt_policy = rt_policy;
		spin_unlock(&rq->lock);
		return;
	}
	if (queued)
		class_dequeue(rq, t);
	if (rt_prio && !t->rt_prio)
		t->slice_left = RT_SLICE;
	else if (!rt_prio && t->rt_prio)
		t->level = t->prio; /* the policy's starting level */
	t->rt_policy = rt_policy;
	t->rt_prio = rt_prio;
	if (queued) {
		class_enqueue(rq, t, lowered);
		if (class_preempts(t, rq->current))
			resched_cpu(t->cpu);
	} else if (rq->current == t) {
		atomic_store(&rq->rank, class_rank(rq, t));
		if (lowered && rt_top_prio(&rq->rt) > rt_prio)
			resched_cpu(t->cpu);
		else if (lowered && !rt_prio && rq->nr_queued)
			resched_cpu(t->cpu); /* SCHED_OTHER now: takes turns */
	}
	spin_unlock(&rq->lock);
}
