/*
 * Spinlocks for the green primitives and the run queues.
 *
 * A green thread cannot sleep on a pthread mutex (that would stop its
 * whole worker), and it must not hold a lock while it waits either, so
 * every lock here is held for a few instructions: a list push, a count.
 * Spinning is then the right wait, with one caveat: the kernel may preempt
 * the holder, and on one CPU the spinner would burn its whole time slice
 * waiting for a thread that cannot run. So after a while it sched_yields.
 */
#include <sched.h>

#include "internal.h"

#define SPINS_BEFORE_YIELD 100

void spin_lock(struct uthread_spinlock *l)
{
	for (int spins = 0;; spins++) {
		if (!atomic_exchange_explicit(&l->locked, 1,
					      memory_order_acquire))
			return;
		while (atomic_load_explicit(&l->locked, memory_order_relaxed)) {
			if (++spins % SPINS_BEFORE_YIELD == 0)
				sched_yield();
			else
				__builtin_ia32_pause();
		}
	}
}

void spin_unlock(struct uthread_spinlock *l)
{
	UT_ASSERT(atomic_load_explicit(&l->locked, memory_order_relaxed));
	atomic_store_explicit(&l->locked, 0, memory_order_release);
}
