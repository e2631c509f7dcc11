/*
 * poll, ppoll, select, pselect6 and eventfd: each kind of file wakes a
 * poller, no wake-up is lost between threads on different CPUs, timeouts
 * and closed descriptors, signals that interrupt, and the eventfd
 * counter's rules. Runs the same on the Linux host and on Spindle; it
 * never measures time, only what the calls return.
 */
#include "c/ktap.h"
#include "c/libc.h"
#include "c/syscall.h"
#include "threads.h"

#define MS 1000000L
#define ROUNDS 2000
#define COUNT_MAX 0xfffffffffffffffeull /* the largest eventfd count */

struct pollfd {
	int fd;
	short events, revents;
};

static long sys(long r)
{
	return __syscall_ret(r);
}

static int poll(struct pollfd *fds, unsigned n, int timeout_ms)
{
	return (int)sys(syscall3(SYS_poll, (long)fds, n, timeout_ms));
}

static int ppoll(struct pollfd *fds, unsigned n, const struct timespec *ts,
		 const uint64_t *mask)
{
	return (int)sys(syscall5(SYS_ppoll, (long)fds, n, (long)ts, (long)mask,
				 sizeof(*mask)));
}

static int select_(int n, uint64_t *in, uint64_t *out, uint64_t *ex, long *tv)
{
	return (int)sys(syscall5(SYS_select, n, (long)in, (long)out, (long)ex,
				 (long)tv));
}

static int eventfd2(unsigned initval, int flags)
{
	return (int)sys(syscall2(SYS_eventfd2, initval, flags));
}

static int tgkill(int tgid, int tid, int sig)
{
	return (int)sys(syscall3(SYS_tgkill, tgid, tid, sig));
}

static void sleep_ns(long ns)
{
	struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long write_u64(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v));
}

static uint64_t read_u64(int fd)
{
	uint64_t v = 0;
	return read(fd, &v, sizeof(v)) == sizeof(v) ? v : 0xdead;
}

/* The revents of one descriptor polled for events, without waiting. */
static int poll_now(int fd, short events)
{
	struct pollfd p = {fd, events, 0};
	int r = poll(&p, 1, 0);
	return r < 0 ? -1 : p.revents;
}

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

/* After ns, writes one byte (or one eventfd count) to fd. */
struct delayed_write {
	int fd;
	long ns;
	bool eventfd;
};

static int delayed_writer(void *arg)
{
	struct delayed_write *d = arg;
	sleep_ns(d->ns);
	if (d->eventfd)
		write_u64(d->fd, 1);
	else
		write(d->fd, "x", 1);
	return 0;
}

static void a_poller_wakes_when_a_thread_writes_the_pipe(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	struct delayed_write d = {fds[1], 20 * MS, false};
	struct thread t;
	KTAP_ASSERT_EQ(thread_start(&t, delayed_writer, &d), 0);
	struct pollfd p = {fds[0], POLLIN, 0};
	KTAP_EXPECT_EQ(poll(&p, 1, -1), 1);
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
	KTAP_ASSERT_EQ(sys(syscall2(SYS_pipe2, (long)fds, O_NONBLOCK)), 0);
	fill(fds[1]);
	KTAP_EXPECT_EQ(poll_now(fds[1], POLLOUT), 0);
	struct thread t;
	KTAP_ASSERT_EQ(thread_start(&t, drainer, &fds[0]), 0);
	struct pollfd p = {fds[1], POLLOUT, 0};
	KTAP_EXPECT_EQ(poll(&p, 1, -1), 1);
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
	int efd = eventfd2(0, 0);
	KTAP_ASSERT_TRUE(efd >= 0);
	struct delayed_write d = {efd, 20 * MS, true};
	struct thread t;
	KTAP_ASSERT_EQ(thread_start(&t, delayed_writer, &d), 0);
	struct pollfd p = {efd, POLLIN, 0};
	KTAP_EXPECT_EQ(poll(&p, 1, -1), 1);
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
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, -1) != 1 || p.revents != POLLIN)
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
		a[0] = a[1] = eventfd2(0, 0);
		b[0] = b[1] = eventfd2(0, 0);
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
	struct pollfd p = {fds[0], POLLIN, 0x55};
	KTAP_EXPECT_EQ(poll(&p, 1, 0), 0);
	KTAP_EXPECT_EQ(p.revents, 0);
	close(fds[0]);
	close(fds[1]);
}

static void a_timeout_with_nothing_ready_returns_zero(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	struct pollfd p = {fds[0], POLLIN, 0};
	KTAP_EXPECT_EQ(poll(&p, 1, 20), 0);
	close(fds[0]);
	close(fds[1]);
}

static void a_closed_descriptor_reports_pollnval(void)
{
	int fd = eventfd2(0, 0);
	KTAP_ASSERT_TRUE(fd >= 0);
	close(fd);
	struct pollfd p = {fd, POLLIN, 0};
	KTAP_EXPECT_EQ(poll(&p, 1, -1), 1);
	KTAP_EXPECT_EQ(p.revents, POLLNVAL);
}

static void a_negative_descriptor_is_skipped(void)
{
	int efd = eventfd2(1, 0);
	struct pollfd p[2] = {{-1, POLLIN, 0x55}, {efd, POLLIN, 0}};
	KTAP_EXPECT_EQ(poll(p, 2, -1), 1);
	KTAP_EXPECT_EQ(p[0].revents, 0);
	KTAP_EXPECT_EQ(p[1].revents, POLLIN);
	close(efd);
}

static void only_the_events_asked_for_are_reported(void)
{
	int efd = eventfd2(1, 0);
	KTAP_EXPECT_EQ(poll_now(efd, POLLIN), POLLIN);
	KTAP_EXPECT_EQ(poll_now(efd, POLLOUT), POLLOUT);
	KTAP_EXPECT_EQ(poll_now(efd, POLLIN | POLLOUT), POLLIN | POLLOUT);
	KTAP_EXPECT_EQ(poll_now(efd, 0), 0);
	close(efd);
}

static void an_absurd_count_is_einval_and_a_bad_array_efault(void)
{
	struct pollfd p = {0, POLLIN, 0};
	errno = 0;
	KTAP_EXPECT_EQ(poll(&p, 0xffffffffu, 0), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	errno = 0;
	KTAP_EXPECT_EQ(poll((struct pollfd *)8, 1, 0), -1);
	KTAP_EXPECT_EQ(errno, EFAULT);
	KTAP_EXPECT_EQ(poll(NULL, 0, 0), 0);
}

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
		tgkill(getpid(), n->target, SIGUSR1);
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
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, -1);
}

static int poll_with_timeout(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, 60 * 60 * 1000);
}

static int select_for_ever(int fd)
{
	uint64_t in = 1ull << fd;
	return select_(fd + 1, &in, NULL, NULL, NULL);
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

static void ppoll_lets_a_blocked_signal_in_while_it_waits(void)
{
	handled = 0;
	set_handler(0);
	block_usr1(SIG_BLOCK);
	raise(SIGUSR1);
	KTAP_EXPECT_EQ(handled, 0);
	int fds[2];
	pipe(fds);
	struct pollfd p = {fds[0], POLLIN, 0};
	uint64_t none = 0;
	errno = 0;
	KTAP_EXPECT_EQ(ppoll(&p, 1, NULL, &none), -1);
	KTAP_EXPECT_EQ(errno, EINTR);
	KTAP_EXPECT_EQ(handled, 1);
	KTAP_EXPECT_TRUE(blocked_mask() & SIGNAL_BIT(SIGUSR1));
	block_usr1(SIG_UNBLOCK);
	close(fds[0]);
	close(fds[1]);
	set_default();
}

static void ppoll_that_finds_a_file_ready_keeps_the_signal_pending(void)
{
	handled = 0;
	set_handler(0);
	block_usr1(SIG_BLOCK);
	raise(SIGUSR1);
	int efd = eventfd2(1, 0);
	struct pollfd p = {efd, POLLIN, 0};
	uint64_t none = 0;
	KTAP_EXPECT_EQ(ppoll(&p, 1, NULL, &none), 1);
	KTAP_EXPECT_EQ(handled, 0);
	KTAP_EXPECT_TRUE(pending_mask() & SIGNAL_BIT(SIGUSR1));
	KTAP_EXPECT_TRUE(blocked_mask() & SIGNAL_BIT(SIGUSR1));
	block_usr1(SIG_UNBLOCK);
	KTAP_EXPECT_EQ(handled, 1);
	close(efd);
	set_default();
}

static void pselect_lets_a_blocked_signal_in_while_it_waits(void)
{
	handled = 0;
	set_handler(0);
	block_usr1(SIG_BLOCK);
	raise(SIGUSR1);
	int fds[2];
	pipe(fds);
	uint64_t in = 1ull << fds[0], none = 0;
	struct {
		const uint64_t *set;
		size_t size;
	} sig = {&none, sizeof(none)};
	errno = 0;
	KTAP_EXPECT_EQ(sys(syscall6(SYS_pselect6, fds[0] + 1, (long)&in, 0, 0,
				    0, (long)&sig)),
		       -1);
	KTAP_EXPECT_EQ(errno, EINTR);
	KTAP_EXPECT_EQ(handled, 1);
	KTAP_EXPECT_TRUE(blocked_mask() & SIGNAL_BIT(SIGUSR1));
	block_usr1(SIG_UNBLOCK);
	close(fds[0]);
	close(fds[1]);
	set_default();
}

static void a_ppoll_that_times_out_leaves_no_time_in_its_timespec(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	struct pollfd p = {fds[0], POLLIN, 0};
	struct timespec ts = {0, 10 * MS};
	KTAP_EXPECT_EQ(ppoll(&p, 1, &ts, NULL), 0);
	KTAP_EXPECT_EQ(ts.tv_sec, 0);
	KTAP_EXPECT_EQ(ts.tv_nsec, 0);
	struct timespec bad = {0, 1000000000L};
	errno = 0;
	KTAP_EXPECT_EQ(ppoll(&p, 1, &bad, NULL), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	close(fds[0]);
	close(fds[1]);
}

/* --- select -------------------------------------------------------- */

static void select_reports_each_set_and_counts_bits(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	int efd = eventfd2(1, 0);
	int n = efd + 1;
	uint64_t in = 1ull << fds[0] | 1ull << efd;
	uint64_t out = 1ull << fds[1] | 1ull << efd;
	long tv[2] = {0, 0};
	/* Ready: efd for both, the write end; not the empty read end. */
	KTAP_EXPECT_EQ(select_(n, &in, &out, NULL, tv), 3);
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
	KTAP_EXPECT_EQ(select_(fds[0] + 1, &in, NULL, NULL, tv), 0);
	KTAP_EXPECT_EQ(in, 0);
	KTAP_EXPECT_EQ(tv[0], 0);
	KTAP_EXPECT_EQ(tv[1], 0);
	close(fds[0]);
	close(fds[1]);
}

static void select_on_a_closed_descriptor_is_ebadf(void)
{
	int fd = eventfd2(0, 0);
	close(fd);
	uint64_t in = 1ull << fd;
	long tv[2] = {0, 0};
	errno = 0;
	KTAP_EXPECT_EQ(select_(fd + 1, &in, NULL, NULL, tv), -1);
	KTAP_EXPECT_EQ(errno, EBADF);
	long bad[2] = {-1, 0};
	errno = 0;
	KTAP_EXPECT_EQ(select_(0, NULL, NULL, NULL, bad), -1);
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
	KTAP_EXPECT_EQ(select_(fds[0] + 1, &in, NULL, NULL, NULL), 1);
	KTAP_EXPECT_EQ(in, 1ull << fds[0]);
	thread_join(&t);
	close(fds[0]);
	close(fds[1]);
}

/* --- eventfd ------------------------------------------------------- */

static void an_eventfd_read_takes_the_whole_count(void)
{
	int efd = eventfd2(3, 0);
	KTAP_ASSERT_TRUE(efd >= 0);
	KTAP_EXPECT_EQ(write_u64(efd, 4), 8);
	KTAP_EXPECT_EQ(read_u64(efd), 7);
	KTAP_EXPECT_EQ(poll_now(efd, POLLIN), 0);
	close(efd);
}

static void a_semaphore_eventfd_read_takes_one(void)
{
	int efd = eventfd2(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	KTAP_EXPECT_EQ(read_u64(efd), 1);
	KTAP_EXPECT_EQ(read_u64(efd), 1);
	uint64_t v;
	errno = 0;
	KTAP_EXPECT_EQ(read(efd, &v, sizeof(v)), -1);
	KTAP_EXPECT_EQ(errno, EAGAIN);
	close(efd);
}

static void eventfd_buffers_under_eight_bytes_are_einval(void)
{
	int efd = eventfd2(1, 0);
	char small[7] = {1};
	errno = 0;
	KTAP_EXPECT_EQ(read(efd, small, sizeof(small)), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	errno = 0;
	KTAP_EXPECT_EQ(write(efd, small, sizeof(small)), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	uint64_t big[2] = {0, 0};
	KTAP_EXPECT_EQ(read(efd, big, sizeof(big)), 8);
	KTAP_EXPECT_EQ(big[0], 1);
	close(efd);
}

static void an_eventfd_count_stops_below_the_top(void)
{
	int efd = eventfd2(0, EFD_NONBLOCK);
	errno = 0;
	KTAP_EXPECT_EQ(write_u64(efd, 0xffffffffffffffffull), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(write_u64(efd, COUNT_MAX), 8);
	KTAP_EXPECT_EQ(poll_now(efd, POLLIN | POLLOUT), POLLIN);
	errno = 0;
	KTAP_EXPECT_EQ(write_u64(efd, 1), -1);
	KTAP_EXPECT_EQ(errno, EAGAIN);
	KTAP_EXPECT_EQ(write_u64(efd, 0), 8);
	KTAP_EXPECT_EQ(read_u64(efd), COUNT_MAX);
	close(efd);
}

static int eventfd_writer(void *arg)
{
	sleep_ns(20 * MS);
	write_u64(*(int *)arg, 5);
	return 0;
}

static void an_eventfd_read_sleeps_until_a_write(void)
{
	int efd = eventfd2(0, 0);
	struct thread t;
	KTAP_ASSERT_EQ(thread_start(&t, eventfd_writer, &efd), 0);
	KTAP_EXPECT_EQ(read_u64(efd), 5);
	thread_join(&t);
	close(efd);
}

static void eventfd_flags_are_checked(void)
{
	errno = 0;
	KTAP_EXPECT_EQ(eventfd2(0, 0x10), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	int efd = (int)sys(syscall1(SYS_eventfd, 9));
	KTAP_ASSERT_TRUE(efd >= 0);
	KTAP_EXPECT_EQ(read_u64(efd), 9);
	close(efd);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(pipe_read_end_is_readable_after_a_write),
	KTAP_TEST(a_poller_wakes_when_a_thread_writes_the_pipe),
	KTAP_TEST(a_full_pipe_is_writable_again_after_a_drain),
	KTAP_TEST(the_read_end_hangs_up_when_the_last_writer_closes),
	KTAP_TEST(the_write_end_reports_an_error_when_the_reader_closes),
	KTAP_TEST(a_poller_wakes_when_a_thread_writes_an_eventfd),
	KTAP_TEST(a_regular_file_is_always_readable_and_writable),
	KTAP_TEST(a_token_passed_through_pipes_is_never_lost),
	KTAP_TEST(a_token_passed_through_eventfds_is_never_lost),
	KTAP_TEST(a_zero_timeout_returns_zero_at_once),
	KTAP_TEST(a_timeout_with_nothing_ready_returns_zero),
	KTAP_TEST(a_closed_descriptor_reports_pollnval),
	KTAP_TEST(a_negative_descriptor_is_skipped),
	KTAP_TEST(only_the_events_asked_for_are_reported),
	KTAP_TEST(an_absurd_count_is_einval_and_a_bad_array_efault),
	KTAP_TEST(a_signal_interrupts_poll_with_eintr),
	KTAP_TEST(poll_is_not_restarted_after_an_sa_restart_handler),
	KTAP_TEST(a_signal_interrupts_select_with_eintr),
	KTAP_TEST(ppoll_lets_a_blocked_signal_in_while_it_waits),
	KTAP_TEST(ppoll_that_finds_a_file_ready_keeps_the_signal_pending),
	KTAP_TEST(pselect_lets_a_blocked_signal_in_while_it_waits),
	KTAP_TEST(a_ppoll_that_times_out_leaves_no_time_in_its_timespec),
	KTAP_TEST(select_reports_each_set_and_counts_bits),
	KTAP_TEST(select_times_out_with_empty_sets),
	KTAP_TEST(select_on_a_closed_descriptor_is_ebadf),
	KTAP_TEST(select_wakes_when_a_thread_writes),
	KTAP_TEST(an_eventfd_read_takes_the_whole_count),
	KTAP_TEST(a_semaphore_eventfd_read_takes_one),
	KTAP_TEST(eventfd_buffers_under_eight_bytes_are_einval),
	KTAP_TEST(an_eventfd_count_stops_below_the_top),
	KTAP_TEST(an_eventfd_read_sleeps_until_a_write),
	KTAP_TEST(eventfd_flags_are_checked),
};

int main(void)
{
	return KTAP_RUN("poll", tests);
}
