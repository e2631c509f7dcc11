/*
 * Semaphores: a count that wait takes one from (sleeping at 0) and post
 * gives one back. The count is the futex word itself, so a waiter sleeps
 * exactly while it reads 0:
 *
 *   sem_wait:  v = value; v > 0 ? CAS(value, v, v - 1) : FUTEX_WAIT(value, 0)
 *   sem_post:  value++; if anyone waits, FUTEX_WAKE 1
 *
 * `waiters` lets an uncontended post skip the system call. Unlike the
 * pthread calls, these report errors POSIX's old way: -1 and errno.
 * With pshared the futex operations are shared ones, so a semaphore in a
 * MAP_SHARED page works between processes.
 */
#include <errno.h>
#include <semaphore.h>

#include "internal.h"

int sem_init(sem_t *s, int pshared, unsigned value)
{
	if (value > SEM_VALUE_MAX) {
		errno = EINVAL;
		return -1;
	}
	*s = (sem_t){value, 0, pshared};
	return 0;
}

int sem_destroy(sem_t *s)
{
	(void)s;
	return 0;
}

/* Takes one if the count is positive; false if it is 0. */
static int try_take(sem_t *s)
{
	uint32_t v = __atomic_load_n(&s->value, __ATOMIC_RELAXED);
	while (v > 0)
		if (__atomic_compare_exchange_n(&s->value, &v, v - 1, 1,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return 1;
	return 0;
}

/*
 * sem_timedwait - take one from the count, sleeping while it is 0.
 * Contract: 0 once taken; -1 with errno ETIMEDOUT once abstime
 * (CLOCK_REALTIME) has passed, EINVAL for a malformed abstime (checked
 * only when the call has to wait). NULL abstime: wait for ever. A
 * cancellation point, even when it need not wait (POSIX's "shall"): a
 * cancelled waiter takes nothing, and passes on the wake-up it may have
 * had from a post to the next waiter.
 */
int sem_timedwait(sem_t *s, const struct timespec *abstime)
{
	pthread_testcancel();
	if (try_take(s))
		return 0;
	if (abstime && check_abstime(abstime)) {
		errno = EINVAL;
		return -1;
	}
	__atomic_fetch_add(&s->waiters, 1, __ATOMIC_SEQ_CST);
	int r = 0;
	while (!try_take(s)) {
		r = futex_wait_cancellable(&s->value, 0, CLOCK_REALTIME,
					   abstime, s->shared);
		if (r == ECANCELED || (r == ETIMEDOUT && !try_take(s)))
			break;
		r = 0;
	}
	__atomic_fetch_sub(&s->waiters, 1, __ATOMIC_SEQ_CST);
	if (r == ECANCELED) {
		futex_wake_shared(&s->value, 1, s->shared);
		cancel_act();
	}
	if (r) {
		errno = r;
		return -1;
	}
	return 0;
}

int sem_wait(sem_t *s)
{
	return sem_timedwait(s, NULL);
}

int sem_trywait(sem_t *s)
{
	if (try_take(s))
		return 0;
	errno = EAGAIN;
	return -1;
}

/*
 * sem_post - give one back, waking a sleeper if there is one.
 * Contract: 0; -1 with errno EOVERFLOW if the count is at SEM_VALUE_MAX.
 */
int sem_post(sem_t *s)
{
	uint32_t v = __atomic_load_n(&s->value, __ATOMIC_RELAXED);
	do {
		if (v == SEM_VALUE_MAX) {
			errno = EOVERFLOW;
			return -1;
		}
	} while (!__atomic_compare_exchange_n(
		&s->value, &v, v + 1, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	/* Sequentially consistent with the waiter's waiters++ then read of
	 * value: either it sees the new count or this sees it waiting. */
	if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST))
		futex_wake_shared(&s->value, 1, s->shared);
	return 0;
}

int sem_getvalue(sem_t *s, int *value)
{
	*value = (int)__atomic_load_n(&s->value, __ATOMIC_RELAXED);
	return 0;
}
