/*
 * The pthread library (lib/pthread): threads, mutexes, condition
 * variables, under load. Runs the same on the Linux host and on Spindle.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include "c/ktap.h"

static void *return_arg_plus_one(void *arg)
{
	return (void *)((intptr_t)arg + 1);
}

static void join_returns_the_threads_result(void)
{
	pthread_t t;
	KTAP_EXPECT_EQ(
		pthread_create(&t, NULL, return_arg_plus_one, (void *)41), 0);
	void *result = NULL;
	KTAP_EXPECT_EQ(pthread_join(t, &result), 0);
	KTAP_EXPECT_EQ((intptr_t)result, 42);
}

static void *report_self(void *arg)
{
	*(pthread_t *)arg = pthread_self();
	return NULL;
}

static void self_and_equal(void)
{
	pthread_t t, seen;
	pthread_create(&t, NULL, report_self, &seen);
	pthread_join(t, NULL);
	KTAP_EXPECT_TRUE(pthread_equal(t, seen));
	KTAP_EXPECT_TRUE(!pthread_equal(t, pthread_self()));
	KTAP_EXPECT_EQ(pthread_join(pthread_self(), NULL), EDEADLK);
}

#define INCREMENTS 100000
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add_under_mutex(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static void eight_threads_times_100000_increments_are_exact(void)
{
	pthread_t t[8];
	counter = 0;
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, add_under_mutex, NULL);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	KTAP_EXPECT_EQ(counter, 8L * INCREMENTS);
}

static void trylock_on_a_held_mutex_is_ebusy(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	KTAP_EXPECT_EQ(pthread_mutex_trylock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_trylock(&m), EBUSY);
	KTAP_EXPECT_EQ(pthread_mutex_destroy(&m), EBUSY);
	KTAP_EXPECT_EQ(pthread_mutex_unlock(&m), 0);
	KTAP_EXPECT_EQ(pthread_mutex_destroy(&m), 0);
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
			pthread_cond_broadcast(&buf.not_empty);
			pthread_mutex_unlock(&buf.lock);
			return NULL;
		}
		buf.sum += buf.slot[buf.head];
		buf.head = (buf.head + 1) % SLOTS;
		buf.count--;
		buf.taken++;
		if (buf.taken == ITEMS)
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

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open, waiting, passed;

static void *wait_at_gate(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate_lock);
	waiting++;
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	passed++;
	pthread_mutex_unlock(&gate_lock);
	return NULL;
}

static void broadcast_wakes_every_waiter(void)
{
	enum { N = 6 };
	pthread_t t[N];
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, wait_at_gate, NULL);
	for (;;) {
		pthread_mutex_lock(&gate_lock);
		int all = waiting == N;
		if (all) {
			gate_open = 1;
			pthread_cond_broadcast(&gate_cond);
		}
		pthread_mutex_unlock(&gate_lock);
		if (all)
			break;
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	KTAP_EXPECT_EQ(passed, N);
}

static void *nothing(void *arg)
{
	return arg;
}

static void detached_threads_and_attributes(void)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	KTAP_EXPECT_EQ(pthread_attr_setdetachstate(&attr, 7), EINVAL);
	KTAP_EXPECT_EQ(pthread_attr_setstacksize(&attr, 100), EINVAL);
	KTAP_EXPECT_EQ(pthread_attr_setstacksize(&attr, 64 * 1024), 0);
	KTAP_EXPECT_EQ(
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED), 0);
	for (int wave = 0; wave < 10; wave++)
		for (int i = 0; i < 100; i++) {
			pthread_t t;
			KTAP_EXPECT_EQ(pthread_create(&t, &attr, nothing, NULL),
				       0);
		}
	pthread_t t;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_JOINABLE);
	pthread_create(&t, &attr, nothing, NULL);
	KTAP_EXPECT_EQ(pthread_detach(t), 0);
	KTAP_EXPECT_EQ(pthread_detach(t), EINVAL);
	pthread_attr_destroy(&attr);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(join_returns_the_threads_result),
	KTAP_TEST(self_and_equal),
	KTAP_TEST(eight_threads_times_100000_increments_are_exact),
	KTAP_TEST(trylock_on_a_held_mutex_is_ebusy),
	KTAP_TEST(bounded_buffer_moves_100000_items_none_lost),
	KTAP_TEST(broadcast_wakes_every_waiter),
	KTAP_TEST(detached_threads_and_attributes),
};

int main(void)
{
	return KTAP_RUN("pthread", tests);
}
