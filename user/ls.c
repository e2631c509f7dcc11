/* ls [DIR...]: the names in each directory, one per line (sorted as the
 * directory lists them), read with getdents64. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "c/syscall.h"

static int list(const char *dir, int header)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		dprintf(2, "ls: %s: cannot open\n", dir);
		return 1;
	}
	if (header)
		printf("%s:\n", dir);
	char buf[4096];
	long n;
	while ((n = syscall3(SYS_getdents64, fd, (long)buf, sizeof(buf))) > 0)
		for (long at = 0; at < n;) {
			struct linux_dirent64 *d = (void *)(buf + at);
			if (d->name[0] != '.')
				printf("%s%s\n", d->name,
				       d->type == 4 /* DT_DIR */ ? "/" : "");
			at += d->reclen;
		}
	close(fd);
	return n < 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return list(".", 0);
	int status = 0;
	for (int i = 1; i < argc; i++)
		status |= list(argv[i], argc > 2);
	return status;
}
