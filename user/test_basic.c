/*
 * The basic system calls, their results and their error paths. Runs the
 * same on the Linux host (build/user/test_basic) and on Spindle
 * (make test, group user.basic): Spindle speaks Linux's ABI.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "c/ktap.h"
#include "c/syscall.h"

#define PAGE 4096

static void write_returns_the_length(void)
{
	KTAP_EXPECT_EQ(write(1, "    # hello from user space\n", 28), 28);
}

static void write_to_a_bad_fd_is_ebadf(void)
{
	KTAP_EXPECT_EQ(write(57, "x", 1), -1);
	KTAP_EXPECT_EQ(errno, EBADF);
}

static void write_from_a_bad_pointer_is_efault(void)
{
	KTAP_EXPECT_EQ(write(1, (void *)1, 5), -1);
	KTAP_EXPECT_EQ(errno, EFAULT);
	KTAP_EXPECT_EQ(write(1, NULL, 5), -1);
	KTAP_EXPECT_EQ(errno, EFAULT);
}

/* The kernel must not read its own memory on a program's behalf. */
static void write_from_a_kernel_address_is_efault(void)
{
	KTAP_EXPECT_EQ(write(1, (void *)0xffffffff80000000ul, 5), -1);
	KTAP_EXPECT_EQ(errno, EFAULT);
}

static void an_unknown_syscall_is_enosys(void)
{
	KTAP_EXPECT_EQ(syscall0(1000), -ENOSYS);
}

static void getpid_is_positive(void)
{
	KTAP_EXPECT_GT(getpid(), 0);
}

static void gettid_is_getpid_in_a_single_threaded_program(void)
{
	KTAP_EXPECT_EQ(gettid(), getpid());
}

static char bss_block[8192];

static void bss_starts_zeroed(void)
{
	long nonzero = 0;
	for (unsigned i = 0; i < sizeof(bss_block); i++)
		nonzero += bss_block[i] != 0;
	KTAP_EXPECT_EQ(nonzero, 0);
}

#define HEAP_GROWTH 100000

static void sbrk_grows_the_heap_by_the_amount_asked(void)
{
	char *old_end = sbrk(HEAP_GROWTH);
	KTAP_ASSERT_NE(old_end, (void *)-1);
	KTAP_EXPECT_EQ(sbrk(0), old_end + HEAP_GROWTH);
	old_end[HEAP_GROWTH - 1] = 7;
	KTAP_EXPECT_EQ(old_end[HEAP_GROWTH - 1], 7);
	KTAP_EXPECT_EQ(brk(old_end), 0);
	KTAP_EXPECT_EQ(sbrk(0), old_end);
}

static void new_heap_memory_reads_as_zero(void)
{
	char *old_end = sbrk(HEAP_GROWTH);
	KTAP_ASSERT_NE(old_end, (void *)-1);
	long nonzero = 0;
	for (int i = 0; i < HEAP_GROWTH; i += 64)
		nonzero += old_end[i] != 0;
	KTAP_EXPECT_EQ(nonzero, 0);
	brk(old_end);
}

static char *map_anonymous(size_t length)
{
	return mmap(NULL, length, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void anonymous_mmap_is_zeroed(void)
{
	char *p = map_anonymous(3 * PAGE);
	KTAP_ASSERT_NE(p, MAP_FAILED);
	long nonzero = 0;
	for (int i = 0; i < 3 * PAGE; i++)
		nonzero += p[i] != 0;
	KTAP_EXPECT_EQ(nonzero, 0);
	munmap(p, 3 * PAGE);
}

static void anonymous_mmap_is_writable(void)
{
	char *p = map_anonymous(3 * PAGE);
	KTAP_ASSERT_NE(p, MAP_FAILED);
	p[0] = 1;
	p[PAGE] = 2;
	p[3 * PAGE - 1] = 3;
	KTAP_EXPECT_EQ(p[0] + p[PAGE] + p[3 * PAGE - 1], 6);
	munmap(p, 3 * PAGE);
}

static void munmap_of_a_mapping_succeeds(void)
{
	char *p = map_anonymous(3 * PAGE);
	KTAP_ASSERT_NE(p, MAP_FAILED);
	KTAP_EXPECT_EQ(munmap(p, 3 * PAGE), 0);
}

static void munmap_of_an_unaligned_address_is_einval(void)
{
	KTAP_EXPECT_EQ(munmap((void *)0x10001, PAGE), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void mmap_neither_shared_nor_private_is_einval(void)
{
	KTAP_EXPECT_EQ(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0),
		       MAP_FAILED);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void mmap_of_length_0_is_einval(void)
{
	KTAP_EXPECT_EQ(
		mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		MAP_FAILED);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

/* A fresh page holding 5 in its first byte, then made read-only; NULL
 * if either step failed. */
static char *read_only_page_holding_5(void)
{
	char *p = map_anonymous(PAGE);
	if (p == MAP_FAILED)
		return NULL;
	p[0] = 5;
	if (mprotect(p, PAGE, PROT_READ) != 0) {
		munmap(p, PAGE);
		return NULL;
	}
	return p;
}

/* clock_gettime writes its result: into a read-only page it must fail,
 * and leave the page as it was. */
static void the_kernel_cannot_write_a_read_only_page_either(void)
{
	char *p = read_only_page_holding_5();
	KTAP_ASSERT_NE(p, NULL);
	KTAP_EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, (struct timespec *)p),
		       -1);
	KTAP_EXPECT_EQ(errno, EFAULT);
	KTAP_EXPECT_EQ(p[0], 5);
	munmap(p, PAGE);
}

static void mprotect_back_to_writable_allows_writes(void)
{
	char *p = read_only_page_holding_5();
	KTAP_ASSERT_NE(p, NULL);
	KTAP_EXPECT_EQ(mprotect(p, PAGE, PROT_READ | PROT_WRITE), 0);
	p[1] = 6;
	KTAP_EXPECT_EQ(p[0] + p[1], 11);
	munmap(p, PAGE);
}

static int64_t ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void nanosleep_20ms_advances_the_monotonic_clock_20ms(void)
{
	struct timespec before, after, req = {0, 20 * 1000 * 1000};
	KTAP_EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, &before), 0);
	KTAP_EXPECT_EQ(nanosleep(&req, NULL), 0);
	KTAP_EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, &after), 0);
	KTAP_EXPECT_GE(ns_of(&after) - ns_of(&before), 20 * 1000 * 1000);
}

static void nanosleep_of_a_billion_nanoseconds_is_einval(void)
{
	struct timespec bad = {0, 1000000000};
	KTAP_EXPECT_EQ(nanosleep(&bad, NULL), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void nanosleep_from_a_bad_pointer_is_efault(void)
{
	KTAP_EXPECT_EQ(nanosleep((struct timespec *)8, NULL), -1);
	KTAP_EXPECT_EQ(errno, EFAULT);
}

static void clock_gettime_of_an_unknown_clock_is_einval(void)
{
	struct timespec ts;
	KTAP_EXPECT_EQ(clock_gettime(12345, &ts), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void uname_sysname_is_not_empty(void)
{
	struct utsname u;
	KTAP_ASSERT_EQ(uname(&u), 0);
	KTAP_EXPECT_GT(strlen(u.sysname), 0);
}

static void uname_machine_is_x86_64(void)
{
	struct utsname u;
	KTAP_ASSERT_EQ(uname(&u), 0);
	KTAP_EXPECT_STREQ(u.machine, "x86_64");
}

static void uname_to_a_bad_pointer_is_efault(void)
{
	KTAP_EXPECT_EQ(uname((struct utsname *)16), -1);
	KTAP_EXPECT_EQ(errno, EFAULT);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(write_returns_the_length),
	KTAP_TEST(write_to_a_bad_fd_is_ebadf),
	KTAP_TEST(write_from_a_bad_pointer_is_efault),
	KTAP_TEST(write_from_a_kernel_address_is_efault),
	KTAP_TEST(an_unknown_syscall_is_enosys),
	KTAP_TEST(getpid_is_positive),
	KTAP_TEST(gettid_is_getpid_in_a_single_threaded_program),
	KTAP_TEST(bss_starts_zeroed),
	KTAP_TEST(sbrk_grows_the_heap_by_the_amount_asked),
	KTAP_TEST(new_heap_memory_reads_as_zero),
	KTAP_TEST(anonymous_mmap_is_zeroed),
	KTAP_TEST(anonymous_mmap_is_writable),
	KTAP_TEST(munmap_of_a_mapping_succeeds),
	KTAP_TEST(munmap_of_an_unaligned_address_is_einval),
	KTAP_TEST(mmap_neither_shared_nor_private_is_einval),
	KTAP_TEST(mmap_of_length_0_is_einval),
	KTAP_TEST(the_kernel_cannot_write_a_read_only_page_either),
	KTAP_TEST(mprotect_back_to_writable_allows_writes),
	KTAP_TEST(nanosleep_20ms_advances_the_monotonic_clock_20ms),
	KTAP_TEST(nanosleep_of_a_billion_nanoseconds_is_einval),
	KTAP_TEST(nanosleep_from_a_bad_pointer_is_efault),
	KTAP_TEST(clock_gettime_of_an_unknown_clock_is_einval),
	KTAP_TEST(uname_sysname_is_not_empty),
	KTAP_TEST(uname_machine_is_x86_64),
	KTAP_TEST(uname_to_a_bad_pointer_is_efault),
};

int main(void)
{
	return KTAP_RUN("basic", tests);
}
