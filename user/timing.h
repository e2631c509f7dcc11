/*
 * Clock arithmetic for the tests: absolute deadlines for timed waits and
 * elapsed times. Standard calls only, so the tests build against glibc.
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

#endif
