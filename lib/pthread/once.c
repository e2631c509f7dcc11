/*
 * pthread_once: run init exactly once, however many threads race to it.
 *
 *   NEVER --CAS by the first caller--> RUNNING --init() returns--> DONE
 *
 * Later callers that find RUNNING sleep on the word until it is DONE
 * (and wake each other, since every one of them must return only after
 * init has finished). Not cancellation-safe: cancellation is not
 * supported.
 */
#include <limits.h>

#include "internal.h"

enum { NEVER = PTHREAD_ONCE_INIT, RUNNING, DONE };

int pthread_once(pthread_once_t *once, void (*init)(void))
{
	uint32_t state = NEVER;
	if (__atomic_load_n(once, __ATOMIC_ACQUIRE) == DONE)
		return 0;
	if (__atomic_compare_exchange_n(once, &state, RUNNING, 0,
					__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		init();
		__atomic_store_n(once, DONE, __ATOMIC_RELEASE);
		futex_wake_word(once, INT_MAX);
		return 0;
	}
	while ((state = __atomic_load_n(once, __ATOMIC_ACQUIRE)) == RUNNING)
		futex_wait_word(once, RUNNING);
	return 0;
}
