/*
 * Balancing: an idle CPU steals a queued task from the busiest run queue
 * (sched_balance(1) from the idle loop); every BALANCE_TICKS ticks each CPU
 * pulls one from a queue two or more tasks longer than its own
 * (sched_balance(2) from the tick). Which task moves is the policy's choice
 * (its steal hook); affinity masks are obeyed, and checked again on every
 * switch.
 *
 * A waking or new task is queued where it can run at once if its own CPU
 * is busy (sched_place, a push): for an ordinary task an idle CPU, for a
 * real-time one a CPU that runs something lower. Without it, a task woken
 * on its waker's CPU waited there for the waker to sleep or for the tick
 * -- 10 ms, while another CPU idled (futex_wake_to_run in make bench).
 *
 * Real-time tasks come first (rt.c): every balance first pulls a queued
 * real-time task that outranks what this CPU runs (pull_rt). A real-time
 * task can so wait behind a lower task on another CPU for at most
 * BALANCE_TICKS ticks -- or none, if that CPU is idle (it balances at
 * once).
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

/* Locks the run queues of CPUs a and b (a != b), lower CPU id first, so
 * two CPUs balancing against each other cannot deadlock. */
static void lock_two(unsigned a, unsigned b)
{
	spin_lock(&runqueues[MIN(a, b)].lock);
	spin_lock(&runqueues[MAX(a, b)].lock);
}

static void unlock_two(unsigned a, unsigned b)
{
	spin_unlock(&runqueues[MAX(a, b)].lock);
	spin_unlock(&runqueues[MIN(a, b)].lock);
}

unsigned sched_place(const struct task *t, unsigned cpu)
{
	int lowest = atomic_load(&runqueues[cpu].rank);
	if (lowest < t->rt_prio) /* it would run there at once */
		return cpu;
	unsigned best = cpu;
	for (unsigned c = 0; c < nr_cpus; c++) {
		int rank = atomic_load(&runqueues[c].rank);
		if (rank < lowest && task_allowed_on(t, c)) {
			best = c;
			lowest = rank;
		}
	}
	return lowest < t->rt_prio ? best : cpu;
}

/* Pulls to this CPU a queued real-time task of another CPU that
 * outranks the task running here. Returns whether it moved one. */
static bool pull_rt(unsigned me)
{
	struct runqueue *to = &runqueues[me];
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		struct runqueue *from = &runqueues[cpu];
		if (cpu == me || !from->rt.nr)
			continue; /* a hint: checked again under the locks */
		lock_two(me, cpu);
		struct task *t =
			rt_steal(&from->rt, me, class_rank(to, to->current));
		if (t) {
			from->nr_queued--;
			trace_move(TRACE_STEAL, t, cpu, me);
			enqueue_locked(to, me, t);
		}
		unlock_two(me, cpu);
		if (t)
			return true;
	}
	return false;
}

/*
 * Pulls a real-time task that outranks what runs here, if one waits
 * elsewhere; else a task from the busiest run queue, if that one has at
 * least `margin` more tasks.
 */
void sched_balance(unsigned margin)
{
	unsigned me = this_cpu()->id, busiest = me;
	if (pull_rt(me))
		return;
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		if (load_of(cpu) > load_of(busiest) &&
		    runqueues[cpu].nr_queued > 0)
			busiest = cpu;
	if (busiest == me || load_of(busiest) < load_of(me) + margin)
		return;
	lock_two(me, busiest);
	if (load_of(busiest) >= load_of(me) + margin)
		pull_one(&runqueues[busiest], &runqueues[me], me);
	unlock_two(me, busiest);
}
