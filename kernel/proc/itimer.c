/*
 * ITIMER_REAL: setitimer, getitimer and alarm. Each process has one
 * timer (struct process's itimer) that raises SIGALRM at its deadline and,
 * with an interval, again every interval after. It runs as a callback
 * timer (sched/timer.h) in the tick, and the signal is sent from there.
 *
 * Locks, in order: itimer_lock (set and cancel: one at a time) -> the
 * timer list's lock (the callback runs under it) -> proc_lock (the
 * callback sends the signal under it). So the deadline and interval are
 * read under proc_lock, and a timer is armed or cancelled only under
 * itimer_lock, never with proc_lock held. Once timer_cancel returns, the
 * callback is not running and will not run: process_exit cancels before
 * the process can be freed.
 */
#include "arch/time.h"
#include "base/kernel.h"
#include "proc/internal.h"
#include "proc/proc.h"
#include "sched/timer.h"
#include "sync/spinlock.h"

static struct spinlock itimer_lock = SPINLOCK_INIT("itimer");

static uint64_t itimer_fire(struct timer *t)
{
	struct process *p = container_of(t, struct process, itimer);
	spin_lock(&proc_lock);
	uint64_t next =
		p->itimer_interval ? t->deadline_ns + p->itimer_interval : 0;
	p->itimer_deadline = next;
	spin_unlock(&proc_lock);
	signal_send_process(p, SIGALRM);
	return next;
}

void proc_set_itimer(uint64_t value_ns, uint64_t interval_ns,
		     uint64_t *old_value_ns, uint64_t *old_interval_ns)
{
	struct process *p = current_process();
	spin_lock(&itimer_lock);
	timer_cancel(&p->itimer);
	uint64_t now = clock_ns();
	spin_lock(&proc_lock);
	uint64_t old = p->itimer_deadline;
	*old_value_ns = old > now ? old - now : old ? 1 : 0;
	*old_interval_ns = p->itimer_interval;
	p->itimer_deadline = value_ns ? now + value_ns : 0;
	p->itimer_interval = value_ns ? interval_ns : 0;
	spin_unlock(&proc_lock);
	if (value_ns)
		timer_arm_callback(&p->itimer, now + value_ns, itimer_fire);
	spin_unlock(&itimer_lock);
}

void proc_get_itimer(uint64_t *value_ns, uint64_t *interval_ns)
{
	struct process *p = current_process();
	uint64_t now = clock_ns();
	spin_lock(&proc_lock);
	uint64_t at = p->itimer_deadline;
	*value_ns = at > now ? at - now : at ? 1 : 0;
	*interval_ns = p->itimer_interval;
	spin_unlock(&proc_lock);
}

void itimer_exit(struct process *p)
{
	spin_lock(&itimer_lock);
	timer_cancel(&p->itimer);
	spin_unlock(&itimer_lock);
}
