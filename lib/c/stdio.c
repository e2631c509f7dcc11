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
 * stdout is line-buffered on a terminal (a person waits for each line)
 * and fully buffered otherwise (a pipe or a file: fewer system calls);
 * stderr is unbuffered. exit() and fork() flush every stream.
 *
 * Each FILE has a lock, taken by every call for the whole call: a line
 * printed by one thread never has another thread's characters inside it.
 *
 * stdin reads the other way: fgets takes bytes from f->buf, and read()s
 * more when it runs out.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

/* vformat, and the snprintf family <stdio.h> declares again: including
 * both makes the compiler check that the two agree. */
#include "freestanding/format.h"

enum buffering {
	UNDECIDED, /* line-buffered on a terminal, else fully: see decide */
	FULLY_BUFFERED, /* written when the buffer is full */
	LINE_BUFFERED,	/* and at each newline */
	UNBUFFERED,	/* written at the end of each call */
};

struct FILE {
	pthread_mutex_t lock; /* every call holds it throughout */
	int fd;
	enum buffering buffering;
	char *buf;
	size_t size;
	size_t len;	   /* output: bytes in buf not yet written; input:
			      bytes read into buf */
	size_t pos;	   /* input: the next byte of buf to hand out */
	bool write_failed; /* during the current call */
	bool eof, error;   /* input: read() returned 0, or failed */
};

static char stdin_buf[1024], stdout_buf[4096], stderr_buf[256];
static FILE stdin_file = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = STDIN_FILENO,
	.buf = stdin_buf,
	.size = sizeof(stdin_buf),
};
static FILE stdout_file = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = STDOUT_FILENO,
	.buffering = UNDECIDED,
	.buf = stdout_buf,
	.size = sizeof(stdout_buf),
};
static FILE stderr_file = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = STDERR_FILENO,
	.buffering = UNBUFFERED,
	.buf = stderr_buf,
	.size = sizeof(stderr_buf),
};
FILE *const stdin = &stdin_file;
FILE *const stdout = &stdout_file;
FILE *const stderr = &stderr_file;

/* Locks f for one call, deciding how an UNDECIDED stream is buffered the
 * first time it is used. */
static void lock(FILE *f)
{
	pthread_mutex_lock(&f->lock);
	if (f->buffering == UNDECIDED)
		f->buffering = isatty(f->fd) ? LINE_BUFFERED : FULLY_BUFFERED;
}

static void unlock(FILE *f)
{
	pthread_mutex_unlock(&f->lock);
}

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

/* Every output call ends here, and unlocks f: returns its result, or
 * EOF if a write failed during the call. */
static int finish(FILE *f, int result)
{
	if (f->buffering == UNBUFFERED)
		flush_buffer(f);
	if (f->write_failed) {
		f->write_failed = false;
		result = EOF;
	}
	unlock(f);
	return result;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	lock(f);
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
	FILE f = {.lock = PTHREAD_MUTEX_INITIALIZER,
		  .fd = fd,
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
	lock(f);
	file_put((char)c, f);
	return finish(f, (unsigned char)c);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fputs(const char *s, FILE *f)
{
	lock(f);
	put_string(f, s);
	return finish(f, 0);
}

int puts(const char *s)
{
	lock(stdout);
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
	lock(f);
	flush_buffer(f);
	return finish(f, 0);
}

/* The next byte of input, or EOF. f locked. */
static int take_byte(FILE *f)
{
	if (f->pos == f->len) {
		if (f->eof || f->error)
			return EOF;
		ssize_t n;
		do
			n = read(f->fd, f->buf, f->size);
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			f->eof = n == 0;
			f->error = n < 0;
			return EOF;
		}
		f->pos = 0;
		f->len = (size_t)n;
	}
	return (unsigned char)f->buf[f->pos++];
}

int fgetc(FILE *f)
{
	lock(f);
	int c = take_byte(f);
	unlock(f);
	return c;
}

int getchar(void)
{
	return fgetc(stdin);
}

char *fgets(char *s, int size, FILE *f)
{
	if (size < 1)
		return NULL;
	lock(f);
	int n = 0, c = 0;
	while (n < size - 1 && c != '\n' && (c = take_byte(f)) != EOF)
		s[n++] = (char)c;
	s[n] = '\0';
	unlock(f);
	return n ? s : NULL;
}

int feof(FILE *f)
{
	return f->eof;
}

int ferror(FILE *f)
{
	return f->error;
}
