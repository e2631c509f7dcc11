/*
 * Micro-benchmarks of the kernel's and the thread library's machinery:
 * prints one line per figure, `bench NAME VALUE UNIT`, and exits non-zero
 * if an operation failed (a benchmark that errors prints no number). The
 * same binary runs on Spindle (tools/bench.py, through run-elf) and
 * natively on the host.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "c/syscall.h"
#include "threads.h"

static long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int failed;

/* Notes a failed operation; the caller then prints no figure. */
static bool check(bool ok, const char *what)
{
	if (!ok) {
		printf("bench: %s failed\n", what);
		failed = 1;
	}
	return ok;
}

/* Every CPU the program may use, as it started: pinned benchmarks give
 * them back (threads inherit their creator's mask). */
static cpu_set_t all_cpus;

/* The n-th CPU of all_cpus, counting round. */
static int nth_cpu(int n)
{
	n %= CPU_COUNT(&all_cpus);
	for (int cpu = 0;; cpu++)
		if (CPU_ISSET(cpu, &all_cpus) && n-- == 0)
			return cpu;
}

static void unpin(void)
{
	check(pthread_setaffinity_np(pthread_self(), sizeof(all_cpus),
				     &all_cpus) == 0,
	      "pthread_setaffinity_np");
}

/* Pins the calling thread to the n-th of the CPUs it started with. */
static bool pin_to(int n)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(nth_cpu(n), &set);
	return check(
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0,
		"pthread_setaffinity_np");
}

static void null_syscall(void)
{
	enum { N = 100000 };
	long start = now_ns();
	for (int i = 0; i < N; i++)
		syscall0(SYS_getppid);
	printf("bench null_syscall %ld ns\n", (now_ns() - start) / N);
}

static void *nothing(void *arg)
{
	return arg;
}

static void thread_create_join(void)
{
	enum { N = 1000 };
	long start = now_ns();
	for (int i = 0; i < N; i++) {
		pthread_t t;
		void *ret = NULL;
		if (!check(pthread_create(&t, NULL, nothing, &ret) == 0 &&
				   pthread_join(t, &ret) == 0 && ret == &ret,
			   "pthread_create/join"))
			return;
	}
	printf("bench thread_create_join %ld us\n",
	       (now_ns() - start) / N / 1000);
}

static void fork_wait(void)
{
	enum { N = 200 };
	long start = now_ns();
	for (int i = 0; i < N; i++) {
		int pid = fork();
		if (pid == 0)
			_exit(0);
		int status = -1;
		if (!check(pid > 0 && waitpid(pid, &status, 0) == pid &&
				   status == 0,
			   "fork/wait"))
			return;
	}
	printf("bench fork_exit_wait %ld us\n", (now_ns() - start) / N / 1000);
}

#define ROUNDS 20000
static uint32_t turn;

static int pong(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++)
		futex_pass_turn(&turn, 1, 0);
	return 0;
}

static void futex_ping_pong(void)
{
	struct thread t;
	turn = 0;
	if (!check(thread_start(&t, pong, NULL) == 0, "clone"))
		return;
	long start = now_ns();
	for (int i = 0; i < ROUNDS; i++)
		futex_pass_turn(&turn, 0, 1);
	long ns = now_ns() - start;
	thread_join(&t);
	printf("bench futex_round_trip %ld us\n", ns / ROUNDS / 1000);
}

/* Two threads on two CPUs hand a turn back and forth with a mutex and a
 * condition variable: one round trip is two wake-ups. */
#define CV_ROUNDS 5000
static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_turn;

static void cv_pass_turn(int mine, int next)
{
	pthread_mutex_lock(&cv_lock);
	while (cv_turn != mine)
		pthread_cond_wait(&cv, &cv_lock);
	cv_turn = next;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&cv_lock);
}

static void *cv_pong(void *arg)
{
	if (pin_to(1))
		for (int i = 0; i < CV_ROUNDS; i++)
			cv_pass_turn(1, 0);
	return arg;
}

static void condvar_ping_pong(void)
{
	pthread_t t;
	cv_turn = 0;
	if (!pin_to(0) || !check(pthread_create(&t, NULL, cv_pong, NULL) == 0,
				 "pthread_create"))
		return;
	long start = now_ns();
	for (int i = 0; i < CV_ROUNDS; i++)
		cv_pass_turn(0, 1);
	long ns = now_ns() - start;
	unpin();
	if (check(pthread_join(t, NULL) == 0, "pthread_join") && !failed)
		printf("bench condvar_round_trip_2cpus %ld us\n",
		       ns / CV_ROUNDS / 1000);
}

static void uncontended_mutex(void)
{
	enum { N = 1000000 };
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	long start = now_ns();
	for (int i = 0; i < N; i++)
		if (pthread_mutex_lock(&m) || pthread_mutex_unlock(&m)) {
			check(false, "pthread_mutex_lock/unlock");
			return;
		}
	printf("bench mutex_lock_unlock_uncontended %ld ns\n",
	       (now_ns() - start) / N);
}

/* NTHREADS threads each add to one counter under one mutex. */
#define COUNTER_ADDS 100000
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add_to_counter(void *arg)
{
	for (int i = 0; i < COUNTER_ADDS; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
	}
	return arg;
}

/* Work for the speed-up figure: a fixed amount of arithmetic. */
static void *spin_work(void *arg)
{
	long n = (long)arg;
	volatile unsigned long x = 1;
	for (long i = 0; i < n; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
	return NULL;
}

/* Runs fn(arg) on n threads, released together by a barrier once all
 * wait at it: the wall time in ns from the release to the last join, or
 * -1. (The clock starts when every thread is waiting, so neither thread
 * creation nor a late start of the main thread is counted.) */
struct gang {
	pthread_barrier_t start;
	atomic_int waiting;
	void *(*fn)(void *);
	void *arg;
};

static void *gang_member(void *arg)
{
	struct gang *g = arg;
	atomic_fetch_add(&g->waiting, 1);
	pthread_barrier_wait(&g->start);
	return g->fn(g->arg);
}

static long run_threads(int n, void *(*fn)(void *), void *arg)
{
	struct gang g = {.fn = fn, .arg = arg};
	pthread_t t[4];
	if (!check(pthread_barrier_init(&g.start, NULL, n + 1) == 0,
		   "pthread_barrier_init"))
		return -1;
	for (int i = 0; i < n; i++)
		if (!check(pthread_create(&t[i], NULL, gang_member, &g) == 0,
			   "pthread_create"))
			exit(1); /* the others wait at the barrier for ever */
	while (atomic_load(&g.waiting) < n)
		sched_yield();
	long start = now_ns();
	pthread_barrier_wait(&g.start); /* the last to come: releases all */
	for (int i = 0; i < n; i++)
		if (!check(pthread_join(t[i], NULL) == 0, "pthread_join"))
			return -1;
	long ns = now_ns() - start;
	pthread_barrier_destroy(&g.start);
	return ns;
}

static void contended_counter(void)
{
	for (int n = 1; n <= 4; n *= 2) {
		counter = 0;
		long ns = run_threads(n, add_to_counter, NULL);
		if (ns < 0 ||
		    !check(counter == (long)n * COUNTER_ADDS, "exact count"))
			return;
		printf("bench mutex_counter_%dthreads %ld ns\n", n,
		       ns / (n * COUNTER_ADDS));
	}
}

/* The same total work split over 1, 2 and 4 threads: the speed-up is
 * the time on one thread over the time on n. */
static void cpu_speedup(void)
{
	enum { WORK = 8000000 };
	long one = run_threads(1, spin_work, (void *)(long)WORK);
	if (one <= 0)
		return;
	for (int n = 2; n <= 4; n *= 2) {
		long ns = run_threads(n, spin_work, (void *)(long)(WORK / n));
		if (ns <= 0)
			return;
		printf("bench cpu_speedup_%dthreads %ld.%02ld x\n", n, one / ns,
		       one * 100 / ns % 100);
	}
}

/*
 * Futex wake-to-run latency: a thread on CPU 1 sleeps in FUTEX_WAIT; the
 * main thread, on CPU 0, notes the time and wakes it; the sleeper notes
 * the time it runs again. Rounds where the sleeper had not gone to sleep
 * yet (FUTEX_WAIT returned EAGAIN) do not count. The median is reported.
 */
#define WAKE_ROUNDS 64
static uint32_t wake_word, sleeper_ready;
static long woken_at[WAKE_ROUNDS], slept[WAKE_ROUNDS];

static void *sleeper(void *arg)
{
	if (!pin_to(1))
		return arg;
	for (int i = 0; i < WAKE_ROUNDS; i++) {
		__atomic_store_n(&sleeper_ready, 1, __ATOMIC_RELEASE);
		slept[i] = futex(&wake_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG,
				 (uint32_t)i, NULL, NULL, 0) == 0;
		woken_at[i] = now_ns();
		while (__atomic_load_n(&wake_word, __ATOMIC_ACQUIRE) ==
		       (uint32_t)i)
			;
	}
	return arg;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static void futex_wake_latency(void)
{
	pthread_t t;
	long lat[WAKE_ROUNDS];
	int n = 0;
	wake_word = sleeper_ready = 0;
	if (!pin_to(0) || !check(pthread_create(&t, NULL, sleeper, NULL) == 0,
				 "pthread_create"))
		return;
	for (int i = 0; i < WAKE_ROUNDS; i++) {
		while (!__atomic_exchange_n(&sleeper_ready, 0,
					    __ATOMIC_ACQUIRE))
			;
		struct timespec pause = {0, 2000000}; /* let it fall asleep */
		nanosleep(&pause, NULL);
		long t0 = now_ns();
		__atomic_store_n(&wake_word, (uint32_t)i + 1, __ATOMIC_RELEASE);
		if (!check(futex(&wake_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1,
				 NULL, NULL, 0) >= 0,
			   "FUTEX_WAKE"))
			return;
		while (!__atomic_load_n(&woken_at[i], __ATOMIC_ACQUIRE))
			;
		if (slept[i])
			lat[n++] = woken_at[i] - t0;
	}
	unpin();
	if (!check(pthread_join(t, NULL) == 0, "pthread_join") ||
	    !check(n >= WAKE_ROUNDS / 2, "the sleeper sleeping"))
		return;
	qsort(lat, n, sizeof(lat[0]), cmp_long);
	printf("bench futex_wake_to_run %ld us\n", lat[n / 2] / 1000);
}

/* How late a 10 ms sleep ends: the timer's resolution (a tick is 10 ms on
 * Spindle) plus the wake-up path. The median of 20 sleeps. The tests only
 * check that a sleep never ends early; this is how late it is. */
static void sleep_overshoot(void)
{
	enum { N = 20 };
	long late[N];
	for (int i = 0; i < N; i++) {
		struct timespec req = {0, 10 * 1000000};
		long t0 = now_ns();
		if (!check(nanosleep(&req, NULL) == 0, "nanosleep"))
			return;
		late[i] = now_ns() - t0 - 10 * 1000000;
	}
	qsort(late, N, sizeof(late[0]), cmp_long);
	printf("bench sleep_10ms_overshoot %ld us\n", late[N / 2] / 1000);
}

int main(void)
{
	sched_getaffinity(0, sizeof(all_cpus), &all_cpus);
	null_syscall();
	thread_create_join();
	fork_wait();
	futex_ping_pong();
	condvar_ping_pong();
	uncontended_mutex();
	contended_counter();
	cpu_speedup();
	futex_wake_latency();
	sleep_overshoot();
	fflush(stdout);
	return failed;
}
