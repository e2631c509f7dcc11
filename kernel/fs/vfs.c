/*
 * Path resolution, opening, and the two kinds of file everything here is
 * made of: a read-only file over a buffer (memfile) and a directory whose
 * entries a function lists (dirfile). See vfs.h.
 */
#include "fs/vfs.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "fs/initrd.h"
#include "fs/tmpfs.h"
#include "mm/kmalloc.h"

int path_resolve(const char *cwd, const char *path, char *out, size_t size)
{
	if (!*path)
		return -ENOENT;
	char *buf = kmalloc(PATH_MAX * 2);
	if (!buf)
		return -ENOMEM;
	size_t len = 0;
	buf[0] = '\0';
	if (path[0] != '/') { /* relative: start from cwd */
		strlcpy(buf, cwd, PATH_MAX);
		len = strlen(buf);
	}
	/* Append each component of path, resolving "." and "..". */
	const char *p = path;
	int r = 0;
	while (*p && !r) {
		while (*p == '/')
			p++;
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && buf[len - 1] != '/')
				len--;
			if (len > 0)
				len--; /* the slash */
			buf[len] = '\0';
		} else if (len + 1 + n >= PATH_MAX) {
			r = -ENAMETOOLONG;
		} else {
			buf[len++] = '/';
			memcpy(buf + len, p, n);
			len += n;
			buf[len] = '\0';
		}
		p += n;
	}
	if (!r && len == 0)
		strlcpy(buf, "/", PATH_MAX);
	if (!r && strlcpy(out, buf, size) >= size)
		r = -ENAMETOOLONG;
	kfree(buf);
	return r;
}

/* --- memfile: read-only bytes ------------------------------------------ */

struct memfile {
	const uint8_t *data;
	size_t size;
	unsigned mode;
	unsigned long ino;
	void *owned; /* freed with the file (a /proc snapshot), or NULL */
};

/* A buffer that runs into an unmapped page gets the bytes before it, as
 * on Linux; -EFAULT only if none. */
static long memfile_pread(struct file *f, uint64_t ubuf, size_t n, int64_t off)
{
	struct memfile *m = f->priv;
	if (off >= (int64_t)m->size)
		return 0;
	size_t len = MIN(n, m->size - (size_t)off);
	size_t done = copy_to_user_partial(ubuf, m->data + off, len);
	return done ? (long)done : -EFAULT;
}

static void memfile_stat(struct file *f, struct kstat *st)
{
	struct memfile *m = f->priv;
	st->mode = m->mode;
	st->ino = m->ino;
	st->size = (int64_t)m->size;
	st->blksize = 4096;
	st->blocks = (st->size + 511) / 512;
	st->nlink = 1;
}

static void memfile_release(struct file *f)
{
	struct memfile *m = f->priv;
	kfree(m->owned);
	kfree(m);
}

static const struct file_ops memfile_ops = {
	.read = file_read_at_pos,
	.pread = memfile_pread,
	.stat = memfile_stat,
	.release = memfile_release,
	.seekable = true,
};

struct file *memfile_open(const void *data, size_t size, unsigned mode,
			  unsigned long ino, void *owned)
{
	struct memfile *m = kmalloc(sizeof(*m));
	struct file *f = m ? file_alloc(&memfile_ops, m, O_RDONLY) : NULL;
	if (!f) {
		kfree(m);
		kfree(owned);
		return NULL;
	}
	*m = (struct memfile){data, size, mode, ino, owned};
	return f;
}

/* --- dirfile: a directory listed by a function ------------------------- */

struct dirfile {
	char path[PATH_MAX];
	dir_list_fn list; /* entry i of path, or -ENOENT past the end */
	dir_stat_fn stat; /* or NULL */
};

/* The directory position is the index of the next entry. lseek keeps it
 * in [0, INT32_MAX] (max_offset); the check here keeps a lister from
 * ever seeing a negative index, whatever sets the position. */
static long dirfile_getdents(struct file *f, uint64_t ubuf, size_t n)
{
	struct dirfile *d = f->priv;
	uint8_t rec[sizeof(struct linux_dirent64) + 256 + 8];
	size_t done = 0;
	mutex_lock(&f->pos_lock);
	for (;;) {
		struct dir_entry e;
		if (f->pos < 0 || f->pos >= INT32_MAX ||
		    d->list(d->path, (int)f->pos, &e) < 0)
			break;
		size_t name_len = strlen(e.name);
		size_t reclen = ALIGN_UP(
			sizeof(struct linux_dirent64) + name_len + 1, 8);
		if (done + reclen > n) {
			if (done == 0) {
				mutex_unlock(&f->pos_lock);
				return -EINVAL; /* buffer too small for one */
			}
			break;
		}
		struct linux_dirent64 *de = (void *)rec;
		memset(rec, 0, reclen);
		de->ino = e.ino;
		de->off = f->pos + 1;
		de->reclen = (uint16_t)reclen;
		de->type = e.type;
		memcpy(de->name, e.name, name_len + 1);
		if (copy_to_user(ubuf + done, rec, reclen) < 0) {
			/* As Linux: the entries before the fault count. */
			mutex_unlock(&f->pos_lock);
			return done ? (long)done : -EFAULT;
		}
		done += reclen;
		f->pos++;
	}
	mutex_unlock(&f->pos_lock);
	return (long)done;
}

static long dirfile_read(struct file *f, uint64_t ubuf, size_t n)
{
	(void)f, (void)ubuf, (void)n;
	return -EISDIR;
}

static void dirfile_stat(struct file *f, struct kstat *st)
{
	struct dirfile *d = f->priv;
	if (d->stat && d->stat(d->path, st) == 0)
		return;
	st->mode = S_IFDIR | 0555;
	st->nlink = 2;
	st->blksize = 4096;
}

static void dirfile_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops dirfile_ops = {
	.read = dirfile_read,
	.stat = dirfile_stat,
	.getdents = dirfile_getdents,
	.release = dirfile_release,
	.seekable = true,
	.max_offset = INT32_MAX,
};

const char *dirfile_path(struct file *f)
{
	if (f->ops != &dirfile_ops)
		return NULL;
	struct dirfile *d = f->priv;
	return d->path;
}

struct file *dirfile_open(const char *path, dir_list_fn list, dir_stat_fn stat)
{
	struct dirfile *d = kmalloc(sizeof(*d));
	struct file *f = d ? file_alloc(&dirfile_ops, d, O_RDONLY) : NULL;
	if (!f) {
		kfree(d);
		return NULL;
	}
	strlcpy(d->path, path, sizeof(d->path));
	d->list = list;
	d->stat = stat;
	return f;
}

static vfs_open_fn proc_open;

/* --- the initrd tree ----------------------------------------------------- */

/* Is name ("bin/hello") directly inside dir ("/bin", or "/")? */
static bool in_dir(const char *dir, const char *name)
{
	const char *rel = dir + 1; /* "bin", or "" for the root */
	size_t n = strlen(rel);
	if (n) {
		if (strncmp(name, rel, n) != 0 || name[n] != '/')
			return false;
		name += n + 1;
	}
	return *name && !strchr(name, '/');
}

struct list_ctx {
	const char *dir;
	int want, seen;
	struct dir_entry *out;
};

static int list_one(const struct initrd_file *f, void *arg)
{
	struct list_ctx *c = arg;
	if (!in_dir(c->dir, f->name) || c->seen++ != c->want)
		return 0;
	const char *base = strrchr(f->name, '/');
	strlcpy(c->out->name, base ? base + 1 : f->name, sizeof(c->out->name));
	c->out->ino = f->ino;
	c->out->type = (f->mode & S_IFMT) == S_IFDIR ? DT_DIR : DT_REG;
	return 1;
}

/* Entry i of an initrd directory; the root also lists "proc" and "tmp",
 * the trees mounted on it. */
static int initrd_list(const char *dir, int i, struct dir_entry *out)
{
	static const char *const mounted[] = {"proc", "tmp"};
	int nmounted = strcmp(dir, "/") == 0 ? 2 : 0;
	if (i < nmounted) {
		*out = (struct dir_entry){.ino = PROC_ROOT_INO + (unsigned)i,
					  .type = DT_DIR};
		strlcpy(out->name, mounted[i], sizeof(out->name));
		return 0;
	}
	struct list_ctx c = {dir, i - nmounted, 0, out};
	return initrd_for_each(list_one, &c) == 1 ? 0 : -ENOENT;
}

static int initrd_open(const char *abs, int flags, struct file **out)
{
	struct initrd_file f;
	bool root = strcmp(abs, "/") == 0;
	if (!root && initrd_lookup(abs, &f) < 0)
		return flags & O_CREAT ? -EROFS : -ENOENT;
	bool dir = root || (f.mode & S_IFMT) == S_IFDIR;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return dir ? -EISDIR : -EROFS;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (!dir && (flags & O_DIRECTORY))
		return -ENOTDIR;
	*out = dir ? dirfile_open(abs, initrd_list, NULL)
		   : memfile_open(f.data, f.size, f.mode, f.ino, NULL);
	return *out ? 0 : -ENOMEM;
}

void vfs_mount_proc(vfs_open_fn open)
{
	proc_open = open;
}

int vfs_open(const char *abs, int flags, unsigned mode, struct file **out)
{
	const char *rel;
	struct tmpfs *tmp = vfs_tmpfs_at(abs, &rel);
	if (tmp)
		return tmpfs_open(tmp, rel, abs, flags, mode, out);
	if (proc_open &&
	    (strcmp(abs, "/proc") == 0 || strncmp(abs, "/proc/", 6) == 0))
		return proc_open(abs, flags, out);
	return initrd_open(abs, flags, out);
}

int vfs_check_dir(const char *abs)
{
	struct file *f;
	int r = vfs_open(abs, O_RDONLY | O_DIRECTORY, 0, &f);
	if (r == 0)
		file_put(f);
	return r;
}
