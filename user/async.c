/*
 * async: an event loop that never blocks, with its blocking work handed
 * to pools. Python's asyncio documentation shows loop.run_in_executor
 * with three executors; this is that example in C (lib/evloop):
 *
 *   1. blocking I/O in the loop's default thread pool
 *   2. blocking I/O in a thread pool of our own
 *   3. CPU-bound work in a process pool
 *
 * The blocking I/O is a read from a pipe that a helper process answers
 * only after a pause, as a slow device or server would. All the while a
 * timer callback ticks on the loop thread; the ticks printed between the
 * results show that the loop kept turning while the pools worked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "evloop/evloop.h"
#include "primes.h"
#include "tpool/ppool.h"

#define TICK_MS 100
#define HELPER_PAUSE_MS 350
#define PRIME_LIMIT 2000000
#define PRIMES_BELOW_LIMIT 148933 /* pi(2,000,000), a known count */
#define PRIME_TASKS 4

static int request_pipe[2], answer_pipe[2]; /* to and from the helper */
static long ticks;

/* The helper process: for each request byte, waits a while, then
 * answers with a numbered message; exits when the requests end. */
static _Noreturn void helper_main(void)
{
	char byte;
	int n = 0;
	close(request_pipe[1]), close(answer_pipe[0]);
	while (read(request_pipe[0], &byte, 1) == 1) {
		struct timespec pause = {0, HELPER_PAUSE_MS * 1000000L};
		nanosleep(&pause, NULL);
		char message[32];
		int len = snprintf(message, sizeof(message), "message %d", ++n);
		if (write(answer_pipe[1], message, (size_t)len) != len)
			break;
	}
	_exit(0);
}

/* The blocking task: asks the helper and sleeps in read until the
 * answer comes. arg is where the answer goes (a thread pool's task
 * shares our memory); returns its length. */
static long ask_helper(void *arg, int *error)
{
	char *answer = arg;
	ssize_t n = -1;
	if (write(request_pipe[1], "?", 1) == 1)
		n = read(answer_pipe[0], answer, 31);
	if (n <= 0) {
		*error = EIO;
		return 0;
	}
	answer[n] = '\0';
	return n;
}

/* The CPU-bound task: counts the primes in part `arg` of PRIME_TASKS of
 * [0, PRIME_LIMIT). Only a number crosses to the worker process. */
static long count_primes_in_part(void *arg, int *error)
{
	(void)error;
	long part = (long)arg;
	return count_primes(PRIME_LIMIT * part / PRIME_TASKS,
			    PRIME_LIMIT * (part + 1) / PRIME_TASKS);
}

static void tick(struct loop *loop, void *arg)
{
	(void)loop, (void)arg;
	printf("  [loop] tick %ld\n", ++ticks);
	fflush(stdout);
}

/* Runs ask_helper on executor (NULL: the default pool) and prints what
 * came back and how many ticks the loop made meanwhile. */
static int blocking_io(struct loop *loop, const struct executor *executor,
		       const char *what)
{
	static char answer[32];
	long ticks_before = ticks;
	struct loop_future *lf =
		loop_run_in_executor(loop, executor, ask_helper, answer);
	if (!lf)
		return 1;
	int error = loop_run_until_complete(loop, lf, NULL);
	loop_future_free(lf);
	printf("%s: blocking read returned \"%s\" while the loop ticked %ld "
	       "times\n",
	       what, error ? "(failed)" : answer, ticks - ticks_before);
	return error != 0;
}

/* Counts the primes in PRIME_TASKS tasks on the process pool, waiting
 * for the loop futures one after the other (asyncio's gather). */
static int cpu_bound(struct loop *loop, struct ppool *pool)
{
	struct executor processes = ppool_executor(pool);
	struct loop_future *lf[PRIME_TASKS];
	long ticks_before = ticks, total = 0;
	int errors = 0;
	for (long i = 0; i < PRIME_TASKS; i++)
		lf[i] = loop_run_in_executor(loop, &processes,
					     count_primes_in_part, (void *)i);
	for (int i = 0; i < PRIME_TASKS; i++) {
		long count = 0;
		errors +=
			!lf[i] || loop_run_until_complete(loop, lf[i], &count);
		total += count;
		loop_future_free(lf[i]);
	}
	bool correct = !errors && total == PRIMES_BELOW_LIMIT;
	printf("process pool (%d workers): %ld primes below %d, %s, while the "
	       "loop ticked %ld times\n",
	       PRIME_TASKS, total, PRIME_LIMIT, correct ? "correct" : "WRONG",
	       ticks - ticks_before);
	return !correct;
}

int main(void)
{
	printf("async: an event loop hands blocking work to pools and keeps\n"
	       "turning. A timer ticks every %d ms on the loop thread; a "
	       "helper\n"
	       "process answers each read after %d ms.\n\n",
	       TICK_MS, HELPER_PAUSE_MS);
	fflush(stdout);
	if (pipe(request_pipe) || pipe(answer_pipe))
		return 2;
	pid_t helper = fork();
	if (helper == 0)
		helper_main();
	close(request_pipe[0]), close(answer_pipe[1]);

	struct loop *loop = loop_create();
	struct tpool *threads = tpool_create(2);
	struct ppool *processes = ppool_create(PRIME_TASKS);
	if (helper < 0 || !loop || !threads || !processes) {
		fprintf(stderr, "async: could not set up (%s)\n",
			loop ? "fork or a pool" : "loop: poll or eventfd");
		return 2;
	}
	struct loop_timer *ticker = loop_call_every(loop, TICK_MS, tick, NULL);
	struct executor own_threads = tpool_executor(threads);

	int failed = blocking_io(loop, NULL, "default thread pool");
	failed += blocking_io(loop, &own_threads,
			      "custom thread pool (2 threads)");
	failed += cpu_bound(loop, processes);

	loop_timer_cancel(loop, ticker);
	loop_close(loop);
	tpool_shutdown(threads);
	ppool_shutdown(processes);
	close(request_pipe[1]); /* the helper reads end of file and exits */
	waitpid(helper, NULL, 0);
	printf("\nthe loop ticked %ld times in all and never waited for a "
	       "pool: %s\n",
	       ticks, failed ? "SOME RESULTS WRONG" : "every result correct");
	return failed != 0;
}
