/*
 * Output. File descriptors 0, 1 and 2 are the console; there are no other
 * files yet, so every other descriptor is -EBADF.
 */
#include "arch/uaccess.h"
#include "freestanding/errno.h"
#include "kernel.h"
#include "syscall/syscall.h"

#define CHUNK 256
#define IOV_MAX 1024

static bool is_console(int fd)
{
	return fd >= 0 && fd <= 2;
}

/* Copies in and prints count bytes from user buf; returns the count, or
 * -EFAULT if nothing could be copied (else what was written before the
 * bad byte, as Linux does for a partial write). */
static long console_write_user(uint64_t buf, size_t count)
{
	char chunk[CHUNK];
	size_t done = 0;
	while (done < count) {
		size_t n = MIN(count - done, sizeof(chunk));
		if (copy_from_user(chunk, buf + done, n) < 0)
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return (long)done;
}

long sys_write(int fd, uint64_t buf, size_t count)
{
	if (!is_console(fd))
		return -EBADF;
	if ((int64_t)count < 0)
		return -EINVAL;
	return console_write_user(buf, count);
}

struct iovec {
	uint64_t base;
	uint64_t len;
};

long sys_writev(int fd, uint64_t iov, int iovcnt)
{
	if (!is_console(fd))
		return -EBADF;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	long total = 0;
	for (int i = 0; i < iovcnt; i++) {
		struct iovec v;
		if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)) < 0)
			return total ? total : -EFAULT;
		if ((int64_t)v.len < 0)
			return -EINVAL;
		long n = console_write_user(v.base, v.len);
		if (n < 0)
			return total ? total : n;
		total += n;
	}
	return total;
}
