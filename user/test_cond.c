/*
 * lib/pthread, condition variables: signal, broadcast, timed waits on
 * either clock, their errors, and a bounded buffer under load. Builds
 * against glibc too; runs on Linux and Spindle alike.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "c/ktap.h"
#include "timing.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int waiting, passed, go;

static void *wait_for_go(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	waiting++;
	while (go == 0)
		pthread_cond_wait(&cond, &lock);
	go--; /* each signal lets one through */
	passed++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Starts n waiters and returns once all are inside pthread_cond_wait (or
 * about to be: they hold the mutex until they are). */
static void start_waiters(pthread_t *t, int n)
{
	waiting = passed = go = 0;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, wait_for_go, NULL);
	for (;;) {
		pthread_mutex_lock(&lock);
		int all = waiting == n;
		pthread_mutex_unlock(&lock);
		if (all)
			return;
		sched_yield();
	}
}

static int passed_now(void)
{
	pthread_mutex_lock(&lock);
	int n = passed;
	pthread_mutex_unlock(&lock);
	return n;
}

static void signal_lets_one_waiter_through(void)
{
	pthread_t t[3];
	start_waiters(t, 3);
	pthread_mutex_lock(&lock);
	go = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	while (passed_now() < 1)
		sched_yield();
	struct timespec pause = {0, 50 * 1000000};
	nanosleep(&pause, NULL);
	KTAP_EXPECT_EQ(passed_now(), 1);
	pthread_mutex_lock(&lock);
	go = 2;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	KTAP_EXPECT_EQ(passed, 3);
}

static void broadcast_wakes_every_waiter(void)
{
	enum { N = 6 };
	pthread_t t[N];
	start_waiters(t, N);
	pthread_mutex_lock(&lock);
	go = N;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	KTAP_EXPECT_EQ(passed, N);
}

static void timedwait_times_out_on_the_realtime_clock(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec start, at = deadline_in_ms(CLOCK_REALTIME, 100);
	clock_gettime(CLOCK_MONOTONIC, &start);
	pthread_mutex_lock(&m);
	KTAP_EXPECT_EQ(pthread_cond_timedwait(&c, &m, &at), ETIMEDOUT);
	KTAP_EXPECT_GE(ms_since(CLOCK_MONOTONIC, start), 90);
	/* It returns holding the mutex. */
	KTAP_EXPECT_EQ(pthread_mutex_trylock(&m), EBUSY);
	pthread_mutex_unlock(&m);
}

static void timedwait_uses_the_clock_set_in_the_attributes(void)
{
	pthread_condattr_t attr;
	pthread_cond_t c;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	clockid_t clock = -1;
	pthread_condattr_init(&attr);
	pthread_condattr_getclock(&attr, &clock);
	KTAP_EXPECT_EQ(clock, CLOCK_REALTIME);
	KTAP_EXPECT_EQ(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), 0);
	pthread_condattr_getclock(&attr, &clock);
	KTAP_EXPECT_EQ(clock, CLOCK_MONOTONIC);
	KTAP_ASSERT_EQ(pthread_cond_init(&c, &attr), 0);
	struct timespec start, at = deadline_in_ms(CLOCK_MONOTONIC, 100);
	clock_gettime(CLOCK_MONOTONIC, &start);
	pthread_mutex_lock(&m);
	KTAP_EXPECT_EQ(pthread_cond_timedwait(&c, &m, &at), ETIMEDOUT);
	pthread_mutex_unlock(&m);
	long waited = ms_since(CLOCK_MONOTONIC, start);
	/* Never early; how late depends on the host's load. A wait on the
	 * wrong clock that never ends is a hang: the harness names it. */
	KTAP_EXPECT_GE(waited, 90);
	pthread_cond_destroy(&c);
	pthread_condattr_destroy(&attr);
}

static void a_clock_other_than_realtime_or_monotonic_is_einval(void)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	KTAP_EXPECT_EQ(pthread_condattr_setclock(&attr, 12345), EINVAL);
	pthread_condattr_destroy(&attr);
}

static void timedwait_with_a_bad_time_is_einval(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec bad = {.tv_sec = 0, .tv_nsec = -1};
	pthread_mutex_lock(&m);
	KTAP_EXPECT_EQ(pthread_cond_timedwait(&c, &m, &bad), EINVAL);
	pthread_mutex_unlock(&m);
}

static void *signal_after_a_while(void *arg)
{
	struct timespec pause = {0, 30 * 1000000};
	nanosleep(&pause, NULL);
	pthread_mutex_lock(&lock);
	go = 1;
	pthread_cond_signal(arg);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void a_signal_ends_a_timedwait_early(void)
{
	pthread_t t;
	struct timespec at = deadline_in_ms(CLOCK_REALTIME, 20000);
	int r = 0;
	go = 0;
	pthread_mutex_lock(&lock);
	pthread_create(&t, NULL, signal_after_a_while, &cond);
	while (!go && r == 0)
		r = pthread_cond_timedwait(&cond, &lock, &at);
	pthread_mutex_unlock(&lock);
	pthread_join(t, NULL);
	KTAP_EXPECT_EQ(r, 0);
	KTAP_EXPECT_EQ(go, 1);
}

/* The wait gives an owner-tracking mutex back with its owner restored:
 * one unlock succeeds, a second is EPERM. (Waiting with a recursive
 * mutex held more than once is undefined in POSIX.) */
static void wait_releases_and_restores_a_recursive_mutex(void)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t m;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m, &attr);
	pthread_mutex_lock(&m);
	struct timespec at = deadline_in_ms(CLOCK_REALTIME, 20);
	KTAP_EXPECT_EQ(pthread_cond_timedwait(&c, &m, &at), ETIMEDOUT);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), EPERM);
	pthread_mutexattr_destroy(&attr);
}

/* A bounded buffer: 4 producers and 4 consumers move 100,000 items. */
#define ITEMS 100000
#define SLOTS 16
static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	long slot[SLOTS];
	int head, count, produced;
	long sum, taken;
} buf = {.lock = PTHREAD_MUTEX_INITIALIZER,
	 .not_full = PTHREAD_COND_INITIALIZER,
	 .not_empty = PTHREAD_COND_INITIALIZER};

static void *producer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&buf.lock);
		while (buf.count == SLOTS && buf.produced < ITEMS)
			pthread_cond_wait(&buf.not_full, &buf.lock);
		if (buf.produced == ITEMS) {
			pthread_mutex_unlock(&buf.lock);
			return NULL;
		}
		long item = ++buf.produced;
		buf.slot[(buf.head + buf.count++) % SLOTS] = item;
		pthread_cond_signal(&buf.not_empty);
		pthread_mutex_unlock(&buf.lock);
	}
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&buf.lock);
		while (buf.count == 0 && buf.taken < ITEMS)
			pthread_cond_wait(&buf.not_empty, &buf.lock);
		if (buf.taken == ITEMS) {
			pthread_mutex_unlock(&buf.lock);
			return NULL;
		}
		buf.sum += buf.slot[buf.head];
		buf.head = (buf.head + 1) % SLOTS;
		buf.count--;
		if (++buf.taken % 5000 == 0) /* progress, for the harness */
			printf("    # %ld items taken\n", buf.taken);
		if (buf.taken == ITEMS) /* the others must see it too */
			pthread_cond_broadcast(&buf.not_empty);
		pthread_cond_signal(&buf.not_full);
		pthread_mutex_unlock(&buf.lock);
	}
}

static void bounded_buffer_moves_100000_items_none_lost(void)
{
	pthread_t p[4], c[4];
	for (int i = 0; i < 4; i++) {
		pthread_create(&p[i], NULL, producer, NULL);
		pthread_create(&c[i], NULL, consumer, NULL);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(p[i], NULL);
		pthread_join(c[i], NULL);
	}
	KTAP_EXPECT_EQ(buf.taken, ITEMS);
	KTAP_EXPECT_EQ(buf.sum, (long)ITEMS * (ITEMS + 1) / 2);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(signal_lets_one_waiter_through),
	KTAP_TEST(broadcast_wakes_every_waiter),
	KTAP_TEST(timedwait_times_out_on_the_realtime_clock),
	KTAP_TEST(timedwait_uses_the_clock_set_in_the_attributes),
	KTAP_TEST(a_clock_other_than_realtime_or_monotonic_is_einval),
	KTAP_TEST(timedwait_with_a_bad_time_is_einval),
	KTAP_TEST(a_signal_ends_a_timedwait_early),
	KTAP_TEST(wait_releases_and_restores_a_recursive_mutex),
	KTAP_TEST(bounded_buffer_moves_100000_items_none_lost),
};

int main(void)
{
	return KTAP_RUN("cond", tests);
}
