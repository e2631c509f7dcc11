/*
 * Three threads asleep on one futex, for looking at from GDB (the gdb test
 * group, docs/debugging.md): `break all_waiting`, then spindle-futex lists
 * the three, and spindle-runqueues shows main on its CPU.
 *
 * main knows they all sleep without guessing with a timer: FUTEX_REQUEUE
 * moves sleepers from `gate` to `parked` and returns how many it moved,
 * and only a thread already asleep in the kernel can be moved. Once three
 * have been moved, all three sleep on `parked`.
 */
#include <sched.h>
#include <stdio.h>

#include "c/libc.h"
#include "threads.h"

#define NR_WAITERS 3
#define PRIV(op) ((op) | FUTEX_PRIVATE_FLAG)

static uint32_t gate, parked;

static int waiter(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&parked, __ATOMIC_ACQUIRE) == 0)
		futex(&gate, PRIV(FUTEX_WAIT), 0, NULL, NULL, 0);
	return 0;
}

/* Called once every waiter sleeps on `parked`: a place for a breakpoint. */
__attribute__((noinline)) void all_waiting(void)
{
	printf("waiters: %d threads asleep on the futex at %p\n", NR_WAITERS,
	       (void *)&parked);
}

int main(void)
{
	struct thread threads[NR_WAITERS];
	for (int i = 0; i < NR_WAITERS; i++)
		if (thread_start(&threads[i], waiter, NULL) < 0) {
			printf("waiters: cannot start a thread\n");
			return 1;
		}
	long moved = 0;
	while (moved < NR_WAITERS) {
		long n = futex(&gate, PRIV(FUTEX_REQUEUE), 0,
			       (const struct timespec *)(long)NR_WAITERS,
			       &parked, 0);
		if (n > 0)
			moved += n;
		else
			sched_yield();
	}
	all_waiting();
	__atomic_store_n(&parked, 1, __ATOMIC_RELEASE);
	futex(&parked, PRIV(FUTEX_WAKE), NR_WAITERS, NULL, NULL, 0);
	for (int i = 0; i < NR_WAITERS; i++)
		thread_join(&threads[i]);
	printf("waiters: all %d woke and finished\n", NR_WAITERS);
	return 0;
}
