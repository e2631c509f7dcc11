/*
 * The bad-pointer table: every pointer argument of every implemented
 * system call, given each kind of bad (or barely good) pointer, with all
 * its other arguments valid. One KTAP line per (call, argument, kind); the
 * line's name ends with the result, so the suite's comparison with the
 * Linux host (the same binary runs there) shows any difference by name:
 *
 *   ok 17 badptr.uname.buf.noncanon_lo=EFAULT
 *
 * A line is "ok" when the result is what the rule below says:
 *   - NULL, kernel text, the direct map, both non-canonical forms, an
 *     unmapped page, a PROT_NONE page, an object running past the top of
 *     user space: -EFAULT (NULL succeeds where the argument is optional);
 *   - a read-only page, for output arguments only: -EFAULT;
 *   - an object that ends exactly at the top of user space: success;
 *   - an object that runs off the end of a mapping: -EFAULT, except that
 *     calls returning a byte count (read, getrandom) return the bytes
 *     before the end, as Linux does.
 *
 * Rows left out, for now: rt_sigsuspend (with a good mask it waits for
 * a signal, for ever); ioctl (the host's stdin is not a terminal, so
 * Linux says ENOTTY before looking at the pointer); wait4's rusage, futex,
 * clone's tls/ptid/ctid, arch_prctl, mmap and friends (owned by other
 * work in progress, added after it is merged); set_tid_address (stores the
 * pointer, reads nothing).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "c/syscall.h"
#include "freestanding/linux_abi.h"

#define PAGE 4096l
#define USER_LIMIT 0x7ffffffff000l /* the first address past user space */
#define TOP_PAGE (USER_LIMIT - PAGE)
#define GRND_NONBLOCK 1
#define EXECED_MARK "BADPTR_EXECED"
#define PADDED_MARK "BADPTR_PADDED="
#define STACK_PAD                                                              \
	8192 /* environment bytes that keep our stack off the top page */

/* How the call uses the argument under test. */
enum {
	IN = 1,		/* reads it */
	OUT = 2,	/* writes it */
	STR = 4,	/* IN: a NUL-terminated string */
	NULLOK = 8,	/* NULL is allowed: the call succeeds */
	COUNT = 16,	/* returns a byte count: print it */
	UNUSED = 32,	/* not touched unless the call is interrupted */
	NULLINVAL = 64, /* NULL is refused with EINVAL, as Linux does */
};

#define P 0x5555555555555555l /* the argument under test */
#define FILE_FD -2	      /* replaced by a descriptor of a regular file */
#define PIPE_W -3	      /* replaced by a pipe's write end */
#define DIR_FD -4	      /* replaced by a descriptor of "/" */
#define CHILD -5	      /* replaced by the pid of a child that exited */
#define SELF -6		      /* replaced by this program's path */
#define EXEC_ARGV -7	      /* replaced by a valid argv for execve */
#define EXEC_ENVP -8	      /* replaced by a valid envp for execve */
#define EVENTFD -9 /* replaced by a non-blocking eventfd, count 1 to read */

struct row {
	const char *call, *arg;
	long nr, a[6];
	int how;
	long size;	      /* bytes of the object the pointer points at */
	const void *template; /* IN: a valid object to place */
	/* bytes before the end of the mapping or of user space (0: size/2) */
	long straddle;
};

static char proc_path[] = "/proc";
/* The path calls' files: made before each such call, removed after. */
static char tfile[] = "/tmp/spindle-badptr-file";
static char tdir[] = "/tmp/spindle-badptr-dir";
static char tnew[] = "/tmp/spindle-badptr-new";
static char self_path[256];
static char statbuf[144];
static char data64[64] = "written to a pipe";
static long ts_short[2] = {0, 1000};
static long act_dfl[4] = {0, 0, 0, 0};
static long sigset_empty[1];
static long ts_zero[2];			    /* also a struct timeval */
static int pollfd_skip[2] = {-1, POLLIN};   /* a struct pollfd */
static int pollfd_ready[2] = {-1, POLLIN};  /* setup: a regular file */
static long fdset_empty[1], fdset_ready[1]; /* setup: the same file */
static long sigset_pack[2] = {(long)sigset_empty, 8}; /* pselect6's */
static long itimer_off[4];
static long sigset_usr2[1] = {1l << (SIGUSR2 - 1)};
static char alt_stack[SIGSTKSZ];
static long stack_valid[3] = {(long)alt_stack, 0, SIGSTKSZ};
static long cpu_mask[1];
static int sched_param_zero[1]; /* SCHED_OTHER's only priority */
static unsigned long core_limit[2] = {0, RLIM_INFINITY};
static long iov_file[2], iov_pipe[2];
static char iov_buf[8];
static const char *exec_argv[] = {EXECED_MARK, NULL};
static const char *exec_envp[] = {EXECED_MARK "=1", NULL};

#define S(s) (long)sizeof(s), s

static const struct row rows[] = {
	{"read", "buf", SYS_read, {FILE_FD, P, 64}, OUT | COUNT, 64, 0, 0},
	{"write", "buf", SYS_write, {PIPE_W, P, 64}, IN, S(data64), 0},
	{"readv", "iov", SYS_readv, {FILE_FD, P, 1}, IN, S(iov_file), 0},
	{"writev", "iov", SYS_writev, {PIPE_W, P, 1}, IN, S(iov_pipe), 0},
	{"open", "path", SYS_open, {P, O_RDONLY}, IN | STR, S(proc_path), 0},
	{"openat",
	 "path",
	 SYS_openat,
	 {AT_FDCWD, P, O_RDONLY},
	 IN | STR,
	 S(proc_path),
	 0},
	{"stat",
	 "path",
	 SYS_stat,
	 {P, (long)statbuf},
	 IN | STR,
	 S(proc_path),
	 0},
	{"stat", "statbuf", SYS_stat, {(long)proc_path, P}, OUT, 144, 0, 0},
	{"lstat",
	 "path",
	 SYS_lstat,
	 {P, (long)statbuf},
	 IN | STR,
	 S(proc_path),
	 0},
	{"lstat", "statbuf", SYS_lstat, {(long)proc_path, P}, OUT, 144, 0, 0},
	{"fstat", "statbuf", SYS_fstat, {FILE_FD, P}, OUT, 144, 0, 0},
	{"newfstatat",
	 "path",
	 SYS_newfstatat,
	 {AT_FDCWD, P, (long)statbuf, 0},
	 IN | STR,
	 S(proc_path),
	 0},
	{"newfstatat",
	 "statbuf",
	 SYS_newfstatat,
	 {AT_FDCWD, (long)proc_path, P, 0},
	 OUT,
	 144,
	 0,
	 0},
	{"getdents64",
	 "dirp",
	 SYS_getdents64,
	 {DIR_FD, P, 256},
	 OUT,
	 256,
	 0,
	 16 /* less than the smallest entry */},
	{"pipe", "fds", SYS_pipe, {P}, OUT, 8, 0, 0},
	{"pipe2", "fds", SYS_pipe2, {P, 0}, OUT, 8, 0, 0},
	{"getcwd", "buf", SYS_getcwd, {P, 256}, OUT, 2 /* "/" */, 0, 1},
	{"chdir", "path", SYS_chdir, {P}, IN | STR, S(proc_path), 0},
	{"mkdir", "path", SYS_mkdir, {P, 0755}, IN | STR, S(tnew), 0},
	{"rmdir", "path", SYS_rmdir, {P}, IN | STR, S(tdir), 0},
	{"unlink", "path", SYS_unlink, {P}, IN | STR, S(tfile), 0},
	{"link", "old", SYS_link, {P, (long)tnew}, IN | STR, S(tfile), 0},
	{"link", "new", SYS_link, {(long)tfile, P}, IN | STR, S(tnew), 0},
	{"rename", "old", SYS_rename, {P, (long)tnew}, IN | STR, S(tfile), 0},
	{"rename", "new", SYS_rename, {(long)tfile, P}, IN | STR, S(tnew), 0},
	{"access", "path", SYS_access, {P, F_OK}, IN | STR, S(proc_path), 0},
	{"truncate", "path", SYS_truncate, {P, 0}, IN | STR, S(tfile), 0},
	{"pread64",
	 "buf",
	 SYS_pread64,
	 {FILE_FD, P, 64, 0},
	 OUT | COUNT,
	 64,
	 0,
	 0},
	{"execve",
	 "path",
	 SYS_execve,
	 {P, EXEC_ARGV, EXEC_ENVP},
	 IN | STR,
	 S(self_path),
	 0},
	{"execve",
	 "argv",
	 SYS_execve,
	 {SELF, P, EXEC_ENVP},
	 IN | NULLOK,
	 S(exec_argv),
	 0},
	{"execve",
	 "envp",
	 SYS_execve,
	 {SELF, EXEC_ARGV, P},
	 IN | NULLOK,
	 S(exec_envp),
	 0},
	{"wait4", "status", SYS_wait4, {CHILD, P, 0, 0}, OUT | NULLOK, 4, 0, 0},
	{"wait4",
	 "rusage",
	 SYS_wait4,
	 {CHILD, 0, 0, P},
	 OUT | NULLOK,
	 144,
	 0,
	 0},
	{"arch_prctl", "addr", SYS_arch_prctl, {ARCH_GET_FS, P}, OUT, 8, 0, 0},
	{"rt_sigaction",
	 "act",
	 SYS_rt_sigaction,
	 {SIGUSR1, P, 0, 8},
	 IN | NULLOK,
	 S(act_dfl),
	 0},
	{"rt_sigaction",
	 "oact",
	 SYS_rt_sigaction,
	 {SIGUSR1, 0, P, 8},
	 OUT | NULLOK,
	 32,
	 0,
	 0},
	{"rt_sigprocmask",
	 "set",
	 SYS_rt_sigprocmask,
	 {SIG_BLOCK, P, 0, 8},
	 IN | NULLOK,
	 S(sigset_empty),
	 0},
	{"rt_sigprocmask",
	 "oset",
	 SYS_rt_sigprocmask,
	 {SIG_BLOCK, 0, P, 8},
	 OUT | NULLOK,
	 8,
	 0,
	 0},
	{"rt_sigpending", "set", SYS_rt_sigpending, {P, 8}, OUT, 8, 0, 0},
	/* SIGUSR2 is blocked and made pending before each of these. */
	{"rt_sigtimedwait",
	 "set",
	 SYS_rt_sigtimedwait,
	 {P, 0, (long)ts_short, 8},
	 IN,
	 S(sigset_usr2),
	 0},
	{"rt_sigtimedwait",
	 "info",
	 SYS_rt_sigtimedwait,
	 {(long)sigset_usr2, P, (long)ts_short, 8},
	 OUT | NULLOK,
	 128,
	 0,
	 0},
	{"rt_sigtimedwait",
	 "timeout",
	 SYS_rt_sigtimedwait,
	 {(long)sigset_usr2, 0, P, 8},
	 IN | NULLOK,
	 S(ts_short),
	 0},
	{"sigaltstack",
	 "ss",
	 SYS_sigaltstack,
	 {P, 0},
	 IN | NULLOK,
	 S(stack_valid),
	 0},
	{"sigaltstack",
	 "old_ss",
	 SYS_sigaltstack,
	 {0, P},
	 OUT | NULLOK,
	 24,
	 0,
	 0},
	{"setitimer",
	 "new",
	 SYS_setitimer,
	 {ITIMER_REAL, P, 0},
	 IN | NULLOK,
	 S(itimer_off),
	 0},
	{"setitimer",
	 "old",
	 SYS_setitimer,
	 {ITIMER_REAL, 0, P},
	 OUT | NULLOK,
	 32,
	 0,
	 0},
	{"getitimer", "value", SYS_getitimer, {ITIMER_REAL, P}, OUT, 32, 0, 0},
	{"clock_gettime",
	 "tp",
	 SYS_clock_gettime,
	 {CLOCK_MONOTONIC, P},
	 OUT,
	 16,
	 0,
	 0},
	{"gettimeofday",
	 "tv",
	 SYS_gettimeofday,
	 {P, 0},
	 OUT | NULLOK,
	 16,
	 0,
	 0},
	{"gettimeofday", "tz", SYS_gettimeofday, {0, P}, OUT | NULLOK, 8, 0, 0},
	{"nanosleep", "req", SYS_nanosleep, {P, 0}, IN, S(ts_short), 0},
	{"nanosleep",
	 "rem",
	 SYS_nanosleep,
	 {(long)ts_short, P},
	 UNUSED,
	 16,
	 0,
	 0},
	{"clock_nanosleep",
	 "req",
	 SYS_clock_nanosleep,
	 {CLOCK_MONOTONIC, 0, P, 0},
	 IN,
	 S(ts_short),
	 0},
	{"clock_nanosleep",
	 "rem",
	 SYS_clock_nanosleep,
	 {CLOCK_MONOTONIC, 0, (long)ts_short, P},
	 UNUSED,
	 16,
	 0,
	 0},
	{"getcpu", "cpu", SYS_getcpu, {P, 0, 0}, OUT | NULLOK, 4, 0, 0},
	{"getcpu", "node", SYS_getcpu, {0, P, 0}, OUT | NULLOK, 4, 0, 0},
	{"uname", "buf", SYS_uname, {P}, OUT, 390, 0, 0},
	{"sysinfo", "info", SYS_sysinfo, {P}, OUT, 112, 0, 0},
	{"getrandom",
	 "buf",
	 SYS_getrandom,
	 {P, 64, GRND_NONBLOCK},
	 OUT | COUNT,
	 64,
	 0,
	 0},
	{"poll", "fds", SYS_poll, {P, 1, 0}, IN | OUT, S(pollfd_skip), 0},
	{"ppoll",
	 "fds",
	 SYS_ppoll,
	 {P, 1, (long)ts_zero, 0, 8},
	 IN | OUT,
	 S(pollfd_skip),
	 0},
	{"ppoll",
	 "tsp",
	 SYS_ppoll,
	 {(long)pollfd_ready, 1, P, 0, 8},
	 IN | NULLOK,
	 S(ts_zero),
	 0},
	{"ppoll",
	 "sigmask",
	 SYS_ppoll,
	 {(long)pollfd_ready, 1, (long)ts_zero, P, 8},
	 IN | NULLOK,
	 S(sigset_empty),
	 0},
	{"select",
	 "readfds",
	 SYS_select,
	 {64, P, 0, 0, (long)ts_zero},
	 IN | OUT | NULLOK,
	 S(fdset_empty),
	 0},
	{"select",
	 "writefds",
	 SYS_select,
	 {64, 0, P, 0, (long)ts_zero},
	 IN | OUT | NULLOK,
	 S(fdset_empty),
	 0},
	{"select",
	 "exceptfds",
	 SYS_select,
	 {64, 0, 0, P, (long)ts_zero},
	 IN | OUT | NULLOK,
	 S(fdset_empty),
	 0},
	{"select",
	 "timeout",
	 SYS_select,
	 {64, (long)fdset_ready, 0, 0, P},
	 IN | NULLOK,
	 S(ts_zero),
	 0},
	{"pselect6",
	 "tsp",
	 SYS_pselect6,
	 {64, (long)fdset_ready, 0, 0, P, 0},
	 IN | NULLOK,
	 S(ts_zero),
	 0},
	{"pselect6",
	 "sig",
	 SYS_pselect6,
	 {64, (long)fdset_ready, 0, 0, (long)ts_zero, P},
	 IN | NULLOK,
	 S(sigset_pack),
	 0},
	{"read", "eventfd_buf", SYS_read, {EVENTFD, P, 8}, OUT, 8, 0, 0},
	{"write", "eventfd_buf", SYS_write, {EVENTFD, P, 8}, IN, 8, data64, 0},
	{"sched_setaffinity",
	 "mask",
	 SYS_sched_setaffinity,
	 {0, 8, P},
	 IN,
	 S(cpu_mask),
	 0},
	{"sched_getaffinity",
	 "mask",
	 SYS_sched_getaffinity,
	 {0, 8, P},
	 OUT,
	 8,
	 0,
	 0},
	{"sched_setscheduler",
	 "param",
	 SYS_sched_setscheduler,
	 {0, SCHED_OTHER, P},
	 IN | NULLINVAL,
	 S(sched_param_zero),
	 0},
	{"sched_setparam",
	 "param",
	 SYS_sched_setparam,
	 {0, P},
	 IN | NULLINVAL,
	 S(sched_param_zero),
	 0},
	{"sched_getparam",
	 "param",
	 SYS_sched_getparam,
	 {0, P},
	 OUT | NULLINVAL,
	 4,
	 0,
	 0},
	{"sched_rr_get_interval",
	 "tp",
	 SYS_sched_rr_get_interval,
	 {0, P},
	 OUT,
	 16,
	 0,
	 0},
	{"getrlimit", "rlim", SYS_getrlimit, {RLIMIT_CORE, P}, OUT, 16, 0, 0},
	{"setrlimit",
	 "rlim",
	 SYS_setrlimit,
	 {RLIMIT_CORE, P},
	 IN,
	 S(core_limit),
	 0},
	{"prlimit64",
	 "new",
	 SYS_prlimit64,
	 {0, RLIMIT_CORE, P, 0},
	 IN | NULLOK,
	 S(core_limit),
	 0},
	{"prlimit64",
	 "old",
	 SYS_prlimit64,
	 {0, RLIMIT_CORE, 0, P},
	 OUT | NULLOK,
	 16,
	 0,
	 0},
	{"clock_getres",
	 "res",
	 SYS_clock_getres,
	 {1, P},
	 OUT | NULLOK,
	 16,
	 0,
	 0},
};

enum kind {
	K_NULL,
	K_KERNEL_TEXT,
	K_DIRECT_MAP,
	K_NONCANON_LO,
	K_NONCANON_HI,
	K_TOP_END,
	K_TOP_OVER,
	K_UNMAPPED,
	K_PROT_NONE,
	K_READ_ONLY,
	K_STRADDLE,
	NR_KINDS
};

static const char *const kind_names[NR_KINDS] = {
	"null",	       "kernel_text", "direct_map", "noncanon_lo",
	"noncanon_hi", "top_end",     "top_over",   "unmapped",
	"prot_none",   "read_only",   "straddle",
};

static long unmapped_page, prot_none_page, read_only_page, mapping_end;
static int file_fd, pipe_fds[2], event_fd;

static long sys(long n, long a, long b, long c)
{
	return syscall6(n, a, b, c, 0, 0, 0);
}

static long map(long addr, int prot, int flags)
{
	return syscall6(SYS_mmap, addr, PAGE, prot,
			flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* Where the object of row r goes for kind k, with its valid bytes put in
 * place first where the page can hold them. */
static long place(const struct row *r, enum kind k)
{
	long at, room;
	switch (k) {
	case K_NULL:
		return 0;
	case K_KERNEL_TEXT:
		return (long)0xffffffff81000000ul;
	case K_DIRECT_MAP:
		return (long)0xffff800000100000ul;
	case K_NONCANON_LO:
		return 0x0000800000000000l;
	case K_NONCANON_HI:
		return (long)0x8000000000000000ul;
	case K_UNMAPPED:
		return unmapped_page;
	case K_PROT_NONE:
		return prot_none_page;
	case K_READ_ONLY:
		return read_only_page;
	case K_TOP_END:
		at = USER_LIMIT - r->size, room = r->size;
		break;
	case K_TOP_OVER:
	case K_STRADDLE:
	default:
		room = r->straddle ? r->straddle
				   : (r->size > 1 ? r->size / 2 : 1);
		at = (k == K_TOP_OVER ? USER_LIMIT : mapping_end) - room;
		break;
	}
	memset((void *)at, 0, (size_t)room);
	if (r->how & STR)
		memset((void *)at, 'a',
		       (size_t)room); /* no NUL before the end */
	if (r->template)
		memcpy((void *)at, r->template,
		       (size_t)(room < r->size ? (r->how & STR ? 0 : room)
					       : r->size));
	return at;
}

static long fork_exited_child(void)
{
	long pid = sys(SYS_fork, 0, 0, 0);
	if (pid == 0)
		sys(SYS_exit_group, 0, 0, 0);
	return pid;
}

/* Makes the call; execve runs in a child, which exits 100 if the exec
 * happened and with the error number if not. */
static long call(const struct row *r, long ptr)
{
	static const long one = 1;
	long a[6], child = 0;
	for (int i = 0; i < 6; i++) {
		long v = r->a[i];
		a[i] = v == P		? ptr
		       : v == FILE_FD	? file_fd
		       : v == PIPE_W	? pipe_fds[1]
		       : v == DIR_FD	? sys(SYS_openat, AT_FDCWD, (long)"/",
					      O_DIRECTORY)
		       : v == CHILD	? (child = fork_exited_child())
		       : v == SELF	? (long)self_path
		       : v == EXEC_ARGV ? (long)exec_argv
		       : v == EXEC_ENVP ? (long)exec_envp
		       : v == EVENTFD	? event_fd
					: v;
	}
	if (r->nr == SYS_read || r->nr == SYS_readv || r->nr == SYS_fstat)
		sys(SYS_lseek, file_fd, 0, 0);
	sys(SYS_close, sys(SYS_open, (long)tfile, O_CREAT | O_WRONLY, 0600), 0,
	    0);
	sys(SYS_mkdir, (long)tdir, 0755, 0);
	if (r->a[0] == EVENTFD && r->nr == SYS_read)
		sys(SYS_write, event_fd, (long)&one, sizeof(one));
	if (r->nr == SYS_rt_sigtimedwait)
		sys(SYS_tgkill, sys(SYS_getpid, 0, 0, 0),
		    sys(SYS_gettid, 0, 0, 0), SIGUSR2);
	long ret;
	if (r->nr == SYS_execve) {
		long pid = sys(SYS_fork, 0, 0, 0);
		if (pid == 0) {
			long e =
				syscall6(SYS_execve, a[0], a[1], a[2], 0, 0, 0);
			sys(SYS_exit_group, -e, 0, 0);
		}
		int status = 0;
		syscall6(SYS_wait4, pid, (long)&status, 0, 0, 0, 0);
		int code = (status >> 8) & 0xff;
		ret = code == 100 ? 0 : -code;
	} else {
		ret = syscall6(r->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	/* Undo what a success did. */
	if (ret >= 0 && (r->nr == SYS_open || r->nr == SYS_openat))
		sys(SYS_close, ret, 0, 0);
	if (ret >= 0 && (r->nr == SYS_pipe || r->nr == SYS_pipe2)) {
		int *fds = (int *)ptr;
		sys(SYS_close, fds[0], 0, 0);
		sys(SYS_close, fds[1], 0, 0);
	}
	if (ret >= 0 && r->nr == SYS_chdir)
		sys(SYS_chdir, (long)"/", 0, 0);
	sys(SYS_unlink, (long)tnew, 0, 0);
	sys(SYS_rmdir, (long)tnew, 0, 0);
	if (r->a[0] == DIR_FD)
		sys(SYS_close, a[0], 0, 0);
	if (child > 0)
		syscall6(SYS_wait4, child, 0, 0, 0, 0, 0);
	if (r->nr == SYS_rt_sigtimedwait) { /* take what a failure left */
		long zero[2] = {0, 0};
		syscall6(SYS_rt_sigtimedwait, (long)sigset_usr2, 0, (long)zero,
			 8, 0, 0);
	}
	char drain[256];
	while (sys(SYS_read, pipe_fds[0], (long)drain, sizeof(drain)) > 0)
		;
	sys(SYS_read, event_fd, (long)drain, sizeof(drain));
	return ret;
}

static long expected(const struct row *r, enum kind k)
{
	if (r->how & UNUSED)
		return 0;
	switch (k) {
	case K_NULL:
		return r->how & NULLOK	    ? 0
		       : r->how & NULLINVAL ? -EINVAL
					    : -EFAULT;
	case K_TOP_END:
		return r->how & COUNT ? r->size : 0;
	case K_STRADDLE:
		return r->how & COUNT
			       ? (r->straddle ? r->straddle : r->size / 2)
			       : -EFAULT;
	default:
		return -EFAULT;
	}
}

static const char *errno_name(long e)
{
	static const struct {
		long e;
		const char *name;
	} names[] = {
		{EPERM, "EPERM"},   {ENOENT, "ENOENT"},	  {EBADF, "EBADF"},
		{ECHILD, "ECHILD"}, {EAGAIN, "EAGAIN"},	  {ENOMEM, "ENOMEM"},
		{EACCES, "EACCES"}, {EFAULT, "EFAULT"},	  {ENOTDIR, "ENOTDIR"},
		{EISDIR, "EISDIR"}, {EINVAL, "EINVAL"},	  {ERANGE, "ERANGE"},
		{ENOSYS, "ENOSYS"}, {ENOEXEC, "ENOEXEC"},
	};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	return "E?";
}

/* Successes are alike unless the row counts bytes. */
static bool same(const struct row *r, long got, long want)
{
	if (want < 0 || (r->how & COUNT))
		return got == want;
	return got >= 0;
}

/* "EFAULT", "ok" (a success), or a byte count where the row counts. */
static void describe(const struct row *r, long v, char *out, size_t n)
{
	if (v < 0)
		snprintf(out, n, "%s", errno_name(-v));
	else if (r->how & COUNT)
		snprintf(out, n, "%ld", v);
	else
		snprintf(out, n, "ok");
}

/* Re-executes this program with a large environment: its strings then
 * fill the top of the stack, so the tests may write the last bytes below
 * USER_LIMIT even where the stack is the top mapping (Spindle). */
static void pad_stack(char **argv, char **envp)
{
	for (char **e = envp; *e; e++)
		if (strncmp(*e, PADDED_MARK, strlen(PADDED_MARK)) == 0)
			return;
	static char pad[sizeof(PADDED_MARK) + STACK_PAD];
	memcpy(pad, PADDED_MARK, strlen(PADDED_MARK));
	memset(pad + strlen(PADDED_MARK), 'x', STACK_PAD);
	char *env[] = {pad, NULL};
	syscall6(SYS_execve, (long)self_path, (long)argv, (long)env, 0, 0, 0);
	printf("# badptr: could not re-execute %s\n", self_path);
}

static void find_self(char *argv0)
{
	if (argv0[0] == '/') {
		strlcpy(self_path, argv0, sizeof(self_path));
	} else {
		char cwd[200];
		sys(SYS_getcwd, (long)cwd, sizeof(cwd), 0);
		snprintf(self_path, sizeof(self_path), "%s/%s", cwd, argv0);
	}
}

static int setup(void)
{
	/* The top page of user space: free (Linux, usually) or the stack's
	 * top, which pad_stack filled with an environment string. */
	long top = map(TOP_PAGE, PROT_READ | PROT_WRITE, MAP_FIXED_NOREPLACE);
	if (top != TOP_PAGE && top != -EEXIST)
		return printf("# badptr: mapping the top page: %ld\n", top), 1;
	long two = syscall6(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sys(SYS_munmap, two + PAGE, PAGE, 0);
	mapping_end = two + PAGE;
	unmapped_page = map(0, PROT_READ | PROT_WRITE, 0);
	sys(SYS_munmap, unmapped_page, PAGE, 0);
	prot_none_page = map(0, PROT_NONE, 0);
	read_only_page = map(0, PROT_READ, 0);
	file_fd = (int)sys(SYS_openat, AT_FDCWD, (long)self_path, O_RDONLY);
	sys(SYS_pipe2, (long)pipe_fds, O_NONBLOCK, 0);
	event_fd = (int)sys(SYS_eventfd2, 0, EFD_NONBLOCK, 0);
	pollfd_ready[0] = file_fd;
	fdset_ready[0] = 1l << file_fd;
	iov_file[0] = iov_pipe[0] = (long)iov_buf;
	iov_file[1] = iov_pipe[1] = sizeof(iov_buf);
	sys(SYS_sched_getaffinity, 0, 8, (long)cpu_mask);
	sys(SYS_chdir, (long)"/", 0, 0); /* getcwd's answer: "/" */
	return file_fd < 0 || event_fd < 0 || read_only_page < 0 ||
	       prot_none_page < 0;
}

int main(int argc, char **argv, char **envp)
{
	/* A child's execve that succeeded lands here. */
	if (argc > 0 && strcmp(argv[0], EXECED_MARK) == 0)
		return 100;
	for (char **e = envp; *e; e++)
		if (strcmp(*e, EXECED_MARK "=1") == 0)
			return 100;
	if (argc < 1)
		return 100;
	find_self(argv[0]);
	pad_stack(argv, envp);
	if (setup())
		return 1;
	syscall6(SYS_rt_sigprocmask, SIG_BLOCK, (long)sigset_usr2, 0, 8, 0, 0);

	int n = 0, failed = 0;
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (int k = 0; k < NR_KINDS; k++)
			n += k != K_READ_ONLY || (rows[i].how & OUT);
	printf("KTAP version 1\n1..%d\n", n);
	int t = 0;
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		for (int k = 0; k < NR_KINDS; k++) {
			if (k == K_READ_ONLY && !(r->how & OUT))
				continue;
			long got = call(r, place(r, (enum kind)k));
			long want = expected(r, (enum kind)k);
			char g[24], w[24];
			describe(r, got, g, sizeof(g));
			describe(r, want, w, sizeof(w));
			bool ok = same(r, got, want);
			if (!ok) {
				printf("    # %s %s, %s pointer: expected %s, "
				       "got %s\n",
				       r->call, r->arg, kind_names[k], w, g);
				failed++;
			}
			printf("%s %d badptr.%s.%s.%s=%s\n",
			       ok ? "ok" : "not ok", ++t, r->call, r->arg,
			       kind_names[k], g);
		}
	}
	sys(SYS_unlink, (long)tfile, 0, 0);
	sys(SYS_rmdir, (long)tdir, 0, 0);
	printf("# badptr: %d passed, %d failed\n", n - failed, failed);
	return failed ? 1 : 0;
}
