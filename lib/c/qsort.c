/* qsort, as a heapsort: O(n log n) in the worst case, in place, no
 * recursion and no memory to allocate. (Not stable; qsort need not be.) */
#include <stdlib.h>

static void swap_bytes(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Lets element i sink until it is no smaller than its children, in the
 * heap of the first n elements (children of i: 2i+1 and 2i+2). */
static void sift_down(char *base, size_t i, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;
		if (l < n && cmp(base + l * size, base + big * size) > 0)
			big = l;
		if (r < n && cmp(base + r * size, base + big * size) > 0)
			big = r;
		if (big == i)
			return;
		swap_bytes(base + i * size, base + big * size, size);
		i = big;
	}
}

void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *))
{
	char *b = base;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp); /* a max-heap */
	for (size_t end = n; end > 1; end--) {
		/* The largest goes last; the heap shrinks by one. */
		swap_bytes(b, b + (end - 1) * size, size);
		sift_down(b, 0, end - 1, size, cmp);
	}
}

/* POSIX's example generator: the same seed gives the same sequence; the
 * state is the caller's, so threads need no lock. */
int rand_r(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (int)(*seed / 65536u % 32768u);
}
