/*
 * Real-time scheduling: SCHED_FIFO and SCHED_RR seen in the order work
 * gets done, never in how long it takes. Every test that runs threads
 * pins them all to one CPU (sched_setaffinity; threads inherit the mask),
 * so who runs is the scheduler's choice alone, and every real-time spin
 * is bounded: on the Linux host a runaway FIFO thread would take a core.
 *
 * The same binary runs on the host (as root); where the host refuses
 * real-time policies (EPERM: no CAP_SYS_NICE), those tests skip there.
 */
#define _GNU_SOURCE
#include "c/ktap.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SPIN 200000		/* one unit of work */
#define SAFETY_NS 30000000000ll /* RR spinners give up after 30 s */

static void work(void)
{
	for (volatile int i = 0; i < SPIN; i++)
		continue;
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int set_self(int policy, int prio)
{
	struct sched_param p = {prio};
	return sched_setscheduler(0, policy, &p);
}

static void pin_to(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Pins the caller to its CPU and makes it FIFO at prio; false (the test
 * skipped) if this system refuses real-time policies. */
static bool rt_begin(int prio)
{
	if (set_self(SCHED_FIFO, prio) < 0) {
		ktap_skip("real-time policies refused (EPERM: not root?)");
		return false;
	}
	pin_to(sched_getcpu());
	return true;
}

static void rt_end(void)
{
	cpu_set_t all;
	set_self(SCHED_OTHER, 0);
	CPU_ZERO(&all);
	for (int c = 0; c < 64; c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);
}

static pthread_t start_rt(int policy, int prio, void *(*fn)(void *), void *arg)
{
	pthread_attr_t a;
	struct sched_param p = {prio};
	pthread_t t;
	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, policy);
	pthread_attr_setschedparam(&a, &p);
	if (pthread_create(&t, &a, fn, arg) != 0)
		ktap_check(false, __FILE__, __LINE__, "pthread_create failed");
	return t;
}

/* The order things happened in: threads append to it. */
static int order[16];
static int logged;

static void note(int what)
{
	order[__atomic_fetch_add(&logged, 1, __ATOMIC_SEQ_CST)] = what;
}

static void *work_then_note(void *arg)
{
	work();
	note((int)(long)arg);
	return NULL;
}

/* Made while the creator (FIFO 50) holds the CPU, the threads run only
 * once it sleeps in join: highest priority first. */
static void fifo_runs_the_highest_priority_first(void)
{
	static const int prio[] = {10, 30, 20};
	pthread_t t[3];
	if (!rt_begin(50))
		return;
	logged = 0;
	for (int i = 0; i < 3; i++)
		t[i] = start_rt(SCHED_FIFO, prio[i], work_then_note,
				(void *)(long)prio[i]);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	rt_end();
	KTAP_ASSERT_EQ(logged, 3);
	KTAP_EXPECT_EQ(order[0], 30);
	KTAP_EXPECT_EQ(order[1], 20);
	KTAP_EXPECT_EQ(order[2], 10);
}

static void *note_work_note(void *arg)
{
	int i = (int)(long)arg;
	note(i);
	for (int n = 0; n < 5; n++)
		work();
	note(i);
	return NULL;
}

/* Equal FIFO priorities, the creator's own: each thread runs from start
 * to end before the next begins, in the order they were made. */
static void equal_fifo_priorities_run_in_turn_without_interleaving(void)
{
	pthread_t t[3];
	if (!rt_begin(20))
		return;
	logged = 0;
	for (int i = 0; i < 3; i++)
		t[i] = start_rt(SCHED_FIFO, 20, note_work_note,
				(void *)(long)i);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	rt_end();
	KTAP_ASSERT_EQ(logged, 6);
	for (int i = 0; i < 6; i++)
		KTAP_EXPECT_EQ(order[i], i / 2);
}

/* Two RR threads of one priority on one CPU: each counts its steps, and
 * counts a switch whenever it finds the other has moved on since it last
 * looked. It stops after 3 switches, or when the other has stopped. */
struct spinner {
	volatile long steps;
	volatile int done;
	int switches;
	struct spinner *other;
};

static void *spin_and_watch(void *arg)
{
	struct spinner *me = arg;
	long seen = me->other->steps;
	long long give_up = now_ns() + SAFETY_NS;
	while (me->switches < 3 && !me->other->done && now_ns() < give_up) {
		for (volatile int i = 0; i < SPIN / 100; i++)
			continue;
		me->steps++;
		if (me->other->steps != seen) {
			seen = me->other->steps;
			me->switches++;
		}
	}
	me->done = 1;
	return NULL;
}

static void rr_threads_of_one_priority_take_turns(void)
{
	static struct spinner s[2];
	pthread_t t[2];
	if (!rt_begin(50))
		return;
	s[0] = (struct spinner){.other = &s[1]};
	s[1] = (struct spinner){.other = &s[0]};
	for (int i = 0; i < 2; i++)
		t[i] = start_rt(SCHED_RR, 20, spin_and_watch, &s[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	rt_end();
	KTAP_EXPECT_GE(s[0].switches + s[1].switches, 5);
	KTAP_EXPECT_GE(s[0].switches, 2);
	KTAP_EXPECT_GE(s[1].switches, 2);
}

static volatile int rt_ran;

static void *mark_ran(void *arg)
{
	(void)arg;
	rt_ran = 1;
	return NULL;
}

/* A SCHED_OTHER creator on one CPU: its new FIFO thread takes the CPU
 * from it before pthread_create returns. */
static void an_rt_thread_preempts_sched_other(void)
{
	if (!rt_begin(1))
		return;
	set_self(SCHED_OTHER, 0);
	rt_ran = 0;
	pthread_t t = start_rt(SCHED_FIFO, 10, mark_ran, NULL);
	int seen = rt_ran;
	pthread_join(t, NULL);
	rt_end();
	KTAP_EXPECT_EQ(seen, 1);
}

/* Across CPUs: a FIFO thread whose CPU runs a higher one goes to a CPU
 * running SCHED_OTHER work, rather than waiting. The creator (FIFO 50)
 * spins on CPU 0, a SCHED_OTHER thread spins on CPU 1, and the new FIFO
 * 10 thread, allowed on both, must run while both spin. */
static volatile int other_started, stop_other, rt_moved;

static void *spin_on_cpu1(void *arg)
{
	(void)arg;
	pin_to(1);
	other_started = 1;
	long long give_up = now_ns() + SAFETY_NS;
	while (!stop_other && now_ns() < give_up)
		continue;
	return NULL;
}

static void *mark_moved(void *arg)
{
	(void)arg;
	rt_moved = 1;
	return NULL;
}

static void an_rt_thread_takes_a_cpu_running_lower_work(void)
{
	cpu_set_t two;
	CPU_ZERO(&two);
	CPU_SET(0, &two);
	CPU_SET(1, &two);
	if (sched_getaffinity(0, sizeof(two), &two) < 0 ||
	    !CPU_ISSET(1, &two)) {
		ktap_skip("needs a second CPU");
		return;
	}
	if (set_self(SCHED_FIFO, 50) < 0) {
		ktap_skip("real-time policies refused (EPERM: not root?)");
		return;
	}
	pin_to(0);
	other_started = stop_other = rt_moved = 0;
	pthread_t other = start_rt(SCHED_OTHER, 0, spin_on_cpu1, NULL);
	struct timespec ms = {0, 1000000};
	for (int i = 0; i < 30000 && !other_started; i++)
		nanosleep(&ms, NULL); /* sleeps: it runs on CPU 0 first */
	CPU_ZERO(&two);
	CPU_SET(0, &two);
	CPU_SET(1, &two);
	sched_setaffinity(0, sizeof(two), &two);
	pthread_t rt = start_rt(SCHED_FIFO, 10, mark_moved, NULL);
	long long give_up = now_ns() + SAFETY_NS;
	while (!rt_moved && now_ns() < give_up)
		continue;
	int moved = rt_moved;
	stop_other = 1;
	rt_end();
	pthread_join(rt, NULL);
	pthread_join(other, NULL);
	KTAP_EXPECT_EQ(other_started, 1);
	KTAP_EXPECT_EQ(moved, 1);
}

static void policy_and_priority_read_back(void)
{
	struct sched_param p = {0};
	struct timespec slice = {1, 1};
	if (!rt_begin(7))
		return;
	KTAP_EXPECT_EQ(sched_getscheduler(0), SCHED_FIFO);
	KTAP_EXPECT_EQ(sched_getparam(0, &p), 0);
	KTAP_EXPECT_EQ(p.sched_priority, 7);
	p.sched_priority = 9;
	KTAP_EXPECT_EQ(sched_setparam(0, &p), 0);
	p.sched_priority = 0;
	sched_getparam(0, &p);
	KTAP_EXPECT_EQ(p.sched_priority, 9);
	KTAP_EXPECT_EQ(sched_rr_get_interval(0, &slice), 0);
	KTAP_EXPECT_EQ(slice.tv_sec + slice.tv_nsec, 0); /* FIFO: none */
	KTAP_EXPECT_EQ(set_self(SCHED_RR, 3), 0);
	KTAP_EXPECT_EQ(sched_getscheduler(0), SCHED_RR);
	KTAP_EXPECT_EQ(sched_rr_get_interval(0, &slice), 0);
	KTAP_EXPECT_EQ(slice.tv_sec, 0);
	KTAP_EXPECT_GT(slice.tv_nsec, 0);
	rt_end();
	KTAP_EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);
	sched_getparam(0, &p);
	KTAP_EXPECT_EQ(p.sched_priority, 0);
}

static void priority_ranges_are_linuxs(void)
{
	KTAP_EXPECT_EQ(sched_get_priority_min(SCHED_FIFO), 1);
	KTAP_EXPECT_EQ(sched_get_priority_max(SCHED_FIFO), 99);
	KTAP_EXPECT_EQ(sched_get_priority_min(SCHED_RR), 1);
	KTAP_EXPECT_EQ(sched_get_priority_max(SCHED_RR), 99);
	KTAP_EXPECT_EQ(sched_get_priority_min(SCHED_OTHER), 0);
	KTAP_EXPECT_EQ(sched_get_priority_max(SCHED_OTHER), 0);
	KTAP_EXPECT_EQ(sched_get_priority_max(77), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void pthread_attributes_read_back(void)
{
	pthread_attr_t a;
	struct sched_param p = {5};
	int v = -1;
	pthread_attr_init(&a);
	pthread_attr_getinheritsched(&a, &v);
	KTAP_EXPECT_EQ(v, PTHREAD_INHERIT_SCHED);
	pthread_attr_getschedpolicy(&a, &v);
	KTAP_EXPECT_EQ(v, SCHED_OTHER);
	KTAP_EXPECT_EQ(pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED),
		       0);
	KTAP_EXPECT_EQ(pthread_attr_setschedpolicy(&a, SCHED_RR), 0);
	KTAP_EXPECT_EQ(pthread_attr_setschedparam(&a, &p), 0);
	p.sched_priority = 0;
	pthread_attr_getinheritsched(&a, &v);
	KTAP_EXPECT_EQ(v, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_getschedpolicy(&a, &v);
	KTAP_EXPECT_EQ(v, SCHED_RR);
	pthread_attr_getschedparam(&a, &p);
	KTAP_EXPECT_EQ(p.sched_priority, 5);
	KTAP_EXPECT_EQ(pthread_attr_setinheritsched(&a, 7), EINVAL);
	KTAP_EXPECT_EQ(pthread_attr_setschedpolicy(&a, 77), EINVAL);
	pthread_attr_destroy(&a);
}

static void pthread_setschedparam_reads_back(void)
{
	struct sched_param p = {12};
	int policy = -1;
	if (!rt_begin(1))
		return;
	KTAP_EXPECT_EQ(pthread_setschedparam(pthread_self(), SCHED_RR, &p), 0);
	p.sched_priority = 0;
	KTAP_EXPECT_EQ(pthread_getschedparam(pthread_self(), &policy, &p), 0);
	KTAP_EXPECT_EQ(policy, SCHED_RR);
	KTAP_EXPECT_EQ(p.sched_priority, 12);
	KTAP_EXPECT_EQ(pthread_setschedprio(pthread_self(), 40), 0);
	pthread_getschedparam(pthread_self(), &policy, &p);
	KTAP_EXPECT_EQ(p.sched_priority, 40);
	p.sched_priority = 100;
	KTAP_EXPECT_EQ(pthread_setschedparam(pthread_self(), SCHED_RR, &p),
		       EINVAL);
	rt_end();
}

/* The child's policy, as its exit status: policy * 100 + priority. */
static int child_policy_code(void)
{
	struct sched_param p = {0};
	int pid = fork();
	if (pid == 0) {
		sched_getparam(0, &p);
		_exit(sched_getscheduler(0) * 100 + p.sched_priority);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void fork_inherits_the_policy_unless_reset_on_fork(void)
{
	if (!rt_begin(5))
		return;
	KTAP_EXPECT_EQ(child_policy_code(), SCHED_FIFO * 100 + 5);
	KTAP_EXPECT_EQ(set_self(SCHED_RR | SCHED_RESET_ON_FORK, 6), 0);
	KTAP_EXPECT_EQ(sched_getscheduler(0), SCHED_RR | SCHED_RESET_ON_FORK);
	KTAP_EXPECT_EQ(child_policy_code(), SCHED_OTHER * 100 + 0);
	rt_end();
}

static void bad_arguments_are_refused(void)
{
	struct sched_param p = {1}, zero = {0}, big = {100};
	struct timespec ts;
	int self = getpid();
	KTAP_EXPECT_EQ(sched_setscheduler(0, 12345, &zero), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(sched_setscheduler(0, SCHED_FIFO, &zero), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(sched_setscheduler(0, SCHED_FIFO, &big), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(sched_setscheduler(0, SCHED_OTHER, &p), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(sched_setscheduler(-1, SCHED_FIFO, &p), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(sched_setscheduler(self, SCHED_FIFO, NULL), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(sched_setscheduler(999999, SCHED_FIFO, &p), -1);
	KTAP_EXPECT_EQ(errno, ESRCH);
	KTAP_EXPECT_EQ(sched_getscheduler(999999), -1);
	KTAP_EXPECT_EQ(errno, ESRCH);
	KTAP_EXPECT_EQ(sched_getscheduler(-1), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(sched_getparam(0, NULL), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(sched_getparam(999999, &p), -1);
	KTAP_EXPECT_EQ(errno, ESRCH);
	KTAP_EXPECT_EQ(sched_rr_get_interval(999999, &ts), -1);
	KTAP_EXPECT_EQ(errno, ESRCH);
	KTAP_EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);
}

static void clock_getres_gives_a_resolution(void)
{
	struct timespec res = {-1, -1};
	KTAP_EXPECT_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
	KTAP_EXPECT_EQ(res.tv_sec, 0);
	KTAP_EXPECT_GT(res.tv_nsec, 0);
	KTAP_EXPECT_EQ(clock_getres(CLOCK_REALTIME, NULL), 0);
	KTAP_EXPECT_EQ(clock_getres(99, &res), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(fifo_runs_the_highest_priority_first),
	KTAP_TEST(equal_fifo_priorities_run_in_turn_without_interleaving),
	KTAP_TEST(rr_threads_of_one_priority_take_turns),
	KTAP_TEST(an_rt_thread_preempts_sched_other),
	KTAP_TEST(an_rt_thread_takes_a_cpu_running_lower_work),
	KTAP_TEST(policy_and_priority_read_back),
	KTAP_TEST(priority_ranges_are_linuxs),
	KTAP_TEST(pthread_attributes_read_back),
	KTAP_TEST(pthread_setschedparam_reads_back),
	KTAP_TEST(fork_inherits_the_policy_unless_reset_on_fork),
	KTAP_TEST(bad_arguments_are_refused),
	KTAP_TEST(clock_getres_gives_a_resolution),
};

int main(void)
{
	return KTAP_RUN("sched_rt", tests);
}
