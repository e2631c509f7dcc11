/* wc: lines, words and bytes of standard input (or of each file). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static void count(int fd, const char *name)
{
	long lines = 0, words = 0, bytes = 0;
	int in_word = 0;
	char buf[4096];
	long n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n; i++) {
			char c = buf[i];
			int space = c == ' ' || c == '\n' || c == '\t' ||
				    c == '\r' || c == '\v' || c == '\f';
			lines += c == '\n';
			words += !space && !in_word;
			in_word = !space;
		}
		bytes += n;
	}
	printf("%7ld %7ld %7ld%s%s\n", lines, words, bytes, name ? " " : "",
	       name ? name : "");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		count(0, NULL);
		return 0;
	}
	int status = 0;
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			dprintf(2, "wc: %s: cannot open\n", argv[i]);
			status = 1;
			continue;
		}
		count(fd, argv[i]);
		close(fd);
	}
	return status;
}
