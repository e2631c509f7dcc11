/*
 * lib/pthread, mutexes: the three kinds (normal, recursive,
 * error-checking), trylock, timedlock, their errors, and a contended
 * counter. Builds against glibc too; runs on Linux and Spindle alike.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "c/ktap.h"
#include "timing.h"

static pthread_mutex_t make_mutex(int type)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t m;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, type);
	pthread_mutex_init(&m, &attr);
	pthread_mutexattr_destroy(&attr);
	return m;
}

static void lock_then_unlock(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	KTAP_EXPECT_EQ(pthread_mutex_lock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_lock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_destroy(&m), 0);
}

static void trylock_on_a_held_mutex_is_ebusy(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	KTAP_EXPECT_EQ(pthread_mutex_trylock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_trylock(&m), EBUSY);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
}

static void destroying_a_locked_mutex_is_ebusy(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&m);
	KTAP_EXPECT_EQ(pthread_mutex_destroy(&m), EBUSY);
	pthread_mutex_unlock(&m);
	KTAP_EXPECT_EQ(pthread_mutex_destroy(&m), 0);
}

static void an_unknown_mutex_type_is_einval(void)
{
	pthread_mutexattr_t attr;
	int type = -1;
	pthread_mutexattr_init(&attr);
	KTAP_EXPECT_EQ(pthread_mutexattr_settype(&attr, 12345), EINVAL);
	KTAP_EXPECT_EQ(pthread_mutexattr_gettype(&attr, &type), 0);
	KTAP_EXPECT_EQ(type, PTHREAD_MUTEX_DEFAULT);
	KTAP_EXPECT_EQ(
		pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE), 0);
	pthread_mutexattr_gettype(&attr, &type);
	KTAP_EXPECT_EQ(type, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutexattr_destroy(&attr);
}

static void errorcheck_relock_is_edeadlk(void)
{
	pthread_mutex_t m = make_mutex(PTHREAD_MUTEX_ERRORCHECK);
	KTAP_EXPECT_EQ(pthread_mutex_lock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_lock(&m), EDEADLK);
	KTAP_EXPECT_EQ(pthread_mutex_trylock(&m), EBUSY);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
}

static void errorcheck_unlock_when_unlocked_is_eperm(void)
{
	pthread_mutex_t m = make_mutex(PTHREAD_MUTEX_ERRORCHECK);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), EPERM);
}

static void *unlock_from_here(void *arg)
{
	return (void *)(intptr_t)pthread_mutex_unlock(arg);
}

static void errorcheck_unlock_by_another_thread_is_eperm(void)
{
	pthread_mutex_t m = make_mutex(PTHREAD_MUTEX_ERRORCHECK);
	pthread_t t;
	void *r = NULL;
	pthread_mutex_lock(&m);
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, unlock_from_here, &m), 0);
	pthread_join(t, &r);
	KTAP_EXPECT_EQ((intptr_t)r, EPERM);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
}

static void *trylock_from_here(void *arg)
{
	int r = pthread_mutex_trylock(arg);
	if (r == 0)
		pthread_mutex_unlock(arg);
	return (void *)(intptr_t)r;
}

static void recursive_mutex_counts_relocks(void)
{
	pthread_mutex_t m = make_mutex(PTHREAD_MUTEX_RECURSIVE);
	pthread_t t;
	void *r = NULL;
	KTAP_EXPECT_EQ(pthread_mutex_lock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_lock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_trylock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	/* Still held once: another thread cannot have it. */
	pthread_create(&t, NULL, trylock_from_here, &m);
	pthread_join(t, &r);
	KTAP_EXPECT_EQ((intptr_t)r, EBUSY);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	pthread_create(&t, NULL, trylock_from_here, &m);
	pthread_join(t, &r);
	KTAP_EXPECT_EQ((intptr_t)r, 0);
}

static void recursive_unlock_by_another_thread_is_eperm(void)
{
	pthread_mutex_t m = make_mutex(PTHREAD_MUTEX_RECURSIVE);
	pthread_t t;
	void *r = NULL;
	pthread_mutex_lock(&m);
	pthread_create(&t, NULL, unlock_from_here, &m);
	pthread_join(t, &r);
	KTAP_EXPECT_EQ((intptr_t)r, EPERM);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
}

static void *timedlock_from_here(void *arg)
{
	struct timespec at = deadline_in_ms(CLOCK_REALTIME, 100);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int r = pthread_mutex_timedlock(arg, &at);
	long waited = ms_since(CLOCK_MONOTONIC, start);
	return (void *)(intptr_t)(r == ETIMEDOUT && waited >= 90 ? 1 : -r);
}

static void timedlock_on_a_held_mutex_times_out(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_t t;
	void *r = NULL;
	pthread_mutex_lock(&m);
	pthread_create(&t, NULL, timedlock_from_here, &m);
	pthread_join(t, &r);
	KTAP_EXPECT_EQ((intptr_t)r, 1);
	pthread_mutex_unlock(&m);
}

static void timedlock_on_a_free_mutex_takes_it(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct timespec at = deadline_in_ms(CLOCK_REALTIME, 1000);
	KTAP_EXPECT_EQ(pthread_mutex_timedlock(&m, &at), 0);
	KTAP_EXPECT_EQ(pthread_mutex_trylock(&m), EBUSY);
	pthread_mutex_unlock(&m);
}

static void timedlock_with_a_bad_time_is_einval(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct timespec bad = {.tv_sec = 0, .tv_nsec = 1000000000};
	pthread_mutex_lock(&m);
	/* Held, so the call would have to wait: the time is looked at. */
	KTAP_EXPECT_EQ(pthread_mutex_timedlock(&m, &bad), EINVAL);
	pthread_mutex_unlock(&m);
}

#define INCREMENTS 100000
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add_under_mutex(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&counter_lock);
		if (++counter % INCREMENTS == 0) /* progress, for the harness */
			printf("    # %ld increments\n", counter);
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static void eight_threads_times_100000_increments_are_exact(void)
{
	pthread_t t[8];
	counter = 0;
	for (int i = 0; i < 8; i++)
		KTAP_ASSERT_EQ(
			pthread_create(&t[i], NULL, add_under_mutex, NULL), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	KTAP_EXPECT_EQ(counter, 8L * INCREMENTS);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(lock_then_unlock),
	KTAP_TEST(trylock_on_a_held_mutex_is_ebusy),
	KTAP_TEST(destroying_a_locked_mutex_is_ebusy),
	KTAP_TEST(an_unknown_mutex_type_is_einval),
	KTAP_TEST(errorcheck_relock_is_edeadlk),
	KTAP_TEST(errorcheck_unlock_when_unlocked_is_eperm),
	KTAP_TEST(errorcheck_unlock_by_another_thread_is_eperm),
	KTAP_TEST(recursive_mutex_counts_relocks),
	KTAP_TEST(recursive_unlock_by_another_thread_is_eperm),
	KTAP_TEST(timedlock_on_a_held_mutex_times_out),
	KTAP_TEST(timedlock_on_a_free_mutex_takes_it),
	KTAP_TEST(timedlock_with_a_bad_time_is_einval),
	KTAP_TEST(eight_threads_times_100000_increments_are_exact),
};

int main(void)
{
	return KTAP_RUN("mutex", tests);
}
