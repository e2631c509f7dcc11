/*
 * Wait queues: the one way anything in the kernel sleeps.
 *
 *   wait_event(&wq, condition);            sleeps until condition is true
 *   wait_event_timeout(&wq, condition, ns) ... or ns have passed
 *   waitq_wake_all(&wq);                   after making condition true
 *
 * The condition is re-checked after the task has marked itself BLOCKED and
 * queued itself, and the waker makes the condition true before waking. So a
 * wake-up that lands between the check and the sleep finds the task on the
 * queue and makes it runnable again; it cannot be lost. See waitq.c.
 */
#ifndef SCHED_WAITQ_H
#define SCHED_WAITQ_H

#include <stdbool.h>
#include <stdint.h>

#include "freestanding/list.h"
#include "sync/spinlock.h"

struct waitq {
	struct spinlock lock;
	struct list waiters; /* lock: tasks, by wait_link */
	const char *name;    /* shown as what a task waits on */
};

#define WAITQ_INIT(wq, n)                                                      \
	{                                                                      \
		.lock = SPINLOCK_INIT("waitq"),                                \
		.waiters = {{&(wq).waiters.head, &(wq).waiters.head}},         \
		.name = (n)                                                    \
	}

void waitq_init(struct waitq *wq, const char *name);

/* The two halves of a wait, for the macros below. */
void waitq_prepare(struct waitq *wq);
void waitq_finish(struct waitq *wq);

/* Wakes every waiter / the longest waiter; returns how many it woke. */
int waitq_wake_all(struct waitq *wq);
int waitq_wake_one(struct waitq *wq);

/*
 * wait_event - sleep on wq until cond is true.
 * Contract: no spinlock held, not in an interrupt handler (schedule()
 * checks); cond is evaluated with no lock held, as often as needed.
 */
#define wait_event(wq, cond)                                                   \
	do {                                                                   \
		for (;;) {                                                     \
			waitq_prepare(wq);                                     \
			if (cond)                                              \
				break;                                         \
			schedule();                                            \
		}                                                              \
		waitq_finish(wq);                                              \
	} while (0)

/* Like wait_event, but gives up after timeout_ns; true if cond became
 * true, false on timeout. */
#define wait_event_timeout(wq, cond, timeout_ns)                               \
	({                                                                     \
		struct timer timer_;                                           \
		uint64_t deadline_ = clock_ns() + (timeout_ns);                \
		timer_arm_wakeup(&timer_, deadline_, current());               \
		bool ok_;                                                      \
		for (;;) {                                                     \
			waitq_prepare(wq);                                     \
			if ((ok_ = (cond)) || clock_ns() >= deadline_)         \
				break;                                         \
			schedule();                                            \
		}                                                              \
		waitq_finish(wq);                                              \
		timer_cancel(&timer_);                                         \
		ok_;                                                           \
	})

#endif
