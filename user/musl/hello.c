/*
 * Hello world, built against musl (not lib/c) by tools/test.py: an
 * unmodified static Linux program. It must print the same on the host and
 * on Spindle, so it prints nothing that differs between them (argv[0] is
 * the host's path there and /bin/hello here).
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, world\n");
	printf("%d arguments:", argc - 1);
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return 0;
}
