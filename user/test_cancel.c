/*
 * Thread cancellation at each cancellation point, with the target asleep
 * in it and with the request made before it; cleanup handlers; state and
 * type; asynchronous cancel; many at once. No test depends on timing. "Asleep
 * in it" means the canceller waits until the target is about to enter the call
 * and then yields a while: usually the target is asleep by then, sometimes it
 * is not yet, and the outcome must be the same either way. "Before it" is
 * exact: the target holds cancellation off until the request has been made.
 */
#include "c/ktap.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What a target blocks in: a cancellation point, called in a loop (a
 * call that returns is simply made again: only cancellation ends it). */
struct point {
	void (*setup)(void);
	void (*block)(void);
	void (*teardown)(void);
};

static const struct timespec forever = {1000000, 0};

static struct timespec far_future(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 1000000;
	return t;
}

/* Fixtures the blocking calls share (one test runs at a time). */
static int fds[2];
static sem_t never_posted;
static pthread_mutex_t lock; /* error-checking (main) */
static pthread_cond_t never_signalled = PTHREAD_COND_INITIALIZER;
static pthread_t lingering;
static pid_t child;

static void open_pipe(void)
{
	pipe(fds);
}

static void close_pipe(void)
{
	close(fds[0]);
	close(fds[1]);
}

static void block_in_read(void)
{
	char c;
	read(fds[0], &c, 1);
}

static void block_in_write(void)
{
	static char buf[4096];
	write(fds[1], buf, sizeof(buf));
}

static void *wait_for_post(void *arg)
{
	(void)arg;
	while (sem_wait(&never_posted) < 0)
		;
	return NULL;
}

static void start_lingering(void)
{
	pthread_create(&lingering, NULL, wait_for_post, NULL);
}

/* The lingering thread is still joinable: the cancelled join left it. */
static void end_lingering(void)
{
	sem_post(&never_posted);
	KTAP_EXPECT_EQ(pthread_join(lingering, NULL), 0);
}

static void block_in_join(void)
{
	pthread_join(lingering, NULL);
}

static void block_in_sem_wait(void)
{
	sem_wait(&never_posted);
}

static void block_in_sem_timedwait(void)
{
	struct timespec t = far_future();
	sem_timedwait(&never_posted, &t);
}

/* An error-checking mutex unlocks only for the thread that holds it: a
 * cancelled condition wait has re-taken it before its cleanup runs. */
static volatile int unlocked;

static void unlock_mutex(void *m)
{
	unlocked = pthread_mutex_unlock(m) == 0;
}

static void expect_unlocked_by_cleanup(void)
{
	KTAP_EXPECT_EQ(unlocked, 1);
	unlocked = 0;
}

static void block_in_cond_wait(void)
{
	pthread_mutex_lock(&lock);
	pthread_cleanup_push(unlock_mutex, &lock);
	pthread_cond_wait(&never_signalled, &lock);
	pthread_cleanup_pop(1);
}

static void block_in_cond_timedwait(void)
{
	struct timespec t = far_future();
	pthread_mutex_lock(&lock);
	pthread_cleanup_push(unlock_mutex, &lock);
	pthread_cond_timedwait(&never_signalled, &lock, &t);
	pthread_cleanup_pop(1);
}

static void block_in_sleep(void)
{
	sleep(1000000);
}

static void block_in_nanosleep(void)
{
	nanosleep(&forever, NULL);
}

static void block_in_usleep(void)
{
	usleep(4000000000u);
}

/* A child that lives until the pipe's write end closes. */
static void fork_child(void)
{
	pipe(fds);
	child = fork();
	if (child == 0) {
		char c;
		close(fds[1]);
		read(fds[0], &c, 1);
		_exit(7);
	}
	close(fds[0]);
}

/* The child is still there to be reaped: the cancelled wait took
 * nothing. */
static void reap_child(void)
{
	int status = 0;
	close(fds[1]);
	KTAP_EXPECT_EQ(waitpid(child, &status, 0), child);
	KTAP_EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

static void block_in_waitpid(void)
{
	waitpid(child, NULL, 0);
}

static void block_in_wait(void)
{
	wait(NULL);
}

static void block_in_pause(void)
{
	pause();
}

static void block_in_sigwait(void)
{
	sigset_t set;
	int sig;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigwait(&set, &sig);
}

/* Every signal the program may block is blocked while it sleeps. */
static void block_in_sigsuspend(void)
{
	sigset_t all;
	sigfillset(&all);
	sigsuspend(&all);
}

static void block_in_testcancel(void)
{
	pthread_testcancel();
}

/* A target: runs its point until cancelled, with a cleanup handler. */
struct target {
	const struct point *point;
	int before; /* hold cancellation off until the request is made */
	volatile int entering, requested, cleaned, left;
};

static void note_cleanup(void *arg)
{
	((struct target *)arg)->cleaned++;
}

static void *run_target(void *arg)
{
	struct target *t = arg;
	pthread_cleanup_push(note_cleanup, t);
	if (t->before) {
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		t->entering = 1;
		while (!t->requested)
			sched_yield();
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	} else {
		t->entering = 1;
	}
	for (;;)
		t->point->block();
	pthread_cleanup_pop(0);
	t->left = 1;
	return NULL;
}

static void cancel_in(const struct point *point, int before)
{
	struct target t = {.point = point, .before = before};
	if (point->setup)
		point->setup();
	pthread_t thread;
	KTAP_ASSERT_EQ(pthread_create(&thread, NULL, run_target, &t), 0);
	while (!t.entering)
		sched_yield();
	for (int i = 0; !before && i < 50; i++)
		sched_yield();
	KTAP_EXPECT_EQ(pthread_cancel(thread), 0);
	t.requested = 1;
	void *result = NULL;
	KTAP_EXPECT_EQ(pthread_join(thread, &result), 0);
	KTAP_EXPECT_TRUE(result == PTHREAD_CANCELED);
	KTAP_EXPECT_EQ(t.cleaned, 1);
	KTAP_EXPECT_EQ(t.left, 0);
	if (point->teardown)
		point->teardown();
}

#define POINT(name, setup, teardown)                                           \
	static const struct point name##_point = {setup, block_in_##name,      \
						  teardown};                   \
	static void a_thread_asleep_in_##name##_is_cancelled(void)             \
	{                                                                      \
		cancel_in(&name##_point, 0);                                   \
	}                                                                      \
	static void a_request_made_before_##name##_acts_there(void)            \
	{                                                                      \
		cancel_in(&name##_point, 1);                                   \
	}

POINT(join, start_lingering, end_lingering)
POINT(cond_wait, NULL, expect_unlocked_by_cleanup)
POINT(cond_timedwait, NULL, expect_unlocked_by_cleanup)
POINT(sem_wait, NULL, NULL)
POINT(sem_timedwait, NULL, NULL)
POINT(sleep, NULL, NULL)
POINT(nanosleep, NULL, NULL)
POINT(usleep, NULL, NULL)
POINT(read, open_pipe, close_pipe)
POINT(write, open_pipe, close_pipe)
POINT(waitpid, fork_child, reap_child)
POINT(wait, fork_child, reap_child)
POINT(pause, NULL, NULL)
POINT(sigwait, NULL, NULL)
POINT(sigsuspend, NULL, NULL)
POINT(testcancel, NULL, NULL)

#define POINT_TESTS(name)                                                      \
	KTAP_TEST(a_thread_asleep_in_##name##_is_cancelled),                   \
		KTAP_TEST(a_request_made_before_##name##_acts_there)

/* Cleanup handlers: order, arguments, pop, pthread_exit. */
static int order[8];
static volatile int n_run;

static void note_order(void *arg)
{
	order[n_run++] = (int)(long)arg;
}

/* Under the target's own handler (cancel_in checks that it ran too). */
static void block_under_three_handlers(void)
{
	pthread_cleanup_push(note_order, (void *)1);
	pthread_cleanup_push(note_order, (void *)2);
	pthread_cleanup_push(note_order, (void *)3);
	pause();
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
}

static void cleanup_handlers_run_last_pushed_first_with_their_args(void)
{
	static const struct point three = {NULL, block_under_three_handlers,
					   NULL};
	n_run = 0;
	cancel_in(&three, 0);
	KTAP_ASSERT_EQ(n_run, 3);
	KTAP_EXPECT_EQ(order[0], 3);
	KTAP_EXPECT_EQ(order[1], 2);
	KTAP_EXPECT_EQ(order[2], 1);
}

static void *push_pop_then_exit(void *arg)
{
	(void)arg;
	pthread_cleanup_push(note_order, (void *)1);
	pthread_cleanup_push(note_order, (void *)2);
	pthread_cleanup_push(note_order, (void *)3);
	pthread_cleanup_push(note_order, (void *)4);
	pthread_cleanup_pop(1); /* runs 4 */
	pthread_cleanup_pop(0); /* drops 3 */
	pthread_exit((void *)42);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

/* Runs fn on a thread of its own to its end: what join gives. */
static void *run_alone(void *(*fn)(void *))
{
	pthread_t t;
	void *result = NULL;
	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, &result);
	return result;
}

static void pop_runs_or_drops_and_pthread_exit_runs_the_rest(void)
{
	n_run = 0;
	KTAP_EXPECT_EQ((long)run_alone(push_pop_then_exit), 42);
	KTAP_ASSERT_EQ(n_run, 3);
	KTAP_EXPECT_EQ(order[0], 4);
	KTAP_EXPECT_EQ(order[1], 2);
	KTAP_EXPECT_EQ(order[2], 1);
}

/* Disabled: points pass; enabled (deferred): the next point acts. */
static volatile int stage;

static void *disable_then_enable(void *arg)
{
	(void)arg;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	stage = 1;
	while (stage != 2)
		sched_yield();
	struct timespec tick = {0, 1};
	nanosleep(&tick, NULL);
	pthread_testcancel();
	int old; /* survived the points while disabled */
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	stage = old == PTHREAD_CANCEL_DISABLE ? 3 : -1;
	pthread_testcancel();
	stage = 4; /* not reached */
	return NULL;
}

static void a_request_waits_while_disabled_and_acts_at_the_next_point(void)
{
	pthread_t t;
	stage = 0;
	pthread_create(&t, NULL, disable_then_enable, NULL);
	while (stage != 1)
		sched_yield();
	KTAP_EXPECT_EQ(pthread_cancel(t), 0);
	stage = 2;
	void *result;
	pthread_join(t, &result);
	KTAP_EXPECT_TRUE(result == PTHREAD_CANCELED);
	KTAP_EXPECT_EQ(stage, 3);
}

static volatile unsigned long spins;

static void *spin_asynchronously(void *arg)
{
	struct target *t = arg;
	pthread_cleanup_push(note_cleanup, t);
	int old;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	t->entering = old == PTHREAD_CANCEL_DEFERRED ? 1 : -1;
	for (;;)
		spins++;
	pthread_cleanup_pop(0);
	return NULL;
}

static void an_asynchronous_cancel_stops_a_spinning_thread(void)
{
	struct target t = {0};
	pthread_t thread;
	pthread_create(&thread, NULL, spin_asynchronously, &t);
	while (!t.entering)
		sched_yield();
	KTAP_EXPECT_EQ(t.entering, 1);
	pthread_cancel(thread);
	void *result;
	pthread_join(thread, &result);
	KTAP_EXPECT_TRUE(result == PTHREAD_CANCELED);
	KTAP_EXPECT_EQ(t.cleaned, 1);
}

static void *deferred_self_cancel(void *arg)
{
	(void)arg;
	stage = pthread_cancel(pthread_self()) == 0 ? 1 : -1;
	pthread_testcancel();
	stage = 2; /* not reached */
	return NULL;
}

static void cancelling_oneself_acts_at_the_next_point(void)
{
	stage = 0;
	KTAP_EXPECT_TRUE(run_alone(deferred_self_cancel) == PTHREAD_CANCELED);
	KTAP_EXPECT_EQ(stage, 1);
}

/* Its result is not replaced: it ended on its own. glibc (since 2.34)
 * answers 0 to both pthread_kill and pthread_cancel for a thread that has
 * ended, as POSIX allows, so there the end cannot be seen without joining. */
#ifndef __GLIBC__
static void *result_42(void *arg)
{
	(void)arg;
	return (void *)42;
}
#endif

static void cancelling_a_finished_thread_is_esrch(void)
{
#ifdef __GLIBC__
	ktap_skip("glibc answers 0 for a thread that has ended");
#else
	pthread_t t;
	pthread_create(&t, NULL, result_42, NULL);
	while (pthread_kill(t, 0) == 0)
		sched_yield();
	KTAP_EXPECT_EQ(pthread_cancel(t), ESRCH);
	void *result;
	KTAP_EXPECT_EQ(pthread_join(t, &result), 0);
	KTAP_EXPECT_EQ((long)result, 42);
#endif
}

static void bad_state_and_type_are_einval(void)
{
	int old = -1;
	KTAP_EXPECT_EQ(pthread_setcancelstate(7, &old), EINVAL);
	KTAP_EXPECT_EQ(pthread_setcanceltype(7, &old), EINVAL);
	KTAP_EXPECT_EQ(old, -1);
	KTAP_EXPECT_EQ(pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old), 0);
	KTAP_EXPECT_EQ(old, PTHREAD_CANCEL_ENABLE);
	KTAP_EXPECT_EQ(pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &old), 0);
	KTAP_EXPECT_EQ(old, PTHREAD_CANCEL_DEFERRED);
}

/* SIGCANCEL (33) carries the requests: a handler of the program's own
 * would take them. */
static void the_cancel_signal_is_kept_from_programs(void)
{
	struct sigaction sa = {.sa_handler = SIG_IGN};
	KTAP_EXPECT_EQ(sigaction(33, &sa, NULL), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	sigset_t all;
	sigfillset(&all);
	KTAP_EXPECT_EQ(sigismember(&all, 33), 0);
}

/* Many targets on every CPU, in different points, cancelled together. */
#define MANY 24

static const struct point *const mixed[] = {
	&cond_wait_point, &sem_wait_point,   &nanosleep_point,
	&pause_point,	  &testcancel_point, &sigsuspend_point,
};

static void many_threads_cancelled_at_once_all_end_cancelled(void)
{
	static struct target targets[MANY];
	pthread_t threads[MANY];
	for (int i = 0; i < MANY; i++) {
		targets[i] = (struct target){
			.point = mixed[i % (sizeof(mixed) / sizeof(mixed[0]))]};
		KTAP_ASSERT_EQ(pthread_create(&threads[i], NULL, run_target,
					      &targets[i]),
			       0);
	}
	for (int i = 0; i < MANY; i++)
		while (!targets[i].entering)
			sched_yield();
	int asked = 0, cancelled = 0, cleaned = 0;
	for (int i = 0; i < MANY; i++)
		asked += pthread_cancel(threads[i]) == 0;
	for (int i = 0; i < MANY; i++) {
		void *result = NULL;
		pthread_join(threads[i], &result);
		cancelled += result == PTHREAD_CANCELED;
		cleaned += targets[i].cleaned;
	}
	KTAP_EXPECT_EQ(asked, MANY);
	KTAP_EXPECT_EQ(cancelled, MANY);
	KTAP_EXPECT_EQ(cleaned, MANY);
	KTAP_EXPECT_EQ(sem_trywait(&never_posted), -1); /* nothing taken */
}

/* A read cancelled before it runs consumes nothing. */
static void a_cancelled_read_leaves_the_data(void)
{
	static const struct point read_only = {NULL, block_in_read, NULL};
	pipe(fds);
	write(fds[1], "x", 1);
	cancel_in(&read_only, 1);
	char c = 0;
	KTAP_EXPECT_EQ(read(fds[0], &c, 1), 1);
	KTAP_EXPECT_EQ(c, 'x');
	close_pipe();
}

/* A sem_wait cancelled before it runs takes nothing. */
static void a_cancelled_sem_wait_leaves_the_count(void)
{
	static const struct point sem_only = {NULL, block_in_sem_wait, NULL};
	sem_post(&never_posted);
	cancel_in(&sem_only, 1);
	KTAP_EXPECT_EQ(sem_trywait(&never_posted), 0);
}

static const struct ktap_test tests[] = {
	POINT_TESTS(join),
	POINT_TESTS(cond_wait),
	POINT_TESTS(cond_timedwait),
	POINT_TESTS(sem_wait),
	POINT_TESTS(sem_timedwait),
	POINT_TESTS(sleep),
	POINT_TESTS(nanosleep),
	POINT_TESTS(usleep),
	POINT_TESTS(read),
	POINT_TESTS(write),
	POINT_TESTS(waitpid),
	POINT_TESTS(wait),
	POINT_TESTS(pause),
	POINT_TESTS(sigwait),
	POINT_TESTS(sigsuspend),
	POINT_TESTS(testcancel),
	KTAP_TEST(cleanup_handlers_run_last_pushed_first_with_their_args),
	KTAP_TEST(pop_runs_or_drops_and_pthread_exit_runs_the_rest),
	KTAP_TEST(a_request_waits_while_disabled_and_acts_at_the_next_point),
	KTAP_TEST(an_asynchronous_cancel_stops_a_spinning_thread),
	KTAP_TEST(cancelling_oneself_acts_at_the_next_point),
	KTAP_TEST(cancelling_a_finished_thread_is_esrch),
	KTAP_TEST(bad_state_and_type_are_einval),
	KTAP_TEST(the_cancel_signal_is_kept_from_programs),
	KTAP_TEST(many_threads_cancelled_at_once_all_end_cancelled),
	KTAP_TEST(a_cancelled_read_leaves_the_data),
	KTAP_TEST(a_cancelled_sem_wait_leaves_the_count),
};

int main(void)
{
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&lock, &attr);
	sem_init(&never_posted, 0, 0);
	return KTAP_RUN("cancel", tests);
}
