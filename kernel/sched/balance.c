/*
 * Balancing: an idle CPU steals a queued task from the busiest run queue
 * (sched_balance(1) from the idle loop); every BALANCE_TICKS ticks each CPU
 * pulls one from a queue two or more tasks longer than its own
 * (sched_balance(2) from the tick). Which task moves is the policy's choice
 * (its steal hook); affinity masks are obeyed, and checked again on every
 * switch.
 */
#include "arch/percpu.h"
#include "base/kernel.h"
#include "sched/runqueue.h"
#include "sched/trace.h"

/* Moves one queued task that may run on `to` from `from`'s queue (the
 * policy chooses which). Both run queues are locked. */
static bool pull_one(struct runqueue *from_rq, struct runqueue *to_rq,
		     unsigned to)
{
	spin_assert_held(&from_rq->lock);
	spin_assert_held(&to_rq->lock);
	struct task *t = policy->steal(&from_rq->q, to);
	if (!t)
		return false;
	from_rq->nr_queued--;
	trace_move(TRACE_STEAL, t, (unsigned)(from_rq - runqueues), to);
	enqueue_locked(to_rq, to, t);
	return true;
}

static unsigned load_of(unsigned cpu)
{
	struct runqueue *rq = &runqueues[cpu];
	return rq->nr_queued + (rq->current != rq->idle);
}

/*
 * Pulls a task to this CPU from the busiest run queue if that one has at
 * least `margin` more tasks. Locks two run queues, lower CPU id first, so
 * two CPUs balancing against each other cannot deadlock.
 */
void sched_balance(unsigned margin)
{
	unsigned me = this_cpu()->id, busiest = me;
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		if (load_of(cpu) > load_of(busiest) &&
		    runqueues[cpu].nr_queued > 0)
			busiest = cpu;
	if (busiest == me || load_of(busiest) < load_of(me) + margin)
		return;
	struct runqueue *a = &runqueues[MIN(me, busiest)],
			*b = &runqueues[MAX(me, busiest)];
	spin_lock(&a->lock);
	spin_lock(&b->lock);
	if (load_of(busiest) >= load_of(me) + margin)
		pull_one(&runqueues[busiest], &runqueues[me], me);
	spin_unlock(&b->lock);
	spin_unlock(&a->lock);
}
