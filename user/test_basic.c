/*
 * The basic system calls, their results and their error paths. Runs the
 * same on the Linux host (build/user/test_basic) and on Spindle
 * (make test, group user): Spindle speaks Linux's ABI.
 */
#include "c/ktap.h"
#include "c/libc.h"
#include "c/syscall.h"

static void write_returns_the_length(void)
{
	KTAP_EXPECT_EQ(write(1, "    # hello from user space\n", 28), 28);
}

static void write_to_a_bad_fd_is_ebadf(void)
{
	KTAP_EXPECT_EQ(write(57, "x", 1), -1);
	KTAP_EXPECT_EQ(errno, EBADF);
}

static void write_from_bad_pointers_is_efault(void)
{
	KTAP_EXPECT_EQ(syscall3(SYS_write, 1, 1, 5), -EFAULT);
	KTAP_EXPECT_EQ(syscall3(SYS_write, 1, 0, 5), -EFAULT);
	/* A kernel address: the kernel must not read its own memory on a
	 * program's behalf. */
	KTAP_EXPECT_EQ(syscall3(SYS_write, 1, (long)0xffffffff80000000ul, 5),
		       -EFAULT);
}

static void unknown_syscall_is_enosys(void)
{
	KTAP_EXPECT_EQ(syscall3(1000, 0, 0, 0), -ENOSYS);
}

static void getpid_is_positive_and_equals_gettid(void)
{
	KTAP_EXPECT_GT(getpid(), 0);
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

static void brk_grows_the_heap_with_zeroed_memory(void)
{
	char *top = sbrk_top();
	char *grown = brk_to(top + 100000);
	KTAP_EXPECT_EQ(grown, top + 100000);
	long nonzero = 0;
	for (int i = 0; i < 100000; i += 512)
		nonzero += top[i] != 0;
	KTAP_EXPECT_EQ(nonzero, 0);
	top[99999] = 7;
	KTAP_EXPECT_EQ(top[99999], 7);
	KTAP_EXPECT_EQ(brk_to(top), top);
}

static void anonymous_mmap_is_zeroed_and_writable(void)
{
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KTAP_EXPECT_NE(p, MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	long nonzero = 0;
	for (int i = 0; i < 3 * 4096; i++)
		nonzero += p[i] != 0;
	KTAP_EXPECT_EQ(nonzero, 0);
	p[0] = 1;
	p[3 * 4096 - 1] = 2;
	KTAP_EXPECT_EQ(p[0] + p[3 * 4096 - 1], 3);
	KTAP_EXPECT_EQ(munmap(p, 3 * 4096), 0);
}

static void munmap_of_an_unaligned_address_is_einval(void)
{
	KTAP_EXPECT_EQ(munmap((void *)0x10001, 4096), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void mmap_with_bad_flags_is_einval(void)
{
	KTAP_EXPECT_EQ(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0),
		       MAP_FAILED); /* neither SHARED nor PRIVATE */
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(
		mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		MAP_FAILED);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void mprotect_read_only_then_back(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KTAP_EXPECT_NE(p, MAP_FAILED);
	p[0] = 5;
	KTAP_EXPECT_EQ(mprotect(p, 4096, PROT_READ), 0);
	/* The kernel may not write a read-only page for us either. */
	KTAP_EXPECT_EQ(syscall3(SYS_clock_gettime, CLOCK_MONOTONIC, (long)p, 0),
		       -EFAULT);
	KTAP_EXPECT_EQ(p[0], 5);
	KTAP_EXPECT_EQ(mprotect(p, 4096, PROT_READ | PROT_WRITE), 0);
	p[1] = 6;
	KTAP_EXPECT_EQ(p[0] + p[1], 11);
	munmap(p, 4096);
}

static long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000L + ts->tv_nsec;
}

static void nanosleep_20ms_advances_the_monotonic_clock(void)
{
	struct timespec a, b, req = {0, 20 * 1000 * 1000};
	KTAP_EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	KTAP_EXPECT_EQ(nanosleep(&req, NULL), 0);
	KTAP_EXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	KTAP_EXPECT_GE(ns_of(&b) - ns_of(&a), 20 * 1000 * 1000);
}

static void bad_timespecs_are_refused(void)
{
	struct timespec bad = {0, 1000000000};
	KTAP_EXPECT_EQ(nanosleep(&bad, NULL), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(nanosleep((void *)8, NULL), -1);
	KTAP_EXPECT_EQ(errno, EFAULT);
	KTAP_EXPECT_EQ(clock_gettime(12345, &bad), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void uname_names_a_system(void)
{
	char u[6 * 65];
	KTAP_EXPECT_EQ(syscall3(SYS_uname, (long)u, 0, 0), 0);
	KTAP_EXPECT_GT(strlen(u), 0);
	KTAP_EXPECT_EQ(strcmp(u + 4 * 65, "x86_64"), 0);
	KTAP_EXPECT_EQ(syscall3(SYS_uname, 16, 0, 0), -EFAULT);
}

#define T(name)                                                                \
	{                                                                      \
#name, name                                                    \
	}
static const struct ktap_test tests[] = {
	T(write_returns_the_length),
	T(write_to_a_bad_fd_is_ebadf),
	T(write_from_bad_pointers_is_efault),
	T(unknown_syscall_is_enosys),
	T(getpid_is_positive_and_equals_gettid),
	T(bss_starts_zeroed),
	T(brk_grows_the_heap_with_zeroed_memory),
	T(anonymous_mmap_is_zeroed_and_writable),
	T(munmap_of_an_unaligned_address_is_einval),
	T(mmap_with_bad_flags_is_einval),
	T(mprotect_read_only_then_back),
	T(nanosleep_20ms_advances_the_monotonic_clock),
	T(bad_timespecs_are_refused),
	T(uname_names_a_system),
};

int main(void)
{
	return ktap_run("basic", tests, sizeof(tests) / sizeof(tests[0]));
}
