/*
 * gil [STEPS]: what a global interpreter lock does to threads.
 *
 * The same CPU-bound job, STEPS steps (default 400) of arithmetic, is
 * split over 1, 2 and 4 threads, two ways:
 *
 *   no lock      each thread runs its steps freely: with enough CPUs,
 *                N threads finish in about 1/N of the time.
 *   global lock  each thread holds one process-wide mutex around every
 *                step, as CPython's threads hold the GIL while they run
 *                bytecode: only one step runs at any moment, so more
 *                threads buy no speed (and pay for the hand-offs).
 *
 * Every run computes the same checksum: the same work was done.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

#define ITERATIONS_PER_STEP 100000
#define MAX_THREADS 4

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;

struct worker {
	pthread_t thread;
	long first_step, nr_steps;
	bool use_global_lock;
	uint64_t checksum;
};

/* One step: ITERATIONS_PER_STEP rounds of a 64-bit mixing function
 * (splitmix64's) from a seed that depends only on the step's number, so
 * the total does not depend on which thread ran which step. */
static uint64_t step(long n)
{
	uint64_t x = (uint64_t)n;
	for (int i = 0; i < ITERATIONS_PER_STEP; i++) {
		x += 0x9e3779b97f4a7c15ULL;
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
		x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
		x ^= x >> 31;
	}
	return x;
}

static void *run_steps(void *arg)
{
	struct worker *w = arg;
	for (long n = w->first_step; n < w->first_step + w->nr_steps; n++) {
		if (w->use_global_lock)
			pthread_mutex_lock(&global_lock);
		w->checksum += step(n);
		if (w->use_global_lock)
			pthread_mutex_unlock(&global_lock);
	}
	return NULL;
}

/* Runs the whole job on `threads` threads; returns the milliseconds it
 * took and stores the checksum in *checksum. */
static long run_job(long steps, int threads, bool use_global_lock,
		    uint64_t *checksum)
{
	struct worker w[MAX_THREADS];
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int i = 0; i < threads; i++) {
		long first = steps * i / threads;
		w[i] = (struct worker){.first_step = first,
				       .nr_steps = steps * (i + 1) / threads -
						   first,
				       .use_global_lock = use_global_lock};
		if (pthread_create(&w[i].thread, NULL, run_steps, &w[i])) {
			fprintf(stderr, "gil: pthread_create failed\n");
			exit(2);
		}
	}
	*checksum = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		*checksum += w[i].checksum;
	}
	return ms_since(CLOCK_MONOTONIC, start);
}

int main(int argc, char **argv)
{
	long steps = argc > 1 ? strtol(argv[1], NULL, 10) : 400;
	if (steps < 1) {
		fprintf(stderr, "usage: gil [STEPS]\n");
		return 2;
	}
	printf("gil: one CPU-bound job of %ld steps, split over 1, 2 and 4 "
	       "threads.\n"
	       "Without a lock the threads run on different CPUs at once; with "
	       "one\n"
	       "global lock held around each step (like Python's GIL) only "
	       "one\n"
	       "thread computes at a time, so more threads give no "
	       "speed-up.\n\n",
	       steps);
	static const int thread_counts[] = {1, 2, 4};
	uint64_t expected = 0;
	bool same_work = true;
	for (int lock = 0; lock < 2; lock++) {
		long one_thread_ms = 0;
		for (int i = 0; i < 3; i++) {
			int threads = thread_counts[i];
			uint64_t checksum;
			long ms = run_job(steps, threads, lock, &checksum);
			if (threads == 1)
				one_thread_ms = ms;
			if (!lock && threads == 1)
				expected = checksum;
			same_work &= checksum == expected;
			long speedup = ms ? one_thread_ms * 100 / ms : 0;
			printf("%-11s %d thread%s %5ld ms  speed-up %ld.%02ldx "
			       " "
			       "checksum %016llx\n",
			       lock ? "global lock" : "no lock", threads,
			       threads == 1 ? " " : "s", ms, speedup / 100,
			       speedup % 100, (unsigned long long)checksum);
		}
	}
	if (!same_work)
		printf("\nthe checksums differ: the runs did not do the same "
		       "work\n");
	return same_work ? 0 : 1;
}
