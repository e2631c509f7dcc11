/*
 * Barriers: `count` threads meet; none leaves until all have arrived.
 *
 * A round number tells rounds apart: a thread that arrives waits until
 * the round changes, and the last to arrive starts the next round and
 * wakes everyone. Without the round, a fast thread could leave, arrive
 * at the barrier's next use, and be counted in the round still emptying.
 */
#include <errno.h>

#include "internal.h"

int pthread_barrierattr_init(pthread_barrierattr_t *attr)
{
	attr->pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_barrierattr_setpshared(pthread_barrierattr_t *attr, int pshared)
{
	if (check_pshared(pshared))
		return EINVAL;
	attr->pshared = pshared;
	return 0;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t *attr,
				   int *pshared)
{
	*pshared = attr->pshared;
	return 0;
}

/* A shared barrier is a shared mutex and condition variable. */
int pthread_barrier_init(pthread_barrier_t *b,
			 const pthread_barrierattr_t *attr, unsigned count)
{
	if (count == 0)
		return EINVAL;
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_condattr_init(&ca);
	if (attr) {
		pthread_mutexattr_setpshared(&ma, attr->pshared);
		pthread_condattr_setpshared(&ca, attr->pshared);
	}
	pthread_mutex_init(&b->lock, &ma);
	pthread_cond_init(&b->all_here, &ca);
	b->count = count;
	b->arrived = 0;
	b->round = 0;
	return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
	return b->arrived ? EBUSY : 0;
}

/*
 * pthread_barrier_wait - wait for the other count - 1 threads.
 * Contract: returns once all `count` have called it in this round:
 * PTHREAD_BARRIER_SERIAL_THREAD in exactly one of them (the last to
 * arrive), 0 in the others. The barrier is then ready for the next round.
 */
int pthread_barrier_wait(pthread_barrier_t *b)
{
	pthread_mutex_lock(&b->lock);
	unsigned round = b->round;
	int r = 0;
	if (++b->arrived == b->count) {
		b->arrived = 0;
		b->round++;
		pthread_cond_broadcast(&b->all_here);
		r = PTHREAD_BARRIER_SERIAL_THREAD;
	} else {
		while (b->round == round)
			cond_wait_uncancellable(&b->all_here, &b->lock);
	}
	pthread_mutex_unlock(&b->lock);
	return r;
}
