/*
 * The system-call table. syscall_entry (arch/syscall_entry.S) saves the
 * user's registers in a trap frame and calls syscall_dispatch with it.
 * A switch reads better than a table of function pointers, and lets every
 * handler keep its real C signature.
 */
#include "entry/syscall.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "sched/sched.h"
#include "sched/trace.h"

#define SYSCALL_LOG_MAX 1024

/* An unknown number is logged once per number (a program may retry it in
 * a loop), with the program that asked first. */
static void log_unknown(uint64_t nr)
{
	static _Atomic uint64_t logged[SYSCALL_LOG_MAX / 64];
	if (nr < SYSCALL_LOG_MAX) {
		uint64_t bit = 1ul << (nr % 64);
		if (atomic_fetch_or(&logged[nr / 64], bit) & bit)
			return;
	}
	pr_warn("syscall %lu is not implemented (-ENOSYS), called by %s\n", nr,
		current()->name);
}

long syscall_dispatch(struct trap_frame *f)
{
	uint64_t a0 = f->rdi, a1 = f->rsi, a2 = f->rdx, a3 = f->r10, a4 = f->r8,
		 a5 = f->r9;
	struct task *self = current();
	uint64_t nr = f->rax;
	self->syscall_nr = nr;
	trace_syscall_enter(nr);
	long r;
	switch (nr) {
	case SYS_read:
		r = sys_read((int)a0, a1, a2);
		break;
	case SYS_write:
		r = sys_write((int)a0, a1, a2);
		break;
	case SYS_readv:
		r = sys_readv((int)a0, a1, (int)a2);
		break;
	case SYS_writev:
		r = sys_writev((int)a0, a1, (int)a2);
		break;
	case SYS_open:
		r = sys_open(a0, (int)a1, (int)a2);
		break;
	case SYS_openat:
		r = sys_openat((int)a0, a1, (int)a2, (int)a3);
		break;
	case SYS_close:
		r = sys_close((int)a0);
		break;
	case SYS_lseek:
		r = sys_lseek((int)a0, (int64_t)a1, (int)a2);
		break;
	case SYS_stat:
	case SYS_lstat: /* no symbolic links exist */
		r = sys_stat(a0, a1);
		break;
	case SYS_fstat:
		r = sys_fstat((int)a0, a1);
		break;
	case SYS_newfstatat:
		r = sys_newfstatat((int)a0, a1, a2, (int)a3);
		break;
	case SYS_pread64:
		r = sys_pread64((int)a0, a1, a2, (int64_t)a3);
		break;
	case SYS_pwrite64:
		r = sys_pwrite64((int)a0, a1, a2, (int64_t)a3);
		break;
	case SYS_mkdir:
		r = sys_mkdirat(AT_FDCWD, a0, (int)a1);
		break;
	case SYS_mkdirat:
		r = sys_mkdirat((int)a0, a1, (int)a2);
		break;
	case SYS_rmdir:
		r = sys_unlinkat(AT_FDCWD, a0, AT_REMOVEDIR);
		break;
	case SYS_unlink:
		r = sys_unlinkat(AT_FDCWD, a0, 0);
		break;
	case SYS_unlinkat:
		r = sys_unlinkat((int)a0, a1, (int)a2);
		break;
	case SYS_link:
		r = sys_linkat(AT_FDCWD, a0, AT_FDCWD, a1, 0);
		break;
	case SYS_linkat:
		r = sys_linkat((int)a0, a1, (int)a2, a3, (int)a4);
		break;
	case SYS_rename:
		r = sys_renameat2(AT_FDCWD, a0, AT_FDCWD, a1, 0);
		break;
	case SYS_renameat:
		r = sys_renameat2((int)a0, a1, (int)a2, a3, 0);
		break;
	case SYS_renameat2:
		r = sys_renameat2((int)a0, a1, (int)a2, a3, (unsigned)a4);
		break;
	case SYS_access:
		r = sys_faccessat2(AT_FDCWD, a0, (int)a1, 0);
		break;
	case SYS_faccessat:
		r = sys_faccessat2((int)a0, a1, (int)a2, 0);
		break;
	case SYS_faccessat2:
		r = sys_faccessat2((int)a0, a1, (int)a2, (int)a3);
		break;
	case SYS_truncate:
		r = sys_truncate(a0, (int64_t)a1);
		break;
	case SYS_ftruncate:
		r = sys_ftruncate((int)a0, (int64_t)a1);
		break;
	case SYS_fsync:
	case SYS_fdatasync:
		r = sys_fsync((int)a0);
		break;
	case SYS_getdents64:
		r = sys_getdents64((int)a0, a1, a2);
		break;
	case SYS_ioctl:
		r = sys_ioctl((int)a0, (unsigned)a1, a2);
		break;
	case SYS_dup:
		r = sys_dup((int)a0);
		break;
	case SYS_dup2:
		r = sys_dup2((int)a0, (int)a1);
		break;
	case SYS_dup3:
		r = sys_dup3((int)a0, (int)a1, (int)a2);
		break;
	case SYS_fcntl:
		r = sys_fcntl((int)a0, (int)a1, a2);
		break;
	case SYS_pipe:
		r = sys_pipe(a0);
		break;
	case SYS_pipe2:
		r = sys_pipe2(a0, (int)a1);
		break;
	case SYS_poll:
		r = sys_poll(a0, (unsigned)a1, (int)a2);
		break;
	case SYS_ppoll:
		r = sys_ppoll(a0, (unsigned)a1, a2, a3, a4);
		break;
	case SYS_select:
		r = sys_select((int)a0, a1, a2, a3, a4);
		break;
	case SYS_pselect6:
		r = sys_pselect6((int)a0, a1, a2, a3, a4, a5);
		break;
	case SYS_eventfd:
		r = sys_eventfd((unsigned)a0);
		break;
	case SYS_eventfd2:
		r = sys_eventfd2((unsigned)a0, (int)a1);
		break;
	case SYS_getcwd:
		r = sys_getcwd(a0, a1);
		break;
	case SYS_chdir:
		r = sys_chdir(a0);
		break;
	case SYS_mmap:
		r = sys_mmap(a0, a1, (int)a2, (int)a3, (int)a4, (int64_t)a5);
		break;
	case SYS_munmap:
		r = sys_munmap(a0, a1);
		break;
	case SYS_mprotect:
		r = sys_mprotect(a0, a1, (int)a2);
		break;
	case SYS_madvise:
		r = sys_madvise(a0, a1, (int)a2);
		break;
	case SYS_brk:
		r = sys_brk(a0);
		break;
	case SYS_exit:
		r = sys_exit((int)a0);
		break;
	case SYS_exit_group:
		r = sys_exit_group((int)a0);
		break;
	case SYS_getpid:
		r = sys_getpid();
		break;
	case SYS_getppid:
		r = sys_getppid();
		break;
	case SYS_gettid:
		r = sys_gettid();
		break;
	case SYS_clone:
		r = sys_clone(a0, a1, a2, a3, a4);
		break;
	case SYS_fork:
	case SYS_vfork: /* a full copy: correct for every vfork user */
		r = sys_fork();
		break;
	case SYS_execve:
		r = sys_execve(a0, a1, a2);
		break;
	case SYS_kill:
		r = sys_kill((int)a0, (int)a1);
		break;
	case SYS_tkill:
		r = sys_tkill((int)a0, (int)a1);
		break;
	case SYS_tgkill:
		r = sys_tgkill((int)a0, (int)a1, (int)a2);
		break;
	case SYS_futex:
		r = sys_futex(a0, (int)a1, (uint32_t)a2, a3, a4, (uint32_t)a5);
		break;
	case SYS_rt_sigaction:
		r = sys_rt_sigaction((int)a0, a1, a2, a3);
		break;
	case SYS_rt_sigprocmask:
		r = sys_rt_sigprocmask((int)a0, a1, a2, a3);
		break;
	case SYS_rt_sigreturn:
		r = sys_rt_sigreturn(f);
		break;
	case SYS_rt_sigpending:
		r = sys_rt_sigpending(a0, a1);
		break;
	case SYS_rt_sigsuspend:
		r = sys_rt_sigsuspend(a0, a1);
		break;
	case SYS_rt_sigtimedwait:
		r = sys_rt_sigtimedwait(a0, a1, a2, a3);
		break;
	case SYS_sigaltstack:
		r = sys_sigaltstack(a0, a1, f->rsp);
		break;
	case SYS_pause:
		r = sys_pause();
		break;
	case SYS_setpgid:
		r = sys_setpgid((int)a0, (int)a1);
		break;
	case SYS_getpgid:
		r = sys_getpgid((int)a0);
		break;
	case SYS_getpgrp:
		r = sys_getpgid(0);
		break;
	case SYS_setsid:
		r = sys_setsid();
		break;
	case SYS_getsid:
		r = sys_getsid((int)a0);
		break;
	case SYS_getuid:
	case SYS_geteuid:
	case SYS_getgid:
	case SYS_getegid:
		r = 0; /* everyone is root */
		break;
	case SYS_wait4:
		r = sys_wait4((int)a0, a1, (int)a2, a3);
		break;
	case SYS_set_tid_address:
		r = sys_set_tid_address(a0);
		break;
	case SYS_arch_prctl:
		r = sys_arch_prctl((int)a0, a1);
		break;
	case SYS_clock_gettime:
		r = sys_clock_gettime((int)a0, a1);
		break;
	case SYS_clock_getres:
		r = sys_clock_getres((int)a0, a1);
		break;
	case SYS_gettimeofday:
		r = sys_gettimeofday(a0, a1);
		break;
	case SYS_nanosleep:
		r = sys_nanosleep(a0, a1);
		break;
	case SYS_clock_nanosleep:
		r = sys_clock_nanosleep((int)a0, (int)a1, a2, a3);
		break;
	case SYS_setitimer:
		r = sys_setitimer((int)a0, a1, a2);
		break;
	case SYS_getitimer:
		r = sys_getitimer((int)a0, a1);
		break;
	case SYS_alarm:
		r = sys_alarm((unsigned)a0);
		break;
	case SYS_sched_yield:
		r = sys_sched_yield();
		break;
	case SYS_getcpu:
		r = sys_getcpu(a0, a1, a2);
		break;
	case SYS_uname:
		r = sys_uname(a0);
		break;
	case SYS_sched_setaffinity:
		r = sys_sched_setaffinity((int)a0, a1, a2);
		break;
	case SYS_sched_getaffinity:
		r = sys_sched_getaffinity((int)a0, a1, a2);
		break;
	case SYS_setpriority:
		r = sys_setpriority((int)a0, (int)a1, (int)a2);
		break;
	case SYS_getpriority:
		r = sys_getpriority((int)a0, (int)a1);
		break;
	case SYS_sched_setscheduler:
		r = sys_sched_setscheduler((int)a0, (int)a1, a2);
		break;
	case SYS_sched_getscheduler:
		r = sys_sched_getscheduler((int)a0);
		break;
	case SYS_sched_setparam:
		r = sys_sched_setparam((int)a0, a1);
		break;
	case SYS_sched_getparam:
		r = sys_sched_getparam((int)a0, a1);
		break;
	case SYS_sched_get_priority_max:
		r = sys_sched_get_priority_max((int)a0);
		break;
	case SYS_sched_get_priority_min:
		r = sys_sched_get_priority_min((int)a0);
		break;
	case SYS_sched_rr_get_interval:
		r = sys_sched_rr_get_interval((int)a0, a1);
		break;
	case SYS_prlimit64:
		r = sys_prlimit64((int)a0, (int)a1, a2, a3);
		break;
	case SYS_getrlimit:
		r = sys_getrlimit((int)a0, a1);
		break;
	case SYS_setrlimit:
		r = sys_setrlimit((int)a0, a1);
		break;
	case SYS_sysinfo:
		r = sys_sysinfo(a0);
		break;
	case SYS_getrandom:
		r = sys_getrandom(a0, a1, (unsigned)a2);
		break;
	default:
		log_unknown(nr);
		r = -ENOSYS;
	}
	trace_syscall_exit(nr, r);
	/* An interrupted call: user_return_work restarts it or says EINTR.
	 * rt_sigreturn's "result" is the rax it restored, never a code. */
	self->syscall_may_restart =
		self->syscall_nr != SYS_rt_sigreturn &&
		(r == -ERESTARTSYS || r == -ERESTARTNOINTR ||
		 r == -ERESTARTNOHAND);
	f->rax = (uint64_t)r;
	return r;
}
