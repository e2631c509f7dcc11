/*
 * The calls of poll, select and eventfd, raw (lib/c has no wrappers for
 * them), and the helpers their tests share: user/test_poll*.c.
 */
#ifndef USER_POLL_CALLS_H
#define USER_POLL_CALLS_H

#include "c/libc.h"
#include "c/syscall.h"

#define MS 1000000L

struct poll_fd {
	int fd;
	short events, revents;
};

static inline long sys_ret(long r)
{
	return __syscall_ret(r);
}

static inline int do_poll(struct poll_fd *fds, unsigned n, int timeout_ms)
{
	return (int)sys_ret(syscall3(SYS_poll, (long)fds, n, timeout_ms));
}

static inline int do_ppoll(struct poll_fd *fds, unsigned n,
			   const struct timespec *ts, const uint64_t *mask)
{
	return (int)sys_ret(syscall5(SYS_ppoll, (long)fds, n, (long)ts,
				     (long)mask, sizeof(*mask)));
}

static inline int do_select(int n, uint64_t *in, uint64_t *out, uint64_t *ex,
			    long *tv)
{
	return (int)sys_ret(syscall5(SYS_select, n, (long)in, (long)out,
				     (long)ex, (long)tv));
}

static inline int do_eventfd2(unsigned initval, int flags)
{
	return (int)sys_ret(syscall2(SYS_eventfd2, initval, flags));
}

static inline int do_tgkill(int tgid, int tid, int sig)
{
	return (int)sys_ret(syscall3(SYS_tgkill, tgid, tid, sig));
}

static inline void sleep_ns(long ns)
{
	struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static inline long write_u64(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v));
}

static inline uint64_t read_u64(int fd)
{
	uint64_t v = 0;
	return read(fd, &v, sizeof(v)) == sizeof(v) ? v : 0xdead;
}

/* The revents of one descriptor polled for events, without waiting. */
static inline int poll_now(int fd, short events)
{
	struct poll_fd p = {fd, events, 0};
	int r = do_poll(&p, 1, 0);
	return r < 0 ? -1 : p.revents;
}

/* After ns, writes one byte (or one eventfd count) to fd. */
struct delayed_write {
	int fd;
	long ns;
	bool eventfd;
};

static inline int delayed_writer(void *arg)
{
	struct delayed_write *d = arg;
	sleep_ns(d->ns);
	if (d->eventfd)
		write_u64(d->fd, 1);
	else
		write(d->fd, "x", 1);
	return 0;
}

#endif
