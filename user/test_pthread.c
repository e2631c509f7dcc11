/*
 * lib/pthread, threads: create, join, detach, exit, self, attributes,
 * thread-local storage, keys, once, affinity -- and thousands of threads.
 * The same source builds against glibc (gcc -pthread), and the binary
 * runs on the Linux host and on Spindle with the same results.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "c/ktap.h"
#include "timing.h"

static void *return_arg_plus_one(void *arg)
{
	return (void *)((intptr_t)arg + 1);
}

static void join_returns_the_threads_result(void)
{
	pthread_t t;
	KTAP_ASSERT_EQ(
		pthread_create(&t, NULL, return_arg_plus_one, (void *)41), 0);
	void *result = NULL;
	KTAP_EXPECT_EQ(pthread_join(t, &result), 0);
	KTAP_EXPECT_EQ((intptr_t)result, 42);
}

static void *exit_early(void *arg)
{
	pthread_exit(arg);
}

static void pthread_exit_value_reaches_join(void)
{
	pthread_t t;
	void *result = NULL;
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, exit_early, (void *)7), 0);
	KTAP_EXPECT_EQ(pthread_join(t, &result), 0);
	KTAP_EXPECT_EQ((intptr_t)result, 7);
}

static void *report_self(void *arg)
{
	*(pthread_t *)arg = pthread_self();
	return NULL;
}

static void self_and_equal(void)
{
	pthread_t t, seen;
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, report_self, &seen), 0);
	pthread_join(t, NULL);
	KTAP_EXPECT_TRUE(pthread_equal(t, seen));
	KTAP_EXPECT_TRUE(!pthread_equal(t, pthread_self()));
	KTAP_EXPECT_TRUE(pthread_equal(pthread_self(), pthread_self()));
}

static void joining_oneself_is_edeadlk(void)
{
	KTAP_EXPECT_EQ(pthread_join(pthread_self(), NULL), EDEADLK);
}

static volatile int release_sleeper;

static void *sleep_until_released(void *arg)
{
	while (!release_sleeper)
		sched_yield();
	return arg;
}

static void joining_a_detached_thread_is_einval(void)
{
	pthread_t t;
	release_sleeper = 0;
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, sleep_until_released, NULL), 0);
	KTAP_EXPECT_EQ(pthread_detach(t), 0);
	KTAP_EXPECT_EQ(pthread_join(t, NULL), EINVAL);
	release_sleeper = 1;
}

static void attributes_have_posix_defaults_and_reject_bad_values(void)
{
	pthread_attr_t attr;
	int state;
	size_t size;
	KTAP_ASSERT_EQ(pthread_attr_init(&attr), 0);
	pthread_attr_getdetachstate(&attr, &state);
	KTAP_EXPECT_EQ(state, PTHREAD_CREATE_JOINABLE);
	pthread_attr_getstacksize(&attr, &size);
	KTAP_EXPECT_GE(size, PTHREAD_STACK_MIN);
	pthread_attr_getguardsize(&attr, &size);
	KTAP_EXPECT_GT(size, 0);
	KTAP_EXPECT_EQ(pthread_attr_setdetachstate(&attr, 7), EINVAL);
	KTAP_EXPECT_EQ(pthread_attr_setstacksize(&attr, 100), EINVAL);
	KTAP_EXPECT_EQ(pthread_attr_setstacksize(&attr, 64 * 1024), 0);
	pthread_attr_getstacksize(&attr, &size);
	KTAP_EXPECT_EQ(size, 64 * 1024);
	KTAP_EXPECT_EQ(pthread_attr_setguardsize(&attr, 3 * 4096), 0);
	pthread_attr_getguardsize(&attr, &size);
	KTAP_EXPECT_EQ(size, 3 * 4096);
	KTAP_EXPECT_EQ(pthread_attr_destroy(&attr), 0);
}

/* A thread with a 1 MiB stack can use most of it. */
static void *use_stack(void *arg)
{
	volatile char big[900 * 1024];
	memset((char *)big, 1, sizeof(big));
	return (void *)(intptr_t)(big[0] + big[sizeof(big) - 1] + (arg != 0));
}

static void a_thread_gets_the_stack_size_asked_for(void)
{
	pthread_attr_t attr;
	pthread_t t;
	void *r = NULL;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1024 * 1024);
	KTAP_ASSERT_EQ(pthread_create(&t, &attr, use_stack, NULL), 0);
	KTAP_EXPECT_EQ(pthread_join(t, &r), 0);
	KTAP_EXPECT_EQ((intptr_t)r, 2);
	pthread_attr_destroy(&attr);
}

/* Thread-local storage: every thread starts with the initial value and
 * changes only its own copy. */
static __thread int tls_counter = 100;
static __thread char tls_zeroed[64];

static void *bump_tls(void *arg)
{
	int ok = tls_counter == 100 && tls_zeroed[63] == 0;
	tls_counter += (int)(intptr_t)arg;
	tls_zeroed[63] = 1;
	sched_yield();
	ok = ok && tls_counter == 100 + (int)(intptr_t)arg;
	return (void *)(intptr_t)ok;
}

static void thread_local_variables_are_per_thread(void)
{
	pthread_t t[4];
	tls_counter = 5;
	for (int i = 0; i < 4; i++)
		KTAP_ASSERT_EQ(pthread_create(&t[i], NULL, bump_tls,
					      (void *)(intptr_t)(i + 1)),
			       0);
	for (int i = 0; i < 4; i++) {
		void *ok = NULL;
		pthread_join(t[i], &ok);
		KTAP_EXPECT_EQ((intptr_t)ok, 1);
	}
	KTAP_EXPECT_EQ(tls_counter, 5);
}

static void *fail_a_call(void *arg)
{
	(void)arg;
	int r = close(-1); /* EBADF in this thread's errno */
	sched_yield();
	return (void *)(intptr_t)(r == -1 && errno == EBADF);
}

static void errno_is_per_thread(void)
{
	pthread_t t;
	errno = 0;
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, fail_a_call, NULL), 0);
	void *ok = NULL;
	pthread_join(t, &ok);
	KTAP_EXPECT_EQ((intptr_t)ok, 1);
	KTAP_EXPECT_EQ(errno, 0);
}

/* Keys: one slot per thread; destructors run at thread exit. */
static pthread_key_t key;
static int destructor_calls;

static void count_destructor(void *value)
{
	__atomic_fetch_add(&destructor_calls, (int)(intptr_t)value,
			   __ATOMIC_SEQ_CST);
}

static void *use_key(void *arg)
{
	int ok = pthread_getspecific(key) == NULL;
	pthread_setspecific(key, arg);
	sched_yield();
	ok = ok && pthread_getspecific(key) == arg;
	return (void *)(intptr_t)ok;
}

static void keys_hold_a_value_per_thread_and_run_destructors(void)
{
	destructor_calls = 0;
	KTAP_ASSERT_EQ(pthread_key_create(&key, count_destructor), 0);
	pthread_setspecific(key, (void *)1000);
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, use_key, (void *)(intptr_t)(i + 1));
	for (int i = 0; i < 3; i++) {
		void *ok = NULL;
		pthread_join(t[i], &ok);
		KTAP_EXPECT_EQ((intptr_t)ok, 1);
	}
	KTAP_EXPECT_EQ(destructor_calls, 1 + 2 + 3);
	KTAP_EXPECT_EQ((intptr_t)pthread_getspecific(key), 1000);
	KTAP_EXPECT_EQ(pthread_key_delete(key), 0);
}

static void a_new_key_starts_null(void)
{
	pthread_key_t k;
	KTAP_ASSERT_EQ(pthread_key_create(&k, NULL), 0);
	pthread_setspecific(k, (void *)5);
	pthread_key_delete(k);
	KTAP_ASSERT_EQ(pthread_key_create(&k, NULL), 0);
	KTAP_EXPECT_EQ((intptr_t)pthread_getspecific(k), 0);
	pthread_key_delete(k);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static volatile int once_done_seen;

static void init_once(void)
{
	sched_yield(); /* let the others pile up behind it */
	__atomic_fetch_add(&once_runs, 1, __ATOMIC_SEQ_CST);
}

static void *call_once(void *arg)
{
	pthread_once(&once, init_once);
	if (__atomic_load_n(&once_runs, __ATOMIC_SEQ_CST) == 1)
		__atomic_fetch_add(&once_done_seen, 1, __ATOMIC_SEQ_CST);
	return arg;
}

static void once_runs_init_exactly_once_for_eight_racers(void)
{
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, call_once, NULL);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	KTAP_EXPECT_EQ(once_runs, 1);
	KTAP_EXPECT_EQ(once_done_seen, 8); /* nobody returned early */
}

static void *where_do_i_run(void *arg)
{
	(void)arg;
	int cpu = -1;
	for (int i = 0; i < 20; i++) {
		cpu = sched_getcpu();
		if (cpu != 0)
			break;
		sched_yield();
	}
	return (void *)(intptr_t)cpu;
}

static void affinity_pins_a_thread_to_cpu_0(void)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_t t;
	cpu_set_t set, got;
	release_sleeper = 0;
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, sleep_until_released, NULL), 0);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	KTAP_EXPECT_EQ(pthread_setaffinity_np(t, sizeof(set), &set), 0);
	KTAP_EXPECT_EQ(pthread_getaffinity_np(t, sizeof(got), &got), 0);
	KTAP_EXPECT_TRUE(CPU_ISSET(0, &got));
	KTAP_EXPECT_EQ(CPU_COUNT(&got), 1);
	release_sleeper = 1;
	pthread_join(t, NULL);
	/* The calling thread: pinned, it runs on CPU 0 only. */
	cpu_set_t old;
	sched_getaffinity(0, sizeof(old), &old);
	KTAP_EXPECT_EQ(sched_setaffinity(0, sizeof(set), &set), 0);
	KTAP_EXPECT_EQ((intptr_t)where_do_i_run(NULL), 0);
	sched_setaffinity(0, sizeof(old), &old);
	CPU_ZERO(&set);
	KTAP_EXPECT_EQ(sched_setaffinity(0, sizeof(set), &set), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	pthread_attr_destroy(&attr);
}

/* The process's mapped memory, from /proc/self/status (kB). */
static long vm_size_kb(void)
{
	char buf[1024];
	int fd = open("/proc/self/status", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *line = strstr(buf, "VmSize:");
	return line ? strtol(line + 7, NULL, 10) : -1;
}

static int detached_done;

static void *finish_detached(void *arg)
{
	__atomic_fetch_add(&detached_done, 1, __ATOMIC_SEQ_CST);
	return arg;
}

/* 10,000 detached threads in waves of 100: their stacks are reclaimed
 * (each pthread_create unmaps those the kernel has finished with), so the
 * mapped memory comes back to where it started. */
static void ten_thousand_detached_threads_give_their_stacks_back(void)
{
#ifdef __GLIBC__
	ktap_skip("glibc keeps up to 40 MiB of stacks for reuse");
#endif
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	detached_done = 0;
	long before = vm_size_kb();
	KTAP_ASSERT_TRUE(before > 0);
	long peak = before, start = now_ms();
	for (int wave = 0; wave < 100; wave++) {
		for (int i = 0; i < 100; i++)
			KTAP_ASSERT_EQ(pthread_create(&t, &attr,
						      finish_detached, NULL),
				       0);
		while (__atomic_load_n(&detached_done, __ATOMIC_SEQ_CST) <
		       (wave + 1) * 100)
			sched_yield();
		long now = vm_size_kb();
		peak = now > peak ? now : peak;
		if ((wave + 1) % 20 == 0) /* progress, for a slow host */
			printf("# %d threads done (%ld ms)\n", (wave + 1) * 100,
			       now_ms() - start);
	}
	pthread_attr_destroy(&attr);
	/* The last wave is unmapped by the next create, once the kernel
	 * has cleared each thread's tid: a joinable no-op, until then. */
	long after = 0;
	for (int tries = 0; tries < 1000; tries++) {
		KTAP_ASSERT_EQ(pthread_create(&t, NULL, finish_detached, NULL),
			       0);
		pthread_join(t, NULL);
		if ((after = vm_size_kb()) <= before)
			break;
		sched_yield();
	}
#ifndef __GLIBC__
	KTAP_EXPECT_EQ(after, before);
	KTAP_EXPECT_LT(peak - before, 100 * 2 * 1024); /* < 2 waves mapped */
#endif
}

/*
 * 1,000 joinable threads alive at once, all asleep on one condition
 * variable until the last has started, then all woken by one broadcast.
 * (They sleep rather than spin on sched_yield: a thousand spinners would
 * make each pthread_create wait for a turn behind all of them, which
 * tests the host's speed, not the threads.)
 */
static pthread_mutex_t thousand_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t thousand_more = PTHREAD_COND_INITIALIZER;	 /* started++ */
static pthread_cond_t thousand_going = PTHREAD_COND_INITIALIZER; /* go */
static int thousand_started; /* thousand_lock */
static bool thousand_go;     /* thousand_lock */

static void *wait_for_go(void *arg)
{
	pthread_mutex_lock(&thousand_lock);
	thousand_started++;
	pthread_cond_signal(&thousand_more);
	while (!thousand_go)
		pthread_cond_wait(&thousand_going, &thousand_lock);
	pthread_mutex_unlock(&thousand_lock);
	return arg;
}

static void a_thousand_joinable_threads_alive_at_once(void)
{
	enum { N = 1000 };
	static pthread_t t[N];
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	thousand_go = false;
	thousand_started = 0;
	int made = 0;
	long start = now_ms();
	for (; made < N; made++) {
		if (pthread_create(&t[made], &attr, wait_for_go,
				   (void *)(intptr_t)made) != 0)
			break;
		if ((made + 1) % 250 == 0) /* progress, for a slow host */
			printf("# %d threads made (%ld ms)\n", made + 1,
			       now_ms() - start);
	}
	KTAP_EXPECT_EQ(made, N);
	pthread_mutex_lock(&thousand_lock);
	while (thousand_started < made)
		pthread_cond_wait(&thousand_more, &thousand_lock);
	thousand_go = true;
	pthread_cond_broadcast(&thousand_going);
	pthread_mutex_unlock(&thousand_lock);
	printf("# all %d started (%ld ms)\n", made, now_ms() - start);
	int right = 0;
	for (int i = 0; i < made; i++) {
		void *r = NULL;
		pthread_join(t[i], &r);
		right += (intptr_t)r == i;
	}
	printf("# all %d joined (%ld ms)\n", made, now_ms() - start);
	KTAP_EXPECT_EQ(right, N);
	pthread_attr_destroy(&attr);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(join_returns_the_threads_result),
	KTAP_TEST(pthread_exit_value_reaches_join),
	KTAP_TEST(self_and_equal),
	KTAP_TEST(joining_oneself_is_edeadlk),
	KTAP_TEST(joining_a_detached_thread_is_einval),
	KTAP_TEST(attributes_have_posix_defaults_and_reject_bad_values),
	KTAP_TEST(a_thread_gets_the_stack_size_asked_for),
	KTAP_TEST(thread_local_variables_are_per_thread),
	KTAP_TEST(errno_is_per_thread),
	KTAP_TEST(keys_hold_a_value_per_thread_and_run_destructors),
	KTAP_TEST(a_new_key_starts_null),
	KTAP_TEST(once_runs_init_exactly_once_for_eight_racers),
	KTAP_TEST(affinity_pins_a_thread_to_cpu_0),
	KTAP_TEST(ten_thousand_detached_threads_give_their_stacks_back),
	KTAP_TEST(a_thousand_joinable_threads_alive_at_once),
};

int main(void)
{
	return KTAP_RUN("pthread", tests);
}
