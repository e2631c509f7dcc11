/* Start-up, system-call wrappers and a buffered stdout (see libc.h). */
#include "c/libc.h"
#include "c/syscall.h"
#include "freestanding/format.h"

int errno;

/* Linux returns -4095 .. -1 for errors. */
static long check(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int main(int argc, char **argv, char **envp);

_Noreturn void __libc_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	exit(main(argc, argv, envp));
}

long write(int fd, const void *buf, size_t n)
{
	return check(syscall3(SYS_write, fd, (long)buf, (long)n));
}

int getpid(void)
{
	return (int)syscall3(SYS_getpid, 0, 0, 0);
}

int gettid(void)
{
	return (int)syscall3(SYS_gettid, 0, 0, 0);
}

void *sbrk_top(void)
{
	return (void *)syscall3(SYS_brk, 0, 0, 0);
}

void *brk_to(void *end)
{
	return (void *)syscall3(SYS_brk, (long)end, 0, 0);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return (void *)check(syscall6(SYS_mmap, (long)addr, (long)len, prot,
				      flags, fd, off));
}

int munmap(void *addr, size_t len)
{
	return (int)check(syscall3(SYS_munmap, (long)addr, (long)len, 0));
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)check(syscall3(SYS_mprotect, (long)addr, (long)len, prot));
}

int clock_gettime(int clock, struct timespec *ts)
{
	return (int)check(syscall3(SYS_clock_gettime, clock, (long)ts, 0));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)check(syscall3(SYS_nanosleep, (long)req, (long)rem, 0));
}

int fork(void)
{
	fflush_stdout(); /* or the child prints the parent's buffer too */
	return (int)check(syscall3(SYS_fork, 0, 0, 0));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)check(
		syscall3(SYS_execve, (long)path, (long)argv, (long)envp));
}

int waitpid(int pid, int *status, int options)
{
	return (int)check(
		syscall6(SYS_wait4, pid, (long)status, options, 0, 0, 0));
}

int kill(int pid, int sig)
{
	return (int)check(syscall3(SYS_kill, pid, sig, 0));
}

int getppid(void)
{
	return (int)syscall3(SYS_getppid, 0, 0, 0);
}

int sched_yield(void)
{
	return (int)check(syscall3(SYS_sched_yield, 0, 0, 0));
}

long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *t,
	   uint32_t *uaddr2, uint32_t val3)
{
	return check(syscall6(SYS_futex, (long)uaddr, op, val, (long)t,
			      (long)uaddr2, val3));
}

long free_memory(void)
{
	/* struct sysinfo: freeram at byte 40, mem_unit at byte 104. */
	long info[14];
	if (check(syscall3(SYS_sysinfo, (long)info, 0, 0)) < 0)
		return -1;
	return info[5] * (long)(uint32_t)info[13];
}

_Noreturn void _exit(int code)
{
	for (;;)
		syscall3(SYS_exit_group, code, 0, 0);
}

_Noreturn void exit(int code)
{
	fflush_stdout();
	_exit(code);
}

/* stdout: a buffer flushed at each newline, when full, and at exit. */
static char out[1024];
static size_t out_len;

void fflush_stdout(void)
{
	size_t done = 0;
	while (done < out_len) {
		long n = write(1, out + done, out_len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	out_len = 0;
}

static void out_put(char c, void *ctx)
{
	(void)ctx;
	out[out_len++] = c;
	if (c == '\n' || out_len == sizeof(out))
		fflush_stdout();
}

int vprintf(const char *fmt, va_list ap)
{
	return vformat(out_put, NULL, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
