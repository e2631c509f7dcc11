/*
 * tmpfs: a writable file system in memory, mounted at /tmp and /dev/shm.
 * docs/fs.md tells how it works; in short:
 *
 *   struct tmpfs  -- lock: the whole tree (entries, nlink, opens)
 *     root inode (dir) --entries--> dirent "a" --> inode (file)
 *                                   dirent "d" --> inode (dir) --> ...
 *   inode (file) -- lock: size --> struct shmem (aspace/shmem.h): its
 *                                  pages, the same ones mmap maps
 *
 * An inode lives while a directory entry names it (nlink) or a file has it
 * open (opens): an unlinked file stays readable until its last close, and
 * a mapping keeps its pages (the shmem's own reference) after that.
 *
 * Paths here are relative to the mount: "" is its root, "a/b" a file in
 * its directory a. Every call returns 0 or -errno as Linux would.
 */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include <stdint.h>

#include "fs/file.h"
#include "fs/vfs.h"

struct tmpfs;

/* An empty tmpfs whose root has mode (e.g. S_IFDIR | 01777); the mounts
 * share one limit on pages (half of RAM): past it, -ENOSPC. */
struct tmpfs *tmpfs_create(unsigned root_mode);

/* open(2) of rel; abs is the whole path (a directory file keeps it). */
int tmpfs_open(struct tmpfs *fs, const char *rel, const char *abs, int flags,
	       unsigned mode, struct file **out);
int tmpfs_mkdir(struct tmpfs *fs, const char *rel, unsigned mode);
int tmpfs_rmdir(struct tmpfs *fs, const char *rel);
int tmpfs_unlink(struct tmpfs *fs, const char *rel);
int tmpfs_link(struct tmpfs *fs, const char *from, const char *to);
/* rename(2), with renameat2's RENAME_NOREPLACE. */
int tmpfs_rename(struct tmpfs *fs, const char *from, const char *to,
		 unsigned flags);
/* Entry i of directory rel (after "." and ".."), for a directory file. */
int tmpfs_list(struct tmpfs *fs, const char *rel, int i, struct dir_entry *out);
/* stat of directory rel (a directory file's fstat). */
int tmpfs_stat_dir(struct tmpfs *fs, const char *rel, struct kstat *st);

#endif
