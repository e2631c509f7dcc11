/* File descriptors: opening, reading, writing, closing. */
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "c/syscall.h"
#include "freestanding/linux_abi.h"

ssize_t read(int fd, void *buf, size_t count)
{
	return __syscall_ret(syscall3(SYS_read, fd, (long)buf, (long)count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	return __syscall_ret(syscall3(SYS_write, fd, (long)buf, (long)count));
}

/* A terminal answers TCGETS (with its settings); anything else fails it
 * (ENOTTY). */
int isatty(int fd)
{
	struct {
		unsigned flags[4];
		unsigned char line, cc[19];
	} termios;
	return __syscall_ret(syscall3(SYS_ioctl, fd, TCGETS, (long)&termios)) ==
	       0;
}

/* TCSBRK with a non-zero argument sends no break: it waits until
 * everything written to the terminal has gone out. */
int tcdrain(int fd)
{
	return (int)__syscall_ret(syscall3(SYS_ioctl, fd, TCSBRK, 1));
}

int close(int fd)
{
	return (int)__syscall_ret(syscall1(SYS_close, fd));
}

/* The mode argument is there only when the file may be created: reading
 * a variadic argument the caller did not pass is undefined. */
static mode_t creation_mode(int flags, va_list ap)
{
	return flags & O_CREAT ? va_arg(ap, mode_t) : 0;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = creation_mode(flags, ap);
	va_end(ap);
	return (int)__syscall_ret(
		syscall4(SYS_openat, dirfd, (long)path, flags, mode));
}

/* open(path) is openat(AT_FDCWD, path): one call for the kernel to
 * implement, as on current Linux libcs. */
int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = creation_mode(flags, ap);
	va_end(ap);
	return openat(AT_FDCWD, path, flags, mode);
}

int pipe(int fds[2])
{
	return (int)__syscall_ret(syscall2(SYS_pipe2, (long)fds, 0));
}

int dup(int fd)
{
	return (int)__syscall_ret(syscall1(SYS_dup, fd));
}

int dup2(int oldfd, int newfd)
{
	return (int)__syscall_ret(syscall2(SYS_dup2, oldfd, newfd));
}

int chdir(const char *path)
{
	return (int)__syscall_ret(syscall1(SYS_chdir, (long)path));
}

char *getcwd(char *buf, size_t size)
{
	return __syscall_ret(syscall2(SYS_getcwd, (long)buf, (long)size)) < 0
		       ? NULL
		       : buf;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	return (int)__syscall_ret(
		syscall3(SYS_poll, (long)fds, (long)nfds, timeout));
}

int eventfd(unsigned int initval, int flags)
{
	return (int)__syscall_ret(syscall2(SYS_eventfd2, initval, flags));
}
