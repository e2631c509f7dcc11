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
	wq->name = name;
}

/*
 * waitq_prepare - put the current task on wq and mark it BLOCKED.
 * Contract: the caller checks its condition next, and calls schedule() if
 * it is false; waitq_finish ends the wait either way.
 */
void waitq_prepare(struct waitq *wq)
{
	struct task *t = current();
	spin_lock(&wq->lock);
	if (!list_node_linked(&t->wait_link))
		list_push_back(&wq->waiters, &t->wait_link);
	t->wait_what = wq->name;
	spin_unlock(&wq->lock);
	sched_block_current();
}

void waitq_finish(struct waitq *wq)
{
	struct task *t = current();
	spin_lock(&wq->lock);
	if (list_node_linked(&t->wait_link))
		list_remove(&t->wait_link);
	t->wait_what = NULL;
	spin_unlock(&wq->lock);
	sched_unblock_current();
}

static int wake(struct waitq *wq, bool all)
{
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
}

/*
 * waitq_wake_all - wake every task waiting on wq.
 * Contract: the caller has already made the waiters' condition true.
 * Woken tasks stay queued on wq until they see their condition and leave.
 */
int waitq_wake_all(struct waitq *wq)
{
	return wake(wq, true);
}

int waitq_wake_one(struct waitq *wq)
{
	return wake(wq, false);
}
