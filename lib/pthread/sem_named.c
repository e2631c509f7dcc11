/*
 * Named semaphores, as musl and glibc make them: the sem_t lives in a
 * file /dev/shm/sem.NAME (a tmpfs), and sem_open maps it MAP_SHARED, so
 * every process that opens the name works on the same word; the sem_t is
 * a process-shared one (sem_init's pshared), whose futex operations meet
 * across address spaces.
 *
 * Creating is made atomic with a link: the new semaphore is written
 * whole into a file of a private name, then linked to its real name. A
 * process that opens the name sees either no file or a ready semaphore,
 * never an empty file; if two create at once, one link fails with EEXIST
 * and that one opens the winner's (or fails, with O_EXCL).
 *
 * POSIX asks that opening one semaphore twice in a process give the same
 * address: a table of what this process has mapped, by the file's inode,
 * counts the opens; sem_close unmaps at the last.
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c/libc.h"
#include "internal.h"

#define NAMED_MAX 256 /* SEM_NSEMS_MAX: how many one process may open */
#define PAGE 4096

static struct named {
	unsigned long ino; /* 0: a free slot */
	sem_t *sem;
	int opens;
} named[NAMED_MAX]; /* named_lock */
static pthread_mutex_t named_lock = PTHREAD_MUTEX_INITIALIZER;

/* A new semaphore of value at path: a descriptor of it, or -1 with errno
 * (EEXIST if the name was taken meanwhile). */
static int create(const char *path, mode_t mode, unsigned value)
{
	static unsigned serial;
	char tmp[SHM_PATH_MAX];
	snprintf(tmp, sizeof(tmp), "/dev/shm/sem.tmp-%d-%u", getpid(),
		 __atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED));
	int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	sem_t init;
	sem_init(&init, 1, value);
	int ok = write(fd, &init, sizeof(init)) == (ssize_t)sizeof(init) &&
		 link(tmp, path) == 0;
	int err = errno;
	unlink(tmp);
	if (!ok) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* The file of the semaphore at path, opened or made as flags say. */
static int open_or_create(const char *path, int flags, mode_t mode,
			  unsigned value)
{
	for (;;) {
		if (!(flags & O_EXCL)) {
			int fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd >= 0 || errno != ENOENT || !(flags & O_CREAT))
				return fd;
		}
		int fd = create(path, mode, value);
		if (fd >= 0 || errno != EEXIST || (flags & O_EXCL))
			return fd;
	}
}

/* Maps the semaphore open at fd, or finds this process's mapping of it.
 * named_lock held. */
static sem_t *map_once(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return SEM_FAILED;
	struct named *free_slot = NULL;
	for (int i = 0; i < NAMED_MAX; i++) {
		if (named[i].ino == st.st_ino) {
			named[i].opens++;
			return named[i].sem;
		}
		if (!named[i].ino && !free_slot)
			free_slot = &named[i];
	}
	if (!free_slot) {
		errno = EMFILE;
		return SEM_FAILED;
	}
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return SEM_FAILED;
	*free_slot = (struct named){st.st_ino, p, 1};
	return p;
}

sem_t *sem_open(const char *name, int flags, ...)
{
	mode_t mode = 0;
	unsigned value = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		value = va_arg(ap, unsigned);
		va_end(ap);
	}
	char path[SHM_PATH_MAX];
	if (value > SEM_VALUE_MAX) {
		errno = EINVAL;
		return SEM_FAILED;
	}
	if (!shm_path(name, "sem.", path))
		return SEM_FAILED;
	int fd = open_or_create(path, flags & (O_CREAT | O_EXCL), mode, value);
	if (fd < 0)
		return SEM_FAILED;
	pthread_mutex_lock(&named_lock);
	sem_t *s = map_once(fd);
	pthread_mutex_unlock(&named_lock);
	int err = errno;
	close(fd);
	errno = err;
	return s;
}

int sem_close(sem_t *s)
{
	pthread_mutex_lock(&named_lock);
	int r = -1;
	for (int i = 0; i < NAMED_MAX && r < 0; i++) {
		if (!named[i].ino || named[i].sem != s)
			continue;
		if (--named[i].opens == 0) {
			munmap(s, PAGE);
			named[i].ino = 0;
		}
		r = 0;
	}
	pthread_mutex_unlock(&named_lock);
	if (r < 0)
		errno = EINVAL;
	return r;
}

int sem_unlink(const char *name)
{
	char path[SHM_PATH_MAX];
	return shm_path(name, "sem.", path) ? unlink(path) : -1;
}
