/*
 * eventfd: the counter's rules (a read takes it all, or one with
 * EFD_SEMAPHORE; 8-byte buffers; it stops below 2^64 - 1), blocking and
 * waking, flags. Runs the same on the Linux host and on Spindle.
 */
#include "c/ktap.h"
#include "poll_calls.h"
#include "threads.h"

#define COUNT_MAX 0xfffffffffffffffeull /* the largest eventfd count */

/* --- eventfd ------------------------------------------------------- */

static void an_eventfd_read_takes_the_whole_count(void)
{
	int efd = do_eventfd2(3, 0);
	KTAP_ASSERT_TRUE(efd >= 0);
	KTAP_EXPECT_EQ(write_u64(efd, 4), 8);
	KTAP_EXPECT_EQ(read_u64(efd), 7);
	KTAP_EXPECT_EQ(poll_now(efd, POLLIN), 0);
	close(efd);
}

static void a_semaphore_eventfd_read_takes_one(void)
{
	int efd = do_eventfd2(2, EFD_SEMAPHORE | EFD_NONBLOCK);
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
	int efd = do_eventfd2(1, 0);
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
	int efd = do_eventfd2(0, EFD_NONBLOCK);
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

static void an_eventfd_read_sleeps_until_a_write(void)
{
	int efd = do_eventfd2(0, 0);
	struct delayed_write d = {efd, 20 * MS, true};
	struct thread t;
	KTAP_ASSERT_EQ(thread_start(&t, delayed_writer, &d), 0);
	KTAP_EXPECT_EQ(read_u64(efd), 1);
	thread_join(&t);
	close(efd);
}

static void eventfd_flags_are_checked(void)
{
	errno = 0;
	KTAP_EXPECT_EQ(do_eventfd2(0, 0x10), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	int efd = (int)sys_ret(syscall1(SYS_eventfd, 9));
	KTAP_ASSERT_TRUE(efd >= 0);
	KTAP_EXPECT_EQ(read_u64(efd), 9);
	close(efd);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(an_eventfd_read_takes_the_whole_count),
	KTAP_TEST(a_semaphore_eventfd_read_takes_one),
	KTAP_TEST(eventfd_buffers_under_eight_bytes_are_einval),
	KTAP_TEST(an_eventfd_count_stops_below_the_top),
	KTAP_TEST(an_eventfd_read_sleeps_until_a_write),
	KTAP_TEST(eventfd_flags_are_checked),
};

int main(void)
{
	return KTAP_RUN("poll_eventfd", tests);
}
