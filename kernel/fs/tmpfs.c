/*
 * tmpfs inodes and the files opened on them (the tree is tmpfs_dir.c).
 *
 * A regular file's bytes live in a struct shmem: the file's size says how
 * many of them count, and page i of the shmem holds bytes [4096 i, 4096 i
 * + 4096). A page is made on the first write to it (or the first touch
 * through a mapping); a hole reads as zeroes. mmap(MAP_SHARED) maps these
 * very pages, so write() and a store through a mapping see each other.
 *
 * Locking: the inode's mutex serialises size changes and the copies in
 * and out (so an O_APPEND write is one step: find the end, write there).
 * A copy may fault on a user page; the fault takes the mm's lock and the
 * shmem's spinlock, never an inode's, so holding it is safe.
 */
#include "arch/uaccess.h"
#include "aspace/shmem.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "fs/tmpfs_inode.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

#define TMPFS_INO_BASE 0x60000000ul

/* The pages every tmpfs may hold together: half of RAM, as Linux's
 * default size for each. Set by the first tmpfs_create. */
static struct page_quota quota;
static atomic_ulong next_ino = TMPFS_INO_BASE;

struct tmpfs *tmpfs_create(unsigned root_mode)
{
	if (!atomic_load(&quota.left))
		atomic_store(&quota.left, (long)pmm_total_pages() / 2);
	struct tmpfs *fs = kzalloc(sizeof(*fs));
	if (!fs)
		return NULL;
	mutex_init(&fs->lock, "tmpfs");
	fs->root = tmpfs_inode_new(fs, root_mode);
	if (!fs->root) {
		kfree(fs);
		return NULL;
	}
	fs->root->nlink = 2;
	fs->root->parent = fs->root;
	return fs;
}

struct tmpfs_inode *tmpfs_inode_new(struct tmpfs *fs, unsigned mode)
{
	if (!quota_take(&quota, 1))
		return NULL;
	struct tmpfs_inode *ip = kzalloc(sizeof(*ip));
	bool file = (mode & S_IFMT) == S_IFREG;
	if (ip && file)
		ip->pages = shm_create(SHMEM_MAX / PAGE_SIZE, &quota);
	if (!ip || (file && !ip->pages)) {
		kfree(ip);
		quota_give(&quota, 1);
		return NULL;
	}
	ip->fs = fs;
	ip->ino = atomic_fetch_add(&next_ino, 1);
	ip->mode = mode;
	mutex_init(&ip->lock, "tmpfs inode");
	list_init(&ip->entries);
	return ip;
}

void tmpfs_inode_maybe_free(struct tmpfs_inode *ip)
{
	if (ip->nlink || ip->opens)
		return;
	shm_put(ip->pages);
	kfree(ip);
	quota_give(&quota, 1);
}

void tmpfs_inode_stat(struct tmpfs_inode *ip, struct kstat *st)
{
	st->mode = ip->mode;
	st->ino = ip->ino;
	st->nlink = ip->nlink;
	st->size = ip->size;
	st->blksize = PAGE_SIZE;
	st->blocks = ALIGN_UP(ip->size, (int64_t)PAGE_SIZE) / 512;
}

int tmpfs_resize(struct tmpfs_inode *ip, int64_t size)
{
	if (size < 0 || (uint64_t)size > SHMEM_MAX)
		return -EFBIG;
	/* Growing: whatever a mapping stored past the old end must not
	 * show up as file contents, so that is dropped too. */
	shm_truncate(ip->pages, (uint64_t)MIN(size, ip->size));
	ip->size = size;
	return 0;
}

/* Copies n bytes at off between the file and ubuf; the count moved, or
 * -EFAULT/-ENOSPC if none. ip->lock held. */
static long copy_pages(struct tmpfs_inode *ip, uint64_t ubuf, size_t n,
		       int64_t off, bool writing)
{
	static const uint8_t zeroes[PAGE_SIZE];
	size_t done = 0;
	long err = 0;
	while (done < n && !err) {
		uint64_t at = (uint64_t)off + done;
		size_t in_page = at % PAGE_SIZE;
		size_t chunk = MIN(n - done, PAGE_SIZE - in_page);
		size_t index = at / PAGE_SIZE;
		uint64_t pa = writing ? shm_page(ip->pages, index)
				      : shm_peek(ip->pages, index);
		const uint8_t *from = pa ? phys_to_virt(pa + in_page) : zeroes;
		/* A write copies whole chunks (a fault fails the chunk); a
		 * read gets the bytes before a fault, as on Linux. */
		size_t moved = 0;
		if (writing && !pa)
			err = -ENOSPC;
		else if (writing)
			err = copy_from_user(phys_to_virt(pa + in_page),
					     ubuf + done, chunk);
		else
			moved = copy_to_user_partial(ubuf + done, from, chunk);
		if (writing && !err)
			moved = chunk;
		done += moved;
		if (!err && moved < chunk)
			err = -EFAULT;
	}
	return done ? (long)done : err;
}

static long tmpfs_pread(struct file *f, uint64_t ubuf, size_t n, int64_t off)
{
	struct tmpfs_inode *ip = f->priv;
	mutex_lock(&ip->lock);
	long r = off >= ip->size ? 0
				 : copy_pages(ip, ubuf,
					      MIN(n, (size_t)(ip->size - off)),
					      off, false);
	mutex_unlock(&ip->lock);
	return r;
}

/* A write at off, or at the end (append); *end is where it ended. */
static long write_at(struct tmpfs_inode *ip, uint64_t ubuf, size_t n,
		     int64_t off, bool append, int64_t *end)
{
	mutex_lock(&ip->lock);
	if (append)
		off = ip->size;
	long r = (uint64_t)off >= SHMEM_MAX ? -EFBIG : 0;
	if (!r && n) {
		n = MIN(n, SHMEM_MAX - (uint64_t)off);
		r = copy_pages(ip, ubuf, n, off, true);
	}
	if (r > 0 && off + r > ip->size)
		ip->size = off + r;
	*end = off + MAX(r, 0);
	mutex_unlock(&ip->lock);
	return r;
}

static long tmpfs_pwrite(struct file *f, uint64_t ubuf, size_t n, int64_t off)
{
	int64_t end;
	return write_at(f->priv, ubuf, n, off, f->flags & O_APPEND, &end);
}

static long tmpfs_write(struct file *f, uint64_t ubuf, size_t n)
{
	mutex_lock(&f->pos_lock);
	int64_t end;
	long r = write_at(f->priv, ubuf, n, f->pos, f->flags & O_APPEND, &end);
	if (r >= 0)
		f->pos = end;
	mutex_unlock(&f->pos_lock);
	return r;
}

static int tmpfs_truncate(struct file *f, int64_t size)
{
	struct tmpfs_inode *ip = f->priv;
	mutex_lock(&ip->lock);
	int r = tmpfs_resize(ip, size);
	mutex_unlock(&ip->lock);
	return r;
}

static struct shmem *tmpfs_pages(struct file *f)
{
	struct tmpfs_inode *ip = f->priv;
	shm_get(ip->pages);
	return ip->pages;
}

static void tmpfs_stat(struct file *f, struct kstat *st)
{
	struct tmpfs_inode *ip = f->priv;
	mutex_lock(&ip->fs->lock);
	tmpfs_inode_stat(ip, st);
	mutex_unlock(&ip->fs->lock);
}

static void tmpfs_release(struct file *f)
{
	struct tmpfs_inode *ip = f->priv;
	struct tmpfs *fs = ip->fs;
	mutex_lock(&fs->lock);
	ip->opens--;
	tmpfs_inode_maybe_free(ip);
	mutex_unlock(&fs->lock);
}

static const struct file_ops tmpfs_file_ops = {
	.read = file_read_at_pos,
	.write = tmpfs_write,
	.pread = tmpfs_pread,
	.pwrite = tmpfs_pwrite,
	.truncate = tmpfs_truncate,
	.pages = tmpfs_pages,
	.stat = tmpfs_stat,
	.release = tmpfs_release,
	.seekable = true,
};

struct file *tmpfs_file_open(struct tmpfs_inode *ip, int flags)
{
	struct file *f = file_alloc(&tmpfs_file_ops, ip, flags & O_ACCMODE);
	if (f)
		ip->opens++;
	return f;
}
