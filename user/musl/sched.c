/*
 * Real-time scheduling calls under musl, unmodified. musl's own
 * sched_setscheduler and sched_getscheduler refuse with ENOSYS whatever
 * the kernel (they would name a process, and Linux's calls name a
 * thread), so a musl program sets policies per thread, with
 * pthread_setschedparam and pthread attributes; both must reach the
 * kernel's sched_setscheduler and read back. Everything printed is fixed
 * by the program: the host (as root) and Spindle print the same.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static void show_self(const char *who)
{
	struct sched_param p;
	int policy = -1;
	int e = pthread_getschedparam(pthread_self(), &policy, &p);
	printf("%s: %s, policy %d, priority %d\n", who, e ? strerror(e) : "ok",
	       policy, e ? -1 : p.sched_priority);
}

static void *report(void *arg)
{
	show_self(arg);
	return NULL;
}

static void start_and_join(pthread_attr_t *attr, const char *who)
{
	pthread_t t;
	int e = pthread_create(&t, attr, report, (void *)who);
	if (e)
		printf("%s: pthread_create: %s\n", who, strerror(e));
	else
		pthread_join(t, NULL);
}

int main(void)
{
	struct sched_param p = {.sched_priority = 10};
	errno = 0;
	int r = sched_setscheduler(0, SCHED_FIFO, &p);
	printf("sched_setscheduler: %d (%s)\n", r, strerror(errno));
	errno = 0;
	r = sched_getscheduler(0);
	printf("sched_getscheduler: %d (%s)\n", r, strerror(errno));
	printf("priority max: FIFO %d, RR %d, OTHER %d\n",
	       sched_get_priority_max(SCHED_FIFO),
	       sched_get_priority_max(SCHED_RR),
	       sched_get_priority_max(SCHED_OTHER));
	printf("priority min: FIFO %d, RR %d, OTHER %d\n",
	       sched_get_priority_min(SCHED_FIFO),
	       sched_get_priority_min(SCHED_RR),
	       sched_get_priority_min(SCHED_OTHER));

	show_self("main at start");
	int e = pthread_setschedparam(pthread_self(), SCHED_RR, &p);
	printf("pthread_setschedparam RR 10: %s\n", e ? strerror(e) : "ok");
	show_self("main");
	start_and_join(NULL, "inherited");

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	p.sched_priority = 5;
	pthread_attr_setschedparam(&attr, &p);
	start_and_join(&attr, "explicit FIFO 5");

	p.sched_priority = 100;
	e = pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
	printf("pthread_setschedparam FIFO 100: %s\n", e ? strerror(e) : "ok");
	p.sched_priority = 0;
	e = pthread_setschedparam(pthread_self(), SCHED_OTHER, &p);
	printf("pthread_setschedparam OTHER 0: %s\n", e ? strerror(e) : "ok");
	show_self("main at end");
	return 0;
}
