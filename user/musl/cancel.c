/*
 * Thread cancellation under musl, unmodified: musl's pthread_cancel (its
 * SIGCANCEL, 33, with SA_SIGINFO and SA_RESTART, whose handler reads and
 * rewrites the interrupted rip in the ucontext), cleanup handlers, and
 * targets blocked in read on a pipe and in a condition wait. Everything it
 * prints is fixed by the program, so the host and Spindle print the same
 * whether a target was already asleep or not yet when the request came.
 *
 *   read      two cleanup handlers pushed, blocked reading an empty pipe:
 *             they run last pushed first, join gives PTHREAD_CANCELED,
 *             and the pipe still holds what is written after.
 *   cond      blocked in pthread_cond_wait on an error-checking mutex: the
 *             cleanup handler finds the mutex held and unlocks it.
 *   disabled  a request while cancellation is disabled waits for the
 *             next cancellation point after it is enabled again.
 *   async     a thread spinning with the asynchronous type ends at once.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fds[2];
static volatile int ready, stage;
static char order[8];
static int n_order;

static void note(void *arg)
{
	order[n_order++] = *(const char *)arg;
}

static void *read_pipe(void *arg)
{
	(void)arg;
	char c;
	pthread_cleanup_push(note, "1");
	pthread_cleanup_push(note, "2");
	ready = 1;
	for (;;)
		read(fds[0], &c, 1);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static pthread_mutex_t m;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int unlocked = -1;

static void unlock(void *arg)
{
	unlocked = pthread_mutex_unlock(arg);
}

static void *cond_wait(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock, &m);
	ready = 1;
	for (;;)
		pthread_cond_wait(&never, &m);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *disabled(void *arg)
{
	(void)arg;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	ready = 1;
	while (!stage)
		sched_yield();
	pthread_testcancel();
	stage = 2;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	stage = 3;
	pthread_testcancel();
	stage = 4;
	return NULL;
}

static volatile unsigned long spins;

static void *spin(void *arg)
{
	(void)arg;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	ready = 1;
	for (;;)
		spins++;
	return NULL;
}

/* Starts fn, waits until it is about to block, lets it get there, cancels
 * it and joins it; prints what join gave. */
static void cancel(const char *name, void *(*fn)(void *))
{
	pthread_t t;
	ready = 0;
	pthread_create(&t, NULL, fn, NULL);
	while (!ready)
		sched_yield();
	for (int i = 0; i < 50; i++)
		sched_yield();
	int r = pthread_cancel(t);
	stage = 1;
	void *result = NULL;
	int j = pthread_join(t, &result);
	printf("%s: pthread_cancel %d, pthread_join %d, %s\n", name, r, j,
	       result == PTHREAD_CANCELED ? "PTHREAD_CANCELED"
					  : "not cancelled");
}

int main(void)
{
	pipe(fds);
	cancel("read", read_pipe);
	write(fds[1], "x", 1);
	char c = 0;
	int n = (int)read(fds[0], &c, 1);
	printf("read: cleanup order %.*s, the pipe still gives %d byte '%c'\n",
	       n_order, order, n, c);

	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &attr);
	cancel("cond", cond_wait);
	printf("cond: the cleanup handler's unlock gave %d, trylock now %d\n",
	       unlocked, pthread_mutex_trylock(&m));
	pthread_mutex_unlock(&m);

	stage = 0;
	cancel("disabled", disabled);
	printf("disabled: ended at stage %d\n", stage);

	cancel("async", spin);
	return 0;
}
