/* cat: copies each file (or standard input) to standard output. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int copy(int fd)
{
	char buf[4096];
	long n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (long done = 0; done < n;) {
			long w = write(1, buf + done, (size_t)(n - done));
			if (w <= 0)
				return 1;
			done += w;
		}
	return n < 0;
}

int main(int argc, char **argv)
{
	int status = 0;
	if (argc < 2)
		return copy(0);
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			dprintf(2, "cat: %s: cannot open\n", argv[i]);
			status = 1;
			continue;
		}
		status |= copy(fd);
		close(fd);
	}
	return status;
}
