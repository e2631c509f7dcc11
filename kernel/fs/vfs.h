/*
 * Names to files. Spindle's file system is two read-only trees and two
 * writable ones:
 *
 *   /            the initrd (fs/initrd.c): /bin/..., any extra files
 *   /proc        generated on open (proc/procfs.c): cpuinfo, meminfo, PID/...
 *   /tmp         a tmpfs (fs/tmpfs.c): files and directories in memory
 *   /dev/shm     another tmpfs: shm_open's and sem_open's files
 *
 * Paths are made absolute against the process's working directory and
 * normalised ("." and ".." resolved, no symlinks exist) before lookup.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stddef.h>

#include "fs/file.h"

struct tmpfs;

#define PATH_MAX 4096

/* Writes the absolute, normalised form of path (relative to cwd) into out.
 * Returns 0, -ENAMETOOLONG or -ENOENT (empty path). */
int path_resolve(const char *cwd, const char *path, char *out, size_t size);

/* Opens an absolute, normalised path (mode: the permissions of a file
 * O_CREAT makes). Returns 0 and *out, or -ENOENT, -ENOTDIR, -EISDIR,
 * -EEXIST, -EROFS (any write outside a tmpfs), -ENOSPC, -ENOMEM. */
int vfs_open(const char *abs, int flags, unsigned mode, struct file **out);

/* The calls that change names (fs/mount.c), on absolute normalised paths:
 * on a tmpfs as Linux does them; elsewhere -EROFS for a path that exists
 * (-ENOENT if not); -EXDEV for two paths on different file systems. */
void vfs_mount_tmpfs(void);
int vfs_mkdir(const char *abs, unsigned mode);
int vfs_rmdir(const char *abs);
int vfs_unlink(const char *abs);
int vfs_link(const char *from, const char *to);
int vfs_rename(const char *from, const char *to, unsigned flags);
/* access(2)'s question, for the superuser: R_OK/W_OK/X_OK as a mask. */
int vfs_access(const char *abs, int mode);
/* The tmpfs abs is on and abs relative to it, or NULL. */
struct tmpfs *vfs_tmpfs_at(const char *abs, const char **rel);

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
	char name[256];
	unsigned long ino;
	unsigned char type;
};
/* Entry i of directory dir, or -ENOENT past the last one. */
typedef int (*dir_list_fn)(const char *dir, int i, struct dir_entry *out);
/* Fills st for directory dir (0, or -errno: the default is used). */
typedef int (*dir_stat_fn)(const char *dir, struct kstat *st);
/* A directory file listed by list(path, i, ...); stat NULL: mode 0555. */
struct file *dirfile_open(const char *path, dir_list_fn list, dir_stat_fn stat);
/* The path a directory file was opened with (openat's dirfd), or NULL if
 * f is not a directory. */
const char *dirfile_path(struct file *f);

/* A seekable file whose contents are a kernel buffer (initrd files point
 * into the archive; /proc files own a snapshot). */
struct file *memfile_open(const void *data, size_t size, unsigned mode,
			  unsigned long ino, void *owned);

#endif
