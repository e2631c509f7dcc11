/*
 * The Linux x86-64 system-call ABI, written once: the kernel implements it,
 * lib/c, lib/pthread and the programs in user/ pass it. Every number here is
 * Linux's (its uapi headers), so one static binary runs on both kernels.
 * Error numbers are in freestanding/errno.h. Nothing else in the tree may
 * define these names again: lib/c's standard headers include this one.
 */
#ifndef FREESTANDING_LINUX_ABI_H
#define FREESTANDING_LINUX_ABI_H

#include <stdint.h>

/* System-call numbers (arch/x86/entry/syscalls/syscall_64.tbl): what a libc
 * and a pthread library need. Spindle implements a subset and answers
 * -ENOSYS for the rest (docs/usermode.md lists them). */
#define SYS_read 0
#define _SYS_SYSCALL_H
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_stat 4
#define SYS_fstat 5
#define SYS_lstat 6
#define SYS_poll 7
#define SYS_lseek 8
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_brk 12
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_rt_sigreturn 15
#define SYS_ioctl 16
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_readv 19
#define SYS_writev 20
#define SYS_access 21
#define SYS_pipe 22
#define SYS_select 23
#define SYS_sched_yield 24
#define SYS_mremap 25
#define SYS_madvise 28
#define SYS_dup 32
#define SYS_dup2 33
#define SYS_pause 34
#define SYS_nanosleep 35
#define SYS_getitimer 36
#define SYS_alarm 37
#define SYS_setitimer 38
#define SYS_getpid 39
#define SYS_clone 56
#define SYS_fork 57
#define SYS_vfork 58
#define SYS_execve 59
#define SYS_exit 60
#define SYS_wait4 61
#define SYS_kill 62
#define SYS_uname 63
#define SYS_fcntl 72
#define SYS_fsync 74
#define SYS_fdatasync 75
#define SYS_truncate 76
#define SYS_ftruncate 77
#define SYS_getcwd 79
#define SYS_chdir 80
#define SYS_rename 82
#define SYS_mkdir 83
#define SYS_rmdir 84
#define SYS_link 86
#define SYS_unlink 87
#define SYS_gettimeofday 96
#define SYS_getrlimit 97
#define SYS_sysinfo 99
#define SYS_getuid 102
#define SYS_getgid 104
#define SYS_setuid 105
#define SYS_geteuid 107
#define SYS_getegid 108
#define SYS_setpgid 109
#define SYS_getppid 110
#define SYS_getpgrp 111
#define SYS_setsid 112
#define SYS_getpgid 121
#define SYS_getsid 124
#define SYS_rt_sigpending 127
#define SYS_rt_sigtimedwait 128
#define SYS_rt_sigsuspend 130
#define SYS_sigaltstack 131
#define SYS_getpriority 140
#define SYS_setpriority 141
#define SYS_sched_setparam 142
#define SYS_sched_getparam 143
#define SYS_sched_setscheduler 144
#define SYS_sched_getscheduler 145
#define SYS_sched_get_priority_max 146
#define SYS_sched_get_priority_min 147
#define SYS_sched_rr_get_interval 148
#define SYS_prctl 157
#define SYS_setrlimit 160
#define SYS_arch_prctl 158
#define SYS_reboot 169
#define SYS_gettid 186
#define SYS_tkill 200
#define SYS_futex 202
#define SYS_sched_setaffinity 203
#define SYS_sched_getaffinity 204
#define SYS_getdents64 217
#define SYS_set_tid_address 218
#define SYS_clock_gettime 228
#define SYS_clock_getres 229
#define SYS_clock_nanosleep 230
#define SYS_exit_group 231
#define SYS_tgkill 234
#define SYS_waitid 247
#define SYS_openat 257
#define SYS_mkdirat 258
#define SYS_newfstatat 262
#define SYS_unlinkat 263
#define SYS_renameat 264
#define SYS_linkat 265
#define SYS_faccessat 269
#define SYS_pselect6 270
#define SYS_ppoll 271
#define SYS_set_robust_list 273
#define SYS_get_robust_list 274
#define SYS_eventfd 284
#define SYS_eventfd2 290
#define SYS_dup3 292
#define SYS_pipe2 293
#define SYS_prlimit64 302
#define SYS_getcpu 309
#define SYS_renameat2 316
#define SYS_getrandom 318
#define SYS_membarrier 324
#define SYS_statx 332
#define SYS_rseq 334
#define SYS_clone3 435
#define SYS_faccessat2 439

/* open(2) flags */
#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define AT_FDCWD (-100) /* openat: relative to the working directory */

/* poll(2)'s events and revents (asm-generic/poll.h); select(2) reads
 * an fd_set of FD_SETSIZE bits at most. */
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define FD_SETSIZE 1024

/* eventfd2(2) flags: the O_ flags of the same meaning */
#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK

/* ioctl(2) on a terminal (kernel/dev/tty.c) */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409 /* arg 1: wait until the output is sent (tcdrain) */
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413

/* futex(2) operations */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

/* clone(2) flags; the low byte (CSIGNAL) is the signal sent to the parent
 * when a child process ends. */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_CHILD_SETTID 0x01000000
/* What a pthread library passes for a new thread (with CLONE_SETTLS when it
 * has TLS): everything shared, the tid written for the parent and cleared
 * (and woken) for join at exit. */
#define CLONE_PTHREAD                                                          \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |    \
	 CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

/* mmap(2), mprotect(2), madvise(2) */
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8

/* The auxiliary vector's tags: (type, value) pairs the kernel puts on the
 * initial stack after the environment. */
#define AT_NULL 0   /* the end of the vector */
#define AT_PHDR 3   /* the program headers, in memory */
#define AT_PHENT 4  /* the size of one */
#define AT_PHNUM 5  /* how many */
#define AT_PAGESZ 6 /* the page size */
#define AT_BASE 7   /* the interpreter's base (0: none) */
#define AT_ENTRY 9  /* the program's entry point */
#define AT_UID 11   /* real and effective user and group ids */
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_HWCAP 16  /* CPU feature bits */
#define AT_CLKTCK 17 /* times(2) ticks a second */
#define AT_SECURE 23 /* 1 in a set-uid program */
#define AT_RANDOM 25 /* the address of 16 random bytes */
#define AT_EXECFN 31 /* the path the program was started by */

/* getdents64(2): the records it fills the buffer with, each reclen bytes
 * long, name NUL-terminated (linux/dirent.h) */
struct linux_dirent64 {
	uint64_t ino;
	int64_t off; /* where the next record starts: lseek to it */
	uint16_t reclen;
	uint8_t type;
	char name[];
} __attribute__((packed));

/* *at(2) flags */
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_SYMLINK_FOLLOW 0x400 /* linkat: follow a symbolic link */
#define AT_EMPTY_PATH 0x1000
#define AT_REMOVEDIR 0x200 /* unlinkat: remove a directory */
#define AT_EACCESS 0x200   /* faccessat: with the effective ids */

/* access(2)'s modes */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* renameat2(2) flags */
#define RENAME_NOREPLACE 1

/* lseek(2)'s whence */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* stat(2)'s st_mode: the file type */
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000

/* Signal numbers */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG_STANDARD 31 /* the last of the standard signals */
/* A signal number's bit in a 64-bit signal set (sigset_t, blocked, pending) */
#define SIGNAL_BIT(sig) (1ull << ((sig)-1))
/* The signals whose default action is to do nothing (signal(7)). The stop
 * signals and SIGCONT belong to job control, which Spindle does not have:
 * their default is "ignore" here too. */
#define SIGNALS_DEFAULT_IGNORED                                                \
	(SIGNAL_BIT(SIGCHLD) | SIGNAL_BIT(SIGCONT) | SIGNAL_BIT(SIGSTOP) |     \
	 SIGNAL_BIT(SIGTSTP) | SIGNAL_BIT(SIGTTIN) | SIGNAL_BIT(SIGTTOU) |     \
	 SIGNAL_BIT(SIGURG) | SIGNAL_BIT(SIGWINCH))
/* rt_sigaction's handler values and rt_sigprocmask's how */
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* rt_sigaction(2) flags (struct k_sigaction's sa_flags) */
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000u

/* siginfo's si_code: who sent the signal (asm-generic/siginfo.h) */
#define SI_USER 0      /* kill */
#define SI_KERNEL 0x80 /* the kernel (a fault's siginfo has its own) */
#define SI_TIMER (-2)  /* a POSIX timer */
#define SI_TKILL (-6)  /* tkill, tgkill */
#define SEGV_MAPERR 1  /* SIGSEGV: no mapping at the address */
#define SEGV_ACCERR 2  /* SIGSEGV: a mapping that forbids the access */

/* ucontext's uc_flags (asm/ucontext.h) */
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

/* sigaltstack(2) */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048
#define SIGSTKSZ 8192

/* setitimer(2) timers */
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

/* wait4(2) options */
#define WNOHANG 1
#define WUNTRACED 2

/* clock_gettime(2) clocks */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

/* clock_nanosleep(2) flags (spelled as glibc's <time.h>, so that both may
 * be included) */
#define TIMER_ABSTIME 1

/* getrandom(2) flags (spelled as glibc's <sys/random.h>) */
#define GRND_NONBLOCK 0x01
#define GRND_RANDOM 0x02
#define GRND_INSECURE 0x04

/* sched_setscheduler(2) policies (linux/sched.h); real-time priorities
 * run from 1 to 99, higher first */
#define SCHED_OTHER 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define SCHED_RESET_ON_FORK 0x40000000

/* getrlimit(2) resources (asm-generic/resource.h) */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ul)

/* arch_prctl(2) codes */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

#endif
