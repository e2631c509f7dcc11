/* Dereferences NULL: the kernel must kill this program, not itself. */
#include <stdio.h>

int main(void)
{
	printf("segv: about to read address 0\n");
	volatile int *null = 0;
	return *null;
}
