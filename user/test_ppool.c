/*
 * The process pool (lib/tpool/ppool.h): tasks run in forked workers and
 * their results come back through futures; a worker that dies fails only
 * its own future, with ECHILD and its wait status, and is replaced;
 * shutdown leaves no child behind. Runs the same on the Linux host and
 * on Spindle.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c/ktap.h"
#include "tpool/ppool.h"

static long square(void *arg, int *error)
{
	(void)error;
	long x = (long)(intptr_t)arg;
	return x * x;
}

static long own_pid(void *arg, int *error)
{
	(void)arg, (void)error;
	return getpid();
}

/* Fails with ERANGE on odd numbers, returns x * 10 otherwise. */
static long fail_on_odd(void *arg, int *error)
{
	long x = (long)(intptr_t)arg;
	if (x % 2)
		*error = ERANGE;
	return x * 10;
}

/* True if the pool computes x * x right: it still works. */
static bool squares(struct ppool *pool, long x)
{
	struct future *f = ppool_submit(pool, square, (void *)(intptr_t)x);
	long value = -1;
	bool right = f && future_wait(f, &value) == 0 && value == x * x;
	future_free(f);
	return right;
}

/* True once no child of this process is left, not even a zombie. */
static int no_child_is_left(void)
{
	int status;
	return waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD;
}

#define SQUARES 300

static void every_future_carries_its_square_from_a_worker(void)
{
	struct ppool *pool = ppool_create(3);
	KTAP_ASSERT_TRUE(pool);
	static struct future *f[SQUARES];
	static long value[SQUARES];
	int refused = 0, wrong = 0;
	for (long i = 0; i < SQUARES; i++) {
		f[i] = ppool_submit(pool, square, (void *)(intptr_t)i);
		refused += !f[i];
	}
	KTAP_ASSERT_EQ(refused, 0);
	KTAP_EXPECT_EQ(future_wait_all(f, SQUARES, value), 0);
	for (long i = 0; i < SQUARES; i++) {
		wrong += value[i] != i * i;
		future_free(f[i]);
	}
	KTAP_EXPECT_EQ(wrong, 0);
	ppool_shutdown(pool);
}

static void tasks_run_in_other_processes(void)
{
	struct ppool *pool = ppool_create(2);
	KTAP_ASSERT_TRUE(pool);
	struct future *f[8];
	for (int i = 0; i < 8; i++)
		f[i] = ppool_submit(pool, own_pid, NULL);
	long pid[8];
	KTAP_EXPECT_EQ(future_wait_all(f, 8, pid), 0);
	int in_parent = 0;
	for (int i = 0; i < 8; i++) {
		in_parent += pid[i] == getpid() || pid[i] <= 0;
		future_free(f[i]);
	}
	KTAP_EXPECT_EQ(in_parent, 0);
	ppool_shutdown(pool);
}

/* The order tasks ran in goes back through a pipe made before the pool:
 * the workers' memory is their own, their descriptors are inherited. */
#define ORDERED 100
static int order_pipe[2];

static long report_order(void *arg, int *error)
{
	int i = (int)(intptr_t)arg;
	if (write(order_pipe[1], &i, sizeof(i)) != sizeof(i))
		*error = EIO;
	return 0;
}

static void a_pool_of_1_runs_tasks_in_submission_order(void)
{
	KTAP_ASSERT_EQ(pipe(order_pipe), 0);
	struct ppool *pool = ppool_create(1);
	KTAP_ASSERT_TRUE(pool);
	struct future *f[ORDERED];
	for (int i = 0; i < ORDERED; i++)
		f[i] = ppool_submit(pool, report_order, (void *)(intptr_t)i);
	KTAP_EXPECT_EQ(future_wait_all(f, ORDERED, NULL), 0);
	int out_of_order = 0;
	for (int i = 0; i < ORDERED; i++) {
		int ran = -1;
		KTAP_EXPECT_EQ(read(order_pipe[0], &ran, sizeof(ran)),
			       (long)sizeof(ran));
		out_of_order += ran != i;
		future_free(f[i]);
	}
	KTAP_EXPECT_EQ(out_of_order, 0);
	ppool_shutdown(pool);
	close(order_pipe[0]), close(order_pipe[1]);
}

static void wait_all_gives_every_value_and_the_first_failure(void)
{
	struct ppool *pool = ppool_create(2);
	KTAP_ASSERT_TRUE(pool);
	struct future *mixed[8];
	for (long i = 0; i < 8; i++)
		mixed[i] = ppool_submit(pool, fail_on_odd,
					(void *)(intptr_t)(i + 4));
	long values[8];
	/* 4, 5, 6...: the first failure is 5's; 6 still has its value. */
	KTAP_EXPECT_EQ(future_wait_all(mixed, 8, values), ERANGE);
	KTAP_EXPECT_EQ(values[0], 40);
	KTAP_EXPECT_EQ(values[2], 60);
	for (int i = 0; i < 8; i++)
		future_free(mixed[i]);
	ppool_shutdown(pool);
}

static long die_by_sigkill(void *arg, int *error)
{
	(void)arg, (void)error;
	kill(getpid(), SIGKILL);
	pause(); /* SIGKILL ends the process before this returns */
	return 0;
}

static long die_by_sigsegv(void *arg, int *error)
{
	(void)arg, (void)error;
	*(volatile int *)(intptr_t)arg = 1;
	return 0;
}

static long exit_3(void *arg, int *error)
{
	(void)arg, (void)error;
	_exit(3);
}

/*
 * Submits 3 squares, `killer`, 3 squares to a pool of 2 and returns the
 * killer's wait status; every square must be right and the killer's
 * future must fail with ECHILD.
 */
static long only_the_dead_workers_future_fails(tpool_task_fn *killer)
{
	struct ppool *pool = ppool_create(2);
	if (!KTAP_EXPECT_TRUE(pool))
		return 0;
	struct future *f[7];
	for (long i = 0; i < 7; i++)
		f[i] = i == 3 ? ppool_submit(pool, killer, NULL)
			      : ppool_submit(pool, square, (void *)(intptr_t)i);
	long status = 0;
	KTAP_EXPECT_EQ(future_wait(f[3], &status), ECHILD);
	int wrong = 0;
	for (long i = 0; i < 7; i++) {
		long value = -1;
		if (i != 3)
			wrong += future_wait(f[i], &value) || value != i * i;
		future_free(f[i]);
	}
	KTAP_EXPECT_EQ(wrong, 0);
	ppool_shutdown(pool);
	KTAP_EXPECT_TRUE(no_child_is_left());
	return status;
}

static void a_worker_killed_by_sigkill_fails_only_its_future(void)
{
	long status = only_the_dead_workers_future_fails(die_by_sigkill);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

static void a_worker_that_segfaults_fails_only_its_future(void)
{
	long status = only_the_dead_workers_future_fails(die_by_sigsegv);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGSEGV);
}

static void a_worker_that_exits_fails_its_future_with_its_status(void)
{
	long status = only_the_dead_workers_future_fails(exit_3);
	KTAP_EXPECT_TRUE(WIFEXITED(status));
	KTAP_EXPECT_EQ(WEXITSTATUS(status), 3);
}

/* A task that tells its pid through pid_pipe, then blocks for ever
 * reading order_pipe, which nobody writes: only a kill ends it. */
static int pid_pipe[2];

static long report_pid_then_block(void *arg, int *error)
{
	(void)arg;
	pid_t self = getpid();
	char byte;
	if (write(pid_pipe[1], &self, sizeof(self)) != sizeof(self) ||
	    read(order_pipe[0], &byte, 1) >= 0)
		*error = EIO;
	return 0;
}

static void a_worker_killed_from_outside_fails_the_task_it_was_running(void)
{
	KTAP_ASSERT_EQ(pipe(pid_pipe), 0);
	KTAP_ASSERT_EQ(pipe(order_pipe), 0);
	struct ppool *pool = ppool_create(2);
	KTAP_ASSERT_TRUE(pool);
	struct future *blocked =
		ppool_submit(pool, report_pid_then_block, NULL);
	pid_t worker = 0;
	KTAP_ASSERT_EQ(read(pid_pipe[0], &worker, sizeof(worker)),
		       (long)sizeof(worker));
	KTAP_EXPECT_NE(worker, getpid());
	KTAP_EXPECT_EQ(kill(worker, SIGKILL), 0);
	long status = 0;
	KTAP_EXPECT_EQ(future_wait(blocked, &status), ECHILD);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGKILL);
	future_free(blocked);
	KTAP_EXPECT_TRUE(squares(pool, 5));
	ppool_shutdown(pool);
	KTAP_EXPECT_TRUE(no_child_is_left());
	close(pid_pipe[0]), close(pid_pipe[1]);
	close(order_pipe[0]), close(order_pipe[1]);
}

static void a_dead_worker_is_replaced_and_the_pool_keeps_working(void)
{
	struct ppool *pool = ppool_create(1);
	KTAP_ASSERT_TRUE(pool);
	long before = 0, after = 0;
	struct future *f = ppool_submit(pool, own_pid, NULL);
	KTAP_EXPECT_EQ(future_wait(f, &before), 0);
	future_free(f);
	for (int round = 0; round < 3; round++) {
		f = ppool_submit(pool, die_by_sigsegv, NULL);
		KTAP_EXPECT_EQ(future_wait(f, NULL), ECHILD);
		future_free(f);
	}
	f = ppool_submit(pool, own_pid, NULL);
	KTAP_EXPECT_EQ(future_wait(f, &after), 0);
	future_free(f);
	KTAP_EXPECT_NE(after, before); /* a new process */
	KTAP_EXPECT_TRUE(squares(pool, 12));
	ppool_shutdown(pool);
}

static long count_in_pipe(void *arg, int *error)
{
	(void)arg;
	char byte = 1;
	if (write(order_pipe[1], &byte, 1) != 1)
		*error = EIO;
	return 0;
}

static void shutdown_runs_every_queued_task_and_leaves_no_zombie(void)
{
	KTAP_ASSERT_EQ(pipe(order_pipe), 0);
	struct ppool *pool = ppool_create(3);
	KTAP_ASSERT_TRUE(pool);
	struct future *f[100];
	for (int i = 0; i < 100; i++)
		f[i] = ppool_submit(pool, count_in_pipe, NULL);
	ppool_shutdown(pool);
	KTAP_EXPECT_TRUE(no_child_is_left());
	/* The futures outlive the pool, and every task had run. */
	KTAP_EXPECT_EQ(future_wait_all(f, 100, NULL), 0);
	char bytes[101];
	close(order_pipe[1]);
	long got = 0, n;
	while ((n = read(order_pipe[0], bytes, sizeof(bytes))) > 0)
		got += n;
	KTAP_EXPECT_EQ(got, 100);
	close(order_pipe[0]);
	for (int i = 0; i < 100; i++)
		future_free(f[i]);
}

/*
 * The second pool's workers are forked while the first pool's pipes are
 * open. Unless they close them, the first pool's workers never see end
 * of file at shutdown (this test would hang), and a crash in the first
 * pool would give no end of file either.
 */
static void a_pool_shuts_down_while_a_younger_pool_has_workers(void)
{
	struct ppool *older = ppool_create(2);
	KTAP_ASSERT_TRUE(older);
	struct ppool *younger = ppool_create(2);
	KTAP_ASSERT_TRUE(younger);
	struct future *f = ppool_submit(older, die_by_sigsegv, NULL);
	KTAP_EXPECT_EQ(future_wait(f, NULL), ECHILD);
	future_free(f);
	ppool_shutdown(older);
	KTAP_EXPECT_TRUE(squares(younger, 3));
	ppool_shutdown(younger);
	KTAP_EXPECT_TRUE(no_child_is_left());
}

static void executors_submit_to_a_thread_or_a_process_pool(void)
{
	struct tpool *threads = tpool_create(2);
	struct ppool *processes = ppool_create(2);
	KTAP_ASSERT_TRUE(threads && processes);
	struct executor executor[2] = {tpool_executor(threads),
				       ppool_executor(processes)};
	for (int i = 0; i < 2; i++) {
		struct future *f =
			executor[i].submit(executor[i].pool, own_pid, NULL);
		long pid = 0;
		KTAP_EXPECT_EQ(future_wait(f, &pid), 0);
		/* Threads share the process; workers are other ones. */
		KTAP_EXPECT_EQ(pid == getpid(), i == 0);
		future_free(f);
	}
	tpool_shutdown(threads);
	ppool_shutdown(processes);
}

static void create_refuses_fewer_than_one_worker(void)
{
	KTAP_EXPECT_TRUE(ppool_create(0) == NULL);
	KTAP_EXPECT_TRUE(ppool_create(-1) == NULL);
	KTAP_EXPECT_TRUE(no_child_is_left());
}

static const struct ktap_test tests[] = {
	KTAP_TEST(every_future_carries_its_square_from_a_worker),
	KTAP_TEST(tasks_run_in_other_processes),
	KTAP_TEST(a_pool_of_1_runs_tasks_in_submission_order),
	KTAP_TEST(wait_all_gives_every_value_and_the_first_failure),
	KTAP_TEST(a_worker_killed_by_sigkill_fails_only_its_future),
	KTAP_TEST(a_worker_that_segfaults_fails_only_its_future),
	KTAP_TEST(a_worker_that_exits_fails_its_future_with_its_status),
	KTAP_TEST(a_worker_killed_from_outside_fails_the_task_it_was_running),
	KTAP_TEST(a_dead_worker_is_replaced_and_the_pool_keeps_working),
	KTAP_TEST(shutdown_runs_every_queued_task_and_leaves_no_zombie),
	KTAP_TEST(a_pool_shuts_down_while_a_younger_pool_has_workers),
	KTAP_TEST(executors_submit_to_a_thread_or_a_process_pool),
	KTAP_TEST(create_refuses_fewer_than_one_worker),
};

int main(void)
{
	return KTAP_RUN("ppool", tests);
}
