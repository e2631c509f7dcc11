/* Names and sizes of files: the POSIX wrappers of the path calls. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c/syscall.h"
#include "freestanding/linux_abi.h"

int unlink(const char *path)
{
	return (int)__syscall_ret(syscall1(SYS_unlink, (long)path));
}

int rmdir(const char *path)
{
	return (int)__syscall_ret(syscall1(SYS_rmdir, (long)path));
}

int link(const char *from, const char *to)
{
	return (int)__syscall_ret(syscall2(SYS_link, (long)from, (long)to));
}

int rename(const char *from, const char *to)
{
	return (int)__syscall_ret(syscall2(SYS_rename, (long)from, (long)to));
}

int mkdir(const char *path, mode_t mode)
{
	return (int)__syscall_ret(syscall2(SYS_mkdir, (long)path, mode));
}

int access(const char *path, int mode)
{
	return (int)__syscall_ret(syscall2(SYS_access, (long)path, mode));
}

int ftruncate(int fd, off_t length)
{
	return (int)__syscall_ret(syscall2(SYS_ftruncate, fd, length));
}

int fsync(int fd)
{
	return (int)__syscall_ret(syscall1(SYS_fsync, fd));
}

off_t lseek(int fd, off_t offset, int whence)
{
	return __syscall_ret(syscall3(SYS_lseek, fd, offset, whence));
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	return __syscall_ret(
		syscall4(SYS_pread64, fd, (long)buf, (long)count, offset));
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
	return __syscall_ret(
		syscall4(SYS_pwrite64, fd, (long)buf, (long)count, offset));
}

int fstat(int fd, struct stat *st)
{
	return (int)__syscall_ret(syscall2(SYS_fstat, fd, (long)st));
}

int stat(const char *path, struct stat *st)
{
	return (int)__syscall_ret(syscall2(SYS_stat, (long)path, (long)st));
}
