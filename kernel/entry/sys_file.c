/*
 * File system calls: descriptors, reading and writing, paths, pipes.
 * The files themselves are in kernel/fs (and dev/tty.c for the console).
 */
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "fs/file.h"
#include "fs/pipe.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"

#define IOV_MAX 1024
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1

static struct files *files(void)
{
	return current_process()->files;
}

/* The open file behind fd, referenced: file_put it when done. */
static struct file *get(int fd)
{
	return fd_get(files(), fd);
}

/* Linux's checks, in its order: the descriptor, whether the file can do
 * it, then the whole buffer must lie in user space (-EFAULT, so a count
 * of SIZE_MAX is a fault, not an invalid argument); a huge count is cut
 * to MAX_RW_COUNT. */
long sys_read(int fd, uint64_t buf, size_t count)
{
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r = (f->flags & O_ACCMODE) == O_WRONLY ? -EBADF
		 : !f->ops->read		    ? -EINVAL
		 : !user_range_ok(buf, count)
			 ? -EFAULT
			 : f->ops->read(f, buf, MIN(count, MAX_RW_COUNT));
	file_put(f);
	return r;
}

long sys_write(int fd, uint64_t buf, size_t count)
{
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r = (f->flags & O_ACCMODE) == O_RDONLY ? -EBADF
		 : !f->ops->write		    ? -EINVAL
		 : !user_range_ok(buf, count)
			 ? -EFAULT
			 : f->ops->write(f, buf, MIN(count, MAX_RW_COUNT));
	file_put(f);
	return r;
}

struct iovec {
	uint64_t base, len;
};

/* readv/writev, as Linux: the whole vector is read and checked first (a
 * negative length is -EINVAL, a segment outside user space -EFAULT, before
 * any byte moves), the total is cut to MAX_RW_COUNT; then one call per
 * element, stopping at a short transfer. */
static long vector_io(int fd, uint64_t uiov, int iovcnt, bool writing)
{
	struct file *f = get(fd); /* the descriptor is checked first */
	if (!f)
		return -EBADF;
	int mode = f->flags & O_ACCMODE;
	long bad = mode == (writing ? O_RDONLY : O_WRONLY)     ? -EBADF
		   : !(writing ? f->ops->write : f->ops->read) ? -EINVAL
							       : 0;
	file_put(f);
	if (bad)
		return bad;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	if (iovcnt == 0)
		return 0; /* the vector is not read */
	struct iovec *v = kmalloc(sizeof(*v) * (size_t)iovcnt);
	if (!v)
		return -ENOMEM;
	long r = copy_from_user(v, uiov, sizeof(*v) * (size_t)iovcnt);
	uint64_t room = MAX_RW_COUNT;
	for (int i = 0; i < iovcnt && !r; i++) {
		if ((int64_t)v[i].len < 0)
			r = -EINVAL;
		else if (!user_range_ok(v[i].base, v[i].len))
			r = -EFAULT;
		v[i].len = MIN(v[i].len, room);
		room -= v[i].len;
	}
	long total = 0;
	for (int i = 0; i < iovcnt && !r; i++) {
		if (v[i].len == 0)
			continue;
		long n = writing ? sys_write(fd, v[i].base, v[i].len)
				 : sys_read(fd, v[i].base, v[i].len);
		if (n < 0) {
			r = total ? 0 : n;
			break;
		}
		total += n;
		if ((uint64_t)n < v[i].len)
			break;
	}
	kfree(v);
	return r ? r : total;
}

long sys_readv(int fd, uint64_t iov, int iovcnt)
{
	return vector_io(fd, iov, iovcnt, false);
}

long sys_writev(int fd, uint64_t iov, int iovcnt)
{
	return vector_io(fd, iov, iovcnt, true);
}

int user_path_at(int dirfd, uint64_t upath, char *buf)
{
	char *raw = kmalloc(PATH_MAX);
	if (!raw)
		return -ENOMEM;
	long len = strncpy_from_user(raw, upath, PATH_MAX);
	int r = len < 0 ? (int)len : len == 0 ? -ENOENT : 0;
	struct file *dir = NULL;
	const char *base = current_process()->cwd;
	if (!r && raw[0] != '/' && dirfd != AT_FDCWD) {
		dir = get(dirfd);
		base = dir ? dirfile_path(dir) : NULL;
		r = !dir ? -EBADF : !base ? -ENOTDIR : 0;
	}
	if (!r)
		r = path_resolve(base, raw, buf, PATH_MAX);
	if (dir)
		file_put(dir);
	kfree(raw);
	return r;
}

long sys_openat(int dirfd, uint64_t upath, int flags, int mode)
{
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	int r = user_path_at(dirfd, upath, path);
	struct file *f = NULL;
	if (!r)
		r = vfs_open(path, flags, (unsigned)mode, &f);
	kfree(path);
	if (r)
		return r;
	f->flags = (f->flags & ~O_NONBLOCK) | (flags & (O_NONBLOCK | O_APPEND));
	r = fd_install(files(), f, 0, flags & O_CLOEXEC);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_open(uint64_t path, int flags, int mode)
{
	return sys_openat(AT_FDCWD, path, flags, mode);
}

long sys_close(int fd)
{
	return fd_close(files(), fd);
}

/* Where SEEK_END is: the file's size now (a tmpfs file's changes). */
static int64_t file_end(struct file *f)
{
	struct kstat st = {0};
	if (f->ops->stat)
		f->ops->stat(f, &st);
	return st.size;
}

long sys_lseek(int fd, int64_t offset, int whence)
{
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r;
	if (!f->ops->seekable) {
		r = -ESPIPE;
	} else {
		mutex_lock(&f->pos_lock);
		int64_t base = whence == SEEK_SET   ? 0
			       : whence == SEEK_CUR ? f->pos
			       : whence == SEEK_END ? file_end(f)
						    : -1;
		int64_t max =
			f->ops->max_offset ? f->ops->max_offset : INT64_MAX;
		int64_t to;
		if (base < 0 || __builtin_add_overflow(base, offset, &to) ||
		    to < 0 || to > max)
			r = -EINVAL;
		else
			r = f->pos = to;
		mutex_unlock(&f->pos_lock);
	}
	file_put(f);
	return r;
}

static long stat_file(struct file *f, uint64_t ust)
{
	struct kstat st;
	memset(&st, 0, sizeof(st));
	st.dev = 1;
	st.nlink = 1;
	if (f->ops->stat)
		f->ops->stat(f, &st);
	return copy_to_user(ust, &st, sizeof(st));
}

long sys_fstat(int fd, uint64_t ust)
{
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r = stat_file(f, ust);
	file_put(f);
	return r;
}

long sys_newfstatat(int dirfd, uint64_t upath, uint64_t ust, int flags)
{
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	if (flags & AT_EMPTY_PATH) {
		char first;
		if (copy_from_user(&first, upath, 1) < 0)
			return -EFAULT;
		if (first == '\0' && dirfd != AT_FDCWD)
			return sys_fstat(dirfd, ust);
		if (first == '\0') { /* the working directory itself */
			struct file *f;
			long r = vfs_open(current_process()->cwd, O_RDONLY, 0,
					  &f);
			if (r)
				return r;
			r = stat_file(f, ust);
			file_put(f);
			return r;
		}
	}
	long fd = sys_openat(dirfd, upath, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	long r = sys_fstat((int)fd, ust);
	sys_close((int)fd);
	return r;
}

long sys_stat(uint64_t path, uint64_t ust)
{
	return sys_newfstatat(AT_FDCWD, path, ust, 0);
}

/* Linux takes count as an unsigned int and holds it in an int: a count
 * past INT_MAX fits no entry (-EINVAL, or 0 at the end of the directory).
 * The buffer is checked entry by entry, as each is copied. */
long sys_getdents64(int fd, uint64_t buf, size_t count)
{
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	uint32_t n = (uint32_t)count;
	long r = f->ops->getdents
			 ? f->ops->getdents(f, buf, n > INT32_MAX ? 0 : n)
			 : -ENOTDIR;
	file_put(f);
	return r;
}

long sys_ioctl(int fd, unsigned cmd, uint64_t arg)
{
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r = f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
	file_put(f);
	return r;
}

long sys_dup(int fd)
{
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	int r = fd_install(files(), f, 0, false);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup_to(files(), oldfd, newfd, flags & O_CLOEXEC);
}

long sys_dup2(int oldfd, int newfd)
{
	if (oldfd == newfd) { /* valid oldfd: nothing to do */
		struct file *f = get(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return fd_dup_to(files(), oldfd, newfd, false);
}

long sys_fcntl(int fd, int cmd, uint64_t arg)
{
	struct file *f = get(fd);
	if (!f)
		return -EBADF;
	long r;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((uint32_t)arg >= FD_MAX) { /* Linux: (int)arg, unsigned */
			r = -EINVAL;
			break;
		}
		file_get(f);
		r = fd_install(files(), f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = fd_is_cloexec(files(), fd) ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		fd_set_cloexec(files(), fd, arg & FD_CLOEXEC);
		r = 0;
		break;
	case F_GETFL:
		r = f->flags;
		break;
	case F_SETFL:
		f->flags = (f->flags & ~(O_NONBLOCK | O_APPEND)) |
			   ((int)arg & (O_NONBLOCK | O_APPEND));
		r = 0;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

long sys_pipe2(uint64_t ufds, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct file *ends[2];
	int r = pipe_create(ends, flags);
	if (r)
		return r;
	int fds[2] = {-1, -1};
	fds[0] = fd_install(files(), ends[0], 0, flags & O_CLOEXEC);
	if (fds[0] >= 0)
		fds[1] = fd_install(files(), ends[1], 0, flags & O_CLOEXEC);
	if (fds[1] < 0 || copy_to_user(ufds, fds, sizeof(fds)) < 0) {
		r = fds[1] < 0 ? -EMFILE : -EFAULT;
		if (fds[0] >= 0)
			sys_close(fds[0]);
		else
			file_put(ends[0]);
		if (fds[1] >= 0)
			sys_close(fds[1]);
		else
			file_put(ends[1]);
		return r;
	}
	return 0;
}

long sys_pipe(uint64_t ufds)
{
	return sys_pipe2(ufds, 0);
}

long sys_getcwd(uint64_t buf, size_t size)
{
	const char *cwd = current_process()->cwd;
	size_t len = strlen(cwd) + 1;
	if (size < len)
		return -ERANGE;
	if (copy_to_user(buf, cwd, len) < 0)
		return -EFAULT;
	return (long)len;
}

long sys_chdir(uint64_t upath)
{
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	int r = user_path_at(AT_FDCWD, upath, path);
	if (!r)
		r = vfs_check_dir(path);
	if (!r && strlen(path) >= sizeof(current_process()->cwd))
		r = -ENAMETOOLONG;
	if (!r)
		strlcpy(current_process()->cwd, path,
			sizeof(current_process()->cwd));
	kfree(path);
	return r;
}
