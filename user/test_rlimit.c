/*
 * Resource limits: getrlimit, setrlimit, prlimit64. Limits read back and
 * are inherited by fork; RLIMIT_NOFILE, RLIMIT_NPROC and RLIMIT_STACK are
 * enforced. The same binary runs on the Linux host (as root), with one
 * difference handled here: Linux does not apply RLIMIT_NPROC to root, so
 * that test's child first becomes an ordinary user (setuid, which Spindle,
 * where the limit applies to everyone, refuses; the result is ignored).
 */
#include "c/ktap.h"
#include "c/libc.h"
#include "c/syscall.h"
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>

#define NOBODY 65534
#define KB 1024

static char self_path[256];

static void limits_read_back(void)
{
	struct rlimit old, set, got;
	KTAP_ASSERT_EQ(getrlimit(RLIMIT_CORE, &old), 0);
	set.rlim_max = old.rlim_max;
	set.rlim_cur = old.rlim_max < 4096 ? old.rlim_max : 4096;
	KTAP_EXPECT_EQ(setrlimit(RLIMIT_CORE, &set), 0);
	KTAP_EXPECT_EQ(getrlimit(RLIMIT_CORE, &got), 0);
	KTAP_EXPECT_EQ(got.rlim_cur, set.rlim_cur);
	KTAP_EXPECT_EQ(got.rlim_max, set.rlim_max);
	KTAP_EXPECT_EQ(prlimit(0, RLIMIT_CORE, &old, &got), 0);
	KTAP_EXPECT_EQ(got.rlim_cur, set.rlim_cur); /* old: before the set */
	KTAP_EXPECT_EQ(prlimit(getpid(), RLIMIT_CORE, NULL, &got), 0);
	KTAP_EXPECT_EQ(got.rlim_cur, old.rlim_cur);
}

static void bad_limits_are_refused(void)
{
	struct rlimit r, inverted = {2, 1};
	KTAP_EXPECT_EQ(getrlimit(99, &r), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(setrlimit(RLIMIT_CORE, &inverted), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(prlimit(999999, RLIMIT_CORE, NULL, &r), -1);
	KTAP_EXPECT_EQ(errno, ESRCH);
	KTAP_EXPECT_EQ(syscall2(SYS_getrlimit, RLIMIT_CORE, 8), -EFAULT);
	KTAP_EXPECT_EQ(syscall2(SYS_setrlimit, RLIMIT_CORE, 8), -EFAULT);
}

static void fork_inherits_the_limits(void)
{
	struct rlimit old, set;
	getrlimit(RLIMIT_CORE, &old);
	set = (struct rlimit){old.rlim_max < 512 ? old.rlim_max : 512,
			      old.rlim_max};
	setrlimit(RLIMIT_CORE, &set);
	int pid = fork();
	if (pid == 0) {
		struct rlimit got;
		getrlimit(RLIMIT_CORE, &got);
		_exit(got.rlim_cur == set.rlim_cur ? 0 : 1);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	setrlimit(RLIMIT_CORE, &old);
	KTAP_EXPECT_TRUE(WIFEXITED(status));
	KTAP_EXPECT_EQ(WEXITSTATUS(status), 0);
}

/* With the soft limit one above the lowest free descriptor, one more
 * can be made and no second one, by any call that makes one. */
static void nofile_limits_new_descriptors(void)
{
	struct rlimit old, low;
	int pipe_fds[2];
	getrlimit(RLIMIT_NOFILE, &old);
	int lowest = dup(1);
	KTAP_ASSERT_TRUE(lowest >= 0);
	close(lowest);
	low = (struct rlimit){(rlim_t)lowest + 1, old.rlim_max};
	KTAP_ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
	KTAP_EXPECT_EQ(dup(1), lowest);
	KTAP_EXPECT_EQ(dup(1), -1);
	KTAP_EXPECT_EQ(errno, EMFILE);
	KTAP_EXPECT_EQ(pipe(pipe_fds), -1);
	KTAP_EXPECT_EQ(errno, EMFILE);
	KTAP_EXPECT_EQ(open("/", O_RDONLY), -1);
	KTAP_EXPECT_EQ(errno, EMFILE);
	KTAP_EXPECT_EQ(dup2(1, lowest + 1), -1);
	KTAP_EXPECT_EQ(errno, EBADF);
	KTAP_EXPECT_EQ(syscall3(SYS_fcntl, 1, 0 /* F_DUPFD */, lowest + 1),
		       -EINVAL);
	close(lowest);
	KTAP_EXPECT_EQ(dup(1), lowest); /* below the limit again */
	close(lowest);
	KTAP_EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
	KTAP_EXPECT_EQ(dup(1), lowest);
	close(lowest);
}

static void *nothing(void *arg)
{
	return arg;
}

/* The child's exit status: bit 0, fork did not fail with EAGAIN; bit 1,
 * nor did pthread_create. */
static void nproc_limits_fork_and_threads(void)
{
	int pid = fork();
	if (pid == 0) {
		struct rlimit none = {0, 0};
		pthread_t t;
		int code = 0;
		syscall1(SYS_setuid, NOBODY); /* Linux exempts root */
		setrlimit(RLIMIT_NPROC, &none);
		int child = fork();
		if (child == 0)
			_exit(0);
		if (!(child == -1 && errno == EAGAIN))
			code |= 1;
		if (pthread_create(&t, NULL, nothing, NULL) != EAGAIN)
			code |= 2;
		_exit(code);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	KTAP_EXPECT_TRUE(WIFEXITED(status));
	KTAP_EXPECT_EQ(WEXITSTATUS(status), 0);
}

/* The child re-executes this program with a 1 MiB stack limit, to
 * recurse `kb` KiB deep; returns its wait status. */
static int recurse_in_child(int kb)
{
	char depth[16];
	snprintf(depth, sizeof(depth), "%d", kb);
	int pid = fork();
	if (pid == 0) {
		struct rlimit old, small;
		getrlimit(RLIMIT_STACK, &old);
		small = (struct rlimit){1024 * KB, old.rlim_max};
		setrlimit(RLIMIT_STACK, &small);
		char *argv[] = {self_path, "recurse", depth, NULL};
		char *envp[] = {NULL};
		execve(self_path, argv, envp);
		_exit(99);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	return status;
}

static void stack_limit_bounds_recursion(void)
{
	int status = recurse_in_child(256);
	KTAP_EXPECT_TRUE(WIFEXITED(status));
	KTAP_EXPECT_EQ(WEXITSTATUS(status), 0);
	status = recurse_in_child(4096);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGSEGV);
}

/* One KiB of stack a level. Each level passes its frame's address down,
 * so the frames must all exist at once: a compiler may not turn the
 * recursion into a loop (clang did, with an accumulator, when the frame
 * did not escape, and the 4 MiB recursion then never overflowed). */
static int recurse(int kb, volatile char *parent)
{
	volatile char frame[KB];
	frame[0] = (char)kb;
	frame[KB - 1] = parent ? parent[0] : 0;
	if (kb == 0)
		return 0;
	return recurse(kb - 1, frame) + frame[0] - (char)kb;
}

static void find_self(const char *argv0)
{
	if (argv0[0] == '/') {
		snprintf(self_path, sizeof(self_path), "%s", argv0);
	} else {
		char cwd[200];
		getcwd(cwd, sizeof(cwd));
		snprintf(self_path, sizeof(self_path), "%s/%s", cwd, argv0);
	}
}

static const struct ktap_test tests[] = {
	KTAP_TEST(limits_read_back),
	KTAP_TEST(bad_limits_are_refused),
	KTAP_TEST(fork_inherits_the_limits),
	KTAP_TEST(nofile_limits_new_descriptors),
	KTAP_TEST(nproc_limits_fork_and_threads),
	KTAP_TEST(stack_limit_bounds_recursion),
};

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "recurse") == 0)
		return recurse(atoi(argv[2]), NULL);
	find_self(argv[0]);
	return KTAP_RUN("rlimit", tests);
}
