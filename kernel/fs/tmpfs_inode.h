/* Shared by tmpfs.c (inodes, files) and tmpfs_dir.c (the tree) only. */
#ifndef FS_TMPFS_INODE_H
#define FS_TMPFS_INODE_H

#include <stdint.h>

#include "aspace/shmem.h"
#include "freestanding/list.h"
#include "fs/tmpfs.h"
#include "sched/mutex.h"

#define TMPFS_NAME_MAX 255

/* Lock order: fs->lock, then an inode's lock, then its shmem's. */
struct tmpfs {
	struct mutex lock; /* the tree: entries, parent, nlink, opens */
	struct tmpfs_inode *root;
};

struct tmpfs_inode {
	struct tmpfs *fs;
	unsigned long ino;
	uint32_t mode;		    /* type and permissions, fixed */
	uint32_t nlink;		    /* fs->lock: entries naming it (dir: + "."
				       and each subdirectory's "..") */
	int opens;		    /* fs->lock: open files */
	struct mutex lock;	    /* a file's size and contents */
	int64_t size;		    /* lock (stat reads a snapshot) */
	struct shmem *pages;	    /* a file's (SHMEM_MAX of capacity) */
	struct list entries;	    /* fs->lock: a directory's tmpfs_dirents */
	struct tmpfs_inode *parent; /* fs->lock: a directory's ".." */
};

struct tmpfs_dirent {
	struct list_node link; /* in the directory's entries */
	struct tmpfs_inode *inode;
	char name[TMPFS_NAME_MAX + 1];
};

/* A new inode of mode (nlink 0), or NULL if over the limit or out of
 * memory; each costs one page of the limit. */
struct tmpfs_inode *tmpfs_inode_new(struct tmpfs *fs, unsigned mode);
/* Frees ip if nothing names it and nothing has it open. fs->lock held. */
void tmpfs_inode_maybe_free(struct tmpfs_inode *ip);
/* A file struct for regular file ip (opens counted); fs->lock held. */
struct file *tmpfs_file_open(struct tmpfs_inode *ip, int flags);
/* Sets a file's size: a shrink drops the bytes past it, a growth reads
 * as zeroes. Returns 0 or -EFBIG. ip->lock held. */
int tmpfs_resize(struct tmpfs_inode *ip, int64_t size);
void tmpfs_inode_stat(struct tmpfs_inode *ip, struct kstat *st);

#endif
