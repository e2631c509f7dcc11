/*
 * Open files and file descriptors.
 *
 * A struct file is one open: what it is (ops), where it is (offset) and
 * how it was opened (flags). File descriptors are indices into a process's
 * table of struct file pointers; dup and fork make two descriptors share
 * one struct file (and so its offset), as POSIX says.
 *
 *   process A fds: [0]--+--> file (tty)        refs 3
 *                  [1]--+
 *                  [2]--+
 *                  [3]-----> file (pipe, read end)  <-- process B fd [0]
 *
 * Kinds of file: the console (dev/tty.c), initrd files and directories
 * (fs/vfs.c), pipes (fs/pipe.c), eventfds (fs/eventfd.c), /proc
 * (proc/procfs.c), tmpfs files (fs/tmpfs.c).
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "freestanding/linux_abi.h"
#include "sched/mutex.h"

/* struct stat, as Linux x86-64 lays it out. */
struct kstat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t unused[3];
};

struct file;
struct poll_table;
struct shmem;

/* What a kind of file can do; a NULL entry means the call does not apply
 * (the system call returns the errno Linux does for that case). */
struct file_ops {
	long (*read)(struct file *f, uint64_t ubuf, size_t n);
	long (*write)(struct file *f, uint64_t ubuf, size_t n);
	/* Fills st (mode, size, ino...); st is zeroed before. */
	void (*stat)(struct file *f, struct kstat *st);
	/* getdents64 into ubuf; returns bytes written, 0 at the end. */
	long (*getdents)(struct file *f, uint64_t ubuf, size_t n);
	long (*ioctl)(struct file *f, unsigned cmd, uint64_t arg);
	/* pread64/pwrite64: at off, the position untouched. */
	long (*pread)(struct file *f, uint64_t ubuf, size_t n, int64_t off);
	long (*pwrite)(struct file *f, uint64_t ubuf, size_t n, int64_t off);
	/* ftruncate: 0, -EFBIG. */
	int (*truncate)(struct file *f, int64_t size);
	/* mmap: the file's pages, referenced (the caller puts them). */
	struct shmem *(*pages)(struct file *f);
	/* Which POLL* events are true now; calls poll_wait (fs/poll.h) on
	 * each wait queue that is woken when they may change. NULL: always
	 * readable and writable, as a regular file is. */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	/* Last reference gone. */
	void (*release)(struct file *f);
	bool seekable;
	/* The largest offset lseek may set (0: INT64_MAX). Directories end
	 * at INT32_MAX, as procfs's do on Linux: their offset is an entry
	 * index, and the listers take an int. */
	int64_t max_offset;
};

struct file {
	atomic_int refs;
	const struct file_ops *ops;
	void *priv; /* the kind's own state */
	int flags;  /* O_ACCMODE bits, O_APPEND, O_NONBLOCK */
	struct mutex pos_lock;
	int64_t pos; /* pos_lock */
};

struct file *file_alloc(const struct file_ops *ops, void *priv, int flags);
/* A read at the file's position through its pread, which it then
 * advances: the read of every kind of file that has a pread. */
long file_read_at_pos(struct file *f, uint64_t ubuf, size_t n);
void file_get(struct file *f);
void file_put(struct file *f);

#define FD_MAX 1024 /* Linux's default soft RLIMIT_NOFILE */

/* A process's descriptor table (shared by its threads). */
struct files {
	atomic_int refs;
	struct mutex lock;
	struct file *fd[FD_MAX];       /* lock */
	uint64_t cloexec[FD_MAX / 64]; /* lock: O_CLOEXEC per descriptor */
	/* RLIMIT_NOFILE: no new descriptor at or above it. Atomic, not under
	 * lock: setrlimit sets it under proc_lock, where it cannot sleep. */
	atomic_int max_fds;
};

struct files *files_alloc(void);
/* fork: a new table with the same open files (each one referenced again). */
struct files *files_copy(struct files *src);
void files_put(struct files *t);
/* setrlimit(RLIMIT_NOFILE): new descriptors stay below max (<= FD_MAX);
 * those already open above it stay open, as on Linux. Never sleeps. */
void files_set_max(struct files *t, int max);
/* execve: closes the O_CLOEXEC descriptors. */
void files_close_on_exec(struct files *t);

/* The lowest free descriptor >= min for f (which the table then owns);
 * -EMFILE if none below max_fds, -EINVAL if min is not below it. */
int fd_install(struct files *t, struct file *f, int min, bool cloexec);
/* The file behind fd with a reference taken, or NULL (-EBADF). */
struct file *fd_get(struct files *t, int fd);
int fd_close(struct files *t, int fd);
/* dup2/dup3: makes newfd refer to oldfd's file, closing what was there;
 * -EBADF for a newfd at or above max_fds. */
int fd_dup_to(struct files *t, int oldfd, int newfd, bool cloexec);
bool fd_is_cloexec(struct files *t, int fd);
void fd_set_cloexec(struct files *t, int fd, bool on);

#endif
