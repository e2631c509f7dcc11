/*
 * The event loop (lib/evloop): callbacks in order, timers in time order,
 * fd watches, loop futures completed on the loop thread by thread and
 * process pools, a loop that keeps turning while a pool task blocks, and
 * wake-ups from other threads through the eventfd. Runs the same on the
 * Linux host and on Spindle (which needs poll and eventfd).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "c/ktap.h"
#include "evloop/evloop.h"
#include "tpool/ppool.h"

/* Far beyond what host load can cause; a guard timer that fires means a
 * wake-up was lost, and fails the test instead of hanging it. */
#define GUARD_MS 30000

static int guard_fired;

static void guard(struct loop *loop, void *arg)
{
	(void)arg;
	guard_fired = 1;
	loop_stop(loop);
}

static void stop(struct loop *loop, void *arg)
{
	(void)arg;
	loop_stop(loop);
}

#define CALLS 100
static int order[CALLS], nr_order;

static void record(struct loop *loop, void *arg)
{
	(void)loop;
	order[nr_order++] = (int)(intptr_t)arg;
}

static void call_soon_runs_callbacks_in_fifo_order(void)
{
	struct loop *loop = loop_create();
	KTAP_ASSERT_TRUE(loop);
	nr_order = 0;
	for (int i = 0; i < CALLS; i++)
		KTAP_EXPECT_EQ(
			loop_call_soon(loop, record, (void *)(intptr_t)i), 0);
	loop_call_soon(loop, stop, NULL);
	loop_run_forever(loop);
	KTAP_EXPECT_EQ(nr_order, CALLS);
	int out_of_order = 0;
	for (int i = 0; i < nr_order; i++)
		out_of_order += order[i] != i;
	KTAP_EXPECT_EQ(out_of_order, 0);
	loop_close(loop);
}

static long started_ms;
static long fired_early;

static void record_and_check_due(struct loop *loop, void *arg)
{
	int delay = (int)(intptr_t)arg;
	fired_early += loop_time_ms() < started_ms + delay;
	record(loop, arg);
	if (nr_order == 5)
		loop_stop(loop);
}

static void timers_fire_in_order_of_due_time_never_early(void)
{
	struct loop *loop = loop_create();
	KTAP_ASSERT_TRUE(loop);
	nr_order = 0;
	fired_early = 0;
	started_ms = loop_time_ms();
	static const int delays[5] = {40, 10, 30, 10, 20};
	for (int i = 0; i < 5; i++)
		KTAP_EXPECT_TRUE(loop_call_later(loop, delays[i],
						 record_and_check_due,
						 (void *)(intptr_t)delays[i]));
	struct loop_timer *g = loop_call_later(loop, GUARD_MS, guard, NULL);
	guard_fired = 0;
	loop_run_forever(loop);
	KTAP_EXPECT_EQ(guard_fired, 0);
	KTAP_ASSERT_EQ(nr_order, 5);
	static const int expected[5] = {10, 10, 20, 30, 40};
	for (int i = 0; i < 5; i++)
		KTAP_EXPECT_EQ(order[i], expected[i]);
	KTAP_EXPECT_EQ(fired_early, 0);
	loop_timer_cancel(loop, g);
	loop_close(loop);
}

static struct loop_timer *repeating;
static int ticks;

static void tick_five_times(struct loop *loop, void *arg)
{
	(void)arg;
	if (++ticks == 5) {
		loop_timer_cancel(loop, repeating);
		loop_call_later(loop, 30, stop, NULL);
	}
}

static void a_repeating_timer_fires_until_it_cancels_itself(void)
{
	struct loop *loop = loop_create();
	KTAP_ASSERT_TRUE(loop);
	ticks = 0;
	repeating = loop_call_every(loop, 2, tick_five_times, NULL);
	KTAP_ASSERT_TRUE(repeating);
	loop_run_forever(loop);
	KTAP_EXPECT_EQ(ticks, 5);
	loop_close(loop);
}

static pthread_t loop_thread, task_thread, callback_thread;

static long answer_and_note_thread(void *arg, int *error)
{
	(void)arg, (void)error;
	task_thread = pthread_self();
	return 42;
}

static void note_callback_thread(struct loop *loop, struct loop_future *lf,
				 void *arg)
{
	(void)loop, (void)lf, (void)arg;
	callback_thread = pthread_self();
}

static void run_in_executor_completes_on_the_loop_thread(void)
{
	struct loop *loop = loop_create();
	KTAP_ASSERT_TRUE(loop);
	loop_thread = pthread_self();
	struct loop_future *lf =
		loop_run_in_executor(loop, NULL, answer_and_note_thread, NULL);
	KTAP_ASSERT_TRUE(lf);
	KTAP_EXPECT_EQ(
		loop_future_add_done_callback(lf, note_callback_thread, NULL),
		0);
	long value = 0;
	KTAP_EXPECT_EQ(loop_run_until_complete(loop, lf, &value), 0);
	KTAP_EXPECT_EQ(value, 42);
	KTAP_EXPECT_TRUE(!pthread_equal(task_thread, loop_thread));
	KTAP_EXPECT_TRUE(pthread_equal(callback_thread, loop_thread));
	loop_future_free(lf);
	loop_close(loop);
}

/* A task that blocks reading a pipe that only the loop's timer writes:
 * it can only finish if the loop keeps turning while it blocks. */
static int blocking_pipe[2];

static long read_from_blocking_pipe(void *arg, int *error)
{
	(void)arg;
	char byte = 0;
	if (read(blocking_pipe[0], &byte, 1) != 1)
		*error = EIO;
	return byte;
}

static void tick_then_release_the_task(struct loop *loop, void *arg)
{
	(void)loop, (void)arg;
	if (++ticks == 5 && write(blocking_pipe[1], "!", 1) != 1)
		ticks = -1000;
}

static void the_loop_keeps_ticking_while_a_pool_task_blocks(void)
{
	struct loop *loop = loop_create();
	KTAP_ASSERT_TRUE(loop);
	KTAP_ASSERT_EQ(pipe(blocking_pipe), 0);
	ticks = 0;
	struct loop_future *lf =
		loop_run_in_executor(loop, NULL, read_from_blocking_pipe, NULL);
	KTAP_ASSERT_TRUE(lf);
	struct loop_timer *t =
		loop_call_every(loop, 2, tick_then_release_the_task, NULL);
	long value = 0;
	KTAP_EXPECT_EQ(loop_run_until_complete(loop, lf, &value), 0);
	KTAP_EXPECT_EQ(value, '!');
	KTAP_EXPECT_GE(ticks, 5);
	loop_timer_cancel(loop, t);
	loop_future_free(lf);
	loop_close(loop);
	close(blocking_pipe[0]), close(blocking_pipe[1]);
}

static long square_odd_fails(void *arg, int *error)
{
	long x = (long)(intptr_t)arg;
	if (x % 2)
		*error = ERANGE;
	return x * x;
}

static void a_process_pool_completes_loop_futures_with_value_or_error(void)
{
	struct loop *loop = loop_create();
	KTAP_ASSERT_TRUE(loop);
	struct ppool *pool = ppool_create(2);
	KTAP_ASSERT_TRUE(pool);
	struct executor processes = ppool_executor(pool);
	struct loop_future *lf[6];
	for (long i = 0; i < 6; i++)
		lf[i] = loop_run_in_executor(loop, &processes, square_odd_fails,
					     (void *)(intptr_t)i);
	for (long i = 0; i < 6; i++) {
		long value = -1;
		int error = loop_run_until_complete(loop, lf[i], &value);
		KTAP_EXPECT_EQ(error, i % 2 ? ERANGE : 0);
		KTAP_EXPECT_EQ(value, i * i);
		loop_future_free(lf[i]);
	}
	loop_close(loop);
	ppool_shutdown(pool);
}

static void record_done(struct loop *loop, struct loop_future *lf, void *arg)
{
	(void)lf;
	record(loop, arg);
}

static void done_callbacks_run_in_order_before_run_until_complete_returns(void)
{
	struct loop *loop = loop_create();
	KTAP_ASSERT_TRUE(loop);
	nr_order = 0;
	struct loop_future *lf = loop_future_create(loop);
	KTAP_ASSERT_TRUE(lf);
	for (int i = 0; i < 3; i++)
		loop_future_add_done_callback(lf, record_done,
					      (void *)(intptr_t)i);
	loop_future_set_result(lf, 7, 0);
	loop_future_add_done_callback(lf, record_done, (void *)(intptr_t)3);
	KTAP_EXPECT_EQ(nr_order, 0); /* queued, not run: on the next round */
	KTAP_EXPECT_EQ(loop_run_until_complete(loop, lf, NULL), 0);
	KTAP_EXPECT_EQ(nr_order, 4);
	for (int i = 0; i < nr_order; i++)
		KTAP_EXPECT_EQ(order[i], i);
	loop_future_free(lf);
	loop_close(loop);
}

static int byte_seen;

static void read_one_byte(struct loop *loop, int fd, short revents, void *arg)
{
	(void)arg;
	char byte;
	if ((revents & POLLIN) && read(fd, &byte, 1) == 1)
		byte_seen = byte;
	loop_unwatch_fd(loop, fd);
	loop_stop(loop);
}

static void write_a_byte(struct loop *loop, void *arg)
{
	(void)loop;
	if (write(*(int *)arg, "x", 1) != 1)
		byte_seen = -1;
}

static void an_fd_watch_runs_when_its_pipe_becomes_readable(void)
{
	struct loop *loop = loop_create();
	KTAP_ASSERT_TRUE(loop);
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	byte_seen = 0;
	KTAP_EXPECT_EQ(loop_watch_fd(loop, fds[0], POLLIN, read_one_byte, NULL),
		       0);
	KTAP_EXPECT_EQ(loop_watch_fd(loop, fds[0], POLLIN, read_one_byte, NULL),
		       EEXIST);
	loop_call_later(loop, 5, write_a_byte, &fds[1]);
	struct loop_timer *g = loop_call_later(loop, GUARD_MS, guard, NULL);
	guard_fired = 0;
	loop_run_forever(loop);
	KTAP_EXPECT_EQ(guard_fired, 0);
	KTAP_EXPECT_EQ(byte_seen, 'x');
	loop_timer_cancel(loop, g);
	loop_close(loop);
	close(fds[0]), close(fds[1]);
}

static int called_from_thread;

static void note_call(struct loop *loop, void *arg)
{
	(void)arg;
	called_from_thread = 1;
	loop_stop(loop);
}

/* Waits until the loop is surely asleep in poll (a little while), then
 * queues a callback or stops the loop from this other thread. */
static void *call_soon_later(void *arg)
{
	struct loop *loop = arg;
	struct timespec t = {0, 20 * 1000000};
	nanosleep(&t, NULL);
	loop_call_soon(loop, note_call, NULL);
	return NULL;
}

static void *stop_later(void *arg)
{
	struct timespec t = {0, 20 * 1000000};
	nanosleep(&t, NULL);
	loop_stop(arg);
	return NULL;
}

static void another_thread_wakes_the_sleeping_loop_through_the_eventfd(void)
{
	struct loop *loop = loop_create();
	KTAP_ASSERT_TRUE(loop);
	void *(*wakers[2])(void *) = {call_soon_later, stop_later};
	for (int i = 0; i < 2; i++) {
		called_from_thread = guard_fired = 0;
		struct loop_timer *g =
			loop_call_later(loop, GUARD_MS, guard, NULL);
		pthread_t waker;
		KTAP_ASSERT_EQ(pthread_create(&waker, NULL, wakers[i], loop),
			       0);
		loop_run_forever(loop);
		pthread_join(waker, NULL);
		KTAP_EXPECT_EQ(guard_fired, 0);
		KTAP_EXPECT_EQ(called_from_thread, i == 0);
		loop_timer_cancel(loop, g);
	}
	loop_close(loop);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(call_soon_runs_callbacks_in_fifo_order),
	KTAP_TEST(timers_fire_in_order_of_due_time_never_early),
	KTAP_TEST(a_repeating_timer_fires_until_it_cancels_itself),
	KTAP_TEST(run_in_executor_completes_on_the_loop_thread),
	KTAP_TEST(the_loop_keeps_ticking_while_a_pool_task_blocks),
	KTAP_TEST(a_process_pool_completes_loop_futures_with_value_or_error),
	KTAP_TEST(
		done_callbacks_run_in_order_before_run_until_complete_returns),
	KTAP_TEST(an_fd_watch_runs_when_its_pipe_becomes_readable),
	KTAP_TEST(another_thread_wakes_the_sleeping_loop_through_the_eventfd),
};

int main(void)
{
	return KTAP_RUN("evloop", tests);
}
