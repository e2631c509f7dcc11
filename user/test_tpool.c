/*
 * The thread pool (lib/tpool): futures carry values and failures back,
 * the work spreads over the workers, and shutdown is clean. Runs the same
 * on the Linux host and on Spindle.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "c/ktap.h"
#include "timing.h"
#include "tpool/tpool.h"

static long square(void *arg, int *error)
{
	(void)error;
	long x = (long)(intptr_t)arg;
	return x * x;
}

#define SQUARES 1000

static void a_thousand_futures_each_carry_their_square(void)
{
	struct tpool *pool = tpool_create(4);
	KTAP_ASSERT_TRUE(pool);
	static struct future *f[SQUARES];
	for (long i = 0; i < SQUARES; i++)
		f[i] = tpool_submit(pool, square, (void *)(intptr_t)i);
	int wrong = 0;
	for (long i = 0; i < SQUARES; i++) {
		long value = -1;
		KTAP_ASSERT_TRUE(f[i]);
		KTAP_EXPECT_EQ(future_wait(f[i], &value), 0);
		wrong += value != i * i;
		future_free(f[i]);
	}
	KTAP_EXPECT_EQ(wrong, 0);
	tpool_shutdown(pool);
}

/* Fails with ERANGE on odd numbers, returns x * 10 otherwise. */
static long fail_on_odd(void *arg, int *error)
{
	long x = (long)(intptr_t)arg;
	if (x % 2)
		*error = ERANGE;
	return x * 10;
}

static void a_failing_tasks_code_reaches_its_future_only(void)
{
	struct tpool *pool = tpool_create(4);
	KTAP_ASSERT_TRUE(pool);
	struct future *f[10];
	for (long i = 0; i < 10; i++)
		f[i] = tpool_submit(pool, fail_on_odd, (void *)(intptr_t)i);
	for (long i = 0; i < 10; i++) {
		long value = -1;
		int error = future_wait(f[i], &value);
		if (i % 2) {
			KTAP_EXPECT_EQ(error, ERANGE);
		} else {
			KTAP_EXPECT_EQ(error, 0);
			KTAP_EXPECT_EQ(value, i * 10);
		}
		future_free(f[i]);
	}
	tpool_shutdown(pool);
}

static void wait_all_gives_every_value_and_the_first_failure(void)
{
	struct tpool *pool = tpool_create(3);
	KTAP_ASSERT_TRUE(pool);
	struct future *even[8], *mixed[8];
	for (long i = 0; i < 8; i++) {
		even[i] = tpool_submit(pool, fail_on_odd,
				       (void *)(intptr_t)(2 * i));
		mixed[i] = tpool_submit(pool, fail_on_odd,
					(void *)(intptr_t)(i + 4));
	}
	long values[8];
	KTAP_EXPECT_EQ(future_wait_all(even, 8, values), 0);
	for (long i = 0; i < 8; i++)
		KTAP_EXPECT_EQ(values[i], 20 * i);
	/* 4, 5, 6...: the first failure is 5's; 6 still has its value. */
	KTAP_EXPECT_EQ(future_wait_all(mixed, 8, values), ERANGE);
	KTAP_EXPECT_EQ(values[0], 40);
	KTAP_EXPECT_EQ(values[2], 60);
	for (int i = 0; i < 8; i++) {
		future_free(even[i]);
		future_free(mixed[i]);
	}
	tpool_shutdown(pool);
}

/*
 * Four tasks that each wait (5 s at most) until all four have started:
 * they can only all finish early if four workers run them at once.
 */
static int rendezvous_started;

static long wait_for_four_then_report_self(void *arg, int *error)
{
	pthread_t *self = arg;
	*self = pthread_self();
	__atomic_fetch_add(&rendezvous_started, 1, __ATOMIC_SEQ_CST);
	/* A pool with fewer than 4 threads never gets here with 4; the
	 * bound only ends that case, far beyond what host load can cause. */
	long deadline = now_ms() + 30000;
	while (__atomic_load_n(&rendezvous_started, __ATOMIC_SEQ_CST) < 4) {
		if (now_ms() > deadline) {
			*error = ETIMEDOUT;
			break;
		}
		sleep_ms(1);
	}
	return 0;
}

static void a_pool_of_4_runs_4_tasks_on_4_threads_at_once(void)
{
	struct tpool *pool = tpool_create(4);
	KTAP_ASSERT_TRUE(pool);
	rendezvous_started = 0;
	pthread_t ran_on[4];
	struct future *f[4];
	for (int i = 0; i < 4; i++)
		f[i] = tpool_submit(pool, wait_for_four_then_report_self,
				    &ran_on[i]);
	KTAP_EXPECT_EQ(future_wait_all(f, 4, NULL), 0);
	int distinct = 0;
	for (int i = 0; i < 4; i++) {
		bool seen = false;
		for (int j = 0; j < i; j++)
			seen |= pthread_equal(ran_on[i], ran_on[j]) != 0;
		distinct += !seen;
		KTAP_EXPECT_TRUE(!pthread_equal(ran_on[i], pthread_self()));
		future_free(f[i]);
	}
	KTAP_EXPECT_EQ(distinct, 4);
	tpool_shutdown(pool);
}

static int slow_tasks_run;

static long sleep_then_count(void *arg, int *error)
{
	(void)arg, (void)error;
	sleep_ms(2);
	__atomic_fetch_add(&slow_tasks_run, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void shutdown_runs_every_queued_task_before_returning(void)
{
	struct tpool *pool = tpool_create(2);
	KTAP_ASSERT_TRUE(pool);
	slow_tasks_run = 0;
	struct future *f[100];
	for (int i = 0; i < 100; i++)
		f[i] = tpool_submit(pool, sleep_then_count, NULL);
	tpool_shutdown(pool);
	KTAP_EXPECT_EQ(__atomic_load_n(&slow_tasks_run, __ATOMIC_SEQ_CST), 100);
	/* The futures outlive the pool. */
	KTAP_EXPECT_EQ(future_wait_all(f, 100, NULL), 0);
	for (int i = 0; i < 100; i++)
		future_free(f[i]);
}

/*
 * A task that submits no-op tasks until the pool refuses one, which
 * happens once tpool_shutdown has begun; the accepted ones are kept.
 */
#define MAX_ACCEPTED 4096
static struct tpool *submitters_pool;
static struct future *accepted[MAX_ACCEPTED];
static int nr_accepted, noops_run;

static long count_noop(void *arg, int *error)
{
	(void)arg, (void)error;
	__atomic_fetch_add(&noops_run, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static long submit_until_refused(void *arg, int *error)
{
	(void)arg;
	while (nr_accepted < MAX_ACCEPTED) {
		struct future *f =
			tpool_submit(submitters_pool, count_noop, NULL);
		if (!f)
			return 0;
		accepted[nr_accepted++] = f;
		sleep_ms(1);
	}
	*error = E2BIG;
	return 0;
}

static void submit_after_shutdown_began_is_refused(void)
{
	submitters_pool = tpool_create(1);
	KTAP_ASSERT_TRUE(submitters_pool);
	nr_accepted = noops_run = 0;
	struct future *submitter =
		tpool_submit(submitters_pool, submit_until_refused, NULL);
	KTAP_ASSERT_TRUE(submitter);
	tpool_shutdown(submitters_pool);
	/* It stopped because of a refusal, and what was accepted ran. */
	KTAP_EXPECT_EQ(future_wait(submitter, NULL), 0);
	KTAP_EXPECT_EQ(noops_run, nr_accepted);
	future_free(submitter);
	for (int i = 0; i < nr_accepted; i++)
		future_free(accepted[i]);
}

#define ORDERED 200
static int run_order[ORDERED], nr_run;

static long record_order(void *arg, int *error)
{
	(void)error;
	/* One worker: no other task runs now, so no lock is needed. */
	run_order[nr_run++] = (int)(intptr_t)arg;
	return 0;
}

static void a_pool_of_1_runs_tasks_in_submission_order(void)
{
	struct tpool *pool = tpool_create(1);
	KTAP_ASSERT_TRUE(pool);
	nr_run = 0;
	struct future *f[ORDERED];
	for (int i = 0; i < ORDERED; i++)
		f[i] = tpool_submit(pool, record_order, (void *)(intptr_t)i);
	KTAP_EXPECT_EQ(future_wait_all(f, ORDERED, NULL), 0);
	KTAP_EXPECT_EQ(nr_run, ORDERED);
	int out_of_order = 0;
	for (int i = 0; i < ORDERED; i++) {
		out_of_order += run_order[i] != i;
		future_free(f[i]);
	}
	KTAP_EXPECT_EQ(out_of_order, 0);
	tpool_shutdown(pool);
}

/* on_done callbacks: how many ran, and whether each saw a final value. */
static int done_calls, done_values_wrong;

static void check_square_is_final(struct future *f, void *arg)
{
	long value = -1, x = (long)(intptr_t)arg;
	/* Returns at once: the value is final before on_done is called. */
	done_values_wrong += future_wait(f, &value) != 0 || value != x * x;
	__atomic_fetch_add(&done_calls, 1, __ATOMIC_SEQ_CST);
}

static void on_done_is_called_once_per_task_with_the_value_final(void)
{
	struct tpool *pool = tpool_create(4);
	KTAP_ASSERT_TRUE(pool);
	done_calls = done_values_wrong = 0;
	static struct future *f[SQUARES];
	for (long i = 0; i < SQUARES; i++) {
		f[i] = tpool_submit(pool, square, (void *)(intptr_t)i);
		future_on_done(f[i], check_square_is_final,
			       (void *)(intptr_t)i);
	}
	/* future_free waits for the callbacks as well as the tasks. */
	for (int i = 0; i < SQUARES; i++)
		future_free(f[i]);
	KTAP_EXPECT_EQ(__atomic_load_n(&done_calls, __ATOMIC_SEQ_CST), SQUARES);
	KTAP_EXPECT_EQ(done_values_wrong, 0);
	tpool_shutdown(pool);
}

static void on_done_for_a_finished_task_runs_at_once(void)
{
	struct tpool *pool = tpool_create(1);
	KTAP_ASSERT_TRUE(pool);
	done_calls = done_values_wrong = 0;
	struct future *f = tpool_submit(pool, square, (void *)(intptr_t)9);
	KTAP_EXPECT_EQ(future_wait(f, NULL), 0);
	future_on_done(f, check_square_is_final, (void *)(intptr_t)9);
	KTAP_EXPECT_EQ(done_calls, 1); /* before future_on_done returned */
	KTAP_EXPECT_EQ(done_values_wrong, 0);
	future_free(f);
	tpool_shutdown(pool);
}

static void create_refuses_fewer_than_one_thread(void)
{
	KTAP_EXPECT_TRUE(tpool_create(0) == NULL);
	KTAP_EXPECT_TRUE(tpool_create(-1) == NULL);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(a_thousand_futures_each_carry_their_square),
	KTAP_TEST(a_failing_tasks_code_reaches_its_future_only),
	KTAP_TEST(wait_all_gives_every_value_and_the_first_failure),
	KTAP_TEST(a_pool_of_4_runs_4_tasks_on_4_threads_at_once),
	KTAP_TEST(shutdown_runs_every_queued_task_before_returning),
	KTAP_TEST(submit_after_shutdown_began_is_refused),
	KTAP_TEST(a_pool_of_1_runs_tasks_in_submission_order),
	KTAP_TEST(on_done_is_called_once_per_task_with_the_value_final),
	KTAP_TEST(on_done_for_a_finished_task_runs_at_once),
	KTAP_TEST(create_refuses_fewer_than_one_thread),
};

int main(void)
{
	return KTAP_RUN("tpool", tests);
}
