/*
 * Waiting for many files at once: the machinery under poll, ppoll,
 * select and pselect6 (entry/sys_poll.c). docs/poll.md tells the story.
 *
 * A kind of file takes part through its poll op (fs/file.h): it says
 * which POLL* events are true now, and hands poll_wait every wait queue
 * that is woken when they may change. The poller puts an entry on each of
 * those queues, so a wake of any of them wakes it.
 */
#ifndef FS_POLL_H
#define FS_POLL_H

#include <stdint.h>

#include "fs/file.h"
#include "sched/waitq.h"

/* struct pollfd, as Linux lays it out. */
struct pollfd {
	int fd;
	short events, revents;
};

/* poll_fds's deadline meaning "wait for ever". */
#define POLL_FOREVER UINT64_MAX

struct poll_table;

/*
 * poll_wait - from a file's poll op: wq is woken when f's readiness may
 * change. Does nothing when pt is NULL or its entries are all in place
 * already (a poller's second look at its files).
 */
void poll_wait(struct file *f, struct waitq *wq, struct poll_table *pt);

/* The POLL* events f has now, without waiting: a file with no poll op is
 * always readable and writable. */
unsigned file_poll(struct file *f, struct poll_table *pt);

/*
 * poll_fds - fills each fds[i].revents from the descriptors of t, and
 * waits until one is not 0, until clock_ns() reaches deadline_ns (0: do
 * not wait; POLL_FOREVER: no deadline) or until a signal is to be
 * handled. A negative fd is skipped (revents 0); a closed one reports
 * POLLNVAL. Returns how many revents are not 0, -ERESTARTNOHAND for a
 * signal, or -ENOMEM.
 */
long poll_fds(struct files *t, struct pollfd *fds, unsigned n,
	      uint64_t deadline_ns);

#endif
