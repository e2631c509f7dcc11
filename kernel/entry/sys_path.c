/*
 * The calls that change names and sizes: mkdir, unlink, rmdir, link,
 * rename, truncate, access; and pread/pwrite/fsync on descriptors. The
 * file systems do the work (fs/mount.c, fs/tmpfs_dir.c); this is the user
 * side: paths copied in and made absolute, flags checked as Linux does.
 */
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"

/* One user path made absolute, in a buffer the caller frees. */
static char *path_in(int dirfd, uint64_t upath, int *err)
{
	char *path = kmalloc(PATH_MAX);
	*err = path ? user_path_at(dirfd, upath, path) : -ENOMEM;
	if (*err) {
		kfree(path);
		return NULL;
	}
	return path;
}

long sys_mkdirat(int dirfd, uint64_t upath, int mode)
{
	int r;
	char *path = path_in(dirfd, upath, &r);
	if (path)
		r = vfs_mkdir(path, (unsigned)mode);
	kfree(path);
	return r;
}

long sys_unlinkat(int dirfd, uint64_t upath, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	int r;
	char *path = path_in(dirfd, upath, &r);
	if (path)
		r = flags & AT_REMOVEDIR ? vfs_rmdir(path) : vfs_unlink(path);
	kfree(path);
	return r;
}

/* link and rename: both paths in, then op on them. */
static long two_paths(int olddirfd, uint64_t oldpath, int newdirfd,
		      uint64_t newpath, bool rename, unsigned flags)
{
	int r;
	char *from = path_in(olddirfd, oldpath, &r);
	char *to = from ? path_in(newdirfd, newpath, &r) : NULL;
	if (to)
		r = rename ? vfs_rename(from, to, flags) : vfs_link(from, to);
	kfree(from);
	kfree(to);
	return r;
}

long sys_linkat(int olddirfd, uint64_t oldpath, int newdirfd, uint64_t newpath,
		int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return two_paths(olddirfd, oldpath, newdirfd, newpath, false, 0);
}

/* RENAME_EXCHANGE is not implemented: -EINVAL, as for an unknown flag. */
long sys_renameat2(int olddirfd, uint64_t oldpath, int newdirfd,
		   uint64_t newpath, unsigned flags)
{
	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	return two_paths(olddirfd, oldpath, newdirfd, newpath, true, flags);
}

long sys_faccessat2(int dirfd, uint64_t upath, int mode, int flags)
{
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int r;
	char *path = path_in(dirfd, upath, &r);
	if (path)
		r = vfs_access(path, mode);
	kfree(path);
	return r;
}

/* Linux's order: the length, the descriptor, then a regular file open
 * for writing (-EINVAL otherwise). */
long sys_ftruncate(int fd, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	struct file *f = fd_get(current_process()->files, fd);
	if (!f)
		return -EBADF;
	long r = !f->ops->truncate || (f->flags & O_ACCMODE) == O_RDONLY
			 ? -EINVAL
			 : f->ops->truncate(f, length);
	file_put(f);
	return r;
}

long sys_truncate(uint64_t upath, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	int r;
	char *path = path_in(AT_FDCWD, upath, &r);
	struct file *f = NULL;
	if (path)
		r = vfs_open(path, O_WRONLY, 0, &f);
	kfree(path);
	if (r)
		return r;
	r = f->ops->truncate ? f->ops->truncate(f, length) : -EINVAL;
	file_put(f);
	return r;
}

/* Everything is in memory: there is nothing to write back. A pipe or a
 * terminal cannot be synced (-EINVAL), as on Linux. */
long sys_fsync(int fd)
{
	struct file *f = fd_get(current_process()->files, fd);
	if (!f)
		return -EBADF;
	long r = f->ops->seekable ? 0 : -EINVAL;
	file_put(f);
	return r;
}

/* pread64/pwrite64, in Linux's order: the offset, the descriptor, its
 * mode, whether the file has positions (-ESPIPE), then the buffer. */
static long positioned_io(int fd, uint64_t buf, size_t count, int64_t offset,
			  bool writing)
{
	if (offset < 0)
		return -EINVAL;
	struct file *f = fd_get(current_process()->files, fd);
	if (!f)
		return -EBADF;
	long (*op)(struct file *, uint64_t, size_t, int64_t) =
		writing ? f->ops->pwrite : f->ops->pread;
	int mode = f->flags & O_ACCMODE;
	long r = mode == (writing ? O_RDONLY : O_WRONLY) ? -EBADF
		 : !op					 ? -ESPIPE
		 : !user_range_ok(buf, count)
			 ? -EFAULT
			 : op(f, buf, MIN(count, MAX_RW_COUNT), offset);
	file_put(f);
	return r;
}

long sys_pread64(int fd, uint64_t buf, size_t count, int64_t offset)
{
	return positioned_io(fd, buf, count, offset, false);
}

long sys_pwrite64(int fd, uint64_t buf, size_t count, int64_t offset)
{
	return positioned_io(fd, buf, count, offset, true);
}
