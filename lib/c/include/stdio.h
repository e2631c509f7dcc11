/*
 * Buffered streams on file descriptors (lib/c/stdio.c). stdout (fd 1) is
 * flushed at each newline on a terminal and when its buffer is full
 * otherwise, and at exit(); stderr (fd 2) is written at the end of each
 * call; stdin (fd 0) is read a buffer at a time. Every stream has a lock,
 * held for each whole call: threads may share them. The format engine is
 * lib/freestanding/format.c, the kernel's kprintf's too: %d %i %u %x %X
 * %o %p %s %c %%, %f in user programs, flags '-' '0', width,
 * precision, sizes hh h l ll z t j.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

typedef struct FILE FILE;
extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vdprintf(int fd, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

int putchar(int c);
int fputc(int c, FILE *f);
int puts(const char *s); /* s and a newline */
int fputs(const char *s, FILE *f);

/* Reads a line (with its newline) into s, at most size - 1 bytes, and
 * ends it with '\0'; NULL at end of file or on error with nothing read. */
char *fgets(char *s, int size, FILE *f);
int fgetc(FILE *f); /* the next byte, or EOF */
int getchar(void);
int feof(FILE *f);   /* end of file seen */
int ferror(FILE *f); /* a read failed */

/* Writes out what f holds (every stream if f is NULL); EOF on error. */
int fflush(FILE *f);
/* "what: " and strerror(errno) on stderr (lib/c/strerror.c). */
int rename(const char *from, const char *to);
void perror(const char *what);

#endif
