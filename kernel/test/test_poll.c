/*
 * The poll table (fs/poll.c) without user space: a kind of file made for
 * the test, a flag that a kthread sets and then wakes the file's queue.
 * One poller waits on three such files; a waker, on another CPU when
 * there is one, makes one of them ready each round. A wake-up lost
 * between the poller's look and its sleep would hang the round.
 */
#include "arch/time.h"
#include "base/kernel.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "mm/kmalloc.h"
#include "sched/kthread.h"
#include "sched/waitq.h"
#include "test/ktest.h"

#define FILES 3
#define ROUNDS 1000

struct flag_file {
	atomic_bool ready;
	struct waitq wq;
};

static unsigned flag_poll(struct file *f, struct poll_table *pt)
{
	struct flag_file *ff = f->priv;
	poll_wait(f, &ff->wq, pt);
	return atomic_load(&ff->ready) ? POLLIN : 0;
}

static const struct file_ops flag_ops = {.poll = flag_poll};

static struct {
	struct flag_file flag[FILES];
	struct files *table;
	struct pollfd fds[FILES];
	atomic_int taken;  /* rounds the poller has finished */
	struct waitq turn; /* the waker waits here for the poller */
	int right;	   /* rounds where exactly the right file was ready */
} rig;

/* Three flag files in a new descriptor table, at fds 0, 1, 2. */
static void rig_up(void)
{
	rig.table = files_alloc();
	for (int i = 0; i < FILES; i++) {
		atomic_init(&rig.flag[i].ready, false);
		waitq_init(&rig.flag[i].wq, "flag file");
		struct file *f = file_alloc(&flag_ops, &rig.flag[i], O_RDONLY);
		fd_install(rig.table, f, 0, false);
		rig.fds[i] = (struct pollfd){i, POLLIN, 0};
	}
	atomic_init(&rig.taken, 0);
	waitq_init(&rig.turn, "poll test turn");
	rig.right = 0;
}

static bool no_pollers_left(void)
{
	for (int i = 0; i < FILES; i++)
		if (!list_empty(&rig.flag[i].wq.pollers))
			return false;
	return true;
}

static void make_ready(int i)
{
	atomic_store(&rig.flag[i].ready, true);
	waitq_wake_all(&rig.flag[i].wq);
}

static void waker(void *arg)
{
	(void)arg;
	for (int round = 0; round < ROUNDS; round++) {
		wait_event(&rig.turn, atomic_load(&rig.taken) == round);
		make_ready(round % FILES);
	}
}

static void poller(void *arg)
{
	(void)arg;
	for (int round = 0; round < ROUNDS; round++) {
		long n = poll_fds(rig.table, rig.fds, FILES, POLL_FOREVER);
		int i = round % FILES;
		rig.right += n == 1 && rig.fds[i].revents == POLLIN;
		atomic_store(&rig.flag[i].ready, false);
		atomic_store(&rig.taken, round + 1);
		waitq_wake_all(&rig.turn);
	}
}

KTEST(poll, a_poller_on_three_queues_wakes_on_each_1000_times)
{
	rig_up();
	struct task *w = kthread_create(waker, NULL, "poll waker");
	struct task *p = kthread_create(poller, NULL, "poller");
	kthread_join(p);
	kthread_join(w);
	KEXPECT_EQ(rig.right, ROUNDS);
	KEXPECT_TRUE(no_pollers_left());
	files_put(rig.table);
}

KTEST(poll, a_deadline_ends_the_wait_with_nothing_ready)
{
	rig_up();
	KEXPECT_EQ(poll_fds(rig.table, rig.fds, FILES, 0), 0);
	KEXPECT_EQ(poll_fds(rig.table, rig.fds, FILES, clock_ns() + 1000000),
		   0);
	for (int i = 0; i < FILES; i++)
		KEXPECT_EQ(rig.fds[i].revents, 0);
	KEXPECT_TRUE(no_pollers_left());
	files_put(rig.table);
}

KTEST(poll, closed_descriptors_are_pollnval_and_negative_ones_skipped)
{
	rig_up();
	KEXPECT_EQ(fd_close(rig.table, 1), 0);
	rig.fds[0].fd = -1;
	KEXPECT_EQ(poll_fds(rig.table, rig.fds, FILES, POLL_FOREVER), 1);
	KEXPECT_EQ(rig.fds[0].revents, 0);
	KEXPECT_EQ(rig.fds[1].revents, POLLNVAL);
	KEXPECT_EQ(rig.fds[2].revents, 0);
	files_put(rig.table);
}

KTEST(poll, a_file_without_a_poll_op_is_always_ready)
{
	static const struct file_ops plain = {0};
	struct file *f = file_alloc(&plain, NULL, O_RDONLY);
	KASSERT_TRUE(f != NULL);
	KEXPECT_EQ(file_poll(f, NULL),
		   POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
	file_put(f);
}
