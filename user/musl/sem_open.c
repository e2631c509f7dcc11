/*
 * Named semaphores and shared memory, built against musl (not lib/c) by
 * tools/test.py: an unmodified static Linux program. musl keeps both as
 * files in /dev/shm and maps them MAP_SHARED; a child opens them again by
 * name, and every count it posts reaches the parent. It prints only what
 * is the same on the host and on Spindle.
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define POSTS 5

static char sem_name[64], shm_name[64];

static int child(void)
{
	sem_t *s = sem_open(sem_name, 0);
	int fd = shm_open(shm_name, O_RDWR, 0);
	int *count =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s == SEM_FAILED || count == MAP_FAILED)
		return 1;
	for (int i = 0; i < POSTS; i++) {
		__atomic_fetch_add(count, 1, __ATOMIC_SEQ_CST);
		sem_post(s);
	}
	return 0;
}

int main(void)
{
	snprintf(sem_name, sizeof(sem_name), "/spindle-musl-sem-%d", getpid());
	snprintf(shm_name, sizeof(shm_name), "/spindle-musl-shm-%d", getpid());
	sem_t *s = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0);
	printf("sem_open O_CREAT|O_EXCL: %s\n",
	       s == SEM_FAILED ? "failed" : "ok");
	printf("sem_open again, same address: %s\n",
	       sem_open(sem_name, 0) == s ? "yes" : "no");
	sem_t *again = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0);
	printf("sem_open O_EXCL on an existing name: %s\n",
	       again == SEM_FAILED ? strerror(errno) : "ok");
	int fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
	printf("shm_open: %s, ftruncate: %d\n", fd >= 0 ? "ok" : "failed",
	       ftruncate(fd, 4096));
	int *count =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child());
	int woken = 0;
	for (int i = 0; i < POSTS; i++)
		woken += sem_wait(s) == 0;
	int status = -1;
	waitpid(pid, &status, 0);
	printf("child exited %d; sem_wait returned %d times; count %d\n",
	       WEXITSTATUS(status), woken, *count);
	sem_close(s);
	sem_close(s);
	printf("sem_unlink: %d, shm_unlink: %d\n", sem_unlink(sem_name),
	       shm_unlink(shm_name));
	printf("sem_open after unlink: %s\n",
	       sem_open(sem_name, 0) == SEM_FAILED ? strerror(errno) : "ok");
	printf("shm_open after unlink: %s\n",
	       shm_open(shm_name, O_RDWR, 0) < 0 ? strerror(errno) : "ok");
	return 0;
}
