/*
 * eventfd, as Linux has it. The file is a counter:
 *
 *   write(8 bytes: v)   count += v, waiting while that would reach
 *                       UINT64_MAX (the largest count is UINT64_MAX - 1)
 *   read(8 bytes)       waits while count is 0, then returns count and
 *                       sets it to 0 -- or, with EFD_SEMAPHORE, returns 1
 *                       and takes 1
 *   poll                POLLIN while count > 0, POLLOUT while a write of
 *                       1 would not wait
 *
 * A buffer under 8 bytes and a write of UINT64_MAX are EINVAL; with
 * O_NONBLOCK a read or write that would wait is EAGAIN. One wait queue
 * serves readers, writers and pollers: every change wakes them all.
 */
#include "fs/eventfd.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "fs/poll.h"
#include "mm/kmalloc.h"
#include "sched/waitq.h"
#include "sync/spinlock.h"

#define COUNT_MAX (UINT64_MAX - 1)

struct eventfd {
	struct spinlock lock;
	uint64_t count; /* lock */
	bool semaphore; /* const: EFD_SEMAPHORE */
	struct waitq wq;
};

static long eventfd_read(struct file *f, uint64_t ubuf, size_t n)
{
	struct eventfd *e = f->priv;
	if (n < sizeof(uint64_t))
		return -EINVAL;
	spin_lock(&e->lock);
	long r = 0;
	if (e->count == 0 && (f->flags & O_NONBLOCK))
		r = -EAGAIN;
	else
		r = wait_event_locked_interruptible(&e->wq, e->count > 0,
						    &e->lock);
	uint64_t taken = 0;
	if (!r) {
		taken = e->semaphore ? 1 : e->count;
		e->count -= taken;
	}
	spin_unlock(&e->lock);
	if (r)
		return r;
	waitq_wake_all(&e->wq);
	/* Taken even if the copy fails, as on Linux. */
	if (copy_to_user(ubuf, &taken, sizeof(taken)) < 0)
		return -EFAULT;
	return sizeof(taken);
}

static long eventfd_write(struct file *f, uint64_t ubuf, size_t n)
{
	struct eventfd *e = f->priv;
	uint64_t add;
	if (n < sizeof(add))
		return -EINVAL;
	if (copy_from_user(&add, ubuf, sizeof(add)) < 0)
		return -EFAULT;
	if (add == UINT64_MAX)
		return -EINVAL;
	spin_lock(&e->lock);
	long r = 0;
	if (COUNT_MAX - e->count < add && (f->flags & O_NONBLOCK))
		r = -EAGAIN;
	else
		r = wait_event_locked_interruptible(
			&e->wq, COUNT_MAX - e->count >= add, &e->lock);
	if (!r)
		e->count += add;
	spin_unlock(&e->lock);
	if (r)
		return r;
	waitq_wake_all(&e->wq);
	return sizeof(add);
}

static unsigned eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->priv;
	poll_wait(f, &e->wq, pt);
	spin_lock(&e->lock);
	uint64_t count = e->count;
	spin_unlock(&e->lock);
	/* Linux sets neither POLLRDNORM nor POLLWRNORM here. */
	return (count > 0 ? POLLIN : 0) | (count < COUNT_MAX ? POLLOUT : 0);
}

static void eventfd_stat(struct file *f, struct kstat *st)
{
	st->mode = 0600; /* an anonymous inode: no file type, as on Linux */
	st->ino = (uint64_t)f->priv >> 4;
	st->blksize = 4096;
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.stat = eventfd_stat,
	.poll = eventfd_poll,
	.release = eventfd_release,
};

struct file *eventfd_create(unsigned initval, int flags)
{
	struct eventfd *e = kzalloc(sizeof(*e));
	struct file *f =
		e ? file_alloc(&eventfd_ops, e, O_RDWR | (flags & O_NONBLOCK))
		  : NULL;
	if (!f) {
		kfree(e);
		return NULL;
	}
	spin_init(&e->lock, "eventfd");
	waitq_init(&e->wq, "eventfd");
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	return f;
}
