/*
 * Every pointer argument of every implemented system call, given a bad
 * pointer, gives -EFAULT: the kernel checks, it never crashes and never
 * reads or writes memory the program does not own. Each row is one call
 * with every other argument valid, so EFAULT can only come from the one
 * bad pointer. Runs the same on the Linux host.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "c/ktap.h"
#include "c/syscall.h"
#include "freestanding/linux_abi.h"

#define BAD 8l			   /* nothing is mapped at page 0 */
#define KERNEL 0xffffffff80000000l /* a kernel address */

static int fds[2];

struct row {
	const char *what;
	long nr, a[6];
};

/* Which argument is the bad one is marked with P (replaced by BAD, then
 * by KERNEL). */
#define P 0x5555555555555555l

static long good_ts[2] = {0, 1000};
static long act_dfl[4] = {0, 0, 0, 0};
static char path_root[] = "/";

static struct row rows[] = {
	{"read buf", SYS_read, {0 /* fds[0] */, P, 1}},
	{"write buf", SYS_write, {1 /* fds[1] */, P, 1}},
	{"readv iov", SYS_readv, {0, P, 1}},
	{"writev iov", SYS_writev, {1, P, 1}},
	{"openat path", SYS_openat, {-100, P, 0}},
	{"newfstatat path", SYS_newfstatat, {-100, P, 0, 0}},
	{"newfstatat stat", SYS_newfstatat, {-100, (long)path_root, P, 0}},
	{"fstat stat", SYS_fstat, {0, P}},
	{"getdents64 buf", SYS_getdents64, {-1 /* a dir fd */, P, 4096}},
	{"pipe2 fds", SYS_pipe2, {P, 0}},
	{"getcwd buf", SYS_getcwd, {P, 256}},
	{"chdir path", SYS_chdir, {P}},
	{"execve path", SYS_execve, {P, 0, 0}},
	{"wait4 status", SYS_wait4, {-2 /* a child */, P, 0, 0}},
	{"clock_gettime tp", SYS_clock_gettime, {1, P}},
	{"gettimeofday tv", SYS_gettimeofday, {P, 0}},
	{"nanosleep req", SYS_nanosleep, {P, 0}},
	{"clock_nanosleep req", SYS_clock_nanosleep, {1, 0, P, 0}},
	{"uname buf", SYS_uname, {P}},
	{"sysinfo info", SYS_sysinfo, {P}},
	{"getrandom buf", SYS_getrandom, {P, 16, 0}},
	{"getcpu cpu", SYS_getcpu, {P, 0, 0}},
	{"getcpu node", SYS_getcpu, {0, P, 0}},
	{"rt_sigaction act", SYS_rt_sigaction, {10, P, 0, 8}},
	{"rt_sigaction oact", SYS_rt_sigaction, {10, (long)act_dfl, P, 8}},
	{"rt_sigprocmask set", SYS_rt_sigprocmask, {0, P, 0, 8}},
	{"rt_sigprocmask oset", SYS_rt_sigprocmask, {0, 0, P, 8}},
	{"arch_prctl ARCH_GET_FS", SYS_arch_prctl, {0x1003, P}},
	{"futex uaddr", SYS_futex, {P, 0 /* WAIT */, 0, (long)good_ts}},
	{"futex timeout", SYS_futex, {-3 /* a word */, 0, 0, P}},
};

static uint32_t word;

/* Fills in the arguments that depend on this run, then calls. */
static long call(const struct row *r, long bad)
{
	long a[6];
	for (int i = 0; i < 6; i++) {
		a[i] = r->a[i] == P ? bad : r->a[i];
	}
	if (r->nr == SYS_read || r->nr == SYS_readv)
		a[0] = fds[0];
	if (r->nr == SYS_write || r->nr == SYS_writev)
		a[0] = fds[1];
	if (r->nr == SYS_getdents64)
		a[0] = (int)syscall6(SYS_openat, -100, (long)path_root,
				     O_DIRECTORY, 0, 0, 0);
	if (r->nr == SYS_futex && a[0] == -3)
		a[0] = (long)&word;
	long child = 0;
	if (r->nr == SYS_wait4) {
		child = syscall6(SYS_fork, 0, 0, 0, 0, 0, 0);
		if (child == 0)
			syscall6(SYS_exit_group, 0, 0, 0, 0, 0, 0);
		a[0] = child;
	}
	long ret = syscall6(r->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (r->nr == SYS_getdents64)
		syscall6(SYS_close, a[0], 0, 0, 0, 0, 0);
	if (child > 0) {
		int status;
		syscall6(SYS_wait4, child, (long)&status, 0, 0, 0, 0);
	}
	return ret;
}

static void every_pointer_argument_checks_for_efault(void)
{
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		long low = call(&rows[i], BAD), high = call(&rows[i], KERNEL);
		if (low != -EFAULT || high != -EFAULT)
			printf("    # %s: %ld with a NULL-page pointer, %ld "
			       "with "
			       "a kernel pointer\n",
			       rows[i].what, low, high);
		KTAP_EXPECT_EQ(low, -EFAULT);
		KTAP_EXPECT_EQ(high, -EFAULT);
	}
}

static const struct ktap_test tests[] = {
	KTAP_TEST(every_pointer_argument_checks_for_efault),
};

int main(void)
{
	syscall6(SYS_pipe2, (long)fds, 0, 0, 0, 0, 0);
	syscall6(SYS_write, fds[1], (long)"xxxx", 4, 0, 0, 0);
	return KTAP_RUN("efault", tests);
}
