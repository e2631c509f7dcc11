/* Exits with the number given as its first argument. */
#include "c/libc.h"

static int parse(const char *s)
{
	int v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

int main(int argc, char **argv)
{
	return argc > 1 ? parse(argv[1]) : 0;
}
