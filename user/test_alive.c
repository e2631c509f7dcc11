/*
 * Ten thousand threads alive at once. Each is created, reports in and
 * blocks on a read lock the main thread holds for writing; while all of
 * them are alive one more thread is created and joined; then the lock is
 * released and every one of them is joined with its own result.
 *
 * Counts only: what creating and joining costs with N threads alive is
 * `make bench`'s thread_create_join_Nalive (docs/bench.md), where it must
 * not grow with N. Before that was fixed, 10,000 threads exiting together
 * took minutes: each exit walked every thread of the process.
 */
#include "c/ktap.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

enum { N = 10000, STACK = 16 * 1024 };

static pthread_t threads[N];
static int made;
static pthread_rwlock_t gate = PTHREAD_RWLOCK_INITIALIZER;
static atomic_int arrived, left;

static void *wait_at_gate(void *arg)
{
	atomic_fetch_add(&arrived, 1);
	pthread_rwlock_rdlock(&gate);
	pthread_rwlock_unlock(&gate);
	atomic_fetch_add(&left, 1);
	return arg;
}

static void *nothing(void *arg)
{
	return arg;
}

static void ten_thousand_threads_alive_at_once(void)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK);
	KTAP_ASSERT_EQ(pthread_rwlock_wrlock(&gate), 0);
	for (; made < N; made++) {
		if (pthread_create(&threads[made], &attr, wait_at_gate,
				   (void *)(intptr_t)made) != 0)
			break;
		if ((made + 1) % 500 == 0) /* progress, for a slow host */
			printf("# %d threads made\n", made + 1);
	}
	pthread_attr_destroy(&attr);
	KTAP_EXPECT_EQ(made, N);
	while (atomic_load(&arrived) < made)
		sched_yield();
	KTAP_EXPECT_EQ(atomic_load(&arrived), N);
	KTAP_EXPECT_EQ(atomic_load(&left), 0); /* all of them alive */
}

static void one_more_is_created_and_joined_while_they_live(void)
{
	pthread_t t;
	void *result = NULL;
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, nothing, &result), 0);
	KTAP_EXPECT_EQ(pthread_join(t, &result), 0);
	KTAP_EXPECT_TRUE(result == &result);
	KTAP_EXPECT_EQ(atomic_load(&left), 0);
}

static void released_together_each_is_joined_with_its_result(void)
{
	KTAP_ASSERT_EQ(pthread_rwlock_unlock(&gate), 0);
	printf("# the gate is open\n"); /* progress: all 10,000 are woken */
	int right = 0;
	for (int i = 0; i < made; i++) {
		void *r = NULL;
		right += pthread_join(threads[i], &r) == 0 && (intptr_t)r == i;
		if ((i + 1) % 500 == 0)
			printf("# %d threads joined\n", i + 1);
	}
	KTAP_EXPECT_EQ(right, N);
	KTAP_EXPECT_EQ(atomic_load(&left), N);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(ten_thousand_threads_alive_at_once),
	KTAP_TEST(one_more_is_created_and_joined_while_they_live),
	KTAP_TEST(released_together_each_is_joined_with_its_result),
};

int main(void)
{
	return KTAP_RUN("alive", tests);
}
