/*
 * models [TASKS [ROUNDS [WORK]]]: one workload, three threading models.
 *
 * TASKS tasks (default 1,000) each do ROUNDS rounds (default 5) of WORK
 * steps of arithmetic (default 2,000), and give up the CPU after each
 * round. The same tasks run three ways:
 *
 *   1:1   one pthread per task: each task is a kernel thread, with its
 *         own kernel stack, and giving up the CPU is sched_yield, a
 *         system call. The kernel runs them on every CPU.
 *   M:1   all tasks are green threads on one kernel thread, the caller
 *         (uthread_run(1, ...)): creating one is a stack (mmap'd, or
 *         reused) and a few stores; giving up the CPU is uthread_yield,
 *         a function call.
 *         One kernel thread is one CPU at most.
 *   M:N   the same green threads on one worker per CPU
 *         (uthread_run(CPUS, ...)): cheap switches, and idle workers
 *         steal green threads so that every CPU computes.
 *
 * Each round's result depends only on the task and the round, so every
 * model must compute the same checksum. Exits 0 only if they agree.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"
#include "uthread/uthread.h"

#define MAX_WORKERS 64 /* uthread_run's limit */

struct workload {
	long tasks, rounds, work;
	uint64_t *result; /* result[i]: written only by task i */
};

/* A task: its number and the workload it belongs to. */
struct task {
	struct workload *load;
	long id;
};

static struct workload load;

/* One round: `work` rounds of splitmix64's mixing function from a seed
 * that depends only on the task and the round, not on who ran it when. */
static uint64_t compute_round(const struct workload *w, long task, long round)
{
	uint64_t x = (uint64_t)(task * w->rounds + round);
	for (long i = 0; i < w->work; i++) {
		x += 0x9e3779b97f4a7c15ULL;
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
		x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
		x ^= x >> 31;
	}
	return x;
}

/* The body every model runs: compute a round, give up the CPU with
 * `yield`, ROUNDS times. */
static void run_task(const struct task *t, void (*yield)(void))
{
	uint64_t sum = 0;
	for (long round = 0; round < t->load->rounds; round++) {
		sum += compute_round(t->load, t->id, round);
		yield();
	}
	t->load->result[t->id] = sum;
}

static uint64_t checksum(const struct workload *w)
{
	uint64_t sum = 0;
	for (long i = 0; i < w->tasks; i++)
		sum += w->result[i];
	return sum;
}

/* calloc, or the end of the program. */
static void *calloc_or_exit(long n, size_t size)
{
	void *p = calloc((size_t)n, size);
	if (!p) {
		fprintf(stderr, "models: out of memory\n");
		exit(2);
	}
	return p;
}

static struct task *tasks_make(struct workload *w)
{
	struct task *t = calloc_or_exit(w->tasks, sizeof(*t));
	for (long i = 0; i < w->tasks; i++)
		t[i] = (struct task){.load = w, .id = i};
	return t;
}

/* 1:1 */

static void kernel_yield(void)
{
	sched_yield();
}

static void *pthread_task(void *arg)
{
	run_task(arg, kernel_yield);
	return NULL;
}

/* Runs every task on a pthread of its own, all started before any is
 * joined. Their stacks are as big as a green thread's, so that the two
 * models differ in who schedules, not in how much memory they touch. */
static void run_one_to_one(struct workload *w)
{
	struct task *task = tasks_make(w);
	pthread_t *thread = calloc_or_exit(w->tasks, sizeof(*thread));
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, UTHREAD_STACK_SIZE);
	for (long i = 0; i < w->tasks; i++) {
		if (pthread_create(&thread[i], &attr, pthread_task, &task[i])) {
			fprintf(stderr,
				"models: pthread_create failed at task %ld\n",
				i);
			exit(2);
		}
	}
	for (long i = 0; i < w->tasks; i++)
		pthread_join(thread[i], NULL);
	pthread_attr_destroy(&attr);
	free(thread);
	free(task);
}

/* M:1 and M:N */

static void green_task(void *arg)
{
	run_task(arg, uthread_yield);
}

/* The first green thread: makes one green thread per task, joins them. */
static void green_main(void *arg)
{
	struct workload *w = arg;
	struct task *task = tasks_make(w);
	uthread_t **thread = calloc_or_exit(w->tasks, sizeof(*thread));
	for (long i = 0; i < w->tasks; i++) {
		thread[i] = uthread_create(green_task, &task[i]);
		if (!thread[i]) {
			fprintf(stderr,
				"models: uthread_create failed at task %ld\n",
				i);
			exit(2);
		}
	}
	for (long i = 0; i < w->tasks; i++)
		uthread_join(thread[i]);
	free(thread);
	free(task);
}

static void run_green(struct workload *w, int workers,
		      struct uthread_stats *stats)
{
	if (uthread_run(workers, green_main, w, stats) != 0) {
		fprintf(stderr, "models: uthread_run(%d) failed\n", workers);
		exit(2);
	}
}

/* The CPUs this process may run on, at most MAX_WORKERS. */
static int cpus_usable(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	int n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : n;
}

/* Prints one model's line; returns its checksum. */
static uint64_t report(const char *model, long kernel_threads, long ms,
		       const char *note)
{
	uint64_t sum = checksum(&load);
	printf("%-4s %5ld tasks on %5ld kernel thread%s %6ld ms  checksum "
	       "%016llx%s\n",
	       model, load.tasks, kernel_threads,
	       kernel_threads == 1 ? " " : "s", ms, (unsigned long long)sum,
	       note);
	return sum;
}

int main(int argc, char **argv)
{
	load.tasks = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
	load.rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 5;
	load.work = argc > 3 ? strtol(argv[3], NULL, 10) : 2000;
	if (load.tasks < 1 || load.rounds < 1 || load.work < 1) {
		fprintf(stderr, "usage: models [TASKS [ROUNDS [WORK]]]\n");
		return 2;
	}
	load.result = calloc_or_exit(load.tasks, sizeof(*load.result));
	int cpus = cpus_usable();
	printf("models: %ld tasks each compute %ld rounds of %ld steps and "
	       "give up\n"
	       "the CPU after every round. The same tasks run as 1:1 (a "
	       "kernel\n"
	       "thread per task, sched_yield), M:1 (green threads on one "
	       "kernel\n"
	       "thread, uthread_yield) and M:N (green threads on %d "
	       "workers, one\n"
	       "per CPU, with work stealing). The time includes making and "
	       "joining\n"
	       "the tasks. Every model must get the same checksum.\n\n",
	       load.tasks, load.rounds, load.work, cpus);

	struct timespec start;
	char note[80];
	struct uthread_stats stats;

	clock_gettime(CLOCK_MONOTONIC, &start);
	run_one_to_one(&load);
	long ms = ms_since(CLOCK_MONOTONIC, start);
	snprintf(note, sizeof(note), "  (%ld sched_yield calls)",
		 load.tasks * load.rounds);
	uint64_t expected = report("1:1", load.tasks, ms, note);
	bool same_work = true;

	for (long i = 0; i < load.tasks; i++)
		load.result[i] = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	run_green(&load, 1, &stats);
	ms = ms_since(CLOCK_MONOTONIC, start);
	snprintf(note, sizeof(note), "  (%ld green switches)", stats.switches);
	same_work &= report("M:1", 1, ms, note) == expected;

	for (long i = 0; i < load.tasks; i++)
		load.result[i] = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	run_green(&load, cpus, &stats);
	ms = ms_since(CLOCK_MONOTONIC, start);
	snprintf(note, sizeof(note), "  (%ld green switches, %ld stolen)",
		 stats.switches, stats.steals);
	same_work &= report("M:N", cpus, ms, note) == expected;

	if (!same_work) {
		printf("\nthe checksums differ: the models did not do the same "
		       "work\n");
		return 1;
	}
	printf("\nthe checksums agree: all three models did the same work.\n\n"
	       "What to notice: M:1 switches are the cheapest (a function "
	       "call, no\n"
	       "kernel entry) and a green thread costs only its stack, but "
	       "all of\n"
	       "them share one kernel thread, so one CPU computes. 1:1 uses "
	       "every\n"
	       "CPU, but each task costs a kernel task, a kernel stack and a "
	       "system\n"
	       "call to make, and each switch goes through the kernel's "
	       "scheduler.\n"
	       "M:N has both: green switches, and one worker per CPU "
	       "stealing\n"
	       "work so that every CPU computes.\n");
	free(load.result);
	return 0;
}
