/* Changing what the scheduler knows of a task while it may be queued or
 * running: its affinity mask and its priority. */
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
		policy->dequeue(&rq->q, t);
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
	bool queued = list_node_linked(&t->rq_link);
	if (queued)
		policy->dequeue(&rq->q, t);
	t->prio = t->level = prio;
	if (queued) {
		policy->enqueue(&rq->q, t);
		/* Raised above what its CPU runs: that CPU switches now,
		 * not when the running task's slice is up. */
		if (policy->preempts(t, rq->current))
			resched_cpu(t->cpu);
	}
	spin_unlock(&rq->lock);
}
