/*
 * pthread_kill and pthread_sigmask under musl, unmodified. Each of four
 * threads is sent SIGUSR1 with pthread_kill; its SA_SIGINFO handler
 * records si_signo, si_code, si_pid and which thread it ran on. Then one
 * thread blocks SIGUSR2 with pthread_sigmask: a pthread_kill leaves it
 * pending on that thread only (sigpending there), and the handler runs
 * there once the thread unblocks it. Last, pthread_kill's errors. All it
 * prints is fixed by the program, so the host and Spindle print the same.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define THREADS 4

static pthread_t threads[THREADS];
static volatile sig_atomic_t ran_on, signo, code, from_us, count;
static volatile int go[THREADS], stage;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	ran_on = -1;
	for (int i = 0; i < THREADS; i++)
		if (pthread_equal(pthread_self(), threads[i]))
			ran_on = i;
	signo = si->si_signo == sig ? sig : -1;
	code = si->si_code;
	from_us = si->si_pid == getpid();
	count++;
}

static void *wait_turn(void *arg)
{
	int i = (int)(long)arg;
	while (!__atomic_load_n(&go[i], __ATOMIC_ACQUIRE))
		sched_yield();
	return NULL;
}

/* Blocks SIGUSR2, waits to be told, reports what is pending, unblocks. */
static int pending_before, pending_after, count_before_unblock;

static void *hold_usr2(void *arg)
{
	(void)arg;
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	stage = 1;
	while (stage != 2)
		sched_yield();
	sigpending(&pending);
	pending_before = sigismember(&pending, SIGUSR2);
	count_before_unblock = count;
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	sigpending(&pending);
	pending_after = sigismember(&pending, SIGUSR2);
	return NULL;
}

static const char *code_name(int c)
{
	return c == SI_TKILL ? "SI_TKILL" : c == SI_USER ? "SI_USER" : "other";
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	for (int i = 0; i < THREADS; i++)
		pthread_create(&threads[i], NULL, wait_turn, (void *)(long)i);
	for (int i = 0; i < THREADS; i++) {
		int before = count;
		int r = pthread_kill(threads[i], SIGUSR1);
		while (count == before)
			sched_yield();
		printf("thread %d: pthread_kill %d, handler on thread %d, "
		       "si_signo %s, si_code %s, si_pid %s\n",
		       i, r, ran_on, signo == SIGUSR1 ? "SIGUSR1" : "other",
		       code_name(code), from_us ? "ours" : "other");
		__atomic_store_n(&go[i], 1, __ATOMIC_RELEASE);
		pthread_join(threads[i], NULL);
	}

	pthread_create(&threads[0], NULL, hold_usr2, NULL);
	pthread_t holder = threads[0];
	while (stage != 1)
		sched_yield();
	int before = count;
	int r = pthread_kill(holder, SIGUSR2);
	sigset_t pending;
	sigpending(&pending);
	int pending_here = sigismember(&pending, SIGUSR2);
	stage = 2;
	pthread_join(holder, NULL);
	printf("mask: pthread_kill %d; pending on the target %d, here %d; "
	       "handled before unblocking %d, after %d on thread %d (%s); "
	       "pending after %d\n",
	       r, pending_before, pending_here, count_before_unblock - before,
	       count - before, ran_on, signo == SIGUSR2 ? "SIGUSR2" : "other",
	       pending_after);

	printf("errors: signal 0 to ourselves %d, bad signal %s\n",
	       pthread_kill(pthread_self(), 0),
	       pthread_kill(pthread_self(), 9999) == EINVAL ? "EINVAL"
							    : "other");
	return 0;
}
