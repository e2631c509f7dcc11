/* ps: every process, from /proc/PID/stat (Linux's format, so this runs on
 * Linux too): PID, parent, state, threads, name. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "c/syscall.h"

/* "pid (comm) S ppid pgrp session tty tpgid flags ... num_threads(20)" */
static void show(const char *pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return; /* gone since the directory was read */
	long n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren)
		return;
	*close_paren = '\0';
	const char *name = open_paren + 1;
	char *field = close_paren + 2; /* state */
	char state = *field;
	long values[18] = {0}; /* fields 4..21 */
	for (int i = 0; i < 18 && *field; i++) {
		while (*field && *field != ' ')
			field++;
		values[i] = strtol(field, &field, 10);
	}
	printf("%5s %5ld %c %7ld  %s\n", pid, values[0], state, values[16],
	       name);
}

int main(void)
{
	int fd = open("/proc", O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		dprintf(2, "ps: cannot open /proc\n");
		return 1;
	}
	printf("  PID  PPID S THREADS  NAME\n");
	char buf[4096];
	long n;
	while ((n = syscall3(SYS_getdents64, fd, (long)buf, sizeof(buf))) > 0)
		for (long at = 0; at < n;) {
			struct linux_dirent64 *d = (void *)(buf + at);
			if (d->name[0] >= '0' && d->name[0] <= '9')
				show(d->name);
			at += d->reclen;
		}
	close(fd);
	return 0;
}
