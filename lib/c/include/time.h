/* Clocks and sleeping. */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

struct timespec {
	time_t tv_sec;
	long tv_nsec; /* 0 .. 999999999 */
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3

int clock_gettime(clockid_t clock, struct timespec *ts);
/* Sleeps for *req; if interrupted, *rem (when not NULL) gets what is left. */
int nanosleep(const struct timespec *req, struct timespec *rem);

#endif
