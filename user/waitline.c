/*
 * waitline: waits with poll() for a line typed at the terminal, then reads
 * it. Shows that poll on the tty sleeps until a line is finished (the line
 * discipline holds the characters until Enter) and wakes when it is.
 *
 *   $ waitline
 *   waitline: nothing to read yet
 *   waitline: waiting for a line (poll)
 *   hello                                   <- typed
 *   waitline: poll woke: stdin readable
 *   waitline: read 'hello'
 *
 * The test harness's shell group types at it (tools/test.py). Exit status
 * 0, or 1 if a call failed.
 */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	struct pollfd in = {.fd = STDIN_FILENO, .events = POLLIN};
	int n = poll(&in, 1, 0);
	printf("waitline: %s\n", n == 0	 ? "nothing to read yet"
				 : n > 0 ? "a line was already there"
					 : "poll failed");
	printf("waitline: waiting for a line (poll)\n");
	fflush(stdout);
	n = poll(&in, 1, -1);
	if (n != 1 || !(in.revents & POLLIN)) {
		printf("waitline: poll returned %d, revents %#x\n", n,
		       in.revents);
		return 1;
	}
	printf("waitline: poll woke: stdin readable\n");
	char line[128];
	ssize_t got = read(STDIN_FILENO, line, sizeof(line) - 1);
	if (got <= 0) {
		printf("waitline: read returned %zd\n", got);
		return 1;
	}
	if (line[got - 1] == '\n')
		got--;
	line[got] = '\0';
	printf("waitline: read '%s'\n", line);
	return 0;
}
