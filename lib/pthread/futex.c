/*
 * The two futex calls every object in lib/pthread is built on: sleep
 * while a word still holds the value seen, and wake sleepers on a word.
 * Private (FUTEX_PRIVATE_FLAG) unless the object may be shared between
 * processes: the kernel then keys the wait by the address alone.
 */
#include <errno.h>

#include "c/libc.h"
#include "c/syscall.h"
#include "freestanding/linux_abi.h"
#include "internal.h"

/* Private unless shared; CLOCK_REALTIME's flag only for a timed wait. */
static int wait_op(clockid_t clock, const struct timespec *abstime, int shared)
{
	return FUTEX_WAIT_BITSET | (shared ? 0 : FUTEX_PRIVATE_FLAG) |
	       (abstime && clock == CLOCK_REALTIME ? FUTEX_CLOCK_REALTIME : 0);
}

/*
 * futex_wait_until - sleep while *word == seen, at most until abstime.
 * Contract: returns 0 when woken, when *word had already changed, or on a
 * signal (callers re-check their condition in a loop either way), and
 * ETIMEDOUT once abstime on `clock` has passed. FUTEX_WAIT_BITSET takes
 * an absolute time, on CLOCK_MONOTONIC or, with FUTEX_CLOCK_REALTIME, on
 * CLOCK_REALTIME: no re-computing a relative timeout after each wake-up.
 */
int futex_wait_until(uint32_t *word, uint32_t seen, clockid_t clock,
		     const struct timespec *abstime, int shared)
{
	long r =
		syscall6(SYS_futex, (long)word, wait_op(clock, abstime, shared),
			 seen, (long)abstime, 0, ~0u);
	return r == -ETIMEDOUT ? ETIMEDOUT : 0;
}

int futex_wait_cancellable(uint32_t *word, uint32_t seen, clockid_t clock,
			   const struct timespec *abstime, int shared)
{
	long r = cancellable_syscall(SYS_futex, (long)word,
				     wait_op(clock, abstime, shared), seen,
				     (long)abstime, 0, ~0u);
	return r == -ETIMEDOUT || r == -ECANCELED ? (int)-r : 0;
}

void futex_wait_word(uint32_t *word, uint32_t seen)
{
	futex_wait_until(word, seen, CLOCK_MONOTONIC, NULL, 0);
}

void futex_wake_shared(uint32_t *word, int n, int shared)
{
	futex(word, FUTEX_WAKE | (shared ? 0 : FUTEX_PRIVATE_FLAG), (uint32_t)n,
	      NULL, NULL, 0);
}

void futex_wake_word(uint32_t *word, int n)
{
	futex_wake_shared(word, n, 0);
}

int check_abstime(const struct timespec *abstime)
{
	return abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000 ? EINVAL
								      : 0;
}
