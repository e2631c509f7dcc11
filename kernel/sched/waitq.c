/*
 * Why no wake-up is lost:
 *
 *   sleeper                              waker
 *   -------                              -----
 *   waitq_prepare: queue self,
 *     state = BLOCKED
 *   check cond: false
 *                                        make cond true
 *                                        waitq_wake_all: for each queued
 *                                          task, wake_up(): BLOCKED ->
 *                                          RUNNABLE
 *   schedule(): state is RUNNABLE, so
 *     it stays on the run queue and
 *     comes straight back
 *   check cond: true -> waitq_finish
 *
 * Had the waker run before waitq_prepare, the check would see cond true.
 * Either way the sleeper never sleeps past a wake-up. The one rule for
 * callers: make the condition true BEFORE calling waitq_wake_*.
 */
#include "sched/waitq.h"

#include "base/kernel.h"
#include "sched/sched.h"
#include "sched/trace.h"

void waitq_init(struct waitq *wq, const char *name)
{
	spin_init(&wq->lock, "waitq");
	list_init(&wq->waiters);
	list_init(&wq->pollers);
	wq->name = name;
}

/* Bookkeeping: what t waits on, for the `tasks` listing. wq locked. */
static void note_waiting_locked(struct waitq *wq, struct task *t,
				const char *what)
{
	spin_assert_held(&wq->lock);
	t->wait_what = what;
}

/*
 * waitq_prepare - the first half of sleeping: put the current task on wq
 * and mark it BLOCKED.
 * Contract: the caller checks its condition next, and calls schedule() if
 * it is false; waitq_finish ends the wait either way. Queued BEFORE the
 * check, so a waker that makes the condition true after the check finds
 * the task here (see the top of this file). Calling it again while
 * queued (a wait that loops) does not queue the task twice.
 */
void waitq_prepare(struct waitq *wq)
{
	/* LAB waitq: begin */
	struct task *t = current();
	spin_lock(&wq->lock);
	if (!list_node_linked(&t->wait_link))
		list_push_back(&wq->waiters, &t->wait_link);
	note_waiting_locked(wq, t, wq->name);
	spin_unlock(&wq->lock);
	sched_block_current();
	/* LAB waitq: end */
}

/*
 * waitq_finish - the end of a wait: leave wq and be RUNNING again.
 * Contract: the current task called waitq_prepare(wq); safe whether or
 * not a waker has already made it runnable.
 */
void waitq_finish(struct waitq *wq)
{
	/* LAB waitq: begin */
	struct task *t = current();
	spin_lock(&wq->lock);
	if (list_node_linked(&t->wait_link))
		list_remove(&t->wait_link);
	note_waiting_locked(wq, t, NULL);
	spin_unlock(&wq->lock);
	sched_unblock_current();
	/* LAB waitq: end */
}

/*
 * wake_waiters - the wake algorithm: make BLOCKED waiters of wq runnable,
 * in the order they queued, all of them or just the first.
 * Contract: the caller has already made the waiters' condition true; no
 * run queue lock held (wake_up takes one, after wq's lock). Woken tasks
 * stay queued until they see their condition and call waitq_finish, so a
 * task already woken (not BLOCKED) is passed over and not counted.
 * Returns how many it woke.
 */
static int wake_waiters(struct waitq *wq, bool all)
{
	/* LAB waitq: begin */
	int n = 0;
	spin_lock(&wq->lock);
	list_for_each(node, &wq->waiters) {
		struct task *t = list_entry(node, struct task, wait_link);
		if (wake_up(t)) {
			n++;
			if (!all)
				break;
		}
	}
	spin_unlock(&wq->lock);
	return n;
	/* LAB waitq: end */
}

void waitq_add_poller(struct waitq *wq, struct waitq_poller *p)
{
	p->wq = wq;
	spin_lock(&wq->lock);
	list_push_back(&wq->pollers, &p->link);
	spin_unlock(&wq->lock);
}

void waitq_remove_poller(struct waitq_poller *p)
{
	spin_lock(&p->wq->lock);
	list_remove(&p->link);
	spin_unlock(&p->wq->lock);
}

/* Tells every poller of wq that it changed (see struct waitq_poller):
 * woken first, then the wake-up, both under wq's lock, so that a poller
 * taking itself off (under the same lock) is never touched after. */
static void wake_pollers(struct waitq *wq)
{
	spin_lock(&wq->lock);
	list_for_each(node, &wq->pollers) {
		struct waitq_poller *p =
			list_entry(node, struct waitq_poller, link);
		atomic_store(p->woken, true);
		wake_up(p->task);
	}
	spin_unlock(&wq->lock);
}

/* The IPIs to the woken tasks' CPUs go out once wq's lock is let go
 * (sched_hold_kicks): the first thing a woken task does is take that lock
 * (waitq_finish), and it would spin on it while its waker sent them --
 * under QEMU a trip through the emulator's global lock, which with a busy
 * host took milliseconds. */
static int wake(struct waitq *wq, bool all)
{
	sched_hold_kicks();
	wake_pollers(wq);
	int n = wake_waiters(wq, all);
	sched_send_kicks();
	return n;
}

int waitq_wake_all(struct waitq *wq)
{
	return wake(wq, true);
}

int waitq_wake_one(struct waitq *wq)
{
	return wake(wq, false);
}
