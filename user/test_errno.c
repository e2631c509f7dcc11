/*
 * Error codes and edge cases of the file calls, as Linux gives them (this
 * binary also runs on the Linux host, which must print the same): a
 * directory offset past anything the kernel lists, bad directory
 * descriptors, counts of SIZE_MAX, buffers that run off the end of a
 * mapping, and the descriptor limit.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "c/ktap.h"
#include "c/syscall.h"
#include "freestanding/linux_abi.h"

#define PAGE 4096l
#define F_DUPFD 0
#define RLIMIT_NOFILE 7
#define FD_LIMIT 1024 /* Linux's default soft RLIMIT_NOFILE */

static char self_path[256];
static char dents[4096];

static long sys(long n, long a, long b, long c)
{
	return syscall6(n, a, b, c, 0, 0, 0);
}

static long open_dir(const char *path)
{
	return sys(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_DIRECTORY);
}

/* A mapping of two pages whose second page is gone: returns the address
 * just past the first one, where a buffer put across it runs out. */
static long end_of_mapping(void)
{
	long p = syscall6(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sys(SYS_munmap, p + PAGE, PAGE, 0);
	return p + PAGE;
}

/* /proc directories end at INT_MAX (procfs's largest offset): lseek
 * refuses more, and getdents64 there finds the end, whatever the offset. */
static void proc_directory_offsets_stop_at_int_max(void)
{
	static const char *const dirs[] = {"/proc", "/proc/self"};
	static const long past[] = {0x80000000, 0xffffffff, 0x100000000,
				    INT64_MAX};
	for (unsigned d = 0; d < 2; d++) {
		long fd = open_dir(dirs[d]);
		KTAP_ASSERT_TRUE(fd >= 0);
		for (unsigned i = 0; i < 4; i++)
			KTAP_EXPECT_EQ(sys(SYS_lseek, fd, past[i], SEEK_SET),
				       -EINVAL);
		KTAP_EXPECT_GT(
			sys(SYS_getdents64, fd, (long)dents, sizeof(dents)), 0);
		KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0x7fffffff, SEEK_SET),
			       0x7fffffff);
		KTAP_EXPECT_EQ(
			sys(SYS_getdents64, fd, (long)dents, sizeof(dents)), 0);
		sys(SYS_close, fd, 0, 0);
	}
}

static void getdents_with_count_past_int_max_is_einval(void)
{
	long fd = open_dir("/");
	KTAP_ASSERT_TRUE(fd >= 0);
	KTAP_EXPECT_EQ(sys(SYS_getdents64, fd, (long)dents, -1), -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_getdents64, fd, (long)dents, 0x80000000l),
		       -EINVAL);
	/* count is an unsigned int: the high half is dropped, 0 is left */
	KTAP_EXPECT_EQ(sys(SYS_getdents64, fd, (long)dents, 0x100000000l),
		       -EINVAL);
	KTAP_EXPECT_GT(sys(SYS_getdents64, fd, (long)dents, sizeof(dents)), 0);
	sys(SYS_close, fd, 0, 0);
}

static void getdents_into_a_buffer_too_short_for_an_entry_is_efault(void)
{
	long end = end_of_mapping();
	long fd = open_dir("/");
	KTAP_EXPECT_EQ(sys(SYS_getdents64, fd, end - 16, 4096), -EFAULT);
	sys(SYS_close, fd, 0, 0);
	sys(SYS_munmap, end - PAGE, PAGE, 0);
}

static void relative_path_with_a_bad_dirfd_is_ebadf(void)
{
	KTAP_EXPECT_EQ(sys(SYS_openat, 12345, (long)"x", O_RDONLY), -EBADF);
	KTAP_EXPECT_EQ(sys(SYS_openat, -5, (long)"x", O_RDONLY), -EBADF);
	long st[18];
	KTAP_EXPECT_EQ(
		syscall6(SYS_newfstatat, 12345, (long)"x", (long)st, 0, 0, 0),
		-EBADF);
	/* the path is read first: a bad path wins over a bad dirfd */
	KTAP_EXPECT_EQ(sys(SYS_openat, 12345, 8, O_RDONLY), -EFAULT);
	KTAP_EXPECT_EQ(sys(SYS_openat, 12345, (long)"", O_RDONLY), -ENOENT);
}

static void absolute_path_ignores_dirfd(void)
{
	long fd = sys(SYS_openat, 12345, (long)"/proc/self/stat", O_RDONLY);
	KTAP_EXPECT_GE(fd, 0);
	sys(SYS_close, fd, 0, 0);
}

static void relative_path_starts_at_a_directory_dirfd(void)
{
	long dir = open_dir("/proc");
	long fd = sys(SYS_openat, dir, (long)"self/stat", O_RDONLY);
	KTAP_EXPECT_GE(fd, 0);
	char buf[16];
	KTAP_EXPECT_GT(sys(SYS_read, fd, (long)buf, sizeof(buf)), 0);
	sys(SYS_close, fd, 0, 0);
	sys(SYS_close, dir, 0, 0);
}

static void relative_path_with_a_file_dirfd_is_enotdir(void)
{
	long fd = sys(SYS_openat, AT_FDCWD, (long)self_path, O_RDONLY);
	KTAP_EXPECT_EQ(sys(SYS_openat, fd, (long)"x", O_RDONLY), -ENOTDIR);
	sys(SYS_close, fd, 0, 0);
}

static void read_and_write_of_size_max_bytes_are_efault(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(sys(SYS_pipe2, (long)fds, 0, 0), 0);
	char buf[8];
	KTAP_EXPECT_EQ(sys(SYS_write, fds[1], (long)buf, -1), -EFAULT);
	KTAP_EXPECT_EQ(sys(SYS_read, fds[0], (long)buf, -1), -EFAULT);
	KTAP_EXPECT_EQ(sys(SYS_write, fds[1], (long)"ab", 2), 2);
	KTAP_EXPECT_EQ(sys(SYS_read, fds[0], (long)buf, 0x7fffffffffffl),
		       -EFAULT);
	sys(SYS_close, fds[0], 0, 0);
	sys(SYS_close, fds[1], 0, 0);
}

/* Linux reads and checks the whole vector before any byte moves. */
static void writev_checks_every_segment_before_writing(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(sys(SYS_pipe2, (long)fds, O_NONBLOCK, 0), 0);
	char buf[4];
	long iov[4] = {(long)"ab", 2, (long)0xffffffff80000000ul, 2};
	KTAP_EXPECT_EQ(sys(SYS_writev, fds[1], (long)iov, 2), -EFAULT);
	iov[2] = (long)buf, iov[3] = -1;
	KTAP_EXPECT_EQ(sys(SYS_writev, fds[1], (long)iov, 2), -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_read, fds[0], (long)buf, sizeof(buf)), -EAGAIN);
	/* the descriptor is checked before the vector */
	KTAP_EXPECT_EQ(sys(SYS_writev, fds[0], 8, 1), -EBADF);
	KTAP_EXPECT_EQ(sys(SYS_readv, 12345, 8, 1), -EBADF);
	/* an empty vector is not read */
	KTAP_EXPECT_EQ(sys(SYS_writev, fds[1], 8, 0), 0);
	sys(SYS_close, fds[0], 0, 0);
	sys(SYS_close, fds[1], 0, 0);
}

static void read_across_the_end_of_a_mapping_returns_the_bytes_before(void)
{
	long end = end_of_mapping();
	long fd = sys(SYS_openat, AT_FDCWD, (long)self_path, O_RDONLY);
	KTAP_EXPECT_EQ(sys(SYS_read, fd, end - 16, 64), 16);
	KTAP_EXPECT_EQ(memcmp((char *)(end - 16),
			      "\x7f"
			      "ELF",
			      4),
		       0);
	/* the file offset moved by what was copied */
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, 1 /* SEEK_CUR */), 16);
	/* nothing copied at all: -EFAULT, the offset stays */
	KTAP_EXPECT_EQ(sys(SYS_read, fd, end, 64), -EFAULT);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, 1 /* SEEK_CUR */), 16);
	sys(SYS_close, fd, 0, 0);
	sys(SYS_munmap, end - PAGE, PAGE, 0);
}

static void descriptors_go_up_to_1023_then_emfile(void)
{
	int first = -1, last = -1;
	long r;
	while ((r = sys(SYS_dup, 0, 0, 0)) >= 0) {
		if (first < 0)
			first = (int)r;
		last = (int)r;
	}
	KTAP_EXPECT_EQ(r, -EMFILE);
	KTAP_EXPECT_EQ(last, FD_LIMIT - 1);
	KTAP_EXPECT_EQ(sys(SYS_dup2, 0, FD_LIMIT, 0), -EBADF);
	KTAP_EXPECT_EQ(sys(SYS_fcntl, 0, F_DUPFD, FD_LIMIT), -EINVAL);
	for (int fd = first; fd >= 0 && fd <= last; fd++)
		sys(SYS_close, fd, 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_dup2, 0, FD_LIMIT - 1, 0), FD_LIMIT - 1);
	KTAP_EXPECT_EQ(sys(SYS_fcntl, 0, F_DUPFD, FD_LIMIT - 2), FD_LIMIT - 2);
	sys(SYS_close, FD_LIMIT - 1, 0, 0);
	sys(SYS_close, FD_LIMIT - 2, 0, 0);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(proc_directory_offsets_stop_at_int_max),
	KTAP_TEST(getdents_with_count_past_int_max_is_einval),
	KTAP_TEST(getdents_into_a_buffer_too_short_for_an_entry_is_efault),
	KTAP_TEST(relative_path_with_a_bad_dirfd_is_ebadf),
	KTAP_TEST(absolute_path_ignores_dirfd),
	KTAP_TEST(relative_path_starts_at_a_directory_dirfd),
	KTAP_TEST(relative_path_with_a_file_dirfd_is_enotdir),
	KTAP_TEST(read_and_write_of_size_max_bytes_are_efault),
	KTAP_TEST(writev_checks_every_segment_before_writing),
	KTAP_TEST(read_across_the_end_of_a_mapping_returns_the_bytes_before),
	KTAP_TEST(descriptors_go_up_to_1023_then_emfile),
};

int main(int argc, char **argv)
{
	(void)argc;
	/* The host may allow more descriptors than Linux's default; Spindle
	 * has the default and no prlimit64 (-ENOSYS is fine). */
	long limit[2] = {FD_LIMIT, FD_LIMIT};
	syscall6(SYS_prlimit64, 0, RLIMIT_NOFILE, (long)limit, 0, 0, 0);
	if (argv[0][0] == '/') {
		strlcpy(self_path, argv[0], sizeof(self_path));
	} else {
		char cwd[200];
		sys(SYS_getcwd, (long)cwd, sizeof(cwd), 0);
		snprintf(self_path, sizeof(self_path), "%s/%s", cwd, argv[0]);
	}
	return KTAP_RUN("errno", tests);
}
