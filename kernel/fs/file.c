/* struct file reference counting and descriptor tables. See file.h. */
#include "fs/file.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"

struct file *file_alloc(const struct file_ops *ops, void *priv, int flags)
{
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	atomic_init(&f->refs, 1);
	f->ops = ops;
	f->priv = priv;
	f->flags = flags;
	mutex_init(&f->pos_lock, "file pos");
	return f;
}

long file_read_at_pos(struct file *f, uint64_t ubuf, size_t n)
{
	mutex_lock(&f->pos_lock);
	long r = f->ops->pread(f, ubuf, n, f->pos);
	if (r > 0)
		f->pos += r;
	mutex_unlock(&f->pos_lock);
	return r;
}

void file_get(struct file *f)
{
	atomic_fetch_add(&f->refs, 1);
}

void file_put(struct file *f)
{
	if (atomic_fetch_sub(&f->refs, 1) != 1)
		return;
	if (f->ops->release)
		f->ops->release(f);
	kfree(f);
}

struct files *files_alloc(void)
{
	struct files *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	atomic_init(&t->refs, 1);
	mutex_init(&t->lock, "fd table");
	atomic_init(&t->max_fds, FD_MAX);
	return t;
}

struct files *files_copy(struct files *src)
{
	struct files *t = files_alloc();
	if (!t)
		return NULL;
	mutex_lock(&src->lock);
	for (int fd = 0; fd < FD_MAX; fd++) {
		t->fd[fd] = src->fd[fd];
		if (t->fd[fd])
			file_get(t->fd[fd]);
	}
	memcpy(t->cloexec, src->cloexec, sizeof(t->cloexec));
	atomic_store(&t->max_fds, atomic_load(&src->max_fds));
	mutex_unlock(&src->lock);
	return t;
}

void files_put(struct files *t)
{
	if (atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	for (int fd = 0; fd < FD_MAX; fd++)
		if (t->fd[fd])
			file_put(t->fd[fd]);
	kfree(t);
}

static bool is_cloexec(struct files *t, int fd)
{
	return t->cloexec[fd / 64] & (1ul << (fd % 64));
}

static void set_cloexec(struct files *t, int fd, bool on)
{
	if (on)
		t->cloexec[fd / 64] |= 1ul << (fd % 64);
	else
		t->cloexec[fd / 64] &= ~(1ul << (fd % 64));
}

bool fd_is_cloexec(struct files *t, int fd)
{
	mutex_lock(&t->lock);
	bool on = fd >= 0 && fd < FD_MAX && is_cloexec(t, fd);
	mutex_unlock(&t->lock);
	return on;
}

void fd_set_cloexec(struct files *t, int fd, bool on)
{
	mutex_lock(&t->lock);
	if (fd >= 0 && fd < FD_MAX && t->fd[fd])
		set_cloexec(t, fd, on);
	mutex_unlock(&t->lock);
}

void files_close_on_exec(struct files *t)
{
	mutex_lock(&t->lock);
	for (int fd = 0; fd < FD_MAX; fd++) {
		if (t->fd[fd] && is_cloexec(t, fd)) {
			file_put(t->fd[fd]);
			t->fd[fd] = NULL;
			set_cloexec(t, fd, false);
		}
	}
	mutex_unlock(&t->lock);
}

void files_set_max(struct files *t, int max)
{
	kassert(max >= 0 && max <= FD_MAX);
	atomic_store(&t->max_fds, max);
}

int fd_install(struct files *t, struct file *f, int min, bool cloexec)
{
	if (min < 0)
		return -EINVAL;
	mutex_lock(&t->lock);
	int fd = min, max = atomic_load(&t->max_fds);
	while (fd < max && t->fd[fd])
		fd++;
	if (fd < max) {
		t->fd[fd] = f;
		set_cloexec(t, fd, cloexec);
	}
	mutex_unlock(&t->lock);
	if (min >= max)
		return -EINVAL;
	return fd < max ? fd : -EMFILE;
}

struct file *fd_get(struct files *t, int fd)
{
	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	mutex_lock(&t->lock);
	struct file *f = t->fd[fd];
	if (f)
		file_get(f);
	mutex_unlock(&t->lock);
	return f;
}

int fd_close(struct files *t, int fd)
{
	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	mutex_lock(&t->lock);
	struct file *f = t->fd[fd];
	t->fd[fd] = NULL;
	set_cloexec(t, fd, false);
	mutex_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

int fd_dup_to(struct files *t, int oldfd, int newfd, bool cloexec)
{
	if (oldfd < 0 || oldfd >= FD_MAX || newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	mutex_lock(&t->lock);
	struct file *f = t->fd[oldfd], *old = NULL;
	if (newfd >= atomic_load(&t->max_fds)) {
		mutex_unlock(&t->lock);
		return -EBADF;
	}
	if (f) {
		file_get(f);
		old = t->fd[newfd];
		t->fd[newfd] = f;
		set_cloexec(t, newfd, cloexec);
	}
	mutex_unlock(&t->lock);
	if (old)
		file_put(old);
	return f ? newfd : -EBADF;
}
