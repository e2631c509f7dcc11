/*
 * System calls: Linux x86-64 numbers and conventions, so one static binary
 * runs on Linux and on Spindle. The number arrives in rax, the arguments
 * in rdi, rsi, rdx, r10, r8, r9; the result goes back in rax, an error as
 * -errno. syscall.c maps numbers to the sys_* functions below.
 */
#ifndef ENTRY_SYSCALL_H
#define ENTRY_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

#include "freestanding/linux_abi.h" /* SYS_* */

struct trap_frame;

long syscall_dispatch(struct trap_frame *frame);

/* sys_file.c */
/* The most one read or write moves (Linux: INT_MAX rounded down to a
 * page). */
#define MAX_RW_COUNT 0x7ffff000ul
/* Copies a user path in and makes it absolute; buf has PATH_MAX bytes.
 * A relative path starts at dirfd's directory (AT_FDCWD: the working
 * directory). As on Linux the path is read first (-EFAULT, -ENOENT for
 * ""), then dirfd is checked, and only if the path is relative. */
int user_path_at(int dirfd, uint64_t upath, char *buf);
long sys_read(int fd, uint64_t buf, size_t count);
long sys_write(int fd, uint64_t buf, size_t count);
long sys_readv(int fd, uint64_t iov, int iovcnt);
long sys_writev(int fd, uint64_t iov, int iovcnt);
long sys_open(uint64_t path, int flags, int mode);
long sys_openat(int dirfd, uint64_t path, int flags, int mode);
long sys_close(int fd);
long sys_lseek(int fd, int64_t offset, int whence);
long sys_stat(uint64_t path, uint64_t st);
long sys_fstat(int fd, uint64_t st);
long sys_newfstatat(int dirfd, uint64_t path, uint64_t st, int flags);
long sys_getdents64(int fd, uint64_t buf, size_t count);
long sys_ioctl(int fd, unsigned cmd, uint64_t arg);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, int cmd, uint64_t arg);
long sys_pipe(uint64_t fds);
long sys_pipe2(uint64_t fds, int flags);
long sys_getcwd(uint64_t buf, size_t size);
long sys_chdir(uint64_t path);

/* sys_path.c */
long sys_mkdirat(int dirfd, uint64_t path, int mode);
long sys_unlinkat(int dirfd, uint64_t path, int flags);
long sys_linkat(int olddirfd, uint64_t oldpath, int newdirfd, uint64_t newpath,
		int flags);
long sys_renameat2(int olddirfd, uint64_t oldpath, int newdirfd,
		   uint64_t newpath, unsigned flags);
long sys_faccessat2(int dirfd, uint64_t path, int mode, int flags);
long sys_truncate(uint64_t path, int64_t length);
long sys_ftruncate(int fd, int64_t length);
long sys_fsync(int fd);
long sys_pread64(int fd, uint64_t buf, size_t count, int64_t offset);
long sys_pwrite64(int fd, uint64_t buf, size_t count, int64_t offset);

/* sys_mm.c */
long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd,
	      int64_t offset);
long sys_munmap(uint64_t addr, uint64_t len);
long sys_mprotect(uint64_t addr, uint64_t len, int prot);
long sys_madvise(uint64_t addr, uint64_t len, int advice);
long sys_brk(uint64_t addr);

/* sys_proc.c */
long sys_exit(int code);
long sys_exit_group(int code);
long sys_getpid(void);
long sys_getppid(void);
long sys_gettid(void);
long sys_wait4(int pid, uint64_t status, int options, uint64_t rusage);
long sys_set_tid_address(uint64_t tidptr);
long sys_arch_prctl(int code, uint64_t addr);

/* sys_thread.c */
long sys_clone(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid,
	       uint64_t tls);
long sys_fork(void);
long sys_execve(uint64_t path, uint64_t argv, uint64_t envp);
long sys_kill(int pid, int sig);
long sys_tkill(int tid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_futex(uint64_t uaddr, int op, uint32_t val, uint64_t utime,
	       uint64_t uaddr2, uint32_t val3);

/* sys_poll.c */
long sys_poll(uint64_t fds, unsigned nfds, int timeout_ms);
long sys_ppoll(uint64_t fds, unsigned nfds, uint64_t timeout, uint64_t mask,
	       size_t setsize);
long sys_select(int n, uint64_t in, uint64_t out, uint64_t ex,
		uint64_t timeout);
long sys_pselect6(int n, uint64_t in, uint64_t out, uint64_t ex,
		  uint64_t timeout, uint64_t sig);
long sys_eventfd(unsigned initval);
long sys_eventfd2(unsigned initval, int flags);

/* sys_sched.c */
long sys_sched_setaffinity(int tid, size_t len, uint64_t mask);
long sys_sched_getaffinity(int tid, size_t len, uint64_t mask);
long sys_setpriority(int which, int who, int nice);
long sys_getpriority(int which, int who);
long sys_prlimit64(int pid, int resource, uint64_t new, uint64_t old);
long sys_getrlimit(int resource, uint64_t rlim);
long sys_setrlimit(int resource, uint64_t rlim);
long sys_sched_setscheduler(int tid, int policy, uint64_t param);
long sys_sched_getscheduler(int tid);
long sys_sched_setparam(int tid, uint64_t param);
long sys_sched_getparam(int tid, uint64_t param);
long sys_sched_get_priority_max(int policy);
long sys_sched_get_priority_min(int policy);
long sys_sched_rr_get_interval(int tid, uint64_t ts);

/* sys_signal.c */
long sys_rt_sigaction(int sig, uint64_t act, uint64_t oact, size_t setsize);
long sys_rt_sigprocmask(int how, uint64_t set, uint64_t oset, size_t setsize);
long sys_rt_sigreturn(struct trap_frame *frame);
long sys_rt_sigpending(uint64_t set, size_t setsize);
long sys_rt_sigsuspend(uint64_t mask, size_t setsize);
long sys_rt_sigtimedwait(uint64_t set, uint64_t info, uint64_t timeout,
			 size_t setsize);
long sys_sigaltstack(uint64_t ss, uint64_t old, uint64_t user_rsp);
long sys_pause(void);
long sys_setpgid(int pid, int pgid);
long sys_getpgid(int pid);
long sys_setsid(void);
long sys_getsid(int pid);

/* sys_time.c */
/* Reads a user struct timespec as nanoseconds: 0, -EFAULT or -EINVAL. */
int read_user_timespec(uint64_t user, uint64_t *ns);
/* ... a struct timeval, select's (microseconds past a second carry, as
 * Linux takes them). */
int read_user_timeval(uint64_t user, uint64_t *ns);
long sys_clock_gettime(int clock, uint64_t tp);
long sys_clock_getres(int clock, uint64_t res);
long sys_gettimeofday(uint64_t tv, uint64_t tz);
long sys_nanosleep(uint64_t req, uint64_t rem);
long sys_clock_nanosleep(int clock, int flags, uint64_t req, uint64_t rem);
long sys_setitimer(int which, uint64_t new_value, uint64_t old_value);
long sys_getitimer(int which, uint64_t cur);
long sys_alarm(unsigned seconds);
long sys_sched_yield(void);
long sys_getcpu(uint64_t cpu, uint64_t node, uint64_t cache);
long sys_uname(uint64_t buf);
long sys_getrandom(uint64_t buf, size_t len, unsigned flags);
long sys_sysinfo(uint64_t info);

#endif
