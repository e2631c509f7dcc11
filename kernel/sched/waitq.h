/*
 * Wait queues: the one way anything in the kernel sleeps.
 *
 *   wait_event(&wq, condition);            sleeps until condition is true
 *   wait_event_timeout(&wq, condition, ns) ... or ns have passed
 *   wait_event_locked(&wq, condition, &lock)   condition read under a
 *                                              spinlock the caller holds
 *   waitq_wake_all(&wq);                   after making condition true
 *
 * The condition is re-checked after the task has marked itself BLOCKED and
 * queued itself, and the waker makes the condition true before waking. So a
 * wake-up that lands between the check and the sleep finds the task on the
 * queue and makes it runnable again; it cannot be lost. See waitq.c.
 */
#ifndef SCHED_WAITQ_H
#define SCHED_WAITQ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "freestanding/errno.h"
#include "freestanding/list.h"
#include "sched/sched.h"
#include "sync/spinlock.h"

struct waitq {
	struct spinlock lock;
	struct list waiters; /* lock: tasks, by wait_link */
	struct list pollers; /* lock: struct waitq_poller, by link */
	const char *name;    /* shown as what a task waits on */
};

#define WAITQ_INIT(wq, n)                                                      \
	{                                                                      \
		.lock = SPINLOCK_INIT("waitq"),                                \
		.waiters = {{&(wq).waiters.head, &(wq).waiters.head}},         \
		.pollers = {{&(wq).pollers.head, &(wq).pollers.head}},         \
		.name = (n)                                                    \
	}

/*
 * A poller: a task that waits on several queues at once (poll, select:
 * fs/poll.c) has one of these on each queue instead of its wait_link.
 * Every wake of the queue, wake_one included, first sets *woken and then
 * wakes the task: a poller waits for a change, not for a turn, so it
 * never takes a waiter's place. *woken is how a wake that lands while
 * the task is still checking its files (not yet BLOCKED, so wake_up does
 * nothing) is not lost: the task reads it after it has blocked.
 */
struct waitq_poller {
	struct list_node link; /* wq->lock */
	struct waitq *wq;      /* the queue it is on */
	struct task *task;     /* const */
	atomic_bool *woken;    /* const: set by every wake of wq */
};

/* Puts p (task and woken filled in) on wq / takes it off again. */
void waitq_add_poller(struct waitq *wq, struct waitq_poller *p);
void waitq_remove_poller(struct waitq_poller *p);

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

/*
 * wait_event_locked - sleep on wq until cond is true, where cond reads
 * state that `lock` protects (Chickadee's wait_until with a lock).
 * Contract: the caller holds the spinlock `lock` (asserted), and holds it
 * again when this returns, with cond true; no other spinlock held. While
 * it sleeps, `lock` is released. Whoever makes cond true must do so with
 * `lock` held, then wake wq (with or without `lock`).
 *
 * Why no wake-up is lost -- the whole reasoning, once:
 *   1. cond is only ever evaluated with `lock` held, so it sees a state
 *      no waker is half-way through changing;
 *   2. the task queues itself and becomes BLOCKED (waitq_prepare) and
 *      only THEN checks cond, still holding `lock`;
 *   3. it releases `lock` only after that, so a waker, which needs `lock`
 *      to make cond true, can only do so once the task is on wq and
 *      BLOCKED: its wake-up makes the task RUNNABLE, and the schedule()
 *      that follows returns at once (sched.c: a task woken before it has
 *      switched away stays on its CPU);
 *   4. after waking it re-takes `lock` and checks cond again: a wake-up
 *      can be spurious (another waiter took what was there, a wake_all).
 * Forget step 2's order (check, then queue) and a wake-up that lands
 * between the two is lost; read cond without `lock` (step 1) and it may
 * see a ring's head moved but its tail not yet.
 */
#define wait_event_locked(wq, cond, lock)                                      \
	do {                                                                   \
		spin_assert_held(lock);                                        \
		(void)waitq_wait_held_(wq, cond, spin_unlock(lock),            \
				       spin_lock(lock), WAIT_UNINTERRUPTIBLE); \
	} while (0)

/*
 * wait_event_locked_killable - wait_event_locked that also gives up when
 * the task has a fatal signal pending (it is being killed: its sleep
 * must end so it can die). Returns 0 with cond true, or -EINTR with cond
 * false; `lock` is held on return either way. The killer sets the task's
 * kill_signal and then wakes it (kernel/proc); the check comes after
 * waitq_prepare for the same reason cond does.
 */
#define wait_event_locked_killable(wq, cond, lock)                             \
	({                                                                     \
		spin_assert_held(lock);                                        \
		waitq_wait_held_(wq, cond, spin_unlock(lock), spin_lock(lock), \
				 WAIT_KILLABLE);                               \
	})

/*
 * wait_event_locked_interruptible - wait_event_locked that also gives up
 * when a signal is to be handled: 0 with cond true, or -ERESTARTSYS with
 * cond false; `lock` is held on return either way.
 */
#define wait_event_locked_interruptible(wq, cond, lock)                        \
	({                                                                     \
		spin_assert_held(lock);                                        \
		waitq_wait_held_(wq, cond, spin_unlock(lock), spin_lock(lock), \
				 WAIT_INTERRUPTIBLE);                          \
	})

/* Does t have a fatal signal pending (is it being killed)? */
static inline bool task_fatal_signal_pending(struct task *t)
{
	return atomic_load(&t->kill_signal) != 0;
}

/* ... or any signal it must act on (a handler to run): the test of an
 * interruptible sleep. kernel/proc sets sig_wake, then wakes the task. */
static inline bool task_signal_pending(struct task *t)
{
	return task_fatal_signal_pending(t) || atomic_load(&t->sig_wake);
}

/* How a wait may end early (waitq_wait_held_'s `mode`). */
enum wait_mode {
	WAIT_UNINTERRUPTIBLE, /* only when cond is true */
	WAIT_KILLABLE,	      /* -EINTR: the task is being killed */
	WAIT_INTERRUPTIBLE,   /* -ERESTARTSYS: a signal is to be handled */
};

/*
 * The loop behind wait_event_locked and the sleeping-lock forms
 * (wait_event_mutex, sched/mutex.h): `release` and `retake` are the
 * statements that drop and take the caller's lock. Evaluates to 0, or to
 * -EINTR / -ERESTARTSYS if `mode` let a signal end the wait. The task leaves
 * wq (waitq_finish) before it re-takes the lock: taking a sleeping lock
 * may itself wait, on the lock's own queue, and a task is on one wait
 * queue at a time.
 */
#define waitq_wait_held_(wq, cond, release, retake, mode)                      \
	({                                                                     \
		int err_ = 0;                                                  \
		while (!(cond)) {                                              \
			waitq_prepare(wq);                                     \
			if (cond) {                                            \
				waitq_finish(wq);                              \
				break;                                         \
			}                                                      \
			if ((mode) == WAIT_KILLABLE &&                         \
			    task_fatal_signal_pending(current())) {            \
				waitq_finish(wq);                              \
				err_ = -EINTR;                                 \
				break;                                         \
			}                                                      \
			if ((mode) == WAIT_INTERRUPTIBLE &&                    \
			    task_signal_pending(current())) {                  \
				waitq_finish(wq);                              \
				err_ = -ERESTARTSYS;                           \
				break;                                         \
			}                                                      \
			release;                                               \
			schedule();                                            \
			waitq_finish(wq);                                      \
			retake;                                                \
		}                                                              \
		err_;                                                          \
	})

#endif
