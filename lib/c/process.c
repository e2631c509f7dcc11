/* Processes and threads: who am I, fork, exec, wait, signals. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c/syscall.h"

/* getpid, getppid and gettid cannot fail. */
pid_t getpid(void)
{
	return (pid_t)syscall0(SYS_getpid);
}

pid_t getppid(void)
{
	return (pid_t)syscall0(SYS_getppid);
}

pid_t gettid(void)
{
	return (pid_t)syscall0(SYS_gettid);
}

pid_t fork(void)
{
	/* Unwritten output would be in both processes' buffers and come
	 * out twice. */
	fflush(NULL);
	return (pid_t)__syscall_ret(syscall0(SYS_fork));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)__syscall_ret(
		syscall3(SYS_execve, (long)path, (long)argv, (long)envp));
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage)
{
	return (pid_t)__syscall_ret(syscall_cp(SYS_wait4, pid, (long)status,
					       options, (long)usage, 0, 0));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

pid_t wait(int *status)
{
	return wait4(-1, status, 0, NULL);
}

int kill(pid_t pid, int sig)
{
	return (int)__syscall_ret(syscall2(SYS_kill, pid, sig));
}

int raise(int sig)
{
	return (int)__syscall_ret(
		syscall3(SYS_tgkill, getpid(), gettid(), sig));
}
