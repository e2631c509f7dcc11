/*
 * Waiting for many descriptors: poll, ppoll, select, pselect6, and the
 * eventfd that wakes them. They copy the user's arguments in and out;
 * fs/poll.c does the waiting, and docs/poll.md tells the story.
 *
 * Interrupted by a signal, they return -ERESTARTNOHAND: EINTR when a
 * handler runs, a restart when none does. A restart reads the timeout
 * again, and ppoll, select and pselect6 have written the time left into
 * it, as Linux does, so it is not extended. poll's timeout is a number
 * of milliseconds it cannot update (Linux keeps it in a restart block,
 * which Spindle does not have): a timed poll returns EINTR instead.
 */
#include "arch/time.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "fs/eventfd.h"
#include "fs/poll.h"
#include "mm/kmalloc.h"
#include "proc/proc.h"

#define SIGSET_SIZE sizeof(uint64_t) /* the kernel's sigset_t */
/* What select's three sets report (Linux's POLLIN_SET and friends). */
#define SELECT_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SELECT_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SELECT_EX POLLPRI

static struct files *files(void)
{
	return current_process()->files;
}

/* A relative timeout of ns as poll_fds's deadline (0: do not wait). */
static uint64_t deadline_after(uint64_t ns)
{
	return ns ? clock_ns() + ns : 0;
}

/* poll's core on a user array: nfds above the descriptor limit is
 * EINVAL (Linux: RLIMIT_NOFILE); revents are written back even when the
 * wait was interrupted. */
static long poll_user(uint64_t ufds, unsigned nfds, uint64_t deadline)
{
	if (nfds > FD_MAX)
		return -EINVAL;
	struct pollfd *fds = NULL;
	size_t bytes = nfds * sizeof(*fds);
	if (nfds && !(fds = kmalloc(bytes)))
		return -ENOMEM;
	long r = copy_from_user(fds, ufds, bytes) < 0
			 ? -EFAULT
			 : poll_fds(files(), fds, nfds, deadline);
	for (unsigned i = 0; i < nfds && r != -EFAULT; i++) {
		uint64_t at = ufds + i * sizeof(*fds) +
			      offsetof(struct pollfd, revents);
		if (copy_to_user(at, &fds[i].revents, sizeof(short)) < 0)
			r = -EFAULT;
	}
	kfree(fds);
	return r;
}

long sys_poll(uint64_t ufds, unsigned nfds, int timeout_ms)
{
	uint64_t deadline = POLL_FOREVER;
	if (timeout_ms >= 0)
		deadline = deadline_after((uint64_t)timeout_ms * NSEC_PER_MSEC);
	long r = poll_user(ufds, nfds, deadline);
	return r == -ERESTARTNOHAND && timeout_ms > 0 ? -EINTR : r;
}

/* The new sigset of ppoll and pselect6, if any: in force while waiting
 * (proc_sigmask_for_wait). 0, -EINVAL (a bad size) or -EFAULT. */
static int set_wait_mask(uint64_t umask, size_t setsize, bool *set)
{
	*set = false;
	if (!umask)
		return 0;
	uint64_t mask;
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	proc_sigmask_for_wait(mask);
	*set = true;
	return 0;
}

/*
 * The end of ppoll, select and pselect6 (Linux's poll_select_finish):
 * the old signal mask back, and the time left written into the user's
 * timeout (a struct timeval if usec, else a struct timespec) unless it
 * was zero. If that write fails the call cannot be restarted with the
 * time left, so an interrupted one returns EINTR; its result stands.
 */
static long finish_wait(long r, bool mask_set, uint64_t deadline,
			uint64_t utime, bool usec)
{
	if (mask_set)
		proc_sigmask_after_wait(r);
	if (!utime || !deadline)
		return r;
	uint64_t now = clock_ns(), left = deadline > now ? deadline - now : 0;
	struct {
		int64_t sec, frac;
	} out = {(int64_t)(left / NSEC_PER_SEC),
		 (int64_t)(left % NSEC_PER_SEC / (usec ? NSEC_PER_USEC : 1))};
	if (copy_to_user(utime, &out, sizeof(out)) < 0 && r == -ERESTARTNOHAND)
		return -EINTR;
	return r;
}

/* A user timespec as a deadline (POLL_FOREVER if utime is NULL). */
static int read_deadline(uint64_t utime, uint64_t *deadline)
{
	uint64_t ns;
	*deadline = POLL_FOREVER;
	if (!utime)
		return 0;
	int r = read_user_timespec(utime, &ns);
	if (!r)
		*deadline = deadline_after(ns);
	return r;
}

long sys_ppoll(uint64_t ufds, unsigned nfds, uint64_t utime, uint64_t umask,
	       size_t setsize)
{
	uint64_t deadline;
	bool mask_set;
	int r = read_deadline(utime, &deadline);
	if (!r)
		r = set_wait_mask(umask, setsize, &mask_set);
	if (r)
		return r;
	return finish_wait(poll_user(ufds, nfds, deadline), mask_set, deadline,
			   utime, false);
}

/* One of select's fd_sets: a bit per descriptor, in 64-bit words. */
#define SET_WORDS (FD_SETSIZE / 64)
struct fd_bits {
	uint64_t w[SET_WORDS];
};

static bool bit(const struct fd_bits *s, int fd)
{
	return s->w[fd / 64] & (1ull << (fd % 64));
}

/* Reads a user fd_set of n bits (zeros if uset is NULL). */
static int read_set(uint64_t uset, int n, struct fd_bits *s)
{
	*s = (struct fd_bits){0};
	size_t bytes = (size_t)(n + 63) / 64 * sizeof(uint64_t);
	return uset && copy_from_user(s->w, uset, bytes) < 0 ? -EFAULT : 0;
}

/* Sets p's bit in s if p has an event of mask that it asked for. */
static int set_if(struct fd_bits *s, const struct pollfd *p, short mask)
{
	if (!(p->revents & p->events & mask))
		return 0;
	s->w[p->fd / 64] |= 1ull << (p->fd % 64);
	return 1;
}

static int write_set(uint64_t uset, int n, const struct fd_bits *s)
{
	size_t bytes = (size_t)(n + 63) / 64 * sizeof(uint64_t);
	return uset && copy_to_user(uset, s->w, bytes) < 0 ? -EFAULT : 0;
}

/*
 * select's core on poll's: each descriptor named in a set becomes a
 * pollfd (a closed one: EBADF, before any waiting), and each event
 * found sets its bit again in the set that asked. Returns the bits set.
 */
static long select_fds(int n, uint64_t uset[3], uint64_t deadline)
{
	if (n < 0)
		return -EINVAL;
	n = MIN(n, FD_SETSIZE);
	static const short asks[3] = {SELECT_IN, SELECT_OUT, SELECT_EX};
	struct fd_bits *sets = kmalloc(3 * sizeof(*sets));
	struct pollfd *fds = kmalloc(FD_SETSIZE * sizeof(*fds));
	long r = sets && fds ? 0 : -ENOMEM;
	for (int k = 0; k < 3 && !r; k++)
		r = read_set(uset[k], n, &sets[k]);
	unsigned count = 0;
	for (int fd = 0; fd < n && !r; fd++) {
		short events = 0;
		for (int k = 0; k < 3; k++)
			events |= bit(&sets[k], fd) ? asks[k] : 0;
		struct file *f = events ? fd_get(files(), fd) : NULL;
		if (events && !f)
			r = -EBADF;
		if (f) {
			file_put(f);
			fds[count++] = (struct pollfd){fd, events, 0};
		}
	}
	if (!r)
		r = poll_fds(files(), fds, count, deadline);
	if (r >= 0) {
		r = 0;
		for (int k = 0; k < 3; k++)
			sets[k] = (struct fd_bits){0};
		for (unsigned i = 0; i < count; i++)
			for (int k = 0; k < 3; k++)
				r += set_if(&sets[k], &fds[i], asks[k]);
		for (int k = 0; k < 3; k++)
			if (write_set(uset[k], n, &sets[k]) < 0)
				r = -EFAULT;
	}
	kfree(fds);
	kfree(sets);
	return r;
}

long sys_select(int n, uint64_t inp, uint64_t outp, uint64_t exp,
		uint64_t utime)
{
	uint64_t deadline = POLL_FOREVER, ns;
	if (utime) {
		int r = read_user_timeval(utime, &ns);
		if (r)
			return r;
		deadline = deadline_after(ns);
	}
	uint64_t sets[3] = {inp, outp, exp};
	return finish_wait(select_fds(n, sets, deadline), false, deadline,
			   utime, true);
}

/* pselect6's sixth argument: the sigset and its size. */
struct sigset_argpack {
	uint64_t set;
	size_t size;
};

long sys_pselect6(int n, uint64_t inp, uint64_t outp, uint64_t exp,
		  uint64_t utime, uint64_t usig)
{
	struct sigset_argpack sig = {0};
	if (usig && copy_from_user(&sig, usig, sizeof(sig)) < 0)
		return -EFAULT;
	uint64_t deadline;
	bool mask_set;
	int r = read_deadline(utime, &deadline);
	if (!r)
		r = set_wait_mask(sig.set, sig.size, &mask_set);
	if (r)
		return r;
	uint64_t sets[3] = {inp, outp, exp};
	return finish_wait(select_fds(n, sets, deadline), mask_set, deadline,
			   utime, false);
}

long sys_eventfd2(unsigned initval, int flags)
{
	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	struct file *f = eventfd_create(initval, flags);
	if (!f)
		return -ENOMEM;
	int fd = fd_install(files(), f, 0, flags & EFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_eventfd(unsigned initval)
{
	return sys_eventfd2(initval, 0);
}
