/*
 * grep [-v] [-c] TEXT [FILE...]: prints the lines that contain TEXT (a
 * fixed string, no patterns); -v the lines that do not; -c only how many.
 * Exits 0 if a line was selected, 1 if none, 2 on an error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int invert, count_only;
static long selected;

/* Reads fd line by line (lines longer than the buffer are cut). */
static void search(int fd, const char *text)
{
	char line[1024], buf[4096];
	size_t len = 0;
	long n;
	int more = 1;
	while (more) {
		n = read(fd, buf, sizeof(buf));
		more = n > 0;
		for (long i = 0; i <= (more ? n - 1 : 0); i++) {
			int end = !more || buf[i] == '\n';
			if (more && !end && len < sizeof(line) - 1)
				line[len++] = buf[i];
			if (!end || (!more && len == 0))
				continue;
			line[len] = '\0';
			if ((strstr(line, text) != NULL) != invert) {
				selected++;
				if (!count_only)
					printf("%s\n", line);
			}
			len = 0;
		}
	}
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		invert |= strchr(argv[i], 'v') != NULL;
		count_only |= strchr(argv[i], 'c') != NULL;
	}
	if (i >= argc) {
		dprintf(2, "usage: grep [-v] [-c] TEXT [FILE...]\n");
		return 2;
	}
	const char *text = argv[i++];
	if (i == argc)
		search(0, text);
	for (; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			dprintf(2, "grep: %s: cannot open\n", argv[i]);
			return 2;
		}
		search(fd, text);
		close(fd);
	}
	if (count_only)
		printf("%ld\n", selected);
	return selected ? 0 : 1;
}
