/*
 * A chain of 2,000 live processes (each starts the next and waits for it),
 * and from its far end every system call that takes a pid, given one
 * that does not exist. A kernel that looks pids up by walking the
 * process tree recursively runs out of kernel stack here; one with a pid
 * table answers ESRCH (ECHILD for wait4, which only looks at children).
 * Then the chain comes down, each process reaping the next.
 *
 * Runs the same on the Linux host and on Spindle. Each level is made with
 * clone(CLONE_VM): a process that shares its parent's memory, with a stack
 * of its own. Linux does that without copying anything -- a 2,000-deep
 * chain of forks took 190 s on a loaded 2-CPU VM host, 2 s this way.
 * Spindle does not have CLONE_VM without CLONE_THREAD (EINVAL), so there
 * each level forks (about 100 KiB of memory a process; 8 s under TCG).
 */
#include "c/ktap.h"
#include "c/libc.h"
#include "c/syscall.h"

#define CHAIN_DEPTH 2000
/* Above Linux's PID_MAX_LIMIT (4M): no process anywhere has it. */
#define MISSING_PID 0x3fffffff
#define PRIO_PROCESS 0
#define LEVEL_STACK (16 * 1024)

/* What the far end of the chain saw, in memory the whole chain shares. */
enum call {
	KILL,
	KILL_PGRP,
	TGKILL,
	TGKILL_OWN_GROUP,
	TKILL,
	WAIT4,
	GETPGID,
	SETPGID,
	GETSID,
	SCHED_SETAFFINITY,
	SCHED_GETAFFINITY,
	GETPRIORITY,
	SETPRIORITY,
	KILL_CHAIN_HEAD,
	NCALLS
};
struct far_end {
	int depth;	   /* how deep the chain got */
	int fork_error;	   /* errno of a fork that failed, 0 if none */
	long got[NCALLS];  /* each call's raw result (-errno) */
	int ancestors_ok;  /* getppid() was the level above at every level */
	long free_at_end;  /* free memory with the whole chain alive */
	volatile int done; /* the far end finished its calls */
};

static struct far_end *far;
static long free_before;
static char *level_stacks; /* LEVEL_STACK bytes for each level */
static int chain_head;	   /* level 1's pid */
static int level_above;	   /* the pid of the level that made this one */

static void calls_with_a_missing_pid(int head)
{
	uint64_t mask[16] = {0};
	syscall3(SYS_sched_getaffinity, 0, sizeof(mask), (long)mask);
	far->got[KILL] = syscall2(SYS_kill, MISSING_PID, 0);
	far->got[KILL_PGRP] = syscall2(SYS_kill, -MISSING_PID, 0);
	far->got[TGKILL] = syscall3(SYS_tgkill, MISSING_PID, MISSING_PID, 0);
	far->got[TGKILL_OWN_GROUP] =
		syscall3(SYS_tgkill, getpid(), MISSING_PID, 0);
	far->got[TKILL] = syscall2(SYS_tkill, MISSING_PID, 0);
	far->got[WAIT4] = syscall4(SYS_wait4, MISSING_PID, 0, WNOHANG, 0);
	far->got[GETPGID] = syscall1(SYS_getpgid, MISSING_PID);
	far->got[SETPGID] = syscall2(SYS_setpgid, MISSING_PID, 0);
	far->got[GETSID] = syscall1(SYS_getsid, MISSING_PID);
	far->got[SCHED_SETAFFINITY] = syscall3(
		SYS_sched_setaffinity, MISSING_PID, sizeof(mask), (long)mask);
	far->got[SCHED_GETAFFINITY] = syscall3(
		SYS_sched_getaffinity, MISSING_PID, sizeof(mask), (long)mask);
	far->got[GETPRIORITY] =
		syscall2(SYS_getpriority, PRIO_PROCESS, MISSING_PID);
	far->got[SETPRIORITY] =
		syscall3(SYS_setpriority, PRIO_PROCESS, MISSING_PID, 0);
	/* And one that exists: the head, 2,000 levels up. */
	far->got[KILL_CHAIN_HEAD] = syscall2(SYS_kill, head, 0);
	far->free_at_end = free_memory();
}

/* A progress line from inside the chain, with write(2), not stdio (the
 * levels copy or share their parent's stdio buffer). Building and tearing
 * down the chain took 63 s without a line on a loaded host, and the
 * harness calls a minute of silence a hang. */
static void say_level(const char *what, long level)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "    # chain %s %ld\n", what,
			 level);
	write(STDOUT_FILENO, line, (size_t)n);
}

/*
 * Level `level` of the chain (the head is 1): makes the next level and
 * waits for it, passing its status up; the last level makes the calls.
 * A forked next level goes on in this loop, in the same stack frame: were
 * it to call chain_level, each level's stack would be deeper than its
 * parent's, and fork copies it all (2,000 levels: 250 KiB a process).
 */
static int chain_level(void *arg)
{
	long level = (long)arg;
	for (;;) {
		if (getppid() != level_above)
			far->ancestors_ok = 0;
		level_above = getpid(); /* the next level's parent */
		if (level == 1)
			chain_head = level_above;
		if (level % 250 == 0)
			say_level("built to level", level);
		if (level == CHAIN_DEPTH) {
			far->depth = (int)level;
			calls_with_a_missing_pid(chain_head);
			far->done = 1;
			_exit(0);
		}
		long pid = raw_clone(CLONE_VM | SIGCHLD,
				     level_stacks + (level + 1) * LEVEL_STACK,
				     NULL, NULL, 0, chain_level,
				     (void *)(level + 1));
		if (pid == -EINVAL) /* Spindle: no CLONE_VM for a process */
			pid = syscall0(SYS_fork);
		if (pid == 0) {
			level++; /* the forked child: the next level */
			continue;
		}
		if (pid < 0) {
			far->fork_error = (int)-pid;
			far->depth = (int)level;
			_exit(1);
		}
		int status = 0;
		long w = syscall4(SYS_wait4, pid, (long)&status, 0, 0);
		if (level % 250 == 0)
			say_level("torn down to level", level);
		_exit(w == pid && WIFEXITED(status) ? WEXITSTATUS(status) : 99);
	}
}

static void a_2000_deep_chain_is_built_and_torn_down(void)
{
	far = mmap(NULL, sizeof(*far), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	KTAP_ASSERT_TRUE(far != MAP_FAILED);
	far->ancestors_ok = 1;
	level_stacks = mmap(NULL, (CHAIN_DEPTH + 1) * LEVEL_STACK,
			    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	KTAP_ASSERT_TRUE(level_stacks != MAP_FAILED);
	free_before = free_memory();
	level_above = getpid();
	int head = fork();
	if (head == 0)
		chain_level((void *)1);
	KTAP_ASSERT_TRUE(head > 0);
	int status = -1;
	KTAP_EXPECT_EQ(waitpid(head, &status, 0), head);
	KTAP_EXPECT_TRUE(WIFEXITED(status));
	KTAP_EXPECT_EQ(WEXITSTATUS(status), 0);
	KTAP_EXPECT_EQ(far->fork_error, 0);
	KTAP_EXPECT_EQ(far->depth, CHAIN_DEPTH);
	KTAP_EXPECT_TRUE(far->ancestors_ok);
	KTAP_EXPECT_TRUE(far->done);
	/* Nothing of the chain is left: no child to wait for. */
	KTAP_EXPECT_EQ(syscall4(SYS_wait4, -1, 0, WNOHANG, 0), -ECHILD);
	printf("    # free memory %ld KiB before, %ld KiB with the chain "
	       "alive (%ld KiB a process)\n",
	       free_before >> 10, far->free_at_end >> 10,
	       (free_before - far->free_at_end) / CHAIN_DEPTH >> 10);
}

static void expect_result(enum call c, long want)
{
	if (!far->done)
		ktap_skip("the chain did not reach its end");
	else
		KTAP_EXPECT_EQ(far->got[c], want);
}

static void kill_of_a_missing_pid_is_esrch(void)
{
	expect_result(KILL, -ESRCH);
}

static void kill_of_a_missing_process_group_is_esrch(void)
{
	expect_result(KILL_PGRP, -ESRCH);
}

static void tgkill_of_a_missing_thread_is_esrch(void)
{
	expect_result(TGKILL, -ESRCH);
	expect_result(TGKILL_OWN_GROUP, -ESRCH);
}

static void tkill_of_a_missing_thread_is_esrch(void)
{
	expect_result(TKILL, -ESRCH);
}

/* wait4 only looks among the caller's children, and the far end has
 * none: ECHILD, on Linux as here. */
static void wait4_of_a_missing_pid_is_echild(void)
{
	expect_result(WAIT4, -ECHILD);
}

static void getpgid_and_setpgid_of_a_missing_pid_are_esrch(void)
{
	expect_result(GETPGID, -ESRCH);
	expect_result(SETPGID, -ESRCH);
}

static void getsid_of_a_missing_pid_is_esrch(void)
{
	expect_result(GETSID, -ESRCH);
}

static void sched_affinity_of_a_missing_pid_is_esrch(void)
{
	expect_result(SCHED_SETAFFINITY, -ESRCH);
	expect_result(SCHED_GETAFFINITY, -ESRCH);
}

static void priority_of_a_missing_pid_is_esrch(void)
{
	expect_result(GETPRIORITY, -ESRCH);
	expect_result(SETPRIORITY, -ESRCH);
}

static void the_chains_head_is_found_from_its_far_end(void)
{
	expect_result(KILL_CHAIN_HEAD, 0);
}

#define T(name)                                                                \
	{                                                                      \
#name, name                                                    \
	}
static const struct ktap_test tests[] = {
	T(a_2000_deep_chain_is_built_and_torn_down),
	T(kill_of_a_missing_pid_is_esrch),
	T(kill_of_a_missing_process_group_is_esrch),
	T(tgkill_of_a_missing_thread_is_esrch),
	T(tkill_of_a_missing_thread_is_esrch),
	T(wait4_of_a_missing_pid_is_echild),
	T(getpgid_and_setpgid_of_a_missing_pid_are_esrch),
	T(getsid_of_a_missing_pid_is_esrch),
	T(sched_affinity_of_a_missing_pid_is_esrch),
	T(priority_of_a_missing_pid_is_esrch),
	T(the_chains_head_is_found_from_its_far_end),
};

int main(void)
{
	return ktap_run("pidchain", tests, sizeof(tests) / sizeof(tests[0]));
}
