/*
 * Names to files. Spindle's file system is two read-only trees:
 *
 *   /            the initrd (fs/initrdfs.c): /bin/..., any extra files
 *   /proc        generated on open (fs/procfs.c): cpuinfo, meminfo, PID/...
 *
 * Paths are made absolute against the process's working directory and
 * normalised ("." and ".." resolved, no symlinks exist) before lookup.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stddef.h>

#include "fs/file.h"

#define PATH_MAX 4096

/* Writes the absolute, normalised form of path (relative to cwd) into out.
 * Returns 0, -ENAMETOOLONG or -ENOENT (empty path). */
int path_resolve(const char *cwd, const char *path, char *out, size_t size);

/* Opens an absolute, normalised path. Returns 0 and *out, or -ENOENT,
 * -ENOTDIR, -EISDIR, -EROFS (any write: both trees are read-only),
 * -ENOMEM. */
int vfs_open(const char *abs, int flags, struct file **out);

/* Is abs an existing directory? (chdir) */
int vfs_check_dir(const char *abs);

/* Serves every path under /proc (the process layer registers it, since
 * /proc shows processes: fs stays below proc). */
typedef int (*vfs_open_fn)(const char *abs, int flags, struct file **out);
void vfs_mount_proc(vfs_open_fn open);

/* Directory entries, as getdents64 returns them. */
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define PROC_ROOT_INO 0x70000000ul

struct dir_entry {
	char name[64];
	unsigned long ino;
	unsigned char type;
};
/* Entry i of directory dir, or -ENOENT past the last one. */
typedef int (*dir_list_fn)(const char *dir, int i, struct dir_entry *out);
/* A directory file listed by list(path, i, ...). */
struct file *dirfile_open(const char *path, dir_list_fn list);
/* The path a directory file was opened with (openat's dirfd), or NULL if
 * f is not a directory. */
const char *dirfile_path(struct file *f);

/* A seekable file whose contents are a kernel buffer (initrd files point
 * into the archive; /proc files own a snapshot). */
struct file *memfile_open(const void *data, size_t size, unsigned mode,
			  unsigned long ino, void *owned);

#endif
