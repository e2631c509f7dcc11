/*
 * Formatted output on file descriptors. stdout (fd 1) is buffered and
 * flushed at each newline, when full, and at exit(); stderr (fd 2) is
 * written at the end of each call. The format engine is
 * lib/freestanding/format.c, the kernel's kprintf's too: %d %i %u %x %X
 * %o %p %s %c %%, flags '-' '0', width, precision, sizes hh h l ll z t j.
 *
 * Not yet thread-safe: lib/pthread will give each FILE a lock.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

typedef struct FILE FILE;
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

/* Writes out what f holds (every stream if f is NULL); EOF on error. */
int fflush(FILE *f);

#endif
