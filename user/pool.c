/*
 * pool [LIMIT [RANGES [THREADS]]]: a thread pool with futures at work.
 *
 * Counts the primes below LIMIT (default 2,000,000) by splitting [0, LIMIT)
 * into RANGES ranges (default 20), one task each, submitted to a pool of
 * THREADS workers (default 4). Each task's count comes back through its
 * future; the total is checked against a count on one thread.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "primes.h"
#include "timing.h"
#include "tpool/tpool.h"

#define MAX_RANGES 1000

struct range {
	long low, high; /* [low, high) */
};

/* The task: arg is a struct range. It cannot fail. */
static long count_primes_in_range(void *arg, int *error)
{
	(void)error;
	struct range *r = arg;
	return count_primes(r->low, r->high);
}

int main(int argc, char **argv)
{
	long limit = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
	int ranges = argc > 2 ? atoi(argv[2]) : 20;
	int threads = argc > 3 ? atoi(argv[3]) : 4;
	if (limit < 1 || ranges < 1 || ranges > MAX_RANGES || threads < 1) {
		fprintf(stderr,
			"usage: pool [LIMIT [RANGES (1-%d) [THREADS]]]\n",
			MAX_RANGES);
		return 2;
	}
	printf("pool: counting the primes below %ld in %d ranges, one task "
	       "each,\n"
	       "on a pool of %d worker threads. tpool_submit queues a task "
	       "and\n"
	       "returns a future at once; future_wait sleeps until a worker "
	       "has\n"
	       "run it and hands back its count.\n\n",
	       limit, ranges, threads);

	static struct range range[MAX_RANGES];
	static struct future *future[MAX_RANGES];
	static long count[MAX_RANGES];
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct tpool *pool = tpool_create(threads);
	if (!pool) {
		fprintf(stderr, "pool: tpool_create failed\n");
		return 2;
	}
	for (int i = 0; i < ranges; i++) {
		range[i].low = limit * i / ranges;
		range[i].high = limit * (i + 1) / ranges;
		future[i] =
			tpool_submit(pool, count_primes_in_range, &range[i]);
		if (!future[i]) {
			fprintf(stderr, "pool: tpool_submit failed\n");
			return 2;
		}
	}
	int error = future_wait_all(future, ranges, count);
	tpool_shutdown(pool);
	long pool_ms = ms_since(CLOCK_MONOTONIC, start);

	long total = 0;
	for (int i = 0; i < ranges; i++) {
		printf("  [%7ld, %7ld)  %5ld primes\n", range[i].low,
		       range[i].high, count[i]);
		total += count[i];
		future_free(future[i]);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	long expected = count_primes(0, limit);
	long single_ms = ms_since(CLOCK_MONOTONIC, start);

	printf("\ntotal %ld primes below %ld with the pool (%ld ms, %d "
	       "threads)\n",
	       total, limit, pool_ms, threads);
	printf("      %ld primes counted on one thread (%ld ms): %s\n",
	       expected, single_ms,
	       !error && total == expected ? "the same" : "DIFFERENT");
	return !error && total == expected ? 0 : 1;
}
