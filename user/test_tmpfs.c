/*
 * tmpfs file semantics on /tmp and /dev/shm, as Linux has them: create,
 * read and write, truncate, unlink while open, link, rename, directories,
 * access, and the errors of each. Every test works in a directory of its
 * own under /tmp (the host's /tmp is shared), removed at the end. Raw
 * system calls, so the errors come straight from the kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "c/ktap.h"
#include "c/syscall.h"
#include "freestanding/linux_abi.h"

#define BAD ((long)8) /* an address nothing is mapped at */

static char top[64]; /* this run's directory: /tmp/spindle-tmpfs-PID */

static long sys(long n, long a, long b, long c)
{
	return syscall6(n, a, b, c, 0, 0, 0);
}

/* top/name, in a static buffer of its own per slot. */
static const char *at(int slot, const char *name)
{
	static char paths[4][512];
	snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", top, name);
	return paths[slot];
}

static long open_at(const char *path, int flags)
{
	return syscall6(SYS_openat, AT_FDCWD, (long)path, flags, 0644, 0, 0);
}

static long make_file(const char *path, const char *text)
{
	long fd = open_at(path, O_CREAT | O_EXCL | O_RDWR);
	if (fd >= 0 && text)
		sys(SYS_write, fd, (long)text, (long)strlen(text));
	return fd;
}

static struct stat stat_of(const char *path)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	sys(SYS_stat, (long)path, (long)&st, 0);
	return st;
}

static void create_write_read_back(void)
{
	long fd = make_file(at(0, "a"), "hello");
	KTAP_ASSERT_TRUE(fd >= 0);
	char buf[8] = {0};
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, SEEK_SET), 0);
	KTAP_EXPECT_EQ(sys(SYS_read, fd, (long)buf, sizeof(buf)), 5);
	KTAP_EXPECT_STREQ(buf, "hello");
	KTAP_EXPECT_EQ(sys(SYS_read, fd, (long)buf, sizeof(buf)), 0);
	struct stat st;
	KTAP_EXPECT_EQ(sys(SYS_fstat, fd, (long)&st, 0), 0);
	KTAP_EXPECT_EQ(st.st_size, 5);
	KTAP_EXPECT_EQ(st.st_mode, S_IFREG | 0644);
	KTAP_EXPECT_EQ(st.st_nlink, 1);
	KTAP_EXPECT_EQ(stat_of(at(0, "a")).st_ino, st.st_ino);
	sys(SYS_close, fd, 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_unlink, (long)at(0, "a"), 0, 0), 0);
}

static void open_errors(void)
{
	long fd = make_file(at(0, "f"), "x");
	KTAP_EXPECT_EQ(make_file(at(0, "f"), NULL), -EEXIST);
	KTAP_EXPECT_EQ(open_at(at(1, "missing"), O_RDONLY), -ENOENT);
	KTAP_EXPECT_EQ(open_at(at(1, "no/such"), O_CREAT | O_RDWR), -ENOENT);
	KTAP_EXPECT_EQ(open_at(at(1, "f/x"), O_CREAT | O_RDWR), -ENOTDIR);
	KTAP_EXPECT_EQ(open_at(at(1, "f"), O_RDONLY | O_DIRECTORY), -ENOTDIR);
	KTAP_EXPECT_EQ(open_at(top, O_RDWR), -EISDIR);
	char longname[300];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	KTAP_EXPECT_EQ(open_at(at(1, longname), O_CREAT | O_RDWR),
		       -ENAMETOOLONG);
	KTAP_EXPECT_EQ(syscall6(SYS_openat, AT_FDCWD, BAD, O_CREAT | O_RDWR,
				0644, 0, 0),
		       -EFAULT);
	sys(SYS_close, fd, 0, 0);
	sys(SYS_unlink, (long)at(0, "f"), 0, 0);
}

static void trunc_and_append(void)
{
	long fd = make_file(at(0, "t"), "0123456789");
	sys(SYS_close, fd, 0, 0);
	fd = open_at(at(0, "t"), O_RDWR | O_TRUNC);
	struct stat st;
	sys(SYS_fstat, fd, (long)&st, 0);
	KTAP_EXPECT_EQ(st.st_size, 0);
	sys(SYS_write, fd, (long)"ab", 2);
	sys(SYS_close, fd, 0, 0);
	fd = open_at(at(0, "t"), O_WRONLY | O_APPEND);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, SEEK_SET), 0);
	KTAP_EXPECT_EQ(sys(SYS_write, fd, (long)"cd", 2), 2);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, SEEK_CUR), 4);
	sys(SYS_close, fd, 0, 0);
	char buf[8] = {0};
	fd = open_at(at(0, "t"), O_RDONLY);
	KTAP_EXPECT_EQ(sys(SYS_read, fd, (long)buf, sizeof(buf)), 4);
	KTAP_EXPECT_STREQ(buf, "abcd");
	sys(SYS_close, fd, 0, 0);
	sys(SYS_unlink, (long)at(0, "t"), 0, 0);
}

static void pread_pwrite_keep_the_position(void)
{
	long fd = make_file(at(0, "p"), "abcdef");
	char buf[4] = {0};
	KTAP_EXPECT_EQ(syscall6(SYS_pread64, fd, (long)buf, 3, 2, 0, 0), 3);
	KTAP_EXPECT_STREQ(buf, "cde");
	KTAP_EXPECT_EQ(syscall6(SYS_pwrite64, fd, (long)"XY", 2, 1, 0, 0), 2);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, SEEK_CUR), 6);
	KTAP_EXPECT_EQ(syscall6(SYS_pread64, fd, (long)buf, 3, 0, 0, 0), 3);
	KTAP_EXPECT_STREQ(buf, "aXY");
	KTAP_EXPECT_EQ(syscall6(SYS_pread64, fd, (long)buf, 3, -1, 0, 0),
		       -EINVAL);
	KTAP_EXPECT_EQ(syscall6(SYS_pread64, fd, BAD, 3, 0, 0, 0), -EFAULT);
	int pipe[2];
	sys(SYS_pipe2, (long)pipe, 0, 0);
	KTAP_EXPECT_EQ(syscall6(SYS_pread64, pipe[0], (long)buf, 1, 0, 0, 0),
		       -ESPIPE);
	sys(SYS_close, pipe[0], 0, 0);
	sys(SYS_close, pipe[1], 0, 0);
	sys(SYS_close, fd, 0, 0);
	sys(SYS_unlink, (long)at(0, "p"), 0, 0);
}

static void truncate_grows_with_zeroes_and_shrinks(void)
{
	long fd = make_file(at(0, "z"), "abc");
	KTAP_EXPECT_EQ(sys(SYS_ftruncate, fd, 8192 + 10, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_lseek, fd, 0, SEEK_END), 8192 + 10);
	static char buf[8192 + 10];
	memset(buf, 'q', sizeof(buf));
	KTAP_EXPECT_EQ(
		syscall6(SYS_pread64, fd, (long)buf, sizeof(buf), 0, 0, 0),
		(long)sizeof(buf));
	int nonzero = 0;
	for (size_t i = 3; i < sizeof(buf); i++)
		nonzero += buf[i] != 0;
	KTAP_EXPECT_EQ(nonzero, 0);
	KTAP_EXPECT_EQ(memcmp(buf, "abc", 3), 0);
	KTAP_EXPECT_EQ(sys(SYS_truncate, (long)at(0, "z"), 1, 0), 0);
	KTAP_EXPECT_EQ(stat_of(at(0, "z")).st_size, 1);
	KTAP_EXPECT_EQ(sys(SYS_ftruncate, fd, 3, 0), 0);
	KTAP_EXPECT_EQ(syscall6(SYS_pread64, fd, (long)buf, 3, 0, 0, 0), 3);
	KTAP_EXPECT_EQ(memcmp(buf, "a\0\0", 3), 0);
	KTAP_EXPECT_EQ(sys(SYS_ftruncate, fd, -1, 0), -EINVAL);
	long ro = open_at(at(0, "z"), O_RDONLY);
	KTAP_EXPECT_EQ(sys(SYS_ftruncate, ro, 0, 0), -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_truncate, (long)top, 0, 0), -EISDIR);
	KTAP_EXPECT_EQ(sys(SYS_truncate, (long)at(1, "none"), 0, 0), -ENOENT);
	sys(SYS_close, ro, 0, 0);
	sys(SYS_close, fd, 0, 0);
	sys(SYS_unlink, (long)at(0, "z"), 0, 0);
}

static void unlinked_file_stays_readable_until_closed(void)
{
	long fd = make_file(at(0, "u"), "still here");
	KTAP_EXPECT_EQ(sys(SYS_unlink, (long)at(0, "u"), 0, 0), 0);
	KTAP_EXPECT_EQ(open_at(at(0, "u"), O_RDONLY), -ENOENT);
	char buf[16] = {0};
	KTAP_EXPECT_EQ(syscall6(SYS_pread64, fd, (long)buf, 15, 0, 0, 0), 10);
	KTAP_EXPECT_STREQ(buf, "still here");
	struct stat st;
	sys(SYS_fstat, fd, (long)&st, 0);
	KTAP_EXPECT_EQ(st.st_nlink, 0);
	KTAP_EXPECT_EQ(sys(SYS_write, fd, (long)"!", 1), 1);
	KTAP_EXPECT_EQ(sys(SYS_close, fd, 0, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_unlink, (long)at(0, "u"), 0, 0), -ENOENT);
}

static void link_counts_names(void)
{
	long fd = make_file(at(0, "l1"), "shared");
	KTAP_EXPECT_EQ(sys(SYS_link, (long)at(0, "l1"), (long)at(1, "l2"), 0),
		       0);
	struct stat a = stat_of(at(0, "l1")), b = stat_of(at(1, "l2"));
	KTAP_EXPECT_EQ(a.st_ino, b.st_ino);
	KTAP_EXPECT_EQ(a.st_nlink, 2);
	KTAP_EXPECT_EQ(sys(SYS_link, (long)at(0, "l1"), (long)at(1, "l2"), 0),
		       -EEXIST);
	KTAP_EXPECT_EQ(sys(SYS_link, (long)top, (long)at(1, "dirlink"), 0),
		       -EPERM);
	KTAP_EXPECT_EQ(sys(SYS_link, (long)at(0, "nope"), (long)at(1, "x"), 0),
		       -ENOENT);
	KTAP_EXPECT_EQ(syscall6(SYS_linkat, AT_FDCWD, (long)at(0, "l1"),
				AT_FDCWD, (long)at(1, "l3"), 0x8000, 0),
		       -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_unlink, (long)at(0, "l1"), 0, 0), 0);
	KTAP_EXPECT_EQ(stat_of(at(1, "l2")).st_nlink, 1);
	char buf[8] = {0};
	long fd2 = open_at(at(1, "l2"), O_RDONLY);
	KTAP_EXPECT_EQ(sys(SYS_read, fd2, (long)buf, 7), 6);
	KTAP_EXPECT_STREQ(buf, "shared");
	sys(SYS_close, fd2, 0, 0);
	sys(SYS_close, fd, 0, 0);
	sys(SYS_unlink, (long)at(1, "l2"), 0, 0);
}

static long rename2(const char *from, const char *to, long flags)
{
	return syscall6(SYS_renameat2, AT_FDCWD, (long)from, AT_FDCWD, (long)to,
			flags, 0);
}

static void rename_replaces_and_checks(void)
{
	sys(SYS_close, make_file(at(0, "r1"), "one"), 0, 0);
	sys(SYS_close, make_file(at(0, "r2"), "two"), 0, 0);
	unsigned long ino = stat_of(at(0, "r1")).st_ino;
	KTAP_EXPECT_EQ(rename2(at(0, "r1"), at(1, "r2"), RENAME_NOREPLACE),
		       -EEXIST);
	KTAP_EXPECT_EQ(sys(SYS_rename, (long)at(0, "r1"), (long)at(1, "r2"), 0),
		       0);
	KTAP_EXPECT_EQ(stat_of(at(1, "r2")).st_ino, ino);
	KTAP_EXPECT_EQ(open_at(at(0, "r1"), O_RDONLY), -ENOENT);
	KTAP_EXPECT_EQ(sys(SYS_rename, (long)at(0, "r1"), (long)at(1, "r3"), 0),
		       -ENOENT);
	sys(SYS_mkdir, (long)at(0, "d1"), 0755, 0);
	sys(SYS_mkdir, (long)at(0, "d2"), 0755, 0);
	sys(SYS_close, make_file(at(0, "d2/in"), NULL), 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_rename, (long)at(0, "d1"), (long)at(1, "d2"), 0),
		       -ENOTEMPTY);
	KTAP_EXPECT_EQ(sys(SYS_rename, (long)at(0, "r2"), (long)at(1, "d1"), 0),
		       -EISDIR);
	KTAP_EXPECT_EQ(sys(SYS_rename, (long)at(0, "d1"), (long)at(1, "r2"), 0),
		       -ENOTDIR);
	KTAP_EXPECT_EQ(
		sys(SYS_rename, (long)at(0, "d2"), (long)at(1, "d2/x"), 0),
		-EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_rename, (long)at(0, "r2"),
			   (long)"/dev/shm/spindle-exdev", 0),
		       -EXDEV);
	/* a directory moves, with what is in it */
	KTAP_EXPECT_EQ(
		sys(SYS_rename, (long)at(0, "d2"), (long)at(1, "d1/d2"), 0), 0);
	KTAP_EXPECT_EQ(stat_of(at(0, "d1/d2/in")).st_mode, S_IFREG | 0644);
	KTAP_EXPECT_EQ(stat_of(at(0, "d1")).st_nlink, 3);
	sys(SYS_unlink, (long)at(0, "d1/d2/in"), 0, 0);
	sys(SYS_rmdir, (long)at(0, "d1/d2"), 0, 0);
	sys(SYS_rmdir, (long)at(0, "d1"), 0, 0);
	sys(SYS_unlink, (long)at(0, "r2"), 0, 0);
}

static void mkdir_and_rmdir(void)
{
	KTAP_EXPECT_EQ(sys(SYS_mkdir, (long)at(0, "m"), 0755, 0), 0);
	struct stat st = stat_of(at(0, "m"));
	KTAP_EXPECT_EQ(st.st_mode, S_IFDIR | 0755);
	KTAP_EXPECT_EQ(st.st_nlink, 2);
	KTAP_EXPECT_EQ(sys(SYS_mkdir, (long)at(0, "m"), 0755, 0), -EEXIST);
	KTAP_EXPECT_EQ(syscall6(SYS_mkdirat, AT_FDCWD, (long)at(0, "m/sub"),
				0700, 0, 0, 0),
		       0);
	KTAP_EXPECT_EQ(stat_of(at(0, "m")).st_nlink, 3);
	KTAP_EXPECT_EQ(sys(SYS_mkdir, (long)at(0, "none/x"), 0755, 0), -ENOENT);
	KTAP_EXPECT_EQ(sys(SYS_rmdir, (long)at(0, "m"), 0, 0), -ENOTEMPTY);
	KTAP_EXPECT_EQ(sys(SYS_unlink, (long)at(0, "m"), 0, 0), -EISDIR);
	sys(SYS_close, make_file(at(0, "m/file"), NULL), 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_rmdir, (long)at(0, "m/file"), 0, 0), -ENOTDIR);
	KTAP_EXPECT_EQ(syscall6(SYS_unlinkat, AT_FDCWD, (long)at(0, "m/file"),
				0, 0, 0, 0),
		       0);
	KTAP_EXPECT_EQ(syscall6(SYS_unlinkat, AT_FDCWD, (long)at(0, "m/sub"),
				AT_REMOVEDIR, 0, 0, 0),
		       0);
	KTAP_EXPECT_EQ(syscall6(SYS_unlinkat, AT_FDCWD, (long)at(0, "m"), 0x1,
				0, 0, 0),
		       -EINVAL);
	KTAP_EXPECT_EQ(sys(SYS_rmdir, (long)at(0, "m"), 0, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_rmdir, (long)at(0, "m"), 0, 0), -ENOENT);
}

/* How many of names[] getdents64 lists in dir, and whether "." and ".."
 * are there. */
static int count_listed(const char *dir, const char *const *names, int n,
			int *dots)
{
	long fd = open_at(dir, O_RDONLY | O_DIRECTORY);
	char buf[1024];
	int found = 0;
	long got;
	*dots = 0;
	while ((got = sys(SYS_getdents64, fd, (long)buf, sizeof(buf))) > 0) {
		for (long i = 0; i < got;) {
			struct linux_dirent64 *d = (void *)(buf + i);
			for (int k = 0; k < n; k++)
				found += strcmp(d->name, names[k]) == 0;
			*dots += strcmp(d->name, ".") == 0 ||
				 strcmp(d->name, "..") == 0;
			i += d->reclen;
		}
	}
	sys(SYS_close, fd, 0, 0);
	return found;
}

static void getdents_lists_what_was_made(void)
{
	static const char *const names[] = {"g1", "g2", "gdir"};
	sys(SYS_close, make_file(at(0, "g1"), NULL), 0, 0);
	sys(SYS_close, make_file(at(0, "g2"), NULL), 0, 0);
	sys(SYS_mkdir, (long)at(0, "gdir"), 0755, 0);
	int dots;
	KTAP_EXPECT_EQ(count_listed(top, names, 3, &dots), 3);
	KTAP_EXPECT_EQ(dots, 2);
	sys(SYS_unlink, (long)at(0, "g2"), 0, 0);
	KTAP_EXPECT_EQ(count_listed(top, names, 3, &dots), 2);
	sys(SYS_unlink, (long)at(0, "g1"), 0, 0);
	sys(SYS_rmdir, (long)at(0, "gdir"), 0, 0);
}

static void access_answers(void)
{
	sys(SYS_close, make_file(at(0, "acc"), NULL), 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_access, (long)at(0, "acc"), F_OK, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_access, (long)at(0, "acc"), R_OK | W_OK, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_access, (long)at(0, "acc"), X_OK, 0), -EACCES);
	KTAP_EXPECT_EQ(sys(SYS_access, (long)top, X_OK, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_access, (long)at(0, "gone"), F_OK, 0), -ENOENT);
	KTAP_EXPECT_EQ(sys(SYS_access, (long)at(0, "acc"), 0100, 0), -EINVAL);
	KTAP_EXPECT_EQ(syscall6(SYS_faccessat, AT_FDCWD, (long)at(0, "acc"),
				R_OK, 0, 0, 0),
		       0);
	KTAP_EXPECT_EQ(sys(SYS_access, BAD, F_OK, 0), -EFAULT);
	sys(SYS_unlink, (long)at(0, "acc"), 0, 0);
}

static void fsync_is_a_no_op(void)
{
	long fd = make_file(at(0, "s"), "data");
	KTAP_EXPECT_EQ(sys(SYS_fsync, fd, 0, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_fdatasync, fd, 0, 0), 0);
	KTAP_EXPECT_EQ(sys(SYS_fsync, 77, 0, 0), -EBADF);
	int pipe[2];
	sys(SYS_pipe2, (long)pipe, 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_fsync, pipe[1], 0, 0), -EINVAL);
	sys(SYS_close, pipe[0], 0, 0);
	sys(SYS_close, pipe[1], 0, 0);
	sys(SYS_close, fd, 0, 0);
	sys(SYS_unlink, (long)at(0, "s"), 0, 0);
}

static void dev_shm_is_writable(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/dev/shm/spindle-tmpfs-%ld",
		 sys(SYS_getpid, 0, 0, 0));
	long fd = make_file(path, "shm");
	KTAP_ASSERT_TRUE(fd >= 0);
	KTAP_EXPECT_EQ(stat_of(path).st_size, 3);
	sys(SYS_close, fd, 0, 0);
	KTAP_EXPECT_EQ(sys(SYS_unlink, (long)path, 0, 0), 0);
}

static char *map(long len, int prot, int flags, long fd)
{
	return (char *)syscall6(SYS_mmap, 0, len, prot, flags, fd, 0);
}

static void mmap_shared_is_the_file(void)
{
	long fd = make_file(at(0, "ms"), NULL);
	sys(SYS_ftruncate, fd, 4096, 0);
	char *p = map(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	KTAP_ASSERT_TRUE((long)p > 0);
	KTAP_EXPECT_EQ(sys(SYS_write, fd, (long)"abc", 3), 3);
	KTAP_EXPECT_EQ(memcmp(p, "abc", 3), 0);
	p[100] = 'Z';
	char c = 0;
	KTAP_EXPECT_EQ(syscall6(SYS_pread64, fd, (long)&c, 1, 100, 0, 0), 1);
	KTAP_EXPECT_EQ(c, 'Z');
	sys(SYS_munmap, (long)p, 4096, 0);
	sys(SYS_close, fd, 0, 0);
	/* the name is gone, the mapping's pages go with the last unmap */
	fd = open_at(at(0, "ms"), O_RDONLY);
	p = map(4096, PROT_READ, MAP_SHARED, fd);
	sys(SYS_unlink, (long)at(0, "ms"), 0, 0);
	sys(SYS_close, fd, 0, 0);
	KTAP_EXPECT_EQ(p[100], 'Z');
	sys(SYS_munmap, (long)p, 4096, 0);
}

static void mmap_private_is_a_copy(void)
{
	long fd = make_file(at(0, "mp"), "original");
	char *p = map(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	KTAP_ASSERT_TRUE((long)p > 0);
	KTAP_EXPECT_EQ(memcmp(p, "original", 8), 0);
	memcpy(p, "changed", 7);
	char buf[9] = {0};
	KTAP_EXPECT_EQ(syscall6(SYS_pread64, fd, (long)buf, 8, 0, 0, 0), 8);
	KTAP_EXPECT_STREQ(buf, "original");
	sys(SYS_munmap, (long)p, 4096, 0);
	sys(SYS_close, fd, 0, 0);
	sys(SYS_unlink, (long)at(0, "mp"), 0, 0);
}

static void mmap_errors(void)
{
	long fd = make_file(at(0, "me"), "x");
	sys(SYS_close, fd, 0, 0);
	long ro = open_at(at(0, "me"), O_RDONLY);
	long wo = open_at(at(0, "me"), O_WRONLY);
	KTAP_EXPECT_EQ((long)map(4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro),
		       -EACCES);
	KTAP_EXPECT_EQ((long)map(4096, PROT_READ, MAP_SHARED, wo), -EACCES);
	KTAP_EXPECT_EQ((long)map(4096, PROT_READ, MAP_SHARED, 77), -EBADF);
	int pipe[2];
	sys(SYS_pipe2, (long)pipe, 0, 0);
	KTAP_EXPECT_EQ((long)map(4096, PROT_READ, MAP_SHARED, pipe[0]),
		       -ENODEV);
	sys(SYS_close, pipe[0], 0, 0);
	sys(SYS_close, pipe[1], 0, 0);
	sys(SYS_close, ro, 0, 0);
	sys(SYS_close, wo, 0, 0);
	sys(SYS_unlink, (long)at(0, "me"), 0, 0);
}

/* Two processes create and unlink files in one directory at once: every
 * call succeeds exactly once and the directory ends empty. */
static void concurrent_create_and_unlink(void)
{
	enum { FILES = 100 };
	const char *dir = at(2, "race");
	sys(SYS_mkdir, (long)dir, 0755, 0);
	long child = sys(SYS_fork, 0, 0, 0);
	int fails = 0;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < FILES; i++) {
			char name[96];
			snprintf(name, sizeof(name), "%s/%c%d", dir,
				 child ? 'p' : 'c', i);
			long fd = open_at(name, O_CREAT | O_EXCL | O_RDWR);
			fails += fd < 0;
			sys(SYS_close, fd, 0, 0);
		}
		for (int i = 0; i < FILES; i++) {
			char name[96];
			snprintf(name, sizeof(name), "%s/%c%d", dir,
				 child ? 'p' : 'c', i);
			fails += sys(SYS_unlink, (long)name, 0, 0) != 0;
		}
	}
	if (child == 0)
		sys(SYS_exit_group, fails, 0, 0);
	int status = -1;
	KTAP_EXPECT_EQ(syscall6(SYS_wait4, child, (long)&status, 0, 0, 0, 0),
		       child);
	KTAP_EXPECT_EQ(status, 0);
	KTAP_EXPECT_EQ(fails, 0);
	KTAP_EXPECT_EQ(sys(SYS_rmdir, (long)dir, 0, 0), 0);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(create_write_read_back),
	KTAP_TEST(open_errors),
	KTAP_TEST(trunc_and_append),
	KTAP_TEST(pread_pwrite_keep_the_position),
	KTAP_TEST(truncate_grows_with_zeroes_and_shrinks),
	KTAP_TEST(unlinked_file_stays_readable_until_closed),
	KTAP_TEST(link_counts_names),
	KTAP_TEST(rename_replaces_and_checks),
	KTAP_TEST(mkdir_and_rmdir),
	KTAP_TEST(getdents_lists_what_was_made),
	KTAP_TEST(access_answers),
	KTAP_TEST(fsync_is_a_no_op),
	KTAP_TEST(dev_shm_is_writable),
	KTAP_TEST(mmap_shared_is_the_file),
	KTAP_TEST(mmap_private_is_a_copy),
	KTAP_TEST(mmap_errors),
	KTAP_TEST(concurrent_create_and_unlink),
};

int main(void)
{
	snprintf(top, sizeof(top), "/tmp/spindle-tmpfs-%ld",
		 sys(SYS_getpid, 0, 0, 0));
	if (sys(SYS_mkdir, (long)top, 0755, 0) != 0) {
		printf("# cannot make %s\n", top);
		return 1;
	}
	int r = KTAP_RUN("tmpfs", tests);
	sys(SYS_rmdir, (long)top, 0, 0);
	return r;
}
