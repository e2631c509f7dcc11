/*
 * The tmpfs tree: directories, names, and the calls that change them.
 *
 * One mutex per tmpfs (fs->lock) guards every directory's entries, every
 * inode's nlink and open count, and each directory's parent. A lookup, a
 * create, an unlink and a rename each hold it from the first component to
 * the last change, so two threads creating and unlinking in one directory
 * on two CPUs see each other's steps whole, a rename is atomic (no moment
 * where neither name or both exist), and a directory cannot be moved into
 * itself while a rename checks it. One lock for the tree is coarse; a file
 * system for many CPUs locks each directory, in a fixed order for rename.
 *
 * Paths are relative to the mount and already normalised (fs/vfs.c): no
 * "." or "..", no empty component. "" is the root.
 */
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "fs/tmpfs_inode.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"

static bool is_dir(const struct tmpfs_inode *ip)
{
	return (ip->mode & S_IFMT) == S_IFDIR;
}

static struct tmpfs_dirent *find(struct tmpfs_inode *dir, const char *name,
				 size_t len)
{
	list_for_each(node, &dir->entries) {
		struct tmpfs_dirent *e =
			list_entry(node, struct tmpfs_dirent, link);
		if (strlen(e->name) == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

/* The directory holding rel's last component, and that component (""
 * for the root itself). -ENOENT, -ENOTDIR or -ENAMETOOLONG on the way.
 * fs->lock held. */
static int walk_parent(struct tmpfs *fs, const char *rel,
		       struct tmpfs_inode **dir, const char **name)
{
	struct tmpfs_inode *at = fs->root;
	for (;;) {
		const char *slash = strchr(rel, '/');
		size_t len = slash ? (size_t)(slash - rel) : strlen(rel);
		if (len > TMPFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (!slash) {
			*dir = at;
			*name = rel;
			return 0;
		}
		struct tmpfs_dirent *e = find(at, rel, len);
		if (!e)
			return -ENOENT;
		if (!is_dir(e->inode))
			return -ENOTDIR;
		at = e->inode;
		rel = slash + 1;
	}
}

/* rel's inode, or NULL with *err set. fs->lock held. */
static struct tmpfs_inode *walk(struct tmpfs *fs, const char *rel, int *err)
{
	struct tmpfs_inode *dir;
	const char *name;
	*err = walk_parent(fs, rel, &dir, &name);
	if (*err)
		return NULL;
	if (!*name)
		return fs->root;
	struct tmpfs_dirent *e = find(dir, name, strlen(name));
	*err = e ? 0 : -ENOENT;
	return e ? e->inode : NULL;
}

/* Makes name in dir, for a new inode of mode. fs->lock held. */
static int create(struct tmpfs_inode *dir, const char *name, unsigned mode,
		  struct tmpfs_inode **out)
{
	struct tmpfs_dirent *e = kmalloc(sizeof(*e));
	struct tmpfs_inode *ip = e ? tmpfs_inode_new(dir->fs, mode) : NULL;
	if (!ip) {
		kfree(e);
		return -ENOSPC;
	}
	e->inode = ip;
	strlcpy(e->name, name, sizeof(e->name));
	list_push_back(&dir->entries, &e->link);
	if (is_dir(ip)) {
		ip->nlink = 2;
		ip->parent = dir;
		dir->nlink++;
	} else {
		ip->nlink = 1;
	}
	*out = ip;
	return 0;
}

/* Takes entry e out of dir and drops the link it was. fs->lock held. */
static void remove_entry(struct tmpfs_inode *dir, struct tmpfs_dirent *e)
{
	struct tmpfs_inode *ip = e->inode;
	list_remove(&e->link);
	kfree(e);
	if (is_dir(ip)) {
		ip->nlink = 0;
		dir->nlink--;
	} else {
		ip->nlink--;
	}
	tmpfs_inode_maybe_free(ip);
}

static int dir_list(const char *abs, int i, struct dir_entry *out)
{
	const char *rel;
	struct tmpfs *fs = vfs_tmpfs_at(abs, &rel);
	return fs ? tmpfs_list(fs, rel, i, out) : -ENOENT;
}

static int dir_stat(const char *abs, struct kstat *st)
{
	const char *rel;
	struct tmpfs *fs = vfs_tmpfs_at(abs, &rel);
	return fs ? tmpfs_stat_dir(fs, rel, st) : -ENOENT;
}

/* The open itself, fs->lock held: *ip found or made. */
static int open_locked(struct tmpfs *fs, const char *rel, int flags,
		       unsigned mode, struct tmpfs_inode **ip)
{
	struct tmpfs_inode *dir;
	const char *name;
	int r = walk_parent(fs, rel, &dir, &name);
	if (r)
		return r;
	struct tmpfs_dirent *e = *name ? find(dir, name, strlen(name)) : NULL;
	*ip = *name ? (e ? e->inode : NULL) : fs->root;
	if (!*ip)
		return flags & O_CREAT
			       ? create(dir, name, S_IFREG | (mode & 07777), ip)
			       : -ENOENT;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (is_dir(*ip))
		return (flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)
			       ? -EISDIR
			       : 0;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY) {
		mutex_lock(&(*ip)->lock);
		tmpfs_resize(*ip, 0);
		mutex_unlock(&(*ip)->lock);
	}
	return 0;
}

int tmpfs_open(struct tmpfs *fs, const char *rel, const char *abs, int flags,
	       unsigned mode, struct file **out)
{
	mutex_lock(&fs->lock);
	struct tmpfs_inode *ip;
	int r = open_locked(fs, rel, flags, mode, &ip);
	if (!r) {
		*out = is_dir(ip) ? dirfile_open(abs, dir_list, dir_stat)
				  : tmpfs_file_open(ip, flags);
		r = *out ? 0 : -ENOMEM;
	}
	mutex_unlock(&fs->lock);
	return r;
}

int tmpfs_mkdir(struct tmpfs *fs, const char *rel, unsigned mode)
{
	mutex_lock(&fs->lock);
	struct tmpfs_inode *dir, *ip;
	const char *name;
	int r = walk_parent(fs, rel, &dir, &name);
	if (!r && (!*name || find(dir, name, strlen(name))))
		r = -EEXIST;
	if (!r)
		r = create(dir, name, S_IFDIR | (mode & 07777), &ip);
	mutex_unlock(&fs->lock);
	return r;
}

/* Finds rel's entry for a call that removes it; -EBUSY for the root. */
static int find_entry(struct tmpfs *fs, const char *rel,
		      struct tmpfs_inode **dir, struct tmpfs_dirent **e)
{
	const char *name;
	int r = walk_parent(fs, rel, dir, &name);
	if (r)
		return r;
	if (!*name)
		return -EBUSY;
	*e = find(*dir, name, strlen(name));
	return *e ? 0 : -ENOENT;
}

int tmpfs_rmdir(struct tmpfs *fs, const char *rel)
{
	mutex_lock(&fs->lock);
	struct tmpfs_inode *dir;
	struct tmpfs_dirent *e;
	int r = find_entry(fs, rel, &dir, &e);
	if (!r && !is_dir(e->inode))
		r = -ENOTDIR;
	if (!r && !list_empty(&e->inode->entries))
		r = -ENOTEMPTY;
	if (!r)
		remove_entry(dir, e);
	mutex_unlock(&fs->lock);
	return r;
}

int tmpfs_unlink(struct tmpfs *fs, const char *rel)
{
	mutex_lock(&fs->lock);
	struct tmpfs_inode *dir;
	struct tmpfs_dirent *e;
	int r = find_entry(fs, rel, &dir, &e);
	if (r == -EBUSY || (!r && is_dir(e->inode)))
		r = -EISDIR;
	if (!r)
		remove_entry(dir, e);
	mutex_unlock(&fs->lock);
	return r;
}

int tmpfs_link(struct tmpfs *fs, const char *from, const char *to)
{
	mutex_lock(&fs->lock);
	int r;
	struct tmpfs_inode *ip = walk(fs, from, &r), *dir;
	const char *name;
	if (!r && is_dir(ip))
		r = -EPERM;
	if (!r)
		r = walk_parent(fs, to, &dir, &name);
	if (!r && (!*name || find(dir, name, strlen(name))))
		r = -EEXIST;
	struct tmpfs_dirent *e = r ? NULL : kmalloc(sizeof(*e));
	if (!r && !e)
		r = -ENOSPC;
	if (!r) {
		e->inode = ip;
		strlcpy(e->name, name, sizeof(e->name));
		list_push_back(&dir->entries, &e->link);
		ip->nlink++;
	}
	mutex_unlock(&fs->lock);
	return r;
}

/* May src (a directory) move into dir? Not into itself or below. */
static bool inside(struct tmpfs_inode *dir, struct tmpfs_inode *src)
{
	for (; dir != dir->parent; dir = dir->parent)
		if (dir == src)
			return true;
	return dir == src;
}

/* Linux's checks, once both names are found: what may replace what. */
static int rename_check(struct tmpfs_dirent *from, struct tmpfs_inode *to_dir,
			struct tmpfs_dirent *to, unsigned flags)
{
	struct tmpfs_inode *src = from->inode;
	if (is_dir(src) && inside(to_dir, src))
		return -EINVAL;
	if (!to)
		return 0;
	if (flags & RENAME_NOREPLACE)
		return -EEXIST;
	if (is_dir(src) && !is_dir(to->inode))
		return -ENOTDIR;
	if (!is_dir(src) && is_dir(to->inode))
		return -EISDIR;
	if (is_dir(src) && !list_empty(&to->inode->entries))
		return -ENOTEMPTY;
	return 0;
}

int tmpfs_rename(struct tmpfs *fs, const char *from, const char *to,
		 unsigned flags)
{
	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	mutex_lock(&fs->lock);
	struct tmpfs_inode *from_dir, *to_dir;
	struct tmpfs_dirent *src, *dst = NULL;
	const char *name;
	int r = find_entry(fs, from, &from_dir, &src);
	if (!r)
		r = walk_parent(fs, to, &to_dir, &name);
	if (!r && !*name)
		r = -EBUSY;
	if (!r)
		dst = find(to_dir, name, strlen(name));
	/* Two names of one file: POSIX says do nothing, successfully. */
	if (!r && !(dst && dst->inode == src->inode)) {
		r = rename_check(src, to_dir, dst, flags);
		if (!r && dst)
			remove_entry(to_dir, dst);
		if (!r) {
			list_remove(&src->link);
			strlcpy(src->name, name, sizeof(src->name));
			list_push_back(&to_dir->entries, &src->link);
			if (is_dir(src->inode) && from_dir != to_dir) {
				from_dir->nlink--;
				to_dir->nlink++;
				src->inode->parent = to_dir;
			}
		}
	}
	mutex_unlock(&fs->lock);
	return r;
}

int tmpfs_list(struct tmpfs *fs, const char *rel, int i, struct dir_entry *out)
{
	mutex_lock(&fs->lock);
	int r;
	struct tmpfs_inode *dir = walk(fs, rel, &r);
	if (!r && !is_dir(dir))
		r = -ENOTDIR;
	if (!r && i < 2) {
		*out = (struct dir_entry){
			.ino = i ? dir->parent->ino : dir->ino, .type = DT_DIR};
		strlcpy(out->name, i ? ".." : ".", sizeof(out->name));
	} else if (!r) {
		r = -ENOENT;
		list_for_each(node, &dir->entries) {
			if (i-- > 2)
				continue;
			struct tmpfs_dirent *e =
				list_entry(node, struct tmpfs_dirent, link);
			*out = (struct dir_entry){
				.ino = e->inode->ino,
				.type = is_dir(e->inode) ? DT_DIR : DT_REG};
			strlcpy(out->name, e->name, sizeof(out->name));
			r = 0;
			break;
		}
	}
	mutex_unlock(&fs->lock);
	return r;
}

int tmpfs_stat_dir(struct tmpfs *fs, const char *rel, struct kstat *st)
{
	mutex_lock(&fs->lock);
	int r;
	struct tmpfs_inode *ip = walk(fs, rel, &r);
	if (ip)
		tmpfs_inode_stat(ip, st);
	mutex_unlock(&fs->lock);
	return r;
}
