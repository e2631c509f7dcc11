/*
 * Condition variables on a sequence number. A waiter notes the number,
 * releases the mutex and sleeps while the number is unchanged; signal and
 * broadcast bump it and wake one or all:
 *
 *   waiter                              signaller
 *   seq = c->seq          (5)
 *   unlock(m)
 *                                       lock(m); predicate = true
 *                                       c->seq++  (6); FUTEX_WAKE 1
 *   FUTEX_WAIT(&c->seq, 5)  -> the word is 6, not 5: returns at once
 *   lock(m); re-check the predicate
 *
 * A signal between the unlock and the sleep changes the number, so the
 * futex wait returns at once: the wake-up is not lost. Spurious wake-ups
 * are allowed (POSIX says so): callers re-check their predicate in a
 * loop. (The number wraps after 2^32 signals; a waiter would have to
 * sleep through exactly that many to miss one.)
 */
#include <errno.h>
#include <limits.h>

#include "internal.h"

int pthread_condattr_init(pthread_condattr_t *attr)
{
	*attr = (pthread_condattr_t){CLOCK_REALTIME, PTHREAD_PROCESS_PRIVATE};
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return EINVAL;
	attr->clock = clock;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock)
{
	*clock = attr->clock;
	return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared)
{
	if (check_pshared(pshared))
		return EINVAL;
	attr->pshared = pshared;
	return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared)
{
	*pshared = attr->pshared;
	return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	c->seq = 0;
	c->clock = attr ? attr->clock : CLOCK_REALTIME;
	c->pshared = attr ? attr->pshared : PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
	(void)c;
	return 0;
}

/*
 * cond_wait - release m, sleep until signalled, until abstime (on the
 * clock chosen with pthread_condattr_setclock) or until a cancel request
 * is to act, re-take m.
 * Contract: the caller holds m; returns holding m again: 0, ETIMEDOUT once
 * abstime has passed, or ECANCELED (EINVAL for a malformed time, EPERM
 * when an error-checking mutex is not the caller's; m untouched in both).
 */
static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m,
		     const struct timespec *abstime)
{
	/* LAB pthread: begin */
	if (abstime && check_abstime(abstime))
		return EINVAL;
	uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	int err;
	unsigned held = mutex_release_for_wait(m, &err);
	if (err)
		return err;
	int r = futex_wait_cancellable(&c->seq, seq, c->clock, abstime,
				       c->pshared);
	mutex_reacquire_after_wait(m, held);
	return r;
	/* LAB pthread: end */
}

/*
 * A cancellation point: a cancelled waiter ends holding m again, as POSIX
 * says (its cleanup handlers find it locked), and first passes on the
 * wake-up it may have taken, so no other waiter misses a signal (a
 * spurious wake-up is allowed, a lost one is not).
 */
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime)
{
	pthread_testcancel();
	int r = cond_wait(c, m, abstime);
	if (r == ECANCELED) {
		pthread_cond_signal(c);
		cancel_act();
	}
	return r;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return pthread_cond_timedwait(c, m, NULL);
}

int cond_wait_uncancellable(pthread_cond_t *c, pthread_mutex_t *m)
{
	int held = cancel_hold();
	int r = cond_wait(c, m, NULL);
	cancel_release(held);
	return r;
}

int pthread_cond_signal(pthread_cond_t *c)
{
	/* LAB pthread: begin */
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	futex_wake_shared(&c->seq, 1, c->pshared);
	return 0;
	/* LAB pthread: end */
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	/* LAB pthread: begin */
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	futex_wake_shared(&c->seq, INT_MAX, c->pshared);
	return 0;
	/* LAB pthread: end */
}
