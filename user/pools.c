/*
 * pools: the same tasks on a thread pool and on a process pool
 * (lib/tpool), CPU-bound and I/O-bound, with the time each took.
 *
 * In Python a thread pool cannot speed up CPU-bound work (the global
 * interpreter lock lets one thread compute at a time), which is why
 * ProcessPoolExecutor exists. In C both pools compute in parallel on
 * several CPUs; what differs is the cost: a process pool forks its
 * workers and sends every task and result through pipes, and a task
 * sees only numbers, not the caller's memory. For work that waits
 * (I/O, here a sleep standing for a slow device) both do the same:
 * each worker waits, the CPUs stay free. Timings are printed to be
 * looked at, not compared against a bound: they depend on the CPUs and
 * the load of the machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "primes.h"
#include "timing.h"
#include "tpool/ppool.h"

#define WORKERS 4
#define PRIME_LIMIT 1000000
#define PRIMES_BELOW_LIMIT 78498 /* pi(1,000,000), a known count */
#define CPU_TASKS 16
#define IO_TASKS 32
#define IO_WAIT_MS 20

/* CPU-bound: counts the primes in part `arg` of CPU_TASKS parts of
 * [0, PRIME_LIMIT). */
static long count_primes_in_part(void *arg, int *error)
{
	(void)error;
	long part = (long)arg;
	return count_primes(PRIME_LIMIT * part / CPU_TASKS,
			    PRIME_LIMIT * (part + 1) / CPU_TASKS);
}

/* I/O-bound: waits IO_WAIT_MS, then returns its argument. */
static long wait_then_echo(void *arg, int *error)
{
	(void)error;
	sleep_ms(IO_WAIT_MS);
	return (long)arg;
}

/*
 * Submits n tasks fn(0..n-1) through executor, waits for all, and
 * returns the sum of their values (or -1 if one failed); *ms is the
 * time from the first submit to the last result.
 */
static long run_all(struct executor executor, tpool_task_fn *fn, int n,
		    long *ms)
{
	static struct future *f[IO_TASKS + CPU_TASKS];
	static long value[IO_TASKS + CPU_TASKS];
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < n; i++)
		f[i] = executor.submit(executor.pool, fn, (void *)i);
	for (int i = 0; i < n; i++)
		if (!f[i])
			return -1;
	int error = future_wait_all(f, n, value);
	*ms = ms_since(CLOCK_MONOTONIC, start);
	long sum = 0;
	for (int i = 0; i < n; i++) {
		sum += value[i];
		future_free(f[i]);
	}
	return error ? -1 : sum;
}

int main(void)
{
	printf("pools: the same tasks on a thread pool and on a process pool "
	       "of %d\nworkers each.\n\n",
	       WORKERS);
	struct tpool *threads = tpool_create(WORKERS);
	struct ppool *processes = ppool_create(WORKERS);
	if (!threads || !processes) {
		fprintf(stderr, "pools: could not make the pools\n");
		return 2;
	}
	struct executor pool[2] = {tpool_executor(threads),
				   ppool_executor(processes)};
	const char *name[2] = {"thread pool ", "process pool"};
	int wrong = 0;
	long ms;

	printf("cpu-bound: the primes below %d, in %d tasks\n", PRIME_LIMIT,
	       CPU_TASKS);
	for (int p = 0; p < 2; p++) {
		long primes =
			run_all(pool[p], count_primes_in_part, CPU_TASKS, &ms);
		wrong += primes != PRIMES_BELOW_LIMIT;
		printf("  %s  %ld primes  %5ld ms\n", name[p], primes, ms);
	}

	/* 0 + 1 + ... + IO_TASKS - 1 */
	long io_sum = (long)IO_TASKS * (IO_TASKS - 1) / 2;
	printf("io-bound: %d tasks that each wait %d ms (a slow device)\n",
	       IO_TASKS, IO_WAIT_MS);
	for (int p = 0; p < 2; p++) {
		long sum = run_all(pool[p], wait_then_echo, IO_TASKS, &ms);
		wrong += sum != io_sum;
		printf("  %s  %d tasks, %s  %5ld ms (%d ms if one at a "
		       "time)\n",
		       name[p], IO_TASKS, sum == io_sum ? "all done" : "WRONG",
		       ms, IO_TASKS * IO_WAIT_MS);
	}
	tpool_shutdown(threads);
	ppool_shutdown(processes);
	printf("\n%s\n", wrong ? "SOME RESULTS ARE WRONG"
			       : "every result is correct on both pools");
	return wrong != 0;
}
