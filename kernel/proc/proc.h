/*
 * Processes: the tasks that share an address space (the Linux model). A
 * process has a pid (its first thread's tid), a parent, children, and an
 * exit status that its parent collects with wait4; until then it is a
 * zombie. Its threads are tasks whose `mm` is the process's.
 *
 *   pid 1 (init) --children--> pid 7 --children--> pid 9
 *        ^                         |
 *        +--------parent-----------+
 *
 * Locking: proc_lock (one spinlock) protects every process's parent,
 * children, state and exit status -- the tree is small and changes rarely.
 */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "freestanding/list.h"
#include "sched/task.h"
#include "sched/waitq.h"

struct files;

struct trap_frame;

struct process {
	int pid;
	char name[TASK_NAME_MAX]; /* the program's file name */
	struct process *parent;	  /* proc_lock */
	struct list children;	  /* proc_lock */
	struct list_node sibling; /* on the parent's children (proc_lock) */
	struct list threads;	  /* proc_lock: its tasks, by proc_link */
	bool group_exiting;	  /* proc_lock: exit_group or a kill began */
	int group_status;	  /* proc_lock: the status it will report */
	bool zombie;		  /* proc_lock: exited, not yet waited for */
	int wait_status;	  /* proc_lock: as wait4 reports it */
	struct waitq child_exit;  /* a child of this process changed state */
	struct files *files;	  /* open files (its threads share them) */
	char cwd[256];		  /* working directory (own: chdir) */
	int pgid;	      /* proc_lock: process group (Ctrl-C's target) */
	uint64_t sig_ignored; /* proc_lock: SIG_IGN, bit sig-1 */
	uint64_t sig_pending; /* proc_lock: blocked by every thread */
};

/* Linux's wait status encoding: exited with code, or killed by signal. */
#define WAIT_EXITED(code) (((code)&0xff) << 8)
#define WAIT_SIGNALED(sig) ((sig)&0x7f)

#define SIGKILL 9
#define SIGSEGV 11
#define SIGILL 4
#define SIGTRAP 5
#define SIGFPE 8
#define SIGBUS 7
#define SIGTERM 15

/* Boots user space: runs path with argv (argc strings) as pid 1. When
 * it exits, the kernel reports its status and powers off. */
void proc_start_init(const char *path, const char *const *argv, int argc);

/* The registers the task came in with from user mode (top of its stack). */
struct trap_frame *task_user_frame(struct task *t);

/*
 * Replaces the calling task's program with the executable at path (an
 * initrd file). args holds argc argument strings then envc environment
 * strings, back to back, each NUL-terminated, in args_len bytes. Returns
 * 0 (the task's user frame now starts the new program) or -errno (the
 * old program is untouched).
 */
int proc_exec(const char *path, const char *args, size_t args_len, int argc,
	      int envc);

/* Ends the calling thread's whole process with wait status `status`. */
_Noreturn void proc_exit_group(int status);
/* Ends the calling thread; the last one out ends the process. */
_Noreturn void proc_exit_thread(int status);
/* kill(pid, sig): the default action of every signal Spindle delivers
 * ends the process. Returns 0, -ESRCH, -EINVAL. */
int proc_kill(int pid, int sig);
/* tgkill/tkill: the thread tid (of process tgid, if tgid > 0). */
int proc_kill_thread(int tgid, int tid, int sig);
/* kill(-pgrp, sig) and Ctrl-C: every process in the group. */
int proc_kill_pgrp(int pgrp, int sig);
/* rt_sigaction's part that exists: SIG_IGN (ignore) or SIG_DFL. Returns
 * 0 / -EINVAL and whether sig was ignored before. */
int proc_sigaction(int sig, bool ignore, bool set, bool *was_ignored);
/* rt_sigprocmask: the calling thread's blocked set (SIGKILL and SIGSTOP
 * cannot be blocked); pending signals it unblocks are delivered. */
void proc_set_sigmask(uint64_t blocked);
int proc_setpgid(int pid, int pgid);
/* Runs fn on user thread tid (0: the caller) and returns its result, or
 * -ESRCH. For another thread fn runs under a spinlock: it must not sleep. */
int proc_on_thread(int tid, int (*fn)(struct task *t, void *arg), void *arg);
int proc_getpgid(int pid);

/* clone flags (Linux's values). */
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
#define CSIGNAL 0xff

struct clone_args {
	uint64_t flags, stack, ptid, ctid, tls;
};

/*
 * fork (no CLONE_THREAD: a new process with a copy of the address space)
 * or a new thread (CLONE_THREAD: same process and memory). The child
 * returns 0 from the system call, on `stack` if non-zero. The caller has
 * checked the flags. Returns the child's tid (= pid for a process).
 */
long proc_clone(const struct clone_args *a);

/* The process of the calling task (NULL for a kernel thread). */
struct process *current_process(void);

/* wait4: waits for a child (pid > 0: that one; -1: any). Returns its pid
 * and stores its wait status, or -ECHILD; with nohang, 0 if none is done. */
int proc_wait(int pid, int *status, bool nohang);

/* What /proc shows of a process: a snapshot. */
struct proc_info {
	int pid, ppid, pgid, threads;
	char name[TASK_NAME_MAX];
	char state;	      /* R running, S sleeping, Z zombie (proc(5)) */
	uint64_t utime_ticks; /* CPU time of its threads, in 1/100 s */
	uint64_t start_ticks; /* not kept: 0 */
	uint64_t vsize;	      /* bytes mapped */
	uint64_t rss_pages;
};
/* 0 and *out, or -ESRCH. */
int proc_info(int pid, struct proc_info *out);
/* The pid of the n-th process (tree order), or -1 past the last. */
int proc_nth_pid(int n);

void proc_init(void);

#endif
