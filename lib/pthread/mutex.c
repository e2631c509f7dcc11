/*
 * Mutexes on one futex word, the three-state protocol of Drepper's
 * "Futexes Are Tricky":
 *
 *   0  unlocked
 *   1  locked, nobody waiting        unlock: just store 0, no system call
 *   2  locked, maybe waiters         unlock: store 0 and FUTEX_WAKE one
 *
 *        lock (was 0)          lock (was 1 or 2): mark 2, sleep
 *   [0] -------------> [1] --------------------------------> [2]
 *    ^                  |                                     |
 *    +--- unlock -------+   unlock: store 0, wake one  <------+
 *
 * A locker that finds the mutex taken marks it 2 before sleeping, so the
 * owner knows it must wake someone. Uncontended lock and unlock never
 * enter the kernel.
 *
 * The recursive and error-checking kinds add an owner (the tid) on top:
 * a recursive mutex counts re-locks by its owner; an error-checking one
 * refuses them (EDEADLK) and refuses an unlock by anyone else (EPERM).
 */
#include <errno.h>
#include <stdbool.h>

#include "internal.h"

static uint32_t cmpxchg(uint32_t *word, uint32_t expected, uint32_t desired)
{
	__atomic_compare_exchange_n(word, &expected, desired, false,
				    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	return expected; /* the value that was there */
}

int pthread_mutexattr_init(pthread_mutexattr_t *attr)
{
	*attr = (pthread_mutexattr_t){PTHREAD_MUTEX_DEFAULT,
				      PTHREAD_PROCESS_PRIVATE};
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type)
{
	if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
	    type != PTHREAD_MUTEX_ERRORCHECK)
		return EINVAL;
	attr->type = type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type)
{
	*type = attr->type;
	return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared)
{
	if (check_pshared(pshared))
		return EINVAL;
	attr->pshared = pshared;
	return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared)
{
	*pshared = attr->pshared;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	*m = (pthread_mutex_t){0, attr ? attr->type : PTHREAD_MUTEX_DEFAULT, 0,
			       0,
			       attr ? attr->pshared : PTHREAD_PROCESS_PRIVATE};
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	return m->state ? EBUSY : 0;
}

/*
 * mutex_lock_word - take the futex word, sleeping while another has it.
 * Contract: returns 0 with the word held -- 1 if nobody waited on the way
 * in, else 2 (a later unlock must wake) -- or ETIMEDOUT, not holding it,
 * once abstime (CLOCK_REALTIME; NULL: never) has passed.
 */
static int mutex_lock_word(uint32_t *word, const struct timespec *abstime,
			   int shared)
{
	uint32_t c = cmpxchg(word, 0, 1);
	if (c == 0)
		return 0; /* the fast path: it was free */
	/* LAB pthread: begin */
	do {
		/* Mark it contended (if it is not already), then sleep
		 * while it stays that way. */
		if (c == 2 || cmpxchg(word, 1, 2) != 0) {
			if (futex_wait_until(word, 2, CLOCK_REALTIME, abstime,
					     shared) == ETIMEDOUT)
				return ETIMEDOUT;
		}
	} while ((c = cmpxchg(word, 0, 2)) != 0);
	return 0;
	/* LAB pthread: end */
}

/*
 * mutex_unlock_word - release the futex word.
 * Contract: the caller holds it; if anyone may be waiting (the word was
 * 2), exactly one is woken.
 */
static void mutex_unlock_word(uint32_t *word, int shared)
{
	if (__atomic_fetch_sub(word, 1, __ATOMIC_RELEASE) != 1) {
		/* LAB pthread: begin */
		__atomic_store_n(word, 0, __ATOMIC_RELEASE);
		futex_wake_shared(word, 1, shared);
		/* LAB pthread: end */
	}
}

/* For the owner-tracking kinds: 0 to go on and take the word, or the
 * answer to give now (a recursive re-lock, or EDEADLK). */
static int relock_by_owner(pthread_mutex_t *m, bool *done)
{
	*done = false;
	if (m->type == PTHREAD_MUTEX_NORMAL ||
	    __atomic_load_n(&m->owner, __ATOMIC_RELAXED) != self_tid())
		return 0;
	*done = true;
	if (m->type == PTHREAD_MUTEX_ERRORCHECK)
		return EDEADLK;
	if (m->count == ~0u)
		return EAGAIN;
	m->count++;
	return 0;
}

static void set_owner(pthread_mutex_t *m, unsigned count)
{
	if (m->type != PTHREAD_MUTEX_NORMAL) {
		__atomic_store_n(&m->owner, self_tid(), __ATOMIC_RELAXED);
		m->count = count;
	}
}

static int lock(pthread_mutex_t *m, const struct timespec *abstime)
{
	bool done;
	int r = relock_by_owner(m, &done);
	if (done)
		return r;
	if (abstime && check_abstime(abstime)) {
		/* POSIX: a bad time matters only if the call must wait. */
		if (cmpxchg(&m->state, 0, 1) != 0)
			return EINVAL;
	} else if ((r = mutex_lock_word(&m->state, abstime, m->pshared)) != 0) {
		return r;
	}
	set_owner(m, 1);
	return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	return lock(m, NULL);
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	return lock(m, abstime);
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	bool done;
	int r = relock_by_owner(m, &done);
	if (done)
		return m->type == PTHREAD_MUTEX_ERRORCHECK ? EBUSY : r;
	if (cmpxchg(&m->state, 0, 1) != 0)
		return EBUSY;
	set_owner(m, 1);
	return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (m->type != PTHREAD_MUTEX_NORMAL) {
		if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != self_tid())
			return EPERM;
		if (--m->count > 0)
			return 0;
		__atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
	}
	mutex_unlock_word(&m->state, m->pshared);
	return 0;
}

/*
 * mutex_release_for_wait - let go of m entirely, for a condition wait.
 * Contract: the caller holds m; returns how many times it held it (a
 * recursive mutex may be held more than once), or 0 and EPERM in *err if
 * an owner-tracking mutex is not the caller's.
 */
unsigned mutex_release_for_wait(pthread_mutex_t *m, int *err)
{
	unsigned count = 1;
	*err = 0;
	if (m->type != PTHREAD_MUTEX_NORMAL) {
		if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) !=
		    self_tid()) {
			*err = EPERM;
			return 0;
		}
		count = m->count;
		__atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
	}
	mutex_unlock_word(&m->state, m->pshared);
	return count;
}

/*
 * mutex_reacquire_after_wait - take m back after a condition wait.
 * Contract: returns holding m `count` times. The word is taken as
 * contended (2): other waiters may have been moved onto it, and whoever
 * unlocks next must wake one.
 */
void mutex_reacquire_after_wait(pthread_mutex_t *m, unsigned count)
{
	while (__atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE) != 0)
		futex_wait_until(&m->state, 2, CLOCK_MONOTONIC, NULL,
				 m->pshared);
	set_owner(m, count);
}
