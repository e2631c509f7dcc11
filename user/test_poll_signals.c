/*
 * Signals and poll: a signal with a handler ends poll and select with
 * EINTR, SA_RESTART or not, as on Linux; ppoll's and pselect6's mask is
 * in force only while they wait. Runs the same on the Linux host and on
 * Spindle (where it is init: every signal here has a handler first).
 */
#include "c/ktap.h"
#include "poll_calls.h"
#include "threads.h"

/* --- signals ------------------------------------------------------- */

static volatile int handled;

static void count_signal(int sig)
{
	(void)sig;
	handled++;
}

static void set_handler(int flags)
{
	struct sigaction sa = {.sa_flags = flags};
	sa.sa_handler = count_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

static void set_default(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR1, &sa, NULL);
}

/* Signals `target` every few milliseconds until *done: whichever signal
 * lands while the target waits interrupts it, however late it starts. */
struct nagger {
	int target;
	volatile int done;
};

static int nag(void *arg)
{
	struct nagger *n = arg;
	while (!n->done) {
		do_tgkill(getpid(), n->target, SIGUSR1);
		sleep_ns(5 * MS);
	}
	return 0;
}

/* What a wait that never ends on its own returns when signals keep
 * arriving: wait() is a poll or a select of a pipe that stays empty. */
static int interrupted(int flags, int (*wait)(int fd), int *err)
{
	handled = 0;
	set_handler(flags);
	int fds[2];
	pipe(fds);
	struct nagger n = {gettid(), 0};
	struct thread t;
	thread_start(&t, nag, &n);
	errno = 0;
	int r = wait(fds[0]);
	*err = errno;
	n.done = 1;
	thread_join(&t);
	close(fds[0]);
	close(fds[1]);
	set_default();
	return r;
}

static int poll_for_ever(int fd)
{
	struct poll_fd p = {fd, POLLIN, 0};
	return do_poll(&p, 1, -1);
}

static int poll_with_timeout(int fd)
{
	struct poll_fd p = {fd, POLLIN, 0};
	return do_poll(&p, 1, 60 * 60 * 1000);
}

static int select_for_ever(int fd)
{
	uint64_t in = 1ull << fd;
	return do_select(fd + 1, &in, NULL, NULL, NULL);
}

static void a_signal_interrupts_poll_with_eintr(void)
{
	int err;
	KTAP_EXPECT_EQ(interrupted(0, poll_for_ever, &err), -1);
	KTAP_EXPECT_EQ(err, EINTR);
	KTAP_EXPECT_GE(handled, 1);
}

static void poll_is_not_restarted_after_an_sa_restart_handler(void)
{
	int err;
	KTAP_EXPECT_EQ(interrupted(SA_RESTART, poll_for_ever, &err), -1);
	KTAP_EXPECT_EQ(err, EINTR);
	KTAP_EXPECT_EQ(interrupted(SA_RESTART, poll_with_timeout, &err), -1);
	KTAP_EXPECT_EQ(err, EINTR);
}

static void a_signal_interrupts_select_with_eintr(void)
{
	int err;
	KTAP_EXPECT_EQ(interrupted(SA_RESTART, select_for_ever, &err), -1);
	KTAP_EXPECT_EQ(err, EINTR);
}

static uint64_t blocked_mask(void)
{
	uint64_t old = 0;
	syscall4(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&old, 8);
	return old;
}

static uint64_t pending_mask(void)
{
	uint64_t set = 0;
	syscall2(SYS_rt_sigpending, (long)&set, 8);
	return set;
}

static void block_usr1(int how)
{
	uint64_t usr1 = SIGNAL_BIT(SIGUSR1);
	syscall4(SYS_rt_sigprocmask, how, (long)&usr1, 0, 8);
}

/* ppoll's and pselect6's wait on an empty pipe with no signal blocked. */
static int ppoll_with_none_blocked(int fd)
{
	struct poll_fd p = {fd, POLLIN, 0};
	uint64_t none = 0;
	return do_ppoll(&p, 1, NULL, &none);
}

static int pselect_with_none_blocked(int fd)
{
	uint64_t in = 1ull << fd, none = 0;
	struct {
		const uint64_t *set;
		size_t size;
	} sig = {&none, sizeof(none)};
	return (int)sys_ret(
		syscall6(SYS_pselect6, fd + 1, (long)&in, 0, 0, 0, (long)&sig));
}

/* SIGUSR1 blocked and pending, then wait(): it must let the signal in
 * (EINTR, the handler ran once) and block it again afterwards. */
static void expect_the_mask_lets_a_signal_in(int (*wait)(int fd))
{
	handled = 0;
	set_handler(0);
	block_usr1(SIG_BLOCK);
	raise(SIGUSR1);
	KTAP_EXPECT_EQ(handled, 0);
	int fds[2];
	pipe(fds);
	errno = 0;
	KTAP_EXPECT_EQ(wait(fds[0]), -1);
	KTAP_EXPECT_EQ(errno, EINTR);
	KTAP_EXPECT_EQ(handled, 1);
	KTAP_EXPECT_TRUE(blocked_mask() & SIGNAL_BIT(SIGUSR1));
	block_usr1(SIG_UNBLOCK);
	close(fds[0]);
	close(fds[1]);
	set_default();
}

static void ppoll_lets_a_blocked_signal_in_while_it_waits(void)
{
	expect_the_mask_lets_a_signal_in(ppoll_with_none_blocked);
}

static void pselect_lets_a_blocked_signal_in_while_it_waits(void)
{
	expect_the_mask_lets_a_signal_in(pselect_with_none_blocked);
}

static void ppoll_that_finds_a_file_ready_keeps_the_signal_pending(void)
{
	handled = 0;
	set_handler(0);
	block_usr1(SIG_BLOCK);
	raise(SIGUSR1);
	int efd = do_eventfd2(1, 0);
	struct poll_fd p = {efd, POLLIN, 0};
	uint64_t none = 0;
	KTAP_EXPECT_EQ(do_ppoll(&p, 1, NULL, &none), 1);
	KTAP_EXPECT_EQ(handled, 0);
	KTAP_EXPECT_TRUE(pending_mask() & SIGNAL_BIT(SIGUSR1));
	KTAP_EXPECT_TRUE(blocked_mask() & SIGNAL_BIT(SIGUSR1));
	block_usr1(SIG_UNBLOCK);
	KTAP_EXPECT_EQ(handled, 1);
	close(efd);
	set_default();
}

static void a_ppoll_that_times_out_leaves_no_time_in_its_timespec(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	struct poll_fd p = {fds[0], POLLIN, 0};
	struct timespec ts = {0, 10 * MS};
	KTAP_EXPECT_EQ(do_ppoll(&p, 1, &ts, NULL), 0);
	KTAP_EXPECT_EQ(ts.tv_sec, 0);
	KTAP_EXPECT_EQ(ts.tv_nsec, 0);
	struct timespec bad = {0, 1000000000L};
	errno = 0;
	KTAP_EXPECT_EQ(do_ppoll(&p, 1, &bad, NULL), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	close(fds[0]);
	close(fds[1]);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(a_signal_interrupts_poll_with_eintr),
	KTAP_TEST(poll_is_not_restarted_after_an_sa_restart_handler),
	KTAP_TEST(a_signal_interrupts_select_with_eintr),
	KTAP_TEST(ppoll_lets_a_blocked_signal_in_while_it_waits),
	KTAP_TEST(ppoll_that_finds_a_file_ready_keeps_the_signal_pending),
	KTAP_TEST(pselect_lets_a_blocked_signal_in_while_it_waits),
	KTAP_TEST(a_ppoll_that_times_out_leaves_no_time_in_its_timespec),
};

int main(void)
{
	return KTAP_RUN("poll_signals", tests);
}
