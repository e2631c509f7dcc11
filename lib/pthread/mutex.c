/*
 * Mutexes on one futex word, the three-state protocol of Drepper's
 * "Futexes Are Tricky":
 *
 *   0  unlocked
 *   1  locked, nobody waiting        unlock: just store 0, no system call
 *   2  locked, maybe waiters         unlock: store 0 and FUTEX_WAKE one
 *
 * A locker that finds the mutex taken marks it 2 before sleeping, so the
 * owner knows it must wake someone. Uncontended lock and unlock never
 * enter the kernel.
 */
#include <errno.h>
#include <stdint.h>

#include "c/libc.h"
#include "freestanding/linux_abi.h"
#include "internal.h"

void futex_wait_word(uint32_t *word, uint32_t seen)
{
	futex(word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, seen, NULL, NULL, 0);
}

void futex_wake_word(uint32_t *word, int n)
{
	futex(word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, (uint32_t)n, NULL, NULL,
	      0);
}

static uint32_t cmpxchg(uint32_t *word, uint32_t expected, uint32_t desired)
{
	__atomic_compare_exchange_n(word, &expected, desired, false,
				    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	return expected; /* the value that was there */
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	(void)attr;
	m->state = 0;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	return m->state ? EBUSY : 0;
}

/*
 * pthread_mutex_lock - take the mutex, sleeping while another thread has it.
 * Contract: returns 0 with the mutex held; the word is 1 if nobody waited
 * on the way in, else 2 (a later unlock must wake).
 */
int pthread_mutex_lock(pthread_mutex_t *m)
{
	uint32_t c = cmpxchg(&m->state, 0, 1);
	if (c == 0)
		return 0; /* the fast path: it was free */
	do {
		/* Mark it contended (if it is not already), then sleep
		 * while it stays that way. */
		if (c == 2 || cmpxchg(&m->state, 1, 2) != 0)
			futex_wait_word(&m->state, 2);
	} while ((c = cmpxchg(&m->state, 0, 2)) != 0);
	return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	return cmpxchg(&m->state, 0, 1) == 0 ? 0 : EBUSY;
}

/*
 * pthread_mutex_unlock - release the mutex.
 * Contract: the caller holds it; if anyone may be waiting (the word was
 * 2), exactly one is woken.
 */
int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (__atomic_fetch_sub(&m->state, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&m->state, 0, __ATOMIC_RELEASE);
		futex_wake_word(&m->state, 1);
	}
	return 0;
}
