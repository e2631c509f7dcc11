/* Memory, ending the program, numbers from strings, sorting, random. */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* lib/c/malloc.c: 16-byte aligned; NULL and errno ENOMEM on failure. */
void *malloc(size_t size);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);

/* Runs the atexit functions, flushes stdio, then ends the process (every
 * thread) with status. */
_Noreturn void exit(int status);
/* Ends the process with SIGABRT, flushing nothing. */
_Noreturn void abort(void);

/* Skips white space, takes a sign, and digits in base 2..36; base 0
 * means decimal, 0x.. hex or 0.. octal. Out of range: the limit and
 * ERANGE. *end (when end is not NULL) points after the last digit. */
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int atoi(const char *s);

/* lib/c/qsort.c: sorts n elements of size bytes by cmp (heapsort, not
 * stable). */
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *));
/* A pseudo-random number in 0..RAND_MAX from (and advancing) *seed. */
#define RAND_MAX 32767
int rand_r(unsigned *seed);

/* Calls fn at exit (not _exit), the last registered first; up to
 * ATEXIT_MAX functions. 0, or -1 when full. */
#define ATEXIT_MAX 32
int atexit(void (*fn)(void));

#endif
