/*
 * Runs a child out of memory through a lazy shared mapping larger than
 * the machine: it maps 1 GiB MAP_SHARED|MAP_ANONYMOUS (which costs nothing
 * until touched) and writes to every page. On a 512 MiB Spindle the kernel
 * must kill the child ("out of memory: killing oom[N]", SIGKILL) -- never
 * panic -- and every page must come back when it dies. Not a test_*
 * program: on the Linux host it would touch a gigabyte for real.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c/libc.h"

#define GIB (1ul << 30)
#define PAGE 4096ul
#define SLACK (4l << 20) /* kmalloc caches, page tables the kernel keeps */

static void touch_every_page(void)
{
	char *p = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("oom: mmap of 1 GiB shared failed\n");
		_exit(2);
	}
	for (unsigned long off = 0; off < GIB; off += PAGE)
		p[off] = 1;
	printf("oom: touched all of 1 GiB: more memory than expected?\n");
	_exit(3);
}

int main(void)
{
	long before = free_memory();
	pid_t pid = fork();
	if (pid == 0)
		touch_every_page();
	int status = 0;
	waitpid(pid, &status, 0);
	long after = free_memory();
	if (WIFSIGNALED(status))
		printf("oom: the toucher was killed by signal %d\n",
		       WTERMSIG(status));
	else
		printf("oom: the toucher exited with status %d\n",
		       WEXITSTATUS(status));
	if (before - after > SLACK) {
		printf("oom: %ld KiB not given back\n",
		       (before - after) / 1024);
		return 1;
	}
	printf("oom: memory given back\n");
	return 0;
}
