/*
 * The poll table: one task asleep on many wait queues, with no wake-up
 * lost.
 *
 *   poller                            pipe.wq        tty.readers
 *   poll_table { woken }              [poller e0]    [poller e1]
 *     entries e0 --------------------^                ^
 *             e1 -------------------------------------+
 *
 * A wait on one queue (sched/waitq.h) queues the task, marks it BLOCKED,
 * then checks its condition. A poller cannot do that in one step: asking
 * a file whether it is ready may itself sleep (a pipe's lock is a mutex),
 * and a task that sleeps on a mutex comes back RUNNING, its BLOCKED mark
 * gone. So the poller asks with the task RUNNING, and a flag carries any
 * wake-up that lands meanwhile:
 *
 *   1. woken = false;
 *   2. ask every file (the first time, each puts an entry on its queues);
 *   3. something ready, a signal, the deadline: stop;
 *   4. mark BLOCKED; sleep only if woken is still false;
 *   5. back to 1.
 *
 * A waker makes the file ready, then sets woken and calls wake_up, under
 * the queue's lock (waitq.c: wake_pollers). If it came before step 1's
 * look at that file, step 2 sees the file ready; if after, it set woken:
 * before step 4's check (which sees it and does not sleep), or after the
 * task was BLOCKED (its wake_up makes it RUNNABLE, and schedule()
 * returns at once). Every entry holds a reference to its file, so a
 * file closed by another thread keeps its queue until the entry is off.
 */
#include "fs/poll.h"
#include "arch/time.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "mm/kmalloc.h"
#include "sched/sched.h"
#include "sched/timer.h"

#define ENTRIES_PER_BLOCK 32

/* What poll_fds has on one queue: the queue's entry and the file whose
 * queue it is (referenced). */
struct poll_entry {
	struct waitq_poller poller;
	struct file *file;
};

struct poll_block {
	struct poll_block *next;
	unsigned used;
	struct poll_entry entry[ENTRIES_PER_BLOCK];
};

/* Owned by the one task that polls; wakers only touch woken. */
struct poll_table {
	atomic_bool woken;	   /* a queue we are on was woken */
	bool registering;	   /* the first look: files add their queues */
	int error;		   /* -ENOMEM: an entry could not be had */
	struct poll_block *blocks; /* the newest first */
};

/* The events a file without a poll op has (Linux's DEFAULT_POLLMASK). */
#define ALWAYS_READY (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

static struct poll_entry *new_entry(struct poll_table *pt)
{
	struct poll_block *b = pt->blocks;
	if (!b || b->used == ENTRIES_PER_BLOCK) {
		b = kmalloc(sizeof(*b));
		if (!b)
			return NULL;
		b->used = 0;
		b->next = pt->blocks;
		pt->blocks = b;
	}
	return &b->entry[b->used++];
}

void poll_wait(struct file *f, struct waitq *wq, struct poll_table *pt)
{
	if (!pt || !pt->registering)
		return;
	struct poll_entry *e = new_entry(pt);
	if (!e) {
		pt->error = -ENOMEM;
		return;
	}
	file_get(f);
	e->file = f;
	e->poller.task = current();
	e->poller.woken = &pt->woken;
	waitq_add_poller(wq, &e->poller);
}

unsigned file_poll(struct file *f, struct poll_table *pt)
{
	return f->ops->poll ? f->ops->poll(f, pt) : ALWAYS_READY;
}

/* Takes every entry off its queue; no waker can see pt after this. */
static void remove_entries(struct poll_table *pt)
{
	while (pt->blocks) {
		struct poll_block *b = pt->blocks;
		for (unsigned i = 0; i < b->used; i++) {
			waitq_remove_poller(&b->entry[i].poller);
			file_put(b->entry[i].file);
		}
		pt->blocks = b->next;
		kfree(b);
	}
}

/* One look at every descriptor: fills revents, returns how many are not
 * 0. Once one is, the rest need no entries: this look will not sleep. */
static long look_at_all(struct files *t, struct pollfd *fds, unsigned n,
			struct poll_table *pt)
{
	long ready = 0;
	for (unsigned i = 0; i < n; i++) {
		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		struct file *f = fd_get(t, fds[i].fd);
		unsigned mask = POLLNVAL;
		if (f) {
			unsigned wanted = (unsigned short)fds[i].events |
					  POLLERR | POLLHUP;
			mask = file_poll(f, ready ? NULL : pt) & wanted;
			file_put(f);
		}
		fds[i].revents = (short)mask;
		if (mask)
			ready++;
	}
	return ready;
}

long poll_fds(struct files *t, struct pollfd *fds, unsigned n,
	      uint64_t deadline_ns)
{
	struct task *self = current();
	struct poll_table pt = {.registering = deadline_ns != 0};
	struct timer timer;
	bool timed = deadline_ns != 0 && deadline_ns != POLL_FOREVER;
	if (timed)
		timer_arm_wakeup(&timer, deadline_ns, self);
	long r;
	for (;;) {
		atomic_store(&pt.woken, false);
		r = look_at_all(t, fds, n, &pt);
		pt.registering = false;
		if (!r && pt.error)
			r = pt.error;
		if (!r && task_signal_pending(self))
			r = -ERESTARTNOHAND;
		if (r || clock_ns() >= deadline_ns)
			break;
		sched_block_current();
		if (!atomic_load(&pt.woken) && !task_signal_pending(self) &&
		    clock_ns() < deadline_ns)
			schedule();
		sched_unblock_current();
	}
	if (timed)
		timer_cancel(&timer);
	remove_entries(&pt);
	return r;
}
