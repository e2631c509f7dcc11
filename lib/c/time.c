/* Clocks, sleeping and interval timers. */
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "c/syscall.h"

int clock_gettime(clockid_t clock, struct timespec *ts)
{
	return (int)__syscall_ret(syscall2(SYS_clock_gettime, clock, (long)ts));
}

int clock_getres(clockid_t clock, struct timespec *res)
{
	return (int)__syscall_ret(syscall2(SYS_clock_getres, clock, (long)res));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)__syscall_ret(
		syscall_cp(SYS_nanosleep, (long)req, (long)rem, 0, 0, 0, 0));
}

unsigned sleep(unsigned seconds)
{
	struct timespec t = {.tv_sec = seconds};
	if (nanosleep(&t, &t) < 0)
		return (unsigned)t.tv_sec + (t.tv_nsec > 0);
	return 0;
}

int usleep(unsigned microseconds)
{
	struct timespec t = {.tv_sec = microseconds / 1000000,
			     .tv_nsec = microseconds % 1000000 * 1000l};
	return nanosleep(&t, NULL);
}

int setitimer(int which, const struct itimerval *value, struct itimerval *old)
{
	return (int)__syscall_ret(
		syscall3(SYS_setitimer, which, (long)value, (long)old));
}

int getitimer(int which, struct itimerval *value)
{
	return (int)__syscall_ret(syscall2(SYS_getitimer, which, (long)value));
}

unsigned alarm(unsigned seconds)
{
	return (unsigned)syscall1(SYS_alarm, seconds);
}

int pause(void)
{
	return (int)__syscall_ret(syscall_cp(SYS_pause, 0, 0, 0, 0, 0, 0));
}
