/*
 * race [THREADS [INCREMENTS]]: a data race, and two ways to fix it.
 *
 * THREADS threads (default 4) each add 1 to a shared counter INCREMENTS
 * times (default 1,000,000), three ways:
 *
 *   unlocked   counter = counter + 1 on a volatile long: a load, an add
 *              and a store. Two CPUs can load the same value, both add 1,
 *              and both store it: one increment is lost.
 *   mutex      the same statement between pthread_mutex_lock and unlock:
 *              exact, and the slowest (every increment may sleep).
 *   atomic     __atomic_fetch_add, one `lock add` instruction: exact, the
 *              CPU keeps the cache line while it reads and writes.
 *
 * Exits 0 only if the mutex and atomic counts are exact. The unlocked
 * count may come out exact too, when the threads never overlapped (one
 * CPU, or a busy host that runs QEMU's CPUs in turn): the program says so
 * rather than pretend the race is gone.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

#define MAX_THREADS 256

static volatile long counter;
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long increments;

/*
 * The start gate: each thread checks in and spins until the main thread
 * opens it, so that every thread runs at once (spinning, they are spread
 * over the CPUs meanwhile). Without it the first thread may be done
 * before the next has started, and nothing is lost: a race needs overlap.
 */
static atomic_int checked_in;
static atomic_bool gate_open;

static void wait_at_gate(void)
{
	atomic_fetch_add(&checked_in, 1);
	while (!atomic_load(&gate_open))
		sched_yield();
}

static void *add_unlocked(void *arg)
{
	(void)arg;
	wait_at_gate();
	for (long i = 0; i < increments; i++)
		counter = counter + 1; /* load, add, store: not atomic */
	return NULL;
}

static void *add_under_mutex(void *arg)
{
	(void)arg;
	wait_at_gate();
	for (long i = 0; i < increments; i++) {
		pthread_mutex_lock(&counter_lock);
		counter = counter + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static void *add_atomically(void *arg)
{
	(void)arg;
	wait_at_gate();
	for (long i = 0; i < increments; i++)
		__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* Runs `threads` threads of `add` from counter = 0, prints the result
 * line and returns how many increments were lost. */
static long run(const char *name, void *(*add)(void *), int threads)
{
	pthread_t t[MAX_THREADS];
	struct timespec start;
	counter = 0;
	atomic_store(&checked_in, 0);
	atomic_store(&gate_open, false);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&t[i], NULL, add, NULL)) {
			fprintf(stderr, "race: pthread_create failed\n");
			exit(2);
		}
	}
	while (atomic_load(&checked_in) < threads)
		sched_yield();
	struct timespec spread = {0, 50 * 1000000}; /* a few ticks */
	nanosleep(&spread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);
	atomic_store(&gate_open, true);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	long ms = ms_since(CLOCK_MONOTONIC, start);
	long expected = threads * increments, got = counter;
	long lost = expected - got, permille = lost * 1000 / expected;
	printf("%-9s expected %ld, got %ld, lost %ld (%ld.%ld%%), %ld.%03ld "
	       "s\n",
	       name, expected, got, lost, permille / 10, permille % 10,
	       ms / 1000, ms % 1000);
	return lost;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 4;
	increments = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
	if (threads < 1 || threads > MAX_THREADS || increments < 1) {
		fprintf(stderr, "usage: race [THREADS (1-256) [INCREMENTS]]\n");
		return 2;
	}
	printf("race: %d threads each add 1 to one shared counter %ld times.\n"
	       "Unlocked, `counter = counter + 1` is a load, an add and a "
	       "store;\n"
	       "two CPUs that load the same value both store value+1, and an\n"
	       "increment is lost. A mutex or an atomic add makes it "
	       "exact.\n\n",
	       threads, increments);
	if (run("unlocked", add_unlocked, threads) == 0)
		printf("(unlocked lost nothing this time: no two threads "
		       "loaded "
		       "the counter at\n"
		       " the same moment. That happens on one CPU, or when a "
		       "busy host runs\n"
		       " QEMU's CPUs one at a time. The race is still there: "
		       "run it again.)\n");
	long mutex_lost = run("mutex", add_under_mutex, threads);
	long atomic_lost = run("atomic", add_atomically, threads);
	bool exact = mutex_lost == 0 && atomic_lost == 0;
	printf("\nmutex and atomic are %s.\n", exact ? "exact" : "NOT exact");
	return exact ? 0 : 1;
}
