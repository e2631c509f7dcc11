/*
 * Green threads (lib/uthread): the M:1 scheduler, M:N with work stealing,
 * the green mutex and the channel. Runs the same on the Linux host and on
 * Spindle, and against glibc.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "c/ktap.h"
#include "uthread/uthread.h"

/* An append-only log of what ran, in order: M:1 tests read it. */
static char trace[64];
static int trace_len;

static void trace_add(char c)
{
	if (trace_len < (int)sizeof(trace) - 1)
		trace[trace_len++] = c;
	trace[trace_len] = '\0';
}

static void trace_reset(void)
{
	trace_len = 0;
	trace[0] = '\0';
}

/* M:1: three threads yielding in turn run round-robin, in creation order. */
static void log_three_times(void *arg)
{
	for (int i = 0; i < 3; i++) {
		trace_add(*(const char *)arg);
		uthread_yield();
	}
}

static void make_a_b_c_and_join(void *arg)
{
	(void)arg;
	uthread_t *t[3] = {
		uthread_create(log_three_times, "a"),
		uthread_create(log_three_times, "b"),
		uthread_create(log_three_times, "c"),
	};
	for (int i = 0; i < 3; i++)
		uthread_join(t[i]);
}

static void m1_yields_interleave_in_order(void)
{
	trace_reset();
	KTAP_ASSERT_EQ(uthread_run(1, make_a_b_c_and_join, NULL, NULL), 0);
	KTAP_EXPECT_STREQ(trace, "abcabcabc");
}

static void mark_done(void *arg)
{
	uthread_yield();
	uthread_yield();
	*(int *)arg = 1;
}

static void join_a_running_thread(void *arg)
{
	uthread_t *t = uthread_create(mark_done, arg);
	uthread_join(t); /* mark_done has not run yet: join parks */
}

static void join_returns_after_the_thread_ended(void)
{
	int done = 0;
	KTAP_ASSERT_EQ(uthread_run(1, join_a_running_thread, &done, NULL), 0);
	KTAP_EXPECT_EQ(done, 1);
}

static void join_an_ended_thread(void *arg)
{
	uthread_t *t = uthread_create(mark_done, arg);
	for (int i = 0; i < 5; i++)
		uthread_yield(); /* mark_done runs to its end meanwhile */
	KTAP_EXPECT_EQ(*(int *)arg, 1);
	uthread_join(t);
}

static void join_of_an_ended_thread_returns_at_once(void)
{
	int done = 0;
	KTAP_ASSERT_EQ(uthread_run(1, join_an_ended_thread, &done, NULL), 0);
	KTAP_EXPECT_EQ(done, 1);
}

/* Detached threads: uthread_run itself waits for them. */
static atomic_long finished;

static void count_finished(void *arg)
{
	(void)arg;
	uthread_yield();
	atomic_fetch_add(&finished, 1);
}

static void make_detached(void *arg)
{
	for (long i = 0; i < (long)(intptr_t)arg; i++)
		uthread_detach(uthread_create(count_finished, NULL));
}

static void run_returns_when_every_thread_has_ended(void)
{
	atomic_store(&finished, 0);
	KTAP_ASSERT_EQ(uthread_run(1, make_detached, (void *)100, NULL), 0);
	KTAP_EXPECT_EQ(atomic_load(&finished), 100);
}

static void mn_runs_10000_threads_on_4_workers_all_complete(void)
{
	struct uthread_stats stats;
	atomic_store(&finished, 0);
	KTAP_ASSERT_EQ(uthread_run(4, make_detached, (void *)10000, &stats), 0);
	KTAP_EXPECT_EQ(atomic_load(&finished), 10000);
	KTAP_EXPECT_EQ(stats.threads, 10001);
	KTAP_EXPECT_GE(stats.switches, 20001); /* each ran twice, main once */
}

/*
 * One worker: a holds the mutex and yields; b blocks on it; c still runs,
 * on the same kernel thread, before a unlocks. Had b's lock slept in the
 * kernel, c (and a, so the unlock) could never have run.
 */
static struct uthread_mutex mutex;
static pthread_t kthread_of_a, kthread_of_c;

static void hold_and_yield(void *arg)
{
	(void)arg;
	uthread_mutex_lock(&mutex);
	kthread_of_a = pthread_self();
	trace_add('A'); /* a holds it */
	uthread_yield();
	trace_add('U'); /* a unlocks */
	uthread_mutex_unlock(&mutex);
}

static void block_on_the_mutex(void *arg)
{
	(void)arg;
	trace_add('b'); /* b tries */
	uthread_mutex_lock(&mutex);
	trace_add('B'); /* b holds it */
	uthread_mutex_unlock(&mutex);
}

static void run_meanwhile(void *arg)
{
	(void)arg;
	kthread_of_c = pthread_self();
	trace_add('c');
}

static void make_holder_blocker_bystander(void *arg)
{
	(void)arg;
	uthread_mutex_init(&mutex);
	uthread_t *t[3] = {
		uthread_create(hold_and_yield, NULL),
		uthread_create(block_on_the_mutex, NULL),
		uthread_create(run_meanwhile, NULL),
	};
	for (int i = 0; i < 3; i++)
		uthread_join(t[i]);
}

static void green_mutex_parks_the_green_thread_not_the_kernel_thread(void)
{
	trace_reset();
	KTAP_ASSERT_EQ(
		uthread_run(1, make_holder_blocker_bystander, NULL, NULL), 0);
	KTAP_EXPECT_STREQ(trace, "AbcUB");
	KTAP_EXPECT_TRUE(pthread_equal(kthread_of_a, kthread_of_c));
}

/* M:N: 64 threads add 1000 each under one green mutex, yielding inside. */
#define ADDERS 64
#define ADDS 1000
static long shared_count;

static void add_under_mutex(void *arg)
{
	(void)arg;
	for (int i = 0; i < ADDS; i++) {
		uthread_mutex_lock(&mutex);
		long seen = shared_count;
		if (i % 16 == 0)
			uthread_yield(); /* holding it: others must park */
		shared_count = seen + 1;
		uthread_mutex_unlock(&mutex);
	}
}

static void make_adders(void *arg)
{
	(void)arg;
	uthread_mutex_init(&mutex);
	uthread_t *t[ADDERS];
	for (int i = 0; i < ADDERS; i++)
		t[i] = uthread_create(add_under_mutex, NULL);
	for (int i = 0; i < ADDERS; i++)
		uthread_join(t[i]);
}

static void green_mutex_counts_exactly_on_4_workers(void)
{
	shared_count = 0;
	KTAP_ASSERT_EQ(uthread_run(4, make_adders, NULL, NULL), 0);
	KTAP_EXPECT_EQ(shared_count, (long)ADDERS * ADDS);
}

/* M:N: 4 producers and 4 consumers move 20,000 items through 8 slots. */
#define ITEMS 20000
#define PAIRS 4
static struct uthread_channel channel;
static unsigned char seen_item[ITEMS + 1];
static atomic_long received, received_sum, duplicates;

static void produce(void *arg)
{
	long first = (long)(intptr_t)arg;
	for (long item = first; item <= ITEMS; item += PAIRS)
		uthread_channel_send(&channel, (void *)(intptr_t)item);
}

static void consume(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITEMS / PAIRS; i++) {
		long item = (long)(intptr_t)uthread_channel_recv(&channel);
		if (item < 1 || item > ITEMS ||
		    __atomic_exchange_n(&seen_item[item], 1, __ATOMIC_RELAXED))
			atomic_fetch_add(&duplicates, 1);
		atomic_fetch_add(&received, 1);
		atomic_fetch_add(&received_sum, item);
	}
}

static void make_producers_and_consumers(void *arg)
{
	(void)arg;
	uthread_t *t[2 * PAIRS];
	for (int i = 0; i < PAIRS; i++) {
		t[2 * i] = uthread_create(consume, NULL);
		t[2 * i + 1] =
			uthread_create(produce, (void *)(intptr_t)(i + 1));
	}
	for (int i = 0; i < 2 * PAIRS; i++)
		uthread_join(t[i]);
}

static void channel_passes_every_item_once_on_4_workers(void)
{
	memset(seen_item, 0, sizeof(seen_item));
	atomic_store(&received, 0);
	atomic_store(&received_sum, 0);
	atomic_store(&duplicates, 0);
	KTAP_ASSERT_EQ(uthread_channel_init(&channel, 8), 0);
	KTAP_ASSERT_EQ(uthread_run(4, make_producers_and_consumers, NULL, NULL),
		       0);
	uthread_channel_destroy(&channel);
	KTAP_EXPECT_EQ(atomic_load(&received), ITEMS);
	KTAP_EXPECT_EQ(atomic_load(&duplicates), 0);
	KTAP_EXPECT_EQ(atomic_load(&received_sum),
		       (long)ITEMS * (ITEMS + 1) / 2);
}

/*
 * Every thread is made on worker 0, and each computes a while between
 * yields: the other three workers can only get work by stealing it.
 */
static atomic_int ran_on[4]; /* by worker: a thread ran there */

static void compute_and_yield(void *arg)
{
	(void)arg;
	volatile unsigned long x = 0;
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 20000; i++)
			x += (unsigned long)i * i;
		atomic_fetch_add(&ran_on[uthread_worker_id()], 1);
		uthread_yield();
	}
	atomic_fetch_add(&ran_on[uthread_worker_id()], 1);
	(void)x;
}

static void make_1000_on_worker_0(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		uthread_detach(uthread_create(compute_and_yield, NULL));
}

static void idle_workers_steal_work_made_on_one_worker(void)
{
	struct uthread_stats stats;
	for (int i = 0; i < 4; i++)
		atomic_store(&ran_on[i], 0);
	KTAP_ASSERT_EQ(uthread_run(4, make_1000_on_worker_0, NULL, &stats), 0);
	KTAP_EXPECT_GT(stats.steals, 0);
	KTAP_EXPECT_GT(atomic_load(&ran_on[1]) + atomic_load(&ran_on[2]) +
			       atomic_load(&ran_on[3]),
		       0);
	KTAP_EXPECT_EQ(atomic_load(&ran_on[0]) + atomic_load(&ran_on[1]) +
			       atomic_load(&ran_on[2]) +
			       atomic_load(&ran_on[3]),
		       5000); /* once each time a thread ran */
}

static const struct ktap_test tests[] = {
	KTAP_TEST(m1_yields_interleave_in_order),
	KTAP_TEST(join_returns_after_the_thread_ended),
	KTAP_TEST(join_of_an_ended_thread_returns_at_once),
	KTAP_TEST(run_returns_when_every_thread_has_ended),
	KTAP_TEST(mn_runs_10000_threads_on_4_workers_all_complete),
	KTAP_TEST(green_mutex_parks_the_green_thread_not_the_kernel_thread),
	KTAP_TEST(green_mutex_counts_exactly_on_4_workers),
	KTAP_TEST(channel_passes_every_item_once_on_4_workers),
	KTAP_TEST(idle_workers_steal_work_made_on_one_worker),
};

int main(void)
{
	return KTAP_RUN("uthread", tests);
}
