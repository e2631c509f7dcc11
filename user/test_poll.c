/*
 * poll and select: each kind of file wakes a poller, no wake-up is lost
 * between threads on different CPUs, timeouts, closed and negative
 * descriptors, bad arrays. Runs the same on the Linux host and on
 * Spindle; it never measures time, only what the calls return. Signals:
 * test_poll_signals.c; the eventfd counter: test_poll_eventfd.c.
 */
#include "c/ktap.h"
#include "poll_calls.h"
#include "threads.h"

#define ROUNDS 2000

/* --- each kind of file --------------------------------------------- */

static void pipe_read_end_is_readable_after_a_write(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	KTAP_EXPECT_EQ(poll_now(fds[0], POLLIN), 0);
	KTAP_EXPECT_EQ(write(fds[1], "x", 1), 1);
	KTAP_EXPECT_EQ(poll_now(fds[0], POLLIN), POLLIN);
	close(fds[0]);
	close(fds[1]);
}

static void a_poller_wakes_when_a_thread_writes_the_pipe(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	struct delayed_write d = {fds[1], 20 * MS, false};
	struct thread t;
	KTAP_ASSERT_EQ(thread_start(&t, delayed_writer, &d), 0);
	struct poll_fd p = {fds[0], POLLIN, 0};
	KTAP_EXPECT_EQ(do_poll(&p, 1, -1), 1);
	KTAP_EXPECT_EQ(p.revents, POLLIN);
	thread_join(&t);
	close(fds[0]);
	close(fds[1]);
}

/* Fills a non-blocking pipe in PIPE_BUF writes until it is full. */
static void fill(int fd)
{
	static char block[4096];
	while (write(fd, block, sizeof(block)) == sizeof(block))
		;
}

static int drainer(void *arg)
{
	int fd = *(int *)arg;
	char buf[4096];
	sleep_ns(20 * MS);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return 0;
}

static void a_full_pipe_is_writable_again_after_a_drain(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(sys_ret(syscall2(SYS_pipe2, (long)fds, O_NONBLOCK)), 0);
	fill(fds[1]);
	KTAP_EXPECT_EQ(poll_now(fds[1], POLLOUT), 0);
	struct thread t;
	KTAP_ASSERT_EQ(thread_start(&t, drainer, &fds[0]), 0);
	struct poll_fd p = {fds[1], POLLOUT, 0};
	KTAP_EXPECT_EQ(do_poll(&p, 1, -1), 1);
	KTAP_EXPECT_EQ(p.revents, POLLOUT);
	thread_join(&t);
	close(fds[0]);
	close(fds[1]);
}

static void the_read_end_hangs_up_when_the_last_writer_closes(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	close(fds[1]);
	KTAP_EXPECT_EQ(poll_now(fds[0], POLLIN), POLLHUP);
	close(fds[0]);
}

static void the_write_end_reports_an_error_when_the_reader_closes(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	close(fds[0]);
	KTAP_EXPECT_EQ(poll_now(fds[1], POLLOUT), POLLOUT | POLLERR);
	close(fds[1]);
}

static void a_poller_wakes_when_a_thread_writes_an_eventfd(void)
{
	int efd = do_eventfd2(0, 0);
	KTAP_ASSERT_TRUE(efd >= 0);
	struct delayed_write d = {efd, 20 * MS, true};
	struct thread t;
	KTAP_ASSERT_EQ(thread_start(&t, delayed_writer, &d), 0);
	struct poll_fd p = {efd, POLLIN, 0};
	KTAP_EXPECT_EQ(do_poll(&p, 1, -1), 1);
	KTAP_EXPECT_EQ(p.revents, POLLIN);
	thread_join(&t);
	close(efd);
}

static void a_regular_file_is_always_readable_and_writable(void)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	if (fd < 0)
		fd = open("/bin/test_poll", O_RDONLY);
	KTAP_ASSERT_TRUE(fd >= 0);
	KTAP_EXPECT_EQ(poll_now(fd, POLLIN | POLLOUT), POLLIN | POLLOUT);
	close(fd);
}

/* Spindle's init has the console on fd 0; the host's run has no
 * terminal (the suite gives it /dev/null), so it skips. Nobody types
 * during the test: no line is ready. */
static void the_terminal_is_writable_and_unreadable_before_a_line(void)
{
	if (!isatty(0)) {
		ktap_skip("standard input is not a terminal");
		return;
	}
	KTAP_EXPECT_EQ(poll_now(0, POLLIN | POLLOUT), POLLOUT);
}

/* --- no lost wake-up ----------------------------------------------- */

/* Two threads pass a token ROUNDS times, each sleeping in poll until it
 * has it. A wake-up lost between a poller's look and its sleep leaves
 * both asleep for ever (the suite's timeout says so). */
struct relay {
	int to_peer, from_peer; /* the peer's descriptors */
	bool eventfd;
	int rounds;
};

static void pass(int fd, bool eventfd)
{
	if (eventfd)
		write_u64(fd, 1);
	else
		write(fd, "t", 1);
}

static bool take(int fd, bool eventfd)
{
	struct poll_fd p = {fd, POLLIN, 0};
	if (do_poll(&p, 1, -1) != 1 || p.revents != POLLIN)
		return false;
	char c;
	return eventfd ? read_u64(fd) == 1 : read(fd, &c, 1) == 1;
}

static int relay_peer(void *arg)
{
	struct relay *r = arg;
	for (int i = 0; i < ROUNDS; i++) {
		if (!take(r->to_peer, r->eventfd))
			return 0;
		pass(r->from_peer, r->eventfd);
	}
	return 0;
}

static int relay(bool eventfd)
{
	int a[2], b[2];
	if (eventfd) {
		a[0] = a[1] = do_eventfd2(0, 0);
		b[0] = b[1] = do_eventfd2(0, 0);
	} else if (pipe(a) < 0 || pipe(b) < 0) {
		return -1;
	}
	struct relay r = {a[0], b[1], eventfd, 0};
	struct thread t;
	if (thread_start(&t, relay_peer, &r) < 0)
		return -1;
	int rounds = 0;
	for (int i = 0; i < ROUNDS; i++) {
		pass(a[1], eventfd);
		if (!take(b[0], eventfd))
			break;
		rounds++;
	}
	thread_join(&t);
	close(a[0]);
	close(b[0]);
	if (!eventfd) {
		close(a[1]);
		close(b[1]);
	}
	return rounds;
}

static void a_token_passed_through_pipes_is_never_lost(void)
{
	KTAP_EXPECT_EQ(relay(false), ROUNDS);
}

static void a_token_passed_through_eventfds_is_never_lost(void)
{
	KTAP_EXPECT_EQ(relay(true), ROUNDS);
}

/* --- timeouts, descriptors, arrays --------------------------------- */

static void a_zero_timeout_returns_zero_at_once(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	struct poll_fd p = {fds[0], POLLIN, 0x55};
	KTAP_EXPECT_EQ(do_poll(&p, 1, 0), 0);
	KTAP_EXPECT_EQ(p.revents, 0);
	close(fds[0]);
	close(fds[1]);
}

static void a_timeout_with_nothing_ready_returns_zero(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	struct poll_fd p = {fds[0], POLLIN, 0};
	KTAP_EXPECT_EQ(do_poll(&p, 1, 20), 0);
	close(fds[0]);
	close(fds[1]);
}

static void a_closed_descriptor_reports_pollnval(void)
{
	int fd = do_eventfd2(0, 0);
	KTAP_ASSERT_TRUE(fd >= 0);
	close(fd);
	struct poll_fd p = {fd, POLLIN, 0};
	KTAP_EXPECT_EQ(do_poll(&p, 1, -1), 1);
	KTAP_EXPECT_EQ(p.revents, POLLNVAL);
}

static void a_negative_descriptor_is_skipped(void)
{
	int efd = do_eventfd2(1, 0);
	struct poll_fd p[2] = {{-1, POLLIN, 0x55}, {efd, POLLIN, 0}};
	KTAP_EXPECT_EQ(do_poll(p, 2, -1), 1);
	KTAP_EXPECT_EQ(p[0].revents, 0);
	KTAP_EXPECT_EQ(p[1].revents, POLLIN);
	close(efd);
}

static void only_the_events_asked_for_are_reported(void)
{
	int efd = do_eventfd2(1, 0);
	KTAP_EXPECT_EQ(poll_now(efd, POLLIN), POLLIN);
	KTAP_EXPECT_EQ(poll_now(efd, POLLOUT), POLLOUT);
	KTAP_EXPECT_EQ(poll_now(efd, POLLIN | POLLOUT), POLLIN | POLLOUT);
	KTAP_EXPECT_EQ(poll_now(efd, 0), 0);
	close(efd);
}

static void an_absurd_count_is_einval_and_a_bad_array_efault(void)
{
	struct poll_fd p = {0, POLLIN, 0};
	errno = 0;
	KTAP_EXPECT_EQ(do_poll(&p, 0xffffffffu, 0), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	errno = 0;
	KTAP_EXPECT_EQ(do_poll((struct poll_fd *)8, 1, 0), -1);
	KTAP_EXPECT_EQ(errno, EFAULT);
	KTAP_EXPECT_EQ(do_poll(NULL, 0, 0), 0);
}

/* --- select -------------------------------------------------------- */

static void select_reports_each_set_and_counts_bits(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	int efd = do_eventfd2(1, 0);
	int n = efd + 1;
	uint64_t in = 1ull << fds[0] | 1ull << efd;
	uint64_t out = 1ull << fds[1] | 1ull << efd;
	long tv[2] = {0, 0};
	/* Ready: efd for both, the write end; not the empty read end. */
	KTAP_EXPECT_EQ(do_select(n, &in, &out, NULL, tv), 3);
	KTAP_EXPECT_EQ(in, 1ull << efd);
	KTAP_EXPECT_EQ(out, 1ull << fds[1] | 1ull << efd);
	close(efd);
	close(fds[0]);
	close(fds[1]);
}

static void select_times_out_with_empty_sets(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	uint64_t in = 1ull << fds[0];
	long tv[2] = {0, 10000};
	KTAP_EXPECT_EQ(do_select(fds[0] + 1, &in, NULL, NULL, tv), 0);
	KTAP_EXPECT_EQ(in, 0);
	KTAP_EXPECT_EQ(tv[0], 0);
	KTAP_EXPECT_EQ(tv[1], 0);
	close(fds[0]);
	close(fds[1]);
}

static void select_on_a_closed_descriptor_is_ebadf(void)
{
	int fd = do_eventfd2(0, 0);
	close(fd);
	uint64_t in = 1ull << fd;
	long tv[2] = {0, 0};
	errno = 0;
	KTAP_EXPECT_EQ(do_select(fd + 1, &in, NULL, NULL, tv), -1);
	KTAP_EXPECT_EQ(errno, EBADF);
	long bad[2] = {-1, 0};
	errno = 0;
	KTAP_EXPECT_EQ(do_select(0, NULL, NULL, NULL, bad), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void select_wakes_when_a_thread_writes(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	struct delayed_write d = {fds[1], 20 * MS, false};
	struct thread t;
	KTAP_ASSERT_EQ(thread_start(&t, delayed_writer, &d), 0);
	uint64_t in = 1ull << fds[0];
	KTAP_EXPECT_EQ(do_select(fds[0] + 1, &in, NULL, NULL, NULL), 1);
	KTAP_EXPECT_EQ(in, 1ull << fds[0]);
	thread_join(&t);
	close(fds[0]);
	close(fds[1]);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(pipe_read_end_is_readable_after_a_write),
	KTAP_TEST(a_poller_wakes_when_a_thread_writes_the_pipe),
	KTAP_TEST(a_full_pipe_is_writable_again_after_a_drain),
	KTAP_TEST(the_read_end_hangs_up_when_the_last_writer_closes),
	KTAP_TEST(the_write_end_reports_an_error_when_the_reader_closes),
	KTAP_TEST(a_poller_wakes_when_a_thread_writes_an_eventfd),
	KTAP_TEST(a_regular_file_is_always_readable_and_writable),
	KTAP_TEST(the_terminal_is_writable_and_unreadable_before_a_line),
	KTAP_TEST(a_token_passed_through_pipes_is_never_lost),
	KTAP_TEST(a_token_passed_through_eventfds_is_never_lost),
	KTAP_TEST(a_zero_timeout_returns_zero_at_once),
	KTAP_TEST(a_timeout_with_nothing_ready_returns_zero),
	KTAP_TEST(a_closed_descriptor_reports_pollnval),
	KTAP_TEST(a_negative_descriptor_is_skipped),
	KTAP_TEST(only_the_events_asked_for_are_reported),
	KTAP_TEST(an_absurd_count_is_einval_and_a_bad_array_efault),
	KTAP_TEST(select_reports_each_set_and_counts_bits),
	KTAP_TEST(select_times_out_with_empty_sets),
	KTAP_TEST(select_on_a_closed_descriptor_is_ebadf),
	KTAP_TEST(select_wakes_when_a_thread_writes),
};

int main(void)
{
	return KTAP_RUN("poll", tests);
}
