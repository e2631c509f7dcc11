/*
 * A seeded random-syscall fuzzer, for Spindle only (it refuses to run
 * anywhere else: on a real machine random system calls do real damage).
 *
 *   fuzz [SEED [SECONDS [CALLS]]]       defaults: a random seed, 60 s,
 *                                       2,000,000 calls
 *
 * The parent forks a child that makes system calls with random and
 * semi-valid arguments (numbers 0..335, some of them more often, and some
 * invalid numbers) until it dies, and forks the next one:
 *
 *   parent (init) --fork--> child: setsid, closes 0-2, opens some files,
 *     |                       then for ever: pick a call, write a record
 *     |<---- pipe (fd 200) --- of it to the pipe, make the call
 *     reads the records: they are the child's progress; a child with none
 *     for STALL_MS (it blocked for good, which random calls do) is killed
 *     with SIGKILL and must be gone within KILL_MS.
 *
 * The kernel passes if the boot reaches the final KTAP lines: no panic
 * and no hang. What the fuzzer must not do is kill what runs the test:
 * no reboot, no signals, priority or limit changes to other processes, no
 * execve of a real program; fork and clone children exit at once.
 * Replay a failure with `tools/run-elf build/user/fuzz SEED`.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "c/syscall.h"
#include "freestanding/linux_abi.h"

#define PAGE 4096l
#define RECORD_FD 200 /* the child's progress pipe; never named by it */
#define STALL_MS 2000
#define KILL_MS 20000
#define SCRATCH_SIZE (16 * PAGE)
#define NR_MAX 335
#define WNOHANG 1

/* One call, as the child writes it before making it. */
struct record {
	uint64_t calls; /* made by this child before this one */
	uint64_t nr, a[6];
};

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long sys(long n, long a, long b, long c)
{
	return syscall6(n, a, b, c, 0, 0, 0);
}

static long now_ms(void)
{
	long ts[2];
	sys(SYS_clock_gettime, 1 /* CLOCK_MONOTONIC */, (long)ts, 0);
	return ts[0] * 1000 + ts[1] / 1000000;
}

static void sleep_ms(long ms)
{
	long ts[2] = {ms / 1000, ms % 1000 * 1000000};
	sys(SYS_nanosleep, (long)ts, 0, 0);
}

/* --- the child ---------------------------------------------------------- */

static const short implemented[] = {
	SYS_read,
	SYS_write,
	SYS_readv,
	SYS_writev,
	SYS_open,
	SYS_openat,
	SYS_close,
	SYS_lseek,
	SYS_stat,
	SYS_lstat,
	SYS_fstat,
	SYS_newfstatat,
	SYS_getdents64,
	SYS_ioctl,
	SYS_dup,
	SYS_dup2,
	SYS_dup3,
	SYS_fcntl,
	SYS_pipe,
	SYS_pipe2,
	SYS_poll,
	SYS_ppoll,
	SYS_select,
	SYS_pselect6,
	SYS_eventfd,
	SYS_eventfd2,
	SYS_getcwd,
	SYS_chdir,
	SYS_mmap,
	SYS_munmap,
	SYS_mprotect,
	SYS_madvise,
	SYS_brk,
	SYS_getpid,
	SYS_getppid,
	SYS_gettid,
	SYS_clone,
	SYS_fork,
	SYS_vfork,
	SYS_execve,
	SYS_kill,
	SYS_tkill,
	SYS_tgkill,
	SYS_futex,
	SYS_rt_sigaction,
	SYS_rt_sigprocmask,
	SYS_rt_sigreturn,
	SYS_rt_sigpending,
	SYS_rt_sigsuspend,
	SYS_rt_sigtimedwait,
	SYS_sigaltstack,
	SYS_pause,
	SYS_alarm,
	SYS_setitimer,
	SYS_getitimer,
	SYS_setpgid,
	SYS_getpgid,
	SYS_getpgrp,
	SYS_setsid,
	SYS_getsid,
	SYS_wait4,
	SYS_set_tid_address,
	SYS_arch_prctl,
	SYS_clock_gettime,
	SYS_gettimeofday,
	SYS_nanosleep,
	SYS_clock_nanosleep,
	SYS_sched_yield,
	SYS_getcpu,
	SYS_uname,
	SYS_sched_setaffinity,
	SYS_sched_getaffinity,
	SYS_setpriority,
	SYS_getpriority,
	SYS_sched_setscheduler,
	SYS_sched_getscheduler,
	SYS_sched_setparam,
	SYS_sched_getparam,
	SYS_sched_get_priority_max,
	SYS_sched_get_priority_min,
	SYS_sched_rr_get_interval,
	SYS_clock_getres,
	SYS_getrlimit,
	SYS_setrlimit,
	SYS_prlimit64,
	SYS_sysinfo,
	SYS_getrandom,
	SYS_pread64,
	SYS_pwrite64,
	SYS_access,
	SYS_faccessat,
	SYS_faccessat2,
	SYS_mkdir,
	SYS_mkdirat,
	SYS_rmdir,
	SYS_unlink,
	SYS_unlinkat,
	SYS_link,
	SYS_linkat,
	SYS_rename,
	SYS_renameat,
	SYS_renameat2,
	SYS_truncate,
	SYS_ftruncate,
	SYS_fsync,
	SYS_fdatasync,
};

static const char *const paths[] = {
	"/",
	"/proc",
	"/proc/self",
	"/proc/self/stat",
	"/proc/1/status",
	"/bin",
	"/bin/fuzz",
	"/proc/cpuinfo",
	"..",
	".",
	"",
	"/no/such",
	"/tmp",
	"/tmp/fuzz",
	"/tmp/fuzz/dir",
	"/dev/shm/fuzz",
};
#define NR_PATHS (long)(sizeof(paths) / sizeof(paths[0]))

static long scratch, unmapped, prot_none, read_only, mapping_end;
static long my_pid;
static int fds[8];

static long bad_pointer(void)
{
	static const long fixed[] = {
		0,
		8,
		(long)0xffffffff81000000ul,
		(long)0xffff800000100000ul,
		0x0000800000000000l,
		(long)0x8000000000000000ul,
		0x7ffffffff000l - 8,
		0x7ffffffff000l,
	};
	switch (rnd() % 5) {
	case 0:
		return unmapped + (long)(rnd() % PAGE);
	case 1:
		return prot_none;
	case 2:
		return read_only + (long)(rnd() % PAGE);
	case 3:
		return mapping_end - (long)(rnd() % 64);
	default:
		return fixed[rnd() % (sizeof(fixed) / sizeof(fixed[0]))];
	}
}

/* An argument: often something a call accepts, often almost. */
static long random_arg(void)
{
	static const long sizes[] = {
		1,	  8,	      16,	  64,	      4096,	 65536,
		1l << 20, 0x7ffff000, 0x7fffffff, 0xffffffff, INT64_MAX, -1};
	switch (rnd() % 14) {
	case 0:
		return 0;
	case 1:
		return (long)(rnd() % 8);
	case 2:
		return fds[rnd() % 8];
	case 3:
		return -1;
	case 4:
		return scratch + (long)(rnd() % SCRATCH_SIZE);
	case 5:
		return scratch + (long)(rnd() % NR_PATHS) * 64; /* a path */
	case 6:
		return bad_pointer();
	case 7:
		return 1l << (rnd() % 64);
	case 8:
		return (long)rnd();
	case 9:
		return (int)rnd();
	case 10:
		return sizes[rnd() % (sizeof(sizes) / sizeof(sizes[0]))];
	case 11:
		return (long)(rnd() % 1100); /* descriptors, signals, ... */
	default:
		return (long)(rnd() % 64);
	}
}

static long random_nr(void)
{
	uint64_t r = rnd() % 100;
	if (r < 50)
		return implemented[rnd() % (sizeof(implemented) /
					    sizeof(implemented[0]))];
	if (r < 92)
		return (long)(rnd() % (NR_MAX + 1));
	if (r < 99) /* invalid, or newer than Spindle (each logged once) */
		return NR_MAX + 1 + (long)(rnd() % 120);
	/* Numbers the kernel logs every time: rare. */
	static const long odd[] = {-1, 1l << 32, (long)0x8000000000000000ul};
	return rnd() % 50 ? 435 /* clone3 */ : odd[rnd() % 3];
}

/* Keeps a call from harming anything but this child (see the top). */
static bool make_safe(long nr, long a[6])
{
	for (int i = 0; i < 6; i++)
		if (a[i] == RECORD_FD)
			a[i] = RECORD_FD - 1;
	switch (nr) {
	case SYS_reboot:
		return false;
	case SYS_exit:
	case SYS_exit_group:
		return rnd() % 20 == 0; /* let children live a while */
	case SYS_execve:
	case 322: /* execveat */
		a[0] = rnd() % 2 ? bad_pointer() : scratch + 11 * 64;
		a[1] = rnd() % 2 ? bad_pointer() : a[1];
		return true;
	case SYS_kill:
	case SYS_tkill: {
		static const long pids[] = {0, 999999, -999999, INT32_MIN};
		a[0] = rnd() % 2 ? my_pid : pids[rnd() % 4];
		return true;
	}
	case SYS_tgkill:
		a[0] = rnd() % 2 ? my_pid : 999999;
		a[1] = rnd() % 2 ? my_pid : 999999;
		return true;
	case SYS_rt_sigaction: {
		/* A handler at a bad address, or at random bytes; with or
		 * without a restorer, itself maybe bad. A signal then kills
		 * the child (or its frame cannot be written): that is all. */
		long *act = (long *)(scratch + SCRATCH_SIZE - 64);
		act[0] = rnd() % 2 ? bad_pointer() : random_arg();
		act[1] = (long)(rnd() % 2 ? SA_RESTORER : 0) | random_arg();
		act[2] = rnd() % 2 ? bad_pointer() : random_arg();
		act[3] = random_arg();
		a[1] = rnd() % 4 ? (long)act : bad_pointer();
		a[3] = rnd() % 4 ? 8 : a[3];
		return true;
	}
	case SYS_sigaltstack: {
		long *ss = (long *)(scratch + SCRATCH_SIZE - 128);
		ss[0] = rnd() % 2 ? bad_pointer() : random_arg();
		ss[1] = rnd() % 2 ? 0 : random_arg();
		ss[2] = random_arg();
		a[0] = rnd() % 4 ? (long)ss : bad_pointer();
		return true;
	}
	case SYS_setpgid:
		a[0] = rnd() % 2 ? 0 : my_pid;
		a[1] = rnd() % 2 ? 0 : my_pid;
		return true;
	case SYS_setpriority:
	case SYS_getpriority:
		a[0] = (long)(rnd() % 2); /* PRIO_PROCESS, PRIO_PGRP */
		a[1] = rnd() % 2 ? 0 : my_pid;
		return true;
	case SYS_sched_setscheduler:
		/* Never a real-time policy: a FIFO child running random
		 * handler bytes could spin for ever, and on one CPU the
		 * parent that would kill it never ran again. */
		if (((int)a[1] & ~SCHED_RESET_ON_FORK) == SCHED_FIFO ||
		    ((int)a[1] & ~SCHED_RESET_ON_FORK) == SCHED_RR)
			a[1] = rnd() % 2 ? SCHED_BATCH : SCHED_OTHER;
		a[0] = rnd() % 2 ? 0 : my_pid;
		return true;
	case SYS_prlimit64: /* no lower limits for the parent */
	case SYS_sched_setaffinity:
	case SYS_sched_setparam: /* the policy stays SCHED_OTHER: see above */
	case 251:		 /* ioprio_set */
		a[0] = rnd() % 2 ? 0 : my_pid;
		return true;
	case 101: /* ptrace */
	case 310: /* process_vm_readv */
	case 311: /* process_vm_writev */
	case 312: /* kcmp */
	case 317: /* seccomp */
		return false;
	default:
		return true;
	}
}

/* A raw system call; a fork or clone child (rax 0) exits at once, before
 * touching its stack, which may be anyone's. */
static long fuzz_call(long nr, const long a[6])
{
	register long r10 __asm__("r10") = a[3];
	register long r8 __asm__("r8") = a[4];
	register long r9 __asm__("r9") = a[5];
	register long forks __asm__("r12") = nr == SYS_fork ||
					     nr == SYS_vfork ||
					     nr == SYS_clone || nr == 435;
	long ret;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "test %%r12, %%r12\n\t"
			 "jz 1f\n\t"
			 "mov $60, %%eax\n\t" /* exit(0): this thread only */
			 "xor %%edi, %%edi\n\t"
			 "syscall\n"
			 "1:"
			 : "=a"(ret)
			 : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10),
			   "r"(r8), "r"(r9), "r"(forks)
			 : "rcx", "r11", "memory");
	return ret;
}

static long map(int prot)
{
	return syscall6(SYS_mmap, 0, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
}

static void child_setup(void)
{
	sys(SYS_setsid, 0, 0, 0);
	my_pid = sys(SYS_getpid, 0, 0, 0);
	for (int fd = 0; fd < 3; fd++)
		sys(SYS_close, fd, 0, 0);
	scratch = syscall6(SYS_mmap, 0, SCRATCH_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (long i = 0; i < SCRATCH_SIZE; i += 8)
		*(uint64_t *)(scratch + i) = rnd();
	for (int i = 0; i < NR_PATHS; i++)
		strlcpy((char *)scratch + i * 64, paths[i], 64);
	unmapped = map(PROT_READ);
	sys(SYS_munmap, unmapped, PAGE, 0);
	prot_none = map(PROT_NONE);
	read_only = map(PROT_READ);
	long two = syscall6(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sys(SYS_munmap, two + PAGE, PAGE, 0);
	mapping_end = two + PAGE;
	int p[2];
	sys(SYS_pipe2, (long)p, O_NONBLOCK, 0);
	fds[0] = p[0], fds[1] = p[1];
	fds[2] = (int)sys(SYS_open, (long)"/", O_RDONLY | O_DIRECTORY, 0);
	fds[3] = (int)sys(SYS_open, (long)"/proc", O_RDONLY | O_DIRECTORY, 0);
	fds[4] = (int)sys(SYS_open, (long)"/proc/self/stat", O_RDONLY, 0);
	fds[5] = (int)sys(SYS_open, (long)"/bin/fuzz", O_RDONLY, 0);
	fds[6] = 1023, fds[7] = 1024;
}

static void child(uint64_t seed)
{
	rng = seed ? seed : 1;
	child_setup();
	for (uint64_t calls = 0;; calls++) {
		struct record rec = {.calls = calls,
				     .nr = (uint64_t)random_nr()};
		long a[6];
		for (int i = 0; i < 6; i++)
			a[i] = random_arg();
		if (rnd() % 3 == 0) /* most calls take a descriptor first */
			a[0] = fds[rnd() % 6];
		if (!make_safe((long)rec.nr, a))
			continue;
		memcpy(rec.a, a, sizeof(a));
		sys(SYS_write, RECORD_FD, (long)&rec, sizeof(rec));
		fuzz_call((long)rec.nr, a);
	}
}

/* --- the parent --------------------------------------------------------- */

static struct record last;
static long last_progress;

/* Reads the child's records; true if there was any. */
static bool drain(int fd)
{
	bool any = false;
	struct record recs[32];
	long n;
	while ((n = sys(SYS_read, fd, (long)recs, sizeof(recs))) > 0) {
		if (n >= (long)sizeof(struct record))
			last = recs[n / (long)sizeof(struct record) - 1];
		any = true;
	}
	return any;
}

static void print_record(const char *what, long pid)
{
	printf("# fuzz: %s: child %ld, call %lu: syscall(%ld, %#lx, %#lx, "
	       "%#lx, %#lx, %#lx, %#lx)\n",
	       what, pid, last.calls, (long)last.nr, last.a[0], last.a[1],
	       last.a[2], last.a[3], last.a[4], last.a[5]);
}

/* Reaps whatever has exited (children, and their orphans if we are
 * init); returns true if pid was among them. */
static bool reap(long pid)
{
	bool gone = false;
	long r;
	int status;
	while ((r = syscall6(SYS_wait4, -1, (long)&status, WNOHANG, 0, 0, 0)) >
	       0)
		gone |= r == pid;
	return gone;
}

static bool on_spindle(void)
{
	char u[390] = {0};
	sys(SYS_uname, (long)u, 0, 0);
	return strcmp(u, "Spindle") == 0;
}

int main(int argc, char **argv)
{
	if (!on_spindle()) {
		printf("fuzz: refusing to run outside Spindle\n");
		return 2;
	}
	uint64_t seed = 0;
	if (argc > 1)
		seed = strtoul(argv[1], NULL, 0);
	else
		sys(SYS_getrandom, (long)&seed, sizeof(seed), 0);
	long seconds = argc > 2 ? (long)strtoul(argv[2], NULL, 0) : 60;
	uint64_t max_calls = argc > 3 ? strtoul(argv[3], NULL, 0) : 2000000;
	printf("KTAP version 1\n1..2\n# fuzz: seed %lu, %ld s or %lu calls\n",
	       seed, seconds, max_calls);

	int p[2];
	sys(SYS_pipe2, (long)p, O_NONBLOCK, 0);
	long start = now_ms(), report = start, child_pid = 0;
	uint64_t calls = 0, ended = 0, children = 0, stalled = 0;
	bool hung = false;
	while (now_ms() - start < seconds * 1000 && calls < max_calls) {
		if (!child_pid) {
			last = (struct record){0};
			long pid = sys(SYS_fork, 0, 0, 0);
			if (pid == 0) {
				sys(SYS_close, p[0], 0, 0);
				sys(SYS_dup2, p[1], RECORD_FD, 0);
				sys(SYS_close, p[1], 0, 0);
				child(seed + children * 0x9e3779b97f4a7c15ul);
			}
			if (pid < 0) {
				printf("# fuzz: fork: %ld\n", pid);
				sleep_ms(100);
				reap(0);
				continue;
			}
			child_pid = pid;
			children++;
			last_progress = now_ms();
		}
		sleep_ms(10);
		if (drain(p[0]))
			last_progress = now_ms();
		calls = ended + last.calls;
		if (reap(child_pid)) {
			ended = calls, child_pid = 0;
			continue;
		}
		if (now_ms() - last_progress > STALL_MS) {
			stalled++;
			sys(SYS_kill, child_pid, SIGKILL, 0);
			long killed_at = now_ms();
			while (!reap(child_pid) &&
			       now_ms() - killed_at < KILL_MS)
				sleep_ms(10);
			if (now_ms() - killed_at >= KILL_MS) {
				print_record("SIGKILL did not end it",
					     child_pid);
				hung = true;
				break;
			}
			ended = calls, child_pid = 0;
		}
		if (now_ms() - report >= 10000) {
			report = now_ms();
			printf("# fuzz: %ld s, %lu calls, %lu children, %lu "
			       "killed for no progress\n",
			       (report - start) / 1000, calls, children,
			       stalled);
		}
	}
	if (child_pid && !hung) {
		sys(SYS_kill, child_pid, SIGKILL, 0);
		long killed_at = now_ms();
		while (!reap(child_pid) && now_ms() - killed_at < KILL_MS)
			sleep_ms(10);
		if (now_ms() - killed_at >= KILL_MS) {
			print_record("SIGKILL did not end it", child_pid);
			hung = true;
		}
	}
	printf("# fuzz: seed %lu: %lu calls in %ld s, %lu children, %lu "
	       "killed for no progress\n",
	       seed, calls, (now_ms() - start) / 1000, children, stalled);
	printf("%s 1 fuzz.every_child_ended_when_killed\n",
	       hung ? "not ok" : "ok");
	printf("%s 2 fuzz.made_at_least_1000_calls\n",
	       calls >= 1000 ? "ok" : "not ok");
	return hung || calls < 1000;
}
