/*
 * POSIX shared memory objects are files in /dev/shm, a tmpfs, as musl and
 * glibc keep them: shm_open is open(2) there, and mmap(MAP_SHARED) of the
 * descriptor shares its pages between every process that maps it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "c/libc.h"

#define SHM_DIR "/dev/shm/"

char *shm_path(const char *name, const char *prefix, char *buf)
{
	while (*name == '/')
		name++;
	size_t len = strlen(name), plen = strlen(prefix);
	if (!len || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		errno = EINVAL;
		return NULL;
	}
	if (plen + len > NAME_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(buf, SHM_DIR, sizeof(SHM_DIR) - 1);
	memcpy(buf + sizeof(SHM_DIR) - 1, prefix, plen);
	memcpy(buf + sizeof(SHM_DIR) - 1 + plen, name, len + 1);
	return buf;
}

int shm_open(const char *name, int flags, mode_t mode)
{
	char buf[SHM_PATH_MAX];
	if (!shm_path(name, "", buf))
		return -1;
	return open(buf, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode);
}

int shm_unlink(const char *name)
{
	char buf[SHM_PATH_MAX];
	return shm_path(name, "", buf) ? unlink(buf) : -1;
}
