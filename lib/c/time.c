/* Clocks and sleeping. */
#include <time.h>

#include "c/syscall.h"

int clock_gettime(clockid_t clock, struct timespec *ts)
{
	return (int)__syscall_ret(syscall2(SYS_clock_gettime, clock, (long)ts));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)__syscall_ret(
		syscall2(SYS_nanosleep, (long)req, (long)rem));
}
