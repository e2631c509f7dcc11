/*
 * printf-style formatting, written once for the kernel and for user space.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%; flags '-' and '0'; a width and
 * a precision (either may be '*'); sizes hh, h, l, ll, z, t, j.
 * Output goes through a callback so the same code serves kprintf (console),
 * snprintf (a buffer) and user-space stdio.
 */
#ifndef FREESTANDING_FORMAT_H
#define FREESTANDING_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_put_fn)(char c, void *ctx);

/* Formats into put(); returns the number of characters produced. */
int vformat(format_put_fn put, void *ctx, const char *fmt, va_list ap);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
