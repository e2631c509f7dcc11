/*
 * Sleeping locks and friends, all built on wait queues (sched/waitq.h):
 *
 *   mutex       one owner at a time; waiters sleep; only the owner unlocks
 *   semaphore   a count; down waits while it is 0
 *   condvar     wait for a condition protected by a mutex; signal/broadcast
 *   completion  wait for something to happen once (or n times)
 *
 * Use these, not spinlocks, for anything that may wait long or sleep while
 * holding it. They may not be used from interrupt handlers (they block).
 */
#ifndef SCHED_MUTEX_H
#define SCHED_MUTEX_H

#include <stdatomic.h>
#include <stdbool.h>

#include "sched/mutex_word.h"
#include "sched/waitq.h"
#include "sync/spinlock.h"

struct task;

struct mutex {
	struct mutex_word word; /* who holds it; whether unlock must wake */
	/* Bookkeeping, not the algorithm: the holder, written by it. */
	_Atomic(struct task *) owner;
	struct waitq wq; /* where waiters sleep */
};

struct semaphore {
	struct spinlock lock;
	long count; /* lock */
	struct waitq wq;
};

struct condvar {
	atomic_ulong seq; /* bumped by every signal and broadcast */
	struct waitq wq;
};

struct completion {
	struct spinlock lock;
	unsigned long done; /* lock: completions not yet consumed */
	struct waitq wq;
};

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held(struct mutex *m); /* by the calling task */
#define mutex_assert_held(m)                                                   \
	do {                                                                   \
		if (!mutex_held(m))                                            \
			panic("%s: mutex '%s' must be held here", __func__,    \
			      (m)->wq.name);                                   \
	} while (0)

/*
 * wait_event_mutex - wait_event_locked (sched/waitq.h) for a condition
 * that a sleeping mutex protects: the caller owns m (asserted) and owns
 * it again on return with cond true; m is released while it sleeps. The
 * reasoning is the same: the task is on wq and BLOCKED before m is
 * released, and wakers change cond only while owning m.
 */
#define wait_event_mutex(wq, cond, m)                                          \
	do {                                                                   \
		mutex_assert_held(m);                                          \
		(void)waitq_wait_held_(wq, cond, mutex_unlock(m),              \
				       mutex_lock(m), WAIT_UNINTERRUPTIBLE);   \
	} while (0)

/* ... and gives up with -EINTR when a fatal signal is pending (0: cond
 * is true). m is owned on return either way. */
#define wait_event_mutex_killable(wq, cond, m)                                 \
	({                                                                     \
		mutex_assert_held(m);                                          \
		waitq_wait_held_(wq, cond, mutex_unlock(m), mutex_lock(m),     \
				 WAIT_KILLABLE);                               \
	})

/* ... or with -ERESTARTSYS when a signal is to be handled (a system call
 * that the signal interrupts: see kernel/entry/user_return.c). */
#define wait_event_mutex_interruptible(wq, cond, m)                            \
	({                                                                     \
		mutex_assert_held(m);                                          \
		waitq_wait_held_(wq, cond, mutex_unlock(m), mutex_lock(m),     \
				 WAIT_INTERRUPTIBLE);                          \
	})

void sem_init(struct semaphore *s, long count, const char *name);
void sem_down(struct semaphore *s);
bool sem_trydown(struct semaphore *s);
void sem_up(struct semaphore *s);

void cond_init(struct condvar *cv, const char *name);
/* Releases m, sleeps until signalled, re-acquires m. May wake without a
 * signal: always wait in a loop that re-checks the condition. */
void cond_wait(struct condvar *cv, struct mutex *m);
void cond_signal(struct condvar *cv);
void cond_broadcast(struct condvar *cv);

void completion_init(struct completion *c, const char *name);
void wait_for_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);

#endif
