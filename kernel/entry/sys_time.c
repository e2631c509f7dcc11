/* Time, sleeping, yielding, and identity of the machine. */
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "entry/syscall.h"
#include "freestanding/errno.h"
#include "freestanding/linux_abi.h"
#include "freestanding/string.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "sched/kthread.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sched/waitq.h"

#define SLEEP_MAX_SEC (1ull << 32)

struct timespec {
	int64_t sec, nsec;
};

/* The run time of the calling thread, including the current stretch. */
static uint64_t thread_cputime_ns(void)
{
	struct task *t = current();
	preempt_disable();
	uint64_t ns = t->runtime_ns + (clock_ns() - t->switched_in_ns);
	preempt_enable();
	return ns;
}

/* Nanoseconds on clock, or -EINVAL. REALTIME counts from the boot as if
 * it were the epoch: Spindle has no real-time clock driver yet. The
 * process clock is the thread's while processes have one thread. */
static int64_t read_clock(int clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return (int64_t)clock_ns();
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return (int64_t)thread_cputime_ns();
	default:
		return -EINVAL;
	}
}

long sys_clock_gettime(int clock, uint64_t tp)
{
	int64_t ns = read_clock(clock);
	if (ns < 0)
		return ns;
	struct timespec ts = {ns / (int64_t)NSEC_PER_SEC,
			      ns % (int64_t)NSEC_PER_SEC};
	return copy_to_user(tp, &ts, sizeof(ts));
}

/* Every clock counts in nanoseconds (clock_ns), so each resolves 1 ns. */
long sys_clock_getres(int clock, uint64_t res)
{
	if (read_clock(clock) < 0)
		return -EINVAL;
	struct timespec ts = {0, 1};
	if (res && copy_to_user(res, &ts, sizeof(ts)) < 0)
		return -EFAULT;
	return 0;
}

long sys_gettimeofday(uint64_t tv, uint64_t tz)
{
	int64_t ns = read_clock(CLOCK_REALTIME);
	struct {
		int64_t sec, usec;
	} val = {ns / (int64_t)NSEC_PER_SEC, ns % (int64_t)NSEC_PER_SEC / 1000};
	if (tv && copy_to_user(tv, &val, sizeof(val)) < 0)
		return -EFAULT;
	if (tz && clear_user(tz, 8) < 0)
		return -EFAULT;
	return 0;
}

int read_user_timespec(uint64_t user, uint64_t *ns)
{
	struct timespec ts;
	if (copy_from_user(&ts, user, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	/* Beyond ~146 years: the same as forever, and no overflow. */
	*ns = (uint64_t)ts.sec >= SLEEP_MAX_SEC
		      ? SLEEP_MAX_SEC * NSEC_PER_SEC
		      : (uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
	return 0;
}

int read_user_timeval(uint64_t user, uint64_t *ns)
{
	struct {
		int64_t sec, usec;
	} tv;
	if (copy_from_user(&tv, user, sizeof(tv)) < 0)
		return -EFAULT;
	if (tv.sec < 0 || tv.usec < 0)
		return -EINVAL;
	uint64_t sec = (uint64_t)tv.sec + (uint64_t)tv.usec / USEC_PER_SEC;
	*ns = sec >= SLEEP_MAX_SEC
		      ? SLEEP_MAX_SEC * NSEC_PER_SEC
		      : sec * NSEC_PER_SEC + (uint64_t)tv.usec % USEC_PER_SEC *
						     NSEC_PER_USEC;
	return 0;
}

long sys_nanosleep(uint64_t req, uint64_t rem)
{
	return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}

/* A signal to handle ends the sleep early with EINTR, and a relative
 * sleep's rem gets the time that was left. */
long sys_clock_nanosleep(int clock, int flags, uint64_t req, uint64_t rem)
{
	static struct waitq sleepers = WAITQ_INIT(sleepers, "nanosleep");
	if (clock == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if (read_clock(clock) < 0 || clock == CLOCK_PROCESS_CPUTIME_ID)
		return clock == CLOCK_PROCESS_CPUTIME_ID ? -ENOTSUP : -EINVAL;
	if (flags & ~TIMER_ABSTIME)
		return -EINVAL;
	uint64_t ns;
	int r = read_user_timespec(req, &ns);
	if (r)
		return r;
	if (flags & TIMER_ABSTIME) {
		uint64_t now = (uint64_t)read_clock(clock);
		ns = ns > now ? ns - now : 0;
	}
	struct task *self = current();
	uint64_t deadline = clock_ns() + ns;
	if (!ns ||
	    !wait_event_timeout(&sleepers, task_signal_pending(self), ns))
		return 0;
	if (rem && !(flags & TIMER_ABSTIME)) {
		uint64_t now = clock_ns(),
			 left = deadline > now ? deadline - now : 0;
		struct {
			int64_t sec, nsec;
		} ts = {(int64_t)(left / 1000000000),
			(int64_t)(left % 1000000000)};
		if (copy_to_user(rem, &ts, sizeof(ts)) < 0)
			return -EFAULT;
	}
	return -EINTR;
}

/* struct itimerval: two struct timevals, interval first. */
struct user_itimerval {
	int64_t interval_sec, interval_usec, value_sec, value_usec;
};

#define NS_PER_USEC 1000
#define NS_PER_SEC 1000000000ul

static void to_itimerval(struct user_itimerval *v, uint64_t value_ns,
			 uint64_t interval_ns)
{
	/* Round up: a timer with time left never reads as 0 (disarmed). */
	value_ns += NS_PER_USEC - 1;
	*v = (struct user_itimerval){
		.interval_sec = (int64_t)(interval_ns / NS_PER_SEC),
		.interval_usec =
			(int64_t)(interval_ns % NS_PER_SEC / NS_PER_USEC),
		.value_sec = (int64_t)(value_ns / NS_PER_SEC),
		.value_usec = (int64_t)(value_ns % NS_PER_SEC / NS_PER_USEC),
	};
}

static bool timeval_ok(int64_t sec, int64_t usec)
{
	return sec >= 0 && usec >= 0 && usec < 1000000;
}

/* A timeval in nanoseconds; past a century it is a century (no clock
 * deadline overflows). */
#define ITIMER_MAX_SEC (100ul * 365 * 24 * 3600)
static uint64_t timeval_ns(int64_t sec, int64_t usec)
{
	if ((uint64_t)sec > ITIMER_MAX_SEC)
		sec = (int64_t)ITIMER_MAX_SEC;
	return (uint64_t)sec * NS_PER_SEC + (uint64_t)usec * NS_PER_USEC;
}

/* Only ITIMER_REAL exists; the CPU-time timers answer EINVAL. */
long sys_setitimer(int which, uint64_t unew, uint64_t uold)
{
	if (which != ITIMER_REAL)
		return -EINVAL;
	struct user_itimerval v = {0};
	if (unew && copy_from_user(&v, unew, sizeof(v)) < 0)
		return -EFAULT;
	if (!timeval_ok(v.value_sec, v.value_usec) ||
	    !timeval_ok(v.interval_sec, v.interval_usec))
		return -EINVAL;
	uint64_t old_value, old_interval;
	proc_set_itimer(timeval_ns(v.value_sec, v.value_usec),
			timeval_ns(v.interval_sec, v.interval_usec), &old_value,
			&old_interval);
	to_itimerval(&v, old_value, old_interval);
	if (uold && copy_to_user(uold, &v, sizeof(v)) < 0)
		return -EFAULT;
	return 0;
}

long sys_getitimer(int which, uint64_t ucur)
{
	if (which != ITIMER_REAL)
		return -EINVAL;
	uint64_t value, interval;
	proc_get_itimer(&value, &interval);
	struct user_itimerval v;
	to_itimerval(&v, value, interval);
	return copy_to_user(ucur, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/* alarm: ITIMER_REAL in whole seconds; returns the old one's seconds
 * left, rounded as Linux rounds them (half a second up, never to 0). */
long sys_alarm(unsigned seconds)
{
	uint64_t old_value, old_interval;
	proc_set_itimer((uint64_t)seconds * NS_PER_SEC, 0, &old_value,
			&old_interval);
	uint64_t secs = old_value / NS_PER_SEC, rest = old_value % NS_PER_SEC;
	if ((!secs && rest) || rest >= NS_PER_SEC / 2)
		secs++;
	return (long)secs;
}

long sys_sched_yield(void)
{
	yield();
	return 0;
}

long sys_getcpu(uint64_t cpu, uint64_t node, uint64_t cache)
{
	(void)cache;
	unsigned id = this_cpu()->id, zero = 0;
	if (cpu && copy_to_user(cpu, &id, sizeof(id)) < 0)
		return -EFAULT;
	if (node && copy_to_user(node, &zero, sizeof(zero)) < 0)
		return -EFAULT;
	return 0;
}

long sys_uname(uint64_t buf)
{
	struct {
		char sysname[65], nodename[65], release[65], version[65],
			machine[65], domainname[65];
	} u;
	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Spindle", sizeof(u.sysname));
	strlcpy(u.nodename, "spindle", sizeof(u.nodename));
	strlcpy(u.release, "0.1", sizeof(u.release));
	strlcpy(u.version, "teaching kernel", sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	return copy_to_user(buf, &u, sizeof(u));
}

/* Not cryptographic: see random_u64 (arch/time.h). */
long sys_getrandom(uint64_t buf, size_t len, unsigned flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	uint8_t chunk[64];
	size_t done = 0;
	/* As Linux: the buffer must lie in user space (up to MAX_RW_COUNT
	 * of it), and one call gives at most 32 MiB - 1. */
	if (!user_range_ok(buf, MIN(len, (size_t)0x7ffff000)))
		return -EFAULT;
	len = MIN(len, (size_t)33554431);
	while (done < len) {
		for (size_t i = 0; i < sizeof(chunk); i += 8) {
			uint64_t z = random_u64();
			memcpy(&chunk[i], &z, 8);
		}
		/* A buffer running off its mapping gets the bytes before
		 * the end, as on Linux. */
		size_t n = MIN(len - done, sizeof(chunk));
		size_t copied = copy_to_user_partial(buf + done, chunk, n);
		done += copied;
		if (copied < n)
			return done ? (long)done : -EFAULT;
	}
	return (long)done;
}

long sys_sysinfo(uint64_t info)
{
	struct {
		int64_t uptime;
		uint64_t loads[3];
		uint64_t totalram, freeram, sharedram, bufferram;
		uint64_t totalswap, freeswap;
		uint16_t procs, pad;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
	} si;
	_Static_assert(sizeof(si) == 112, "struct sysinfo as on Linux x86-64");
	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(clock_ns() / NSEC_PER_SEC);
	si.totalram = pmm_total_pages() * PAGE_SIZE;
	si.freeram = pmm_free_pages() * PAGE_SIZE;
	si.procs = (uint16_t)MIN(task_count(), 0xffffu);
	si.mem_unit = 1;
	return copy_to_user(info, &si, sizeof(si));
}
