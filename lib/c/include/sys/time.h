/* Interval timers: setitimer and getitimer (ITIMER_REAL on Spindle). */
#ifndef _SYS_TIME_H
#define _SYS_TIME_H

#include <time.h>

#include "freestanding/linux_abi.h" /* ITIMER_* */

struct timeval {
	time_t tv_sec;
	long tv_usec;
};

struct itimerval {
	struct timeval it_interval; /* reloaded at each expiry (0: once) */
	struct timeval it_value;    /* time to the next expiry (0: off) */
};

int setitimer(int which, const struct itimerval *value, struct itimerval *old);
int getitimer(int which, struct itimerval *value);

#endif
