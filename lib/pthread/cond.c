/*
 * Condition variables on a sequence number. A waiter notes the number,
 * releases the mutex and sleeps while the number is unchanged; signal and
 * broadcast bump it and wake one or all. A signal between the unlock and
 * the sleep changes the number, so the futex wait returns at once: the
 * wake-up is not lost. Spurious wake-ups are allowed (POSIX says so):
 * callers re-check their predicate in a loop.
 */
#include <limits.h>

#include "internal.h"

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	(void)attr;
	c->seq = 0;
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
	(void)c;
	return 0;
}

/*
 * pthread_cond_wait - release m, sleep until signalled, re-take m.
 * Contract: the caller holds m; returns 0 holding m again. The mutex is
 * re-taken as contended (2): other waiters may be queued on it.
 */
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	pthread_mutex_unlock(m);
	futex_wait_word(&c->seq, seq);
	while (__atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE) != 0)
		futex_wait_word(&m->state, 2);
	return 0;
}

int pthread_cond_signal(pthread_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	futex_wake_word(&c->seq, 1);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	futex_wake_word(&c->seq, INT_MAX);
	return 0;
}
