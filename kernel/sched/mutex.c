/*
 * Every primitive here follows one pattern: a small state (owner, count,
 * sequence number) under a spinlock, a "try" that changes it if it can,
 * and wait_event(&wq, try(...)) to sleep until the try succeeds. The
 * releasing side changes the state first and wakes second, which is all
 * wait queues need to never lose a wake-up (see sched/waitq.c).
 */
#include "sched/mutex.h"

#include "arch/cpu.h"
#include "base/kernel.h"
#include "sched/sched.h"

#define MUTEX_SPINS 20000

/*
 * The mutex is one word with three states (sched/mutex_word.h says why
 * one word, and holds the atomic operations on it). The owner (for
 * mutex_held, and to name the holder in panics) is bookkeeping next to
 * the algorithm, not part of it: set after the word is taken, cleared
 * before it is released.
 */
void mutex_init(struct mutex *m, const char *name)
{
	mutex_word_init(&m->word);
	atomic_init(&m->owner, NULL);
	waitq_init(&m->wq, name);
}

/*
 * mutex_acquire - the lock algorithm: take the word, sleeping while
 * another task has it.
 * Contract: may sleep; returns with the word HELD or CONTENDED by the
 * caller. A task that has slept leaves the word CONTENDED even if nobody
 * else waits: one wake-up too many is harmless, one too few is not.
 * mutex_word_wait_or_take runs inside wait_event, after the task is
 * queued and BLOCKED, so an unlock that comes between it and schedule()
 * finds the task on the queue and makes it runnable (sched/waitq.h).
 */
static void mutex_acquire(struct mutex *m)
{
	/* LAB waitq: begin */
	if (mutex_word_take_if_free(&m->word))
		return;
	/* Critical sections are usually short: spinning a little while the
	 * owner finishes is far cheaper than sleeping and being woken (two
	 * context switches and an IPI). Only then sleep. */
	for (int i = 0; i < MUTEX_SPINS; i++) {
		if (mutex_word_looks_free(&m->word) &&
		    mutex_word_take_if_free(&m->word))
			return;
		cpu_relax();
	}
	wait_event(&m->wq, mutex_word_wait_or_take(&m->word));
	/* LAB waitq: end */
}

/*
 * mutex_release - the unlock algorithm: free the word, and wake one
 * waiter if a locker marked it contended.
 * Contract: the caller holds the word. Freeing it and reading whether
 * anyone announced themselves must be one operation on one word
 * (sched/mutex_word.h says why).
 */
static void mutex_release(struct mutex *m)
{
	/* LAB waitq: begin */
	if (mutex_word_release(&m->word))
		waitq_wake_one(&m->wq);
	/* LAB waitq: end */
}

/* Bookkeeping: the caller must not already own m (it would sleep for
 * ever: panic instead). */
static void mutex_check_not_owner(struct mutex *m)
{
	if (atomic_load_explicit(&m->owner, memory_order_relaxed) == current())
		panic("mutex_lock: task '%s' already owns mutex '%s'",
		      current()->name, m->wq.name);
}

/* Bookkeeping: the caller must own m; forgets the owner. */
static void mutex_check_and_clear_owner(struct mutex *m)
{
	struct task *owner =
		atomic_load_explicit(&m->owner, memory_order_relaxed);
	if (owner != current())
		panic("mutex_unlock: task '%s' does not own mutex '%s' (owner: "
		      "%s)",
		      current()->name, m->wq.name,
		      owner ? owner->name : "nobody");
	atomic_store_explicit(&m->owner, NULL, memory_order_relaxed);
}

static void mutex_set_owner(struct mutex *m)
{
	atomic_store_explicit(&m->owner, current(), memory_order_relaxed);
}

/*
 * mutex_trylock - take m if it is free.
 * Contract: returns true with m owned by the caller, or false at once.
 */
bool mutex_trylock(struct mutex *m)
{
	if (!mutex_word_take_if_free(&m->word))
		return false;
	mutex_set_owner(m);
	return true;
}

/*
 * mutex_lock - take m, sleeping until it is free.
 * Contract: not in an interrupt handler, no spinlock held; the caller must
 * not already own m (that would sleep forever: it panics instead).
 */
void mutex_lock(struct mutex *m)
{
	mutex_check_not_owner(m);
	mutex_acquire(m);
	mutex_set_owner(m);
}

/*
 * mutex_unlock - release m and wake one waiter, if there is one.
 * Contract: the caller owns m (it panics otherwise).
 */
void mutex_unlock(struct mutex *m)
{
	mutex_check_and_clear_owner(m);
	mutex_release(m);
}

bool mutex_held(struct mutex *m)
{
	return atomic_load_explicit(&m->owner, memory_order_relaxed) ==
	       current();
}

void sem_init(struct semaphore *s, long count, const char *name)
{
	spin_init(&s->lock, "semaphore");
	s->count = count;
	waitq_init(&s->wq, name);
}

bool sem_trydown(struct semaphore *s)
{
	/* LAB waitq: begin */
	spin_lock(&s->lock);
	bool got = s->count > 0;
	if (got)
		s->count--;
	spin_unlock(&s->lock);
	return got;
	/* LAB waitq: end */
}

void sem_down(struct semaphore *s)
{
	wait_event(&s->wq, sem_trydown(s));
}

void sem_up(struct semaphore *s)
{
	/* LAB waitq: begin */
	spin_lock(&s->lock);
	s->count++;
	spin_unlock(&s->lock);
	waitq_wake_one(&s->wq);
	/* LAB waitq: end */
}

void cond_init(struct condvar *cv, const char *name)
{
	atomic_init(&cv->seq, 0);
	waitq_init(&cv->wq, name);
}

/*
 * cond_wait - wait for a signal, with m released meanwhile.
 * Contract: the caller owns m; it owns m again when this returns. The
 * sequence number is read before m is released, so a signal sent after
 * that (even before we sleep) changes it and the wait ends.
 */
void cond_wait(struct condvar *cv, struct mutex *m)
{
	/* LAB waitq: begin */
	unsigned long seq = atomic_load(&cv->seq);
	mutex_unlock(m);
	wait_event(&cv->wq, atomic_load(&cv->seq) != seq);
	mutex_lock(m);
	/* LAB waitq: end */
}

void cond_signal(struct condvar *cv)
{
	/* LAB waitq: begin */
	atomic_fetch_add(&cv->seq, 1);
	waitq_wake_one(&cv->wq);
	/* LAB waitq: end */
}

void cond_broadcast(struct condvar *cv)
{
	/* LAB waitq: begin */
	atomic_fetch_add(&cv->seq, 1);
	waitq_wake_all(&cv->wq);
	/* LAB waitq: end */
}

void completion_init(struct completion *c, const char *name)
{
	spin_init(&c->lock, "completion");
	c->done = 0;
	waitq_init(&c->wq, name);
}

static bool completion_consume(struct completion *c)
{
	spin_lock(&c->lock);
	bool got = c->done > 0;
	if (got && c->done != ~0ul)
		c->done--;
	spin_unlock(&c->lock);
	return got;
}

void wait_for_completion(struct completion *c)
{
	wait_event(&c->wq, completion_consume(c));
}

void complete(struct completion *c)
{
	spin_lock(&c->lock);
	if (c->done != ~0ul)
		c->done++;
	spin_unlock(&c->lock);
	waitq_wake_one(&c->wq);
}

void complete_all(struct completion *c)
{
	spin_lock(&c->lock);
	c->done = ~0ul; /* every wait, now and later, succeeds */
	spin_unlock(&c->lock);
	waitq_wake_all(&c->wq);
}
