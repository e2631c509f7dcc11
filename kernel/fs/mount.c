/*
 * Where the tmpfs trees are mounted, and the calls that change names
 * (mkdir, rmdir, unlink, link, rename): a tmpfs serves them; the initrd
 * and /proc are read-only, so there they fail as on a read-only Linux
 * mount.
 *
 *   /            initrd           read-only
 *   /proc        procfs           read-only, made on open
 *   /tmp         tmpfs, 01777     \  one limit on pages:
 *   /dev/shm     tmpfs, 01777     /  half of RAM together
 */
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"

static struct mount {
	const char *at;
	struct tmpfs *fs; /* set once, at boot */
} mounts[] = {{"/tmp", NULL}, {"/dev/shm", NULL}};

void vfs_mount_tmpfs(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		mounts[i].fs = tmpfs_create(S_IFDIR | 01777);
		if (!mounts[i].fs)
			panic("tmpfs: no memory for %s", mounts[i].at);
	}
}

struct tmpfs *vfs_tmpfs_at(const char *abs, const char **rel)
{
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		size_t n = strlen(mounts[i].at);
		if (mounts[i].fs && strncmp(abs, mounts[i].at, n) == 0 &&
		    (abs[n] == '\0' || abs[n] == '/')) {
			*rel = abs[n] ? abs + n + 1 : abs + n;
			return mounts[i].fs;
		}
	}
	return NULL;
}

/* Outside a tmpfs: -EROFS if abs exists, else what opening it says. */
static int read_only(const char *abs)
{
	struct file *f;
	int r = vfs_open(abs, O_RDONLY, 0, &f);
	if (r)
		return r;
	file_put(f);
	return -EROFS;
}

int vfs_mkdir(const char *abs, unsigned mode)
{
	const char *rel;
	struct tmpfs *fs = vfs_tmpfs_at(abs, &rel);
	if (fs)
		return tmpfs_mkdir(fs, rel, mode);
	int r = read_only(abs);
	return r == -EROFS ? -EEXIST : r == -ENOENT ? -EROFS : r;
}

int vfs_rmdir(const char *abs)
{
	const char *rel;
	struct tmpfs *fs = vfs_tmpfs_at(abs, &rel);
	return fs ? tmpfs_rmdir(fs, rel) : read_only(abs);
}

int vfs_unlink(const char *abs)
{
	const char *rel;
	struct tmpfs *fs = vfs_tmpfs_at(abs, &rel);
	return fs ? tmpfs_unlink(fs, rel) : read_only(abs);
}

/* The tmpfs both paths are on; NULL with *err -EXDEV (two file systems)
 * or what the read-only tree says. */
static struct tmpfs *same_tmpfs(const char *from, const char *to,
				const char **rel_from, const char **rel_to,
				int *err)
{
	struct tmpfs *a = vfs_tmpfs_at(from, rel_from);
	struct tmpfs *b = vfs_tmpfs_at(to, rel_to);
	if (a && a == b)
		return a;
	*err = a || b ? -EXDEV : read_only(from);
	return NULL;
}

int vfs_link(const char *from, const char *to)
{
	const char *a, *b;
	int r;
	struct tmpfs *fs = same_tmpfs(from, to, &a, &b, &r);
	return fs ? tmpfs_link(fs, a, b) : r;
}

int vfs_rename(const char *from, const char *to, unsigned flags)
{
	const char *a, *b;
	int r;
	struct tmpfs *fs = same_tmpfs(from, to, &a, &b, &r);
	return fs ? tmpfs_rename(fs, a, b, flags) : r;
}

/* The superuser may read and write anything (but not a read-only
 * tree), and run anything with an x bit or any directory. */
int vfs_access(const char *abs, int mode)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	struct file *f;
	int r = vfs_open(abs, O_RDONLY, 0, &f);
	if (r)
		return r;
	struct kstat st = {0};
	if (f->ops->stat)
		f->ops->stat(f, &st);
	const char *rel;
	if ((mode & W_OK) && !vfs_tmpfs_at(abs, &rel))
		r = -EROFS;
	else if ((mode & X_OK) && (st.mode & S_IFMT) != S_IFDIR &&
		 !(st.mode & 0111))
		r = -EACCES;
	file_put(f);
	return r;
}
