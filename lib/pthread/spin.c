/*
 * Spinlocks: for critical sections shorter than a trip to the kernel.
 * Test-and-test-and-set: spin on a plain read (the cache line stays
 * shared, no bus traffic) and try the atomic exchange only when the lock
 * looks free. `pause` tells the CPU it is a spin loop (and gives an SMT
 * sibling the core). A spinner that is preempted while holding one makes
 * everyone else spin for a whole time slice: that is why user space
 * usually wants a mutex.
 */
#include <errno.h>

#include "internal.h"

int pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
	(void)pshared; /* one word: works across processes as it is */
	*s = 0;
	return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *s)
{
	(void)s;
	return 0;
}

/*
 * pthread_spin_lock - take the lock, spinning (never sleeping) meanwhile.
 * Contract: returns 0 holding it. Not recursive: a holder that locks
 * again spins for ever.
 */
int pthread_spin_lock(pthread_spinlock_t *s)
{
	while (__atomic_exchange_n(s, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(s, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
	}
	return 0;
}

int pthread_spin_trylock(pthread_spinlock_t *s)
{
	return __atomic_exchange_n(s, 1, __ATOMIC_ACQUIRE) ? EBUSY : 0;
}

int pthread_spin_unlock(pthread_spinlock_t *s)
{
	__atomic_store_n(s, 0, __ATOMIC_RELEASE);
	return 0;
}
