/*
 * stdio: a FILE is a buffer in front of a file descriptor.
 *
 *   printf("x=%d\n", x) -> vformat -> file_put('x') ... file_put('\n')
 *                                        |   into f->buf
 *                                        +-> write(f->fd, ...) when the
 *                                            buffer is full, at '\n' if
 *                                            line-buffered, at the end of
 *                                            the call if unbuffered
 *
 * So a line costs one system call, not one per character, and stdout and
 * stderr still come out in the order they were written, line by line.
 * exit() and fork() flush every stream (fflush(NULL)).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

/* vformat, and the snprintf family <stdio.h> declares again: including
 * both makes the compiler check that the two agree. */
#include "freestanding/format.h"

enum buffering {
	LINE_BUFFERED, /* written at each newline */
	UNBUFFERED,    /* written at the end of each call */
};

struct FILE {
	int fd;
	enum buffering buffering;
	char *buf;
	size_t size;
	size_t len;	   /* bytes in buf not yet written */
	bool write_failed; /* during the current call */
};

static char stdout_buf[1024], stderr_buf[256];
static FILE stdout_file = {
	.fd = STDOUT_FILENO,
	.buffering = LINE_BUFFERED,
	.buf = stdout_buf,
	.size = sizeof(stdout_buf),
};
static FILE stderr_file = {
	.fd = STDERR_FILENO,
	.buffering = UNBUFFERED,
	.buf = stderr_buf,
	.size = sizeof(stderr_buf),
};
FILE *const stdout = &stdout_file;
FILE *const stderr = &stderr_file;

/* Writes the buffer out. On an error the rest is dropped: keeping it
 * would only fail again, and a full buffer must make room. */
static void flush_buffer(FILE *f)
{
	size_t done = 0;
	while (done < f->len) {
		ssize_t n = write(f->fd, f->buf + done, f->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			f->write_failed = true;
			break;
		}
		done += (size_t)n;
	}
	f->len = 0;
}

static void file_put(char c, void *file)
{
	FILE *f = file;
	if (f->len == f->size)
		flush_buffer(f);
	f->buf[f->len++] = c;
	if (c == '\n' && f->buffering == LINE_BUFFERED)
		flush_buffer(f);
}

static void put_string(FILE *f, const char *s)
{
	while (*s)
		file_put(*s++, f);
}

/* Every output call ends here: returns its result, or EOF if a write
 * failed during the call. */
static int finish(FILE *f, int result)
{
	if (f->buffering == UNBUFFERED)
		flush_buffer(f);
	if (f->write_failed) {
		f->write_failed = false;
		return EOF;
	}
	return result;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	int n = vformat(file_put, f, fmt, ap);
	return finish(f, n);
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

/* An unbuffered FILE on the stack: dprintf needs no stream of its own. */
int vdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[128];
	FILE f = {.fd = fd,
		  .buffering = UNBUFFERED,
		  .buf = buf,
		  .size = sizeof(buf)};
	return vfprintf(&f, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int fputc(int c, FILE *f)
{
	file_put((char)c, f);
	return finish(f, (unsigned char)c);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fputs(const char *s, FILE *f)
{
	put_string(f, s);
	return finish(f, 0);
}

int puts(const char *s)
{
	put_string(stdout, s);
	file_put('\n', stdout);
	return finish(stdout, 0);
}

int fflush(FILE *f)
{
	if (!f) {
		int out = fflush(stdout), err = fflush(stderr);
		return out == EOF || err == EOF ? EOF : 0;
	}
	flush_buffer(f);
	return finish(f, 0);
}
