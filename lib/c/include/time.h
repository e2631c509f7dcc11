/* Clocks and sleeping. */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

#include "freestanding/linux_abi.h" /* CLOCK_* */

struct timespec {
	time_t tv_sec;
	long tv_nsec; /* 0 .. 999999999 */
};

int clock_gettime(clockid_t clock, struct timespec *ts);
int clock_getres(clockid_t clock, struct timespec *res);
/* Sleeps for *req; if interrupted, *rem (when not NULL) gets what is left. */
int nanosleep(const struct timespec *req, struct timespec *rem);

#endif
