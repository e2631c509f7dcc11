/*
 * Clock arithmetic for the tests and demos: absolute deadlines for timed
 * waits, elapsed times, short sleeps. Standard calls only, so the
 * programs build against glibc.
 */
#ifndef USER_TIMING_H
#define USER_TIMING_H

#include <time.h>

/* The time `ms` milliseconds from now on `clock`, as timed waits take. */
static inline struct timespec deadline_in_ms(clockid_t clock, long ms)
{
	struct timespec t;
	clock_gettime(clock, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

/* Milliseconds on `clock` since `start`. */
static inline long ms_since(clockid_t clock, struct timespec start)
{
	struct timespec now;
	clock_gettime(clock, &now);
	return (now.tv_sec - start.tv_sec) * 1000 +
	       (now.tv_nsec - start.tv_nsec) / 1000000;
}

/* Milliseconds on the monotonic clock (from an arbitrary start). */
static inline long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static inline void sleep_ms(long ms)
{
	struct timespec t = {.tv_sec = ms / 1000,
			     .tv_nsec = (ms % 1000) * 1000000};
	nanosleep(&t, NULL);
}

#endif
