/*
 * A pipe is a ring buffer with two kinds of waiter:
 *
 *   writer --> [ . . . d a t a . . ] --> reader
 *                    tail      head
 *
 * A reader sleeps while the ring is empty and a writer exists; with no
 * writer left it gets 0 (end of file). A writer sleeps while the ring is
 * full; with no reader left it gets -EPIPE and SIGPIPE. A write of at
 * most PIPE_BUF bytes waits for room for all of it, so it is never
 * interleaved with another writer's (POSIX).
 */
#include "fs/pipe.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "fs/poll.h"
#include "mm/kmalloc.h"
#include "sched/sched.h"
#include "sched/waitq.h"

#define PIPE_SIZE (16 * 1024)

static void (*sigpipe_hook)(void);

void pipe_set_sigpipe_hook(void (*raise_sigpipe)(void))
{
	sigpipe_hook = raise_sigpipe;
}

struct pipe {
	struct mutex lock; /* the ring and the counts; user copies inside */
	char *ring;
	uint64_t head, tail;  /* lock: bytes read, bytes written (ever) */
	int readers, writers; /* lock: open ends */
	struct waitq wq;      /* both sides wait here for a change */
};

/* Bytes in the ring. p->lock held. */
static uint64_t used_locked(struct pipe *p)
{
	mutex_assert_held(&p->lock);
	return p->tail - p->head;
}

static long pipe_read(struct file *f, uint64_t ubuf, size_t n)
{
	struct pipe *p = f->priv;
	if (n == 0)
		return 0;
	mutex_lock(&p->lock);
	long r = 0;
	if (used_locked(p) == 0 && p->writers > 0 && (f->flags & O_NONBLOCK))
		r = -EAGAIN;
	else
		r = wait_event_mutex_interruptible(
			&p->wq, used_locked(p) > 0 || p->writers == 0,
			&p->lock);
	if (r) {
		mutex_unlock(&p->lock);
		return r;
	}
	size_t done = 0;
	while (done < n && used_locked(p) > 0) {
		size_t at = p->head % PIPE_SIZE;
		size_t chunk =
			MIN(MIN(n - done, used_locked(p)), PIPE_SIZE - at);
		if (copy_to_user(ubuf + done, p->ring + at, chunk) < 0) {
			r = -EFAULT;
			break;
		}
		p->head += chunk;
		done += chunk;
	}
	mutex_unlock(&p->lock);
	waitq_wake_all(&p->wq);
	return done ? (long)done : r;
}

static long pipe_write(struct file *f, uint64_t ubuf, size_t n)
{
	struct pipe *p = f->priv;
	size_t done = 0;
	long r = 0;
	mutex_lock(&p->lock);
	while (done < n && !r) {
		/* Room needed before writing: all of a small write (atomic),
		 * at least a byte of a large one. */
		size_t need = n <= PIPE_BUF ? n : 1;
		if (p->readers == 0) {
			if (sigpipe_hook)
				sigpipe_hook();
			r = -EPIPE;
		} else if (PIPE_SIZE - used_locked(p) < need) {
			/* Readers may be waiting for what we wrote so far. */
			waitq_wake_all(&p->wq);
			if (f->flags & O_NONBLOCK)
				r = -EAGAIN;
			else
				r = wait_event_mutex_interruptible(
					&p->wq,
					PIPE_SIZE - used_locked(p) >= need ||
						p->readers == 0,
					&p->lock);
		} else {
			size_t at = p->tail % PIPE_SIZE;
			size_t chunk =
				MIN(MIN(n - done, PIPE_SIZE - used_locked(p)),
				    PIPE_SIZE - at);
			if (copy_from_user(p->ring + at, ubuf + done, chunk) <
			    0)
				r = -EFAULT;
			else {
				p->tail += chunk;
				done += chunk;
			}
		}
	}
	mutex_unlock(&p->lock);
	waitq_wake_all(&p->wq);
	return done ? (long)done : r;
}

/* As Linux answers: the read end is readable with data in the ring and
 * hung up with no writer left; the write end is writable with room for
 * an atomic write (PIPE_BUF) and in error with no reader left. */
static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	poll_wait(f, &p->wq, pt);
	unsigned mask = 0;
	mutex_lock(&p->lock);
	if ((f->flags & O_ACCMODE) == O_RDONLY) {
		if (used_locked(p) > 0)
			mask |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			mask |= POLLHUP;
	} else {
		if (PIPE_SIZE - used_locked(p) >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	mutex_unlock(&p->lock);
	return mask;
}

static void pipe_stat(struct file *f, struct kstat *st)
{
	st->mode = S_IFIFO | 0600;
	st->ino = (uint64_t)f->priv >> 4;
	st->blksize = PIPE_BUF;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	mutex_lock(&p->lock);
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	bool last = p->readers == 0 && p->writers == 0;
	mutex_unlock(&p->lock);
	waitq_wake_all(&p->wq);
	if (last) {
		kfree(p->ring);
		kfree(p);
	}
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.stat = pipe_stat,
	.poll = pipe_poll,
	.release = pipe_release,
};

int pipe_create(struct file *ends[2], int flags)
{
	struct pipe *p = kzalloc(sizeof(*p));
	char *ring = p ? kmalloc(PIPE_SIZE) : NULL;
	int nb = flags & O_NONBLOCK;
	ends[0] = ring ? file_alloc(&pipe_ops, p, O_RDONLY | nb) : NULL;
	ends[1] = ends[0] ? file_alloc(&pipe_ops, p, O_WRONLY | nb) : NULL;
	if (!ends[1]) {
		kfree(ends[0]);
		kfree(ring);
		kfree(p);
		return -ENOMEM;
	}
	mutex_init(&p->lock, "pipe");
	waitq_init(&p->wq, "pipe");
	p->ring = ring;
	p->readers = p->writers = 1;
	return 0;
}
