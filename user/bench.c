/*
 * Micro-benchmarks of the kernel's and the thread library's machinery:
 * prints one line per figure, `bench NAME VALUE UNIT`, and exits non-zero
 * if an operation failed (a benchmark that errors prints no number).
 *
 * The same static binary runs on Spindle, on Linux booted in the same
 * QEMU, and natively on the host (tools/bench.py does all three), so it
 * uses only what both kernels have: pthreads, sched_yield, getpid,
 * clock_gettime, futex, fork/wait and pipes; no /proc, no files.
 *
 * Every figure is the median of several repetitions within the one run:
 * a host that steals a vCPU for a moment spoils one repetition, not the
 * figure.
 *
 *   bench          every benchmark
 *   bench boot     only the first line (tools/bench.py times the boot to it)
 *   bench counter  only the contended counter (run again on more CPUs)
 *   bench alive    only thread create+join with 10 ... 10,000 others alive
 *
 * As init on Linux (pid 1), it powers the machine off when done: Linux
 * panics when init exits. Lines starting with `#` are information.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "c/syscall.h"
#include "threads.h"

#define REPS 5 /* repetitions behind each median */

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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One figure, with three significant digits or so. */
static void report(const char *name, double value, const char *unit)
{
	int decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2;
	printf("bench %s %.*f %s\n", name, decimals, value, unit);
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

/* --- System calls and the uncontended fast paths --- */

static void bench_getpid(void)
{
	enum { N = 20000 };
	double ns[REPS];
	for (int r = 0; r < REPS; r++) {
		long start = now_ns();
		for (int i = 0; i < N; i++)
			getpid();
		ns[r] = (double)(now_ns() - start) / N;
	}
	report("getpid", median(ns, REPS), "ns");
}

/* Alone on its CPU: the cost of entering the scheduler and finding
 * nothing better to run. */
static void bench_sched_yield(void)
{
	enum { N = 10000 };
	double ns[REPS];
	for (int r = 0; r < REPS; r++) {
		long start = now_ns();
		for (int i = 0; i < N; i++)
			sched_yield();
		ns[r] = (double)(now_ns() - start) / N;
	}
	report("sched_yield", median(ns, REPS), "ns");
}

static void uncontended_mutex(void)
{
	enum { N = 200000 };
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	double ns[REPS];
	for (int r = 0; r < REPS; r++) {
		long start = now_ns();
		for (int i = 0; i < N; i++)
			if (pthread_mutex_lock(&m) ||
			    pthread_mutex_unlock(&m)) {
				check(false, "pthread_mutex_lock/unlock");
				return;
			}
		ns[r] = (double)(now_ns() - start) / N;
	}
	report("mutex_lock_unlock_uncontended", median(ns, REPS), "ns");
}

/* --- Threads: a gang released together --- */

#define GANG_MAX 8

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
	pthread_t t[GANG_MAX];
	if (!check(n <= GANG_MAX, "gang size") ||
	    !check(pthread_barrier_init(&g.start, NULL, n + 1) == 0,
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

/* n threads add to one counter under one mutex, COUNTER_ADDS in all: with
 * more threads than CPUs, the lock holder is sometimes preempted while
 * the others want the lock. The figure is ns per addition. */
#define COUNTER_ADDS 200000
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add_to_counter(void *arg)
{
	long adds = (long)arg;
	for (long i = 0; i < adds; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

/* only: that many threads alone (`bench counter 4`, for a trace of one
 * case), or 0 for every count. */
static void contended_counter(int only)
{
	enum { R = 3 };
	for (int n = only ? only : 1; n <= (only ? only : GANG_MAX); n *= 2) {
		double ns[R];
		long adds = COUNTER_ADDS / n;
		for (int r = 0; r < R; r++) {
			counter = 0;
			long t = run_threads(n, add_to_counter, (void *)adds);
			if (t < 0 || !check(counter == n * adds, "exact count"))
				return;
			ns[r] = (double)t / (double)(n * adds);
		}
		char name[64];
		snprintf(name, sizeof(name), "mutex_counter_%dthreads_%dcpus",
			 n, CPU_COUNT(&all_cpus));
		report(name, median(ns, R), "ns");
	}
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

/* The same total work split over 1, 2 and 4 threads: the speed-up is
 * the time on one thread over the time on n. */
static void cpu_speedup(void)
{
	enum { R = 3 };
	const long work = 8000000; /* iterations, split over the threads */
	double one = 0;
	for (int n = 1; n <= 4; n *= 2) {
		double ns[R];
		for (int r = 0; r < R; r++) {
			long t = run_threads(n, spin_work, (void *)(work / n));
			if (t <= 0)
				return;
			ns[r] = (double)t;
		}
		double t = median(ns, R);
		if (n == 1) {
			one = t;
			report("cpu_work_1thread", t / 1e6, "ms");
			continue;
		}
		char name[64];
		snprintf(name, sizeof(name), "cpu_speedup_%dthreads", n);
		report(name, one / t, "x");
	}
}

/* --- Thread creation with many threads alive --- */

/*
 * Create+join of one more thread while N others are alive, asleep on a
 * futex: the cost should not grow with N (a kernel that walks every task
 * or every mapping on clone or exit would show it here). The parked
 * threads get small stacks, so that 10,000 fit in the guest's memory; if
 * the kernel refuses one (EAGAIN), the series stops there, without a
 * figure for that level: a limit, not a failure.
 */
#define PARKED_MAX 10000
#define PARK_STACK (16 * 1024)
static pthread_t parked[PARKED_MAX];
static uint32_t park_release;
static atomic_int parked_count;

static void *park(void *arg)
{
	atomic_fetch_add(&parked_count, 1);
	while (!__atomic_load_n(&park_release, __ATOMIC_ACQUIRE))
		futex(&park_release, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL,
		      NULL, 0);
	return arg;
}

static void *nothing(void *arg)
{
	return arg;
}

/* Creates and joins one thread at a time, REPS batches of 10: the medians
 * of the us per create+join and per pthread_create alone (the rest is
 * the thread's run, its exit and the join that frees its stack). Reports
 * them with `alive` in their names; false on failure. */
static bool create_join(int alive)
{
	enum { N = 10 };
	double both[REPS], create[REPS];
	for (int r = 0; r < REPS; r++) {
		long start = now_ns(), creating = 0;
		for (int i = 0; i < N; i++) {
			pthread_t t;
			void *ret = NULL;
			long t0 = now_ns();
			bool created =
				pthread_create(&t, NULL, nothing, &ret) == 0;
			creating += now_ns() - t0;
			if (!check(created && pthread_join(t, &ret) == 0 &&
					   ret == &ret,
				   "pthread_create/join"))
				return false;
		}
		both[r] = (double)(now_ns() - start) / N / 1000;
		create[r] = (double)creating / N / 1000;
	}
	char name[64];
	snprintf(name, sizeof(name), "thread_create_join_%dalive", alive);
	report(name, median(both, REPS), "us");
	snprintf(name, sizeof(name), "thread_create_%dalive", alive);
	report(name, median(create, REPS), "us");
	return true;
}

static void thread_create_join_alive(void)
{
	static const int levels[] = {10, 100, 1000, PARKED_MAX};
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PARK_STACK);
	park_release = 0;
	atomic_store(&parked_count, 0);
	int alive = 0;
	for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		int err = 0;
		while (alive < levels[l] &&
		       (err = pthread_create(&parked[alive], &attr, park,
					     NULL)) == 0)
			alive++;
		if (err) {
			printf("# bench: no thread_create_join_%dalive:"
			       " thread %d: %s\n",
			       levels[l], alive + 1, strerror(err));
			check(err == EAGAIN, "pthread_create (parked)");
			break;
		}
		while (atomic_load(&parked_count) < alive)
			sched_yield();
		if (!create_join(alive))
			break;
	}
	/* Then all of them at once: woken together, they exit together and
	 * are joined in order (what an exit convoy costs, per thread). */
	long start = now_ns();
	__atomic_store_n(&park_release, 1, __ATOMIC_RELEASE);
	futex(&park_release, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT32_MAX, NULL,
	      NULL, 0);
	bool joined = true;
	for (int i = 0; i < alive; i++)
		joined &= check(pthread_join(parked[i], NULL) == 0,
				"pthread_join");
	if (joined && alive > 0) {
		char name[64];
		snprintf(name, sizeof(name), "thread_exit_join_%dalive", alive);
		report(name, (double)(now_ns() - start) / alive / 1000, "us");
	}
	pthread_attr_destroy(&attr);
}

/* --- Processes and pipes --- */

static void fork_wait(void)
{
	enum { N = 20 };
	double us[REPS];
	for (int r = 0; r < REPS; r++) {
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
		us[r] = (double)(now_ns() - start) / N / 1000;
	}
	report("fork_exit_wait", median(us, REPS), "us");
}

/* A child writes PIPE_BYTES into a pipe in 64 KiB writes; the parent
 * reads them: MiB/s from the fork to the end of the data. */
#define PIPE_BYTES (4 << 20)
#define PIPE_CHUNK (64 << 10)
static char pipe_buf[PIPE_CHUNK];

static double pipe_once(void)
{
	int fds[2];
	if (!check(pipe(fds) == 0, "pipe"))
		return -1;
	long start = now_ns();
	int pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (long sent = 0; sent < PIPE_BYTES;) {
			ssize_t n = write(fds[1], pipe_buf, PIPE_CHUNK);
			if (n <= 0)
				_exit(1);
			sent += n;
		}
		_exit(0);
	}
	close(fds[1]);
	long got = 0;
	ssize_t n;
	while (pid > 0 && (n = read(fds[0], pipe_buf, PIPE_CHUNK)) > 0)
		got += n;
	long ns = now_ns() - start;
	close(fds[0]);
	int status = -1;
	if (!check(pid > 0 && waitpid(pid, &status, 0) == pid && status == 0 &&
			   got == PIPE_BYTES,
		   "pipe transfer"))
		return -1;
	return (double)PIPE_BYTES / (1 << 20) / ((double)ns / 1e9);
}

static void pipe_throughput(void)
{
	enum { R = 3 };
	double mibs[R];
	for (int r = 0; r < R; r++)
		if ((mibs[r] = pipe_once()) < 0)
			return;
	report("pipe_throughput", median(mibs, R), "MiB/s");
}

/* --- Hand-offs between two threads on two CPUs --- */

/*
 * A hand-off: a turn passed back and forth between the main thread and a
 * partner thread. start() starts the partner for `total` round trips,
 * pass() is one round trip on the main thread's side, stop() joins.
 */
struct handoff {
	const char *name;
	int rounds; /* round trips per block */
	bool (*start)(int total);
	void (*pass)(void);
	bool (*stop)(void);
};

/* Runs h for `blocks` blocks of `rounds` round trips; us[b] is block b's
 * time per round trip. before(b), if set, runs before block b, outside
 * the timing. */
static bool handoff_run(const struct handoff *h, int blocks, int rounds,
			double *us, void (*before)(int b))
{
	if (!h->start(blocks * rounds))
		return false;
	for (int b = 0; b < blocks; b++) {
		if (before)
			before(b);
		long start = now_ns();
		for (int i = 0; i < rounds; i++)
			h->pass();
		us[b] = (double)(now_ns() - start) / rounds / 1000;
	}
	return h->stop();
}

static void handoff_figure(const struct handoff *h)
{
	double us[REPS];
	if (handoff_run(h, REPS, h->rounds, us, NULL) && !failed)
		report(h->name, median(us, REPS), "us");
}

/* A turn passed back and forth through one futex word. */
static uint32_t turn;
static struct thread futex_partner;

static int pong(void *arg)
{
	for (long i = 0; i < (long)arg; i++)
		futex_pass_turn(&turn, 1, 0);
	return 0;
}

static bool futex_start(int total)
{
	turn = 0;
	return check(thread_start(&futex_partner, pong, (void *)(long)total) ==
			     0,
		     "clone");
}

static void futex_pass(void)
{
	futex_pass_turn(&turn, 0, 1);
}

static bool futex_stop(void)
{
	thread_join(&futex_partner);
	return true;
}

static const struct handoff futex_handoff = {
	"futex_round_trip", 200, futex_start, futex_pass, futex_stop};

/* Two threads on two CPUs hand a turn back and forth with a mutex and a
 * condition variable: one round trip is two wake-ups. */
static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_turn;
static pthread_t cv_partner;

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
	pin_to(1); /* a failure is reported; the turns are passed anyway */
	for (long i = 0; i < (long)arg; i++)
		cv_pass_turn(1, 0);
	return NULL;
}

static bool cv_start(int total)
{
	cv_turn = 0;
	return pin_to(0) && check(pthread_create(&cv_partner, NULL, cv_pong,
						 (void *)(long)total) == 0,
				  "pthread_create");
}

static void cv_pass(void)
{
	cv_pass_turn(0, 1);
}

static bool cv_stop(void)
{
	unpin();
	return check(pthread_join(cv_partner, NULL) == 0, "pthread_join");
}

static const struct handoff cv_handoff = {"condvar_round_trip_2cpus", 100,
					  cv_start, cv_pass, cv_stop};

/* The same hand-off with no sleeping at all: each thread calls
 * sched_yield until the turn is its own. It measures how soon a
 * spinning partner on the other CPU sees the store, and what yielding
 * costs while it waits. */
#define YIELD_ROUNDS 200
static atomic_int yield_turn;

static void yield_pass_turn(int mine, int next)
{
	while (atomic_load(&yield_turn) != mine)
		sched_yield();
	atomic_store(&yield_turn, next);
}

static void *yield_pong(void *arg)
{
	if (pin_to(1))
		for (int i = 0; i < REPS * YIELD_ROUNDS; i++)
			yield_pass_turn(1, 0);
	return arg;
}

static void yield_ping_pong(void)
{
	pthread_t t;
	double us[REPS];
	atomic_store(&yield_turn, 0);
	if (!pin_to(0) ||
	    !check(pthread_create(&t, NULL, yield_pong, NULL) == 0,
		   "pthread_create"))
		return;
	for (int r = 0; r < REPS; r++) {
		long start = now_ns();
		for (int i = 0; i < YIELD_ROUNDS; i++)
			yield_pass_turn(0, 1);
		us[r] = (double)(now_ns() - start) / YIELD_ROUNDS / 1000;
	}
	unpin();
	if (check(pthread_join(t, NULL) == 0, "pthread_join") && !failed)
		report("yield_round_trip_2cpus", median(us, REPS), "us");
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

static void futex_wake_latency(void)
{
	pthread_t t;
	double lat[WAKE_ROUNDS];
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
			lat[n++] = (double)(woken_at[i] - t0) / 1000;
	}
	unpin();
	if (!check(pthread_join(t, NULL) == 0, "pthread_join") ||
	    !check(n >= WAKE_ROUNDS / 2, "the sleeper sleeping"))
		return;
	report("futex_wake_to_run", median(lat, n), "us");
}

/* How late a 10 ms sleep ends: the timer's resolution (a tick is 10 ms on
 * Spindle) plus the wake-up path. The median of 20 sleeps. The tests only
 * check that a sleep never ends early; this is how late it is. */
static void sleep_overshoot(void)
{
	enum { N = 20 };
	double late[N];
	for (int i = 0; i < N; i++) {
		struct timespec req = {0, 10 * 1000000};
		long t0 = now_ns();
		if (!check(nanosleep(&req, NULL) == 0, "nanosleep"))
			return;
		late[i] = (double)(now_ns() - t0 - 10 * 1000000) / 1000;
	}
	report("sleep_10ms_overshoot", median(late, N), "us");
}

/*
 * What the scheduler trace costs a hand-off, on Spindle, where writing 0
 * or 1 to /proc/trace_on switches it off and on. COST_PAIRS pairs of
 * blocks in one boot, the trace on in one block of each pair and off in
 * the other, the order alternating: the figure is the median over the
 * pairs of on / off - 1, in percent. Both blocks of a pair run within a
 * millisecond of each other in the same boot, with the same placement of
 * the vCPUs on the host, which comparing whole boots (tools/bench.py
 * --tracing-cost) cannot give.
 */
#define COST_PAIRS 1000
/* Round trips a block: short, so that the two blocks of a pair are close. */
#define COST_ROUNDS 10

static bool trace_on_in_block(int b)
{
	return (b % 2 == 0) == (b / 2 % 2 == 0);
}

static bool set_trace(bool on)
{
	int fd = open("/proc/trace_on", O_WRONLY);
	bool ok = fd >= 0 && write(fd, on ? "1" : "0", 1) == 1;
	if (fd >= 0)
		close(fd);
	return ok;
}

static void trace_for_block(int b)
{
	check(set_trace(trace_on_in_block(b)), "writing /proc/trace_on");
}

static void trace_cost(const struct handoff *h)
{
	static double us[2 * COST_PAIRS], cost[COST_PAIRS];
	bool ok = handoff_run(h, 2 * COST_PAIRS, COST_ROUNDS, us,
			      trace_for_block);
	set_trace(true);
	if (!ok || failed)
		return;
	for (int p = 0; p < COST_PAIRS; p++) {
		bool on_first = trace_on_in_block(2 * p);
		double on = us[2 * p + !on_first], off = us[2 * p + on_first];
		cost[p] = (on / off - 1) * 100;
	}
	char name[64];
	snprintf(name, sizeof(name), "trace_cost_%s", h->name);
	report(name, median(cost, COST_PAIRS), "%");
}

/* Only where the trace is there and on: not on Linux, nor under
 * `notrace` (no rings to record into). */
static void trace_costs(void)
{
	char state = 0;
	int fd = open("/proc/trace_on", O_RDONLY);
	if (fd < 0)
		return;
	bool on = read(fd, &state, 1) == 1 && state == '1';
	close(fd);
	if (!on)
		return;
	trace_cost(&futex_handoff);
	trace_cost(&cv_handoff);
}

/* Hand-offs between CPUs: wake-ups and how late they run. */
static void handoffs(void)
{
	handoff_figure(&futex_handoff);
	handoff_figure(&cv_handoff);
	yield_ping_pong();
	futex_wake_latency();
	sleep_overshoot();
	trace_costs();
}

/*
 * Linux panics when init exits, so as pid 1 the benchmark powers the
 * machine off instead, once the console has sent every line; the exit
 * status, which nobody would see, is printed first. Spindle has no
 * reboot call: it powers off when init exits, and reports the status.
 */
static int finish(void)
{
	if (getpid() == 1) {
		printf("# bench: exit status %d\n", failed);
		fflush(stdout);
		tcdrain(STDOUT_FILENO);
		reboot(RB_POWER_OFF);
	}
	fflush(stdout);
	return failed;
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : "";
	sched_getaffinity(0, sizeof(all_cpus), &all_cpus);
	printf("# user/bench on %d CPUs\n", CPU_COUNT(&all_cpus));
	fflush(stdout);
	if (strcmp(only, "boot") == 0)
		return finish();
	if (strcmp(only, "counter") == 0) {
		int n = argc > 2 ? atoi(argv[2]) : 0;
		contended_counter(n >= 1 && n <= GANG_MAX ? n : 0);
		return finish();
	}
	if (strcmp(only, "alive") == 0) {
		thread_create_join_alive();
		return finish();
	}
	if (strcmp(only, "handoff") == 0) {
		handoffs();
		return finish();
	}
	bench_getpid();
	bench_sched_yield();
	uncontended_mutex();
	contended_counter(0);
	cpu_speedup();
	thread_create_join_alive();
	fork_wait();
	pipe_throughput();
	handoffs();
	return finish();
}
