/*
 * init: process 1, the first program the kernel runs.
 *
 *   init PROG ARGS...   runs PROG, waits, and exits with its status
 *                       (the kernel then reports it and powers off)
 *   init                runs /bin/sh on the console; when the shell exits,
 *                       init exits with its status and the machine stops
 *
 * Meanwhile init is every orphan's parent (the kernel gives them to it):
 * it waits for any child, so zombies never pile up.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static char *const default_argv[] = {"/bin/sh", NULL};
static char *const envp[] = {"PATH=/bin", "HOME=/", NULL};

int main(int argc, char **argv)
{
	char *const *run = argc > 1 ? argv + 1 : default_argv;
	int pid = fork();
	if (pid < 0) {
		dprintf(2, "init: fork failed\n");
		return 1;
	}
	if (pid == 0) {
		execve(run[0], run, envp);
		dprintf(2, "init: cannot run %s\n", run[0]);
		_exit(127);
	}
	for (;;) {
		int status;
		int done = waitpid(-1, &status, 0);
		if (done == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status)
						 : 128 + WTERMSIG(status);
		if (done < 0)
			return 1; /* no children at all: cannot happen */
	}
}
