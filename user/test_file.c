/*
 * File system calls on files that exist both here and on the Linux host:
 * this program's own executable and directory, pipes, and /proc. Raw
 * system calls, so the errors come straight from the kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "c/ktap.h"
#include "c/syscall.h"
#include "freestanding/linux_abi.h"

#define BAD ((long)8) /* an address nothing is mapped at */

static char self_path[256], self_dir[256];
static const char *self_name;

struct kstat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t times[6], unused[3];
};

static long sys(long n, long a, long b, long c)
{
	return syscall6(n, a, b, c, 0, 0, 0);
}

static long open_self(int flags)
{
	return sys(SYS_openat, AT_FDCWD, (long)self_path, flags);
}

static void open_read_close_this_program(void)
{
	long fd = open_self(O_RDONLY);
	KTAP_EXPECT_GE(fd, 3);
	char magic[4] = {0};
	KTAP_EXPECT_EQ(sys(SYS_read, fd, (long)magic, 4), 4);
	KTAP_EXPECT_EQ(memcmp(magic,
			      "\x7f"
			      "ELF",
			      4),
		       0);
	KTAP_EXPECT_EQ(sys(SYS_close, fd, 0, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_close, fd, 0, 0), -EBADF);
}

static void open_errors(void)
{
	KTAP_EXPECT_EQ(sys(SYS_openat, AT_FDCWD, (long)"/no/such/file", 0),
		       -ENOENT);
	KTAP_EXPECT_EQ(sys(SYS_openat, AT_FDCWD, BAD, 0), -EFAULT);
	KTAP_EXPECT_EQ(sys(SYS_openat, AT_FDCWD, (long)"", 0), -ENOENT);
	KTAP_EXPECT_EQ(open_self(O_RDONLY | O_DIRECTORY), -ENOTDIR);
}

static void read_and_write_errors(void)
{
	char buf[8];
	KTAP_EXPECT_EQ(sys(SYS_read, 77, (long)buf, 1), -EBADF);
	KTAP_EXPECT_EQ(sys(SYS_read, -1, (long)buf, 1), -EBADF);
	long fd = open_self(O_RDONLY);
	KTAP_EXPECT_EQ(sys(SYS_read, fd, BAD, 4), -EFAULT);
	KTAP_EXPECT_EQ(sys(SYS_write, fd, (long)"x", 1), -EBADF);
	sys(SYS_close, fd, 0, 0);
	long dir = sys(SYS_openat, AT_FDCWD, (long)self_dir, O_DIRECTORY);
	KTAP_EXPECT_GE(dir, 0);
	KTAP_EXPECT_EQ(sys(SYS_read, dir, (long)buf, 1), -EISDIR);
	sys(SYS_close, dir, 0, 0);
}

static void lseek_moves_and_checks(void)
{
	long fd = open_self(O_RDONLY);
	char three[3];
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 1, 0 /* SEEK_SET */), 1);
	KTAP_EXPECT_EQ(sys(SYS_read, fd, (long)three, 3), 3);
	KTAP_EXPECT_EQ(memcmp(three, "ELF", 3), 0);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, 1 /* SEEK_CUR */), 4);
	struct kstat st;
	KTAP_EXPECT_EQ(sys(SYS_fstat, fd, (long)&st, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, 2 /* SEEK_END */), st.size);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, 7), -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, -10, 0), -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_lseek, 77, 0, 0), -EBADF);
	sys(SYS_close, fd, 0, 0);
}

static void fstat_and_stat_agree(void)
{
	long fd = open_self(O_RDONLY);
	struct kstat a, b;
	KTAP_EXPECT_EQ(sys(SYS_fstat, fd, (long)&a, 0), 0);
	KTAP_EXPECT_EQ(a.mode & S_IFMT, S_IFREG);
	KTAP_EXPECT_GT(a.size, 4096);
	KTAP_EXPECT_EQ(syscall6(SYS_newfstatat, AT_FDCWD, (long)self_path,
				(long)&b, 0, 0, 0),
		       0);
	KTAP_EXPECT_EQ(b.size, a.size);
	KTAP_EXPECT_EQ(b.ino, a.ino);
	KTAP_EXPECT_EQ(sys(SYS_fstat, fd, BAD, 0), -EFAULT);
	KTAP_EXPECT_EQ(sys(SYS_fstat, 77, (long)&a, 0), -EBADF);
	KTAP_EXPECT_EQ(
		syscall6(SYS_newfstatat, AT_FDCWD, BAD, (long)&b, 0, 0, 0),
		-EFAULT);
	sys(SYS_close, fd, 0, 0);
}

static void getdents64_lists_this_program(void)
{
	long dir = sys(SYS_openat, AT_FDCWD, (long)self_dir, O_DIRECTORY);
	char buf[4096];
	int found = 0, entries = 0;
	long n;
	while ((n = sys(SYS_getdents64, dir, (long)buf, sizeof(buf))) > 0) {
		for (long at = 0; at < n;) {
			struct linux_dirent64 *d = (void *)(buf + at);
			entries++;
			found += strcmp(d->name, self_name) == 0;
			at += d->reclen;
		}
	}
	KTAP_EXPECT_EQ(n, 0);
	KTAP_EXPECT_EQ(found, 1);
	KTAP_EXPECT_GT(entries, 1);
	KTAP_EXPECT_EQ(sys(SYS_getdents64, dir, BAD, sizeof(buf)),
		       0); /* at end */
	sys(SYS_close, dir, 0, 0);
	dir = sys(SYS_openat, AT_FDCWD, (long)self_dir, O_DIRECTORY);
	KTAP_EXPECT_EQ(sys(SYS_getdents64, dir, BAD, sizeof(buf)), -EFAULT);
	sys(SYS_close, dir, 0, 0);
	long fd = open_self(O_RDONLY);
	KTAP_EXPECT_EQ(sys(SYS_getdents64, fd, (long)buf, sizeof(buf)),
		       -ENOTDIR);
	sys(SYS_close, fd, 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_getdents64, 77, (long)buf, sizeof(buf)), -EBADF);
}

static void dup_shares_the_offset(void)
{
	long fd = open_self(O_RDONLY);
	long copy = sys(SYS_dup, fd, 0, 0);
	KTAP_EXPECT_GT(copy, fd);
	char c;
	sys(SYS_read, fd, (long)&c, 1);
	KTAP_EXPECT_EQ(sys(SYS_lseek, copy, 0, 1), 1);
	KTAP_EXPECT_EQ(sys(SYS_dup2, fd, 40, 0), 40);
	KTAP_EXPECT_EQ(sys(SYS_lseek, 40, 0, 1), 1);
	KTAP_EXPECT_EQ(sys(SYS_dup2, fd, fd, 0), fd);
	KTAP_EXPECT_EQ(sys(SYS_dup3, fd, fd, 0), -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_dup3, fd, 41, 12345), -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_dup2, 77, 41, 0), -EBADF);
	KTAP_EXPECT_EQ(sys(SYS_dup, 77, 0, 0), -EBADF);
	KTAP_EXPECT_EQ(sys(SYS_dup3, fd, 41, O_CLOEXEC), 41);
	KTAP_EXPECT_EQ(sys(SYS_fcntl, 41, 1 /* F_GETFD */, 0), 1);
	KTAP_EXPECT_EQ(sys(SYS_fcntl, copy, 1, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_fcntl, copy, 2 /* F_SETFD */, 1), 0);
	KTAP_EXPECT_EQ(sys(SYS_fcntl, copy, 1, 0), 1);
	KTAP_EXPECT_EQ(sys(SYS_fcntl, fd, 3 /* F_GETFL */, 0) & 3, O_RDONLY);
	for (long f = fd; f <= 41; f++)
		if (f == fd || f == copy || f == 40 || f == 41)
			sys(SYS_close, f, 0, 0);
}

static void pipe_carries_bytes_and_ends(void)
{
	int fds[2];
	KTAP_EXPECT_EQ(sys(SYS_pipe2, (long)fds, 0, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_write, fds[1], (long)"hello", 5), 5);
	char buf[16];
	KTAP_EXPECT_EQ(sys(SYS_read, fds[0], (long)buf, sizeof(buf)), 5);
	KTAP_EXPECT_EQ(memcmp(buf, "hello", 5), 0);
	KTAP_EXPECT_EQ(sys(SYS_write, fds[0], (long)"x", 1), -EBADF);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fds[0], 0, 0), -ESPIPE);
	KTAP_EXPECT_EQ(sys(SYS_ioctl, fds[0], 0x5413, (long)buf), -ENOTTY);
	struct kstat st;
	sys(SYS_fstat, fds[0], (long)&st, 0);
	KTAP_EXPECT_EQ(st.mode & S_IFMT, S_IFIFO);
	sys(SYS_close, fds[1], 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_read, fds[0], (long)buf, sizeof(buf)), 0);
	sys(SYS_close, fds[0], 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_pipe2, (long)fds, 12345, 0), -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_pipe2, BAD, 0, 0), -EFAULT);
}

static void nonblocking_empty_pipe_is_eagain(void)
{
	int fds[2];
	KTAP_EXPECT_EQ(sys(SYS_pipe2, (long)fds, O_NONBLOCK, 0), 0);
	char c;
	KTAP_EXPECT_EQ(sys(SYS_read, fds[0], (long)&c, 1), -EAGAIN);
	sys(SYS_close, fds[0], 0, 0);
	sys(SYS_close, fds[1], 0, 0);
}

static void writing_to_a_pipe_without_reader_is_epipe(void)
{
	/* Ignore SIGPIPE (SIG_IGN), or the write would end this program. */
	uint64_t act[4] = {1 /* SIG_IGN */, 0, 0, 0};
	KTAP_EXPECT_EQ(syscall6(SYS_rt_sigaction, 13, (long)act, 0, 8, 0, 0),
		       0);
	int fds[2];
	sys(SYS_pipe2, (long)fds, 0, 0);
	sys(SYS_close, fds[0], 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_write, fds[1], (long)"x", 1), -EPIPE);
	sys(SYS_close, fds[1], 0, 0);
	act[0] = 0; /* SIG_DFL */
	syscall6(SYS_rt_sigaction, 13, (long)act, 0, 8, 0, 0);
}

static void a_pipe_between_processes_moves_100_kib(void)
{
	enum { TOTAL = 100 * 1024 };
	int fds[2];
	sys(SYS_pipe2, (long)fds, 0, 0);
	long pid = sys(SYS_fork, 0, 0, 0);
	if (pid == 0) {
		sys(SYS_close, fds[0], 0, 0);
		char block[1000];
		for (int i = 0; i < (int)sizeof(block); i++)
			block[i] = (char)i;
		long sent = 0;
		while (sent < TOTAL) {
			long n = sys(SYS_write, fds[1], (long)block,
				     TOTAL - sent < 1000 ? TOTAL - sent : 1000);
			if (n <= 0)
				break;
			sent += n;
		}
		sys(SYS_exit_group, sent == TOTAL ? 0 : 1, 0, 0);
	}
	sys(SYS_close, fds[1], 0, 0);
	long got = 0, bad = 0, n;
	char buf[777];
	while ((n = sys(SYS_read, fds[0], (long)buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n; i++)
			bad += buf[i] != (char)((got + i) % 1000);
		got += n;
	}
	sys(SYS_close, fds[0], 0, 0);
	int status = -1;
	syscall6(SYS_wait4, pid, (long)&status, 0, 0, 0, 0);
	KTAP_EXPECT_EQ(got, TOTAL);
	KTAP_EXPECT_EQ(bad, 0);
	KTAP_EXPECT_EQ(status, 0);
}

static void readv_and_writev_through_a_pipe(void)
{
	int fds[2];
	sys(SYS_pipe2, (long)fds, 0, 0);
	struct {
		const void *base;
		long len;
	} out[2] = {{"abc", 3}, {"defg", 4}};
	KTAP_EXPECT_EQ(sys(SYS_writev, fds[1], (long)out, 2), 7);
	char a[2], b[5];
	struct {
		void *base;
		long len;
	} in[2] = {{a, 2}, {b, 5}};
	KTAP_EXPECT_EQ(sys(SYS_readv, fds[0], (long)in, 2), 7);
	KTAP_EXPECT_EQ(memcmp(a, "ab", 2) | memcmp(b, "cdefg", 5), 0);
	KTAP_EXPECT_EQ(sys(SYS_writev, fds[1], BAD, 2), -EFAULT);
	KTAP_EXPECT_EQ(sys(SYS_writev, fds[1], (long)out, -1), -EINVAL);
	sys(SYS_close, fds[0], 0, 0);
	sys(SYS_close, fds[1], 0, 0);
}

static void chdir_and_getcwd(void)
{
	char cwd[256];
	KTAP_EXPECT_EQ(sys(SYS_chdir, (long)self_dir, 0, 0), 0);
	KTAP_EXPECT_GT(sys(SYS_getcwd, (long)cwd, sizeof(cwd), 0), 0);
	KTAP_EXPECT_EQ(cwd[0], '/');
	long fd = sys(SYS_openat, AT_FDCWD, (long)self_name, O_RDONLY);
	KTAP_EXPECT_GE(fd, 0); /* found relative to the new directory */
	sys(SYS_close, fd, 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_getcwd, (long)cwd, 1, 0), -ERANGE);
	KTAP_EXPECT_EQ(sys(SYS_getcwd, BAD, sizeof(cwd), 0), -EFAULT);
	KTAP_EXPECT_EQ(sys(SYS_chdir, (long)self_path, 0, 0), -ENOTDIR);
	KTAP_EXPECT_EQ(sys(SYS_chdir, (long)"/no/such/dir", 0, 0), -ENOENT);
	KTAP_EXPECT_EQ(sys(SYS_chdir, BAD, 0, 0), -EFAULT);
}

static long read_file(const char *path, char *buf, long size)
{
	long fd = sys(SYS_openat, AT_FDCWD, (long)path, O_RDONLY);
	if (fd < 0)
		return fd;
	long total = 0, n;
	while (total < size - 1 &&
	       (n = sys(SYS_read, fd, (long)buf + total, size - 1 - total)) > 0)
		total += n;
	buf[total] = '\0';
	sys(SYS_close, fd, 0, 0);
	return total;
}

static void proc_self_stat_names_this_program(void)
{
	char buf[512], want[64];
	KTAP_EXPECT_GT(read_file("/proc/self/stat", buf, sizeof(buf)), 0);
	long pid = sys(SYS_getpid, 0, 0, 0), at = 0, v = 0;
	while (buf[at] >= '0' && buf[at] <= '9')
		v = v * 10 + (buf[at++] - '0');
	KTAP_EXPECT_EQ(v, pid);
	snprintf(want, sizeof(want), "(%.15s)", self_name); /* comm: 15 max */
	KTAP_EXPECT_TRUE(strstr(buf, want) != NULL);
}

static void proc_cpuinfo_lists_processors(void)
{
	static char buf[16384];
	KTAP_EXPECT_GT(read_file("/proc/cpuinfo", buf, sizeof(buf)), 0);
	KTAP_EXPECT_TRUE(strstr(buf, "processor\t: 0") != NULL);
	KTAP_EXPECT_TRUE(strstr(buf, "core id") != NULL);
	char mem[512];
	KTAP_EXPECT_GT(read_file("/proc/meminfo", mem, sizeof(mem)), 0);
	KTAP_EXPECT_TRUE(strstr(mem, "MemTotal:") != NULL);
}

/* Writes s to path, O_WRONLY: what write returned, or open's error. */
static long write_file(const char *path, const char *s)
{
	long fd = sys(SYS_openat, AT_FDCWD, (long)path, O_WRONLY);
	if (fd < 0)
		return fd;
	long r = sys(SYS_write, fd, (long)s, (long)strlen(s));
	sys(SYS_close, fd, 0, 0);
	return r;
}

/* Spindle's switch for its scheduler trace (Linux has no such file). */
static void proc_trace_on_switches_the_trace(void)
{
	char buf[8];
	if (read_file("/proc/trace_on", buf, sizeof(buf)) < 0) {
		ktap_skip("no /proc/trace_on: not Spindle");
		return;
	}
	KTAP_EXPECT_STREQ(buf, "1\n");
	KTAP_EXPECT_EQ(write_file("/proc/trace_on", "0\n"), 2);
	KTAP_EXPECT_GT(read_file("/proc/trace_on", buf, sizeof(buf)), 0);
	KTAP_EXPECT_STREQ(buf, "0\n");
	KTAP_EXPECT_EQ(write_file("/proc/trace_on", "on"), -EINVAL);
	KTAP_EXPECT_EQ(write_file("/proc/trace_on", "1"), 1);
	KTAP_EXPECT_GT(read_file("/proc/trace_on", buf, sizeof(buf)), 0);
	KTAP_EXPECT_STREQ(buf, "1\n");
	KTAP_EXPECT_EQ(write_file("/proc/uptime", "1"), -EACCES);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(open_read_close_this_program),
	KTAP_TEST(open_errors),
	KTAP_TEST(read_and_write_errors),
	KTAP_TEST(lseek_moves_and_checks),
	KTAP_TEST(fstat_and_stat_agree),
	KTAP_TEST(getdents64_lists_this_program),
	KTAP_TEST(dup_shares_the_offset),
	KTAP_TEST(pipe_carries_bytes_and_ends),
	KTAP_TEST(nonblocking_empty_pipe_is_eagain),
	KTAP_TEST(writing_to_a_pipe_without_reader_is_epipe),
	KTAP_TEST(a_pipe_between_processes_moves_100_kib),
	KTAP_TEST(readv_and_writev_through_a_pipe),
	KTAP_TEST(chdir_and_getcwd),
	KTAP_TEST(proc_self_stat_names_this_program),
	KTAP_TEST(proc_cpuinfo_lists_processors),
	KTAP_TEST(proc_trace_on_switches_the_trace),
};

int main(int argc, char **argv)
{
	(void)argc;
	/* An absolute path to this program, whatever the cwd. */
	if (argv[0][0] == '/') {
		strlcpy(self_path, argv[0], sizeof(self_path));
	} else {
		char cwd[128];
		sys(SYS_getcwd, (long)cwd, sizeof(cwd), 0);
		snprintf(self_path, sizeof(self_path), "%s/%s", cwd, argv[0]);
	}
	strlcpy(self_dir, self_path, sizeof(self_dir));
	*strrchr(self_dir, '/') = '\0';
	if (!self_dir[0])
		strlcpy(self_dir, "/", sizeof(self_dir));
	self_name = strrchr(self_path, '/') + 1;
	return KTAP_RUN("file", tests);
}
