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
 * The tree is only for parents and children: a lookup by pid or tid goes
 * through the pid table (pid.h), and no walk follows the tree's depth,
 * which a user program chooses.
 */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include "freestanding/linux_abi.h" /* SIG*, CLONE_* */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "freestanding/list.h"
#include "sched/task.h"
#include "sched/timer.h"
#include "sched/waitq.h"

struct files;

/* struct k_sigaction: rt_sigaction's argument as the x86-64 kernel (not
 * libc) sees it. handler is SIG_DFL (0), SIG_IGN (1) or a user address. */
struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};
#define SIG_DFL_HANDLER 0
#define SIG_IGN_HANDLER 1

struct trap_frame;

struct process {
	int pid;		   /* const once attached */
	struct list_node pid_link; /* proc_lock: in the pid table's hash */
	struct list_node all_link; /* proc_lock: on the pid table's list */
	char name[TASK_NAME_MAX];  /* the program's file name */
	struct process *parent;	   /* proc_lock */
	struct list children;	   /* proc_lock */
	struct list_node sibling;  /* on the parent's children (proc_lock) */
	struct list threads;	   /* proc_lock: its tasks, by proc_link */
	bool group_exiting;	   /* proc_lock: exit_group or a kill began */
	int group_status;	   /* proc_lock: the status it will report */
	bool zombie;		   /* proc_lock: exited, not yet waited for */
	int wait_status;	   /* proc_lock: as wait4 reports it */
	struct waitq child_exit;   /* a child of this process changed state */
	struct files *files;	   /* open files (its threads share them) */
	char cwd[256];		   /* working directory (own: chdir) */
	int pgid; /* proc_lock: process group (Ctrl-C's target) */
	/* proc_lock: what rt_sigaction set for each signal (index sig-1) */
	struct k_sigaction sig_action[64];
	uint64_t sig_pending; /* proc_lock: sent to the process (kill) */
	struct signal_record sig_info[64]; /* proc_lock: of each pending one */
	/* ITIMER_REAL (itimer.c): when it next fires, clock_ns (0: off), and
	 * its interval (proc_lock); armed and cancelled under itimer.c's
	 * lock. */
	uint64_t itimer_deadline, itimer_interval;
	struct timer itimer;
	struct task *exec_task;	  /* proc_lock: in execve, ending the others */
	struct waitq thread_exit; /* one of its threads exited (execve) */
};

/* Guards the process tree, the pid table and the fields marked so. */
extern struct spinlock proc_lock;

/* Linux's wait status encoding: exited with code, or killed by signal. */
#define WAIT_EXITED(code) (((code)&0xff) << 8)
#define WAIT_SIGNALED(sig) ((sig)&0x7f)

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
/* kill(pid, sig): sig for process pid (signal.c says what becomes of
 * it). Returns 0, -ESRCH, -EINVAL. */
int proc_kill(int pid, int sig);
/* tgkill/tkill: the thread tid (of process tgid, if tgid > 0). */
int proc_kill_thread(int tgid, int tid, int sig);
/* kill(-pgrp, sig) and Ctrl-C: every process in the group. */
int proc_kill_pgrp(int pgrp, int sig);
/* rt_sigaction: sets sig's action to *act (if act), stores the old one
 * in *old (if old). 0, or -EINVAL (a bad signal, or SIGKILL/SIGSTOP). */
int proc_sigaction(int sig, const struct k_sigaction *act,
		   struct k_sigaction *old);
/* rt_sigprocmask for the calling thread (SIGKILL and SIGSTOP cannot be
 * blocked): how is SIG_BLOCK/SIG_UNBLOCK/SIG_SETMASK, set may be NULL.
 * Stores the old mask in *old; 0 or -EINVAL. */
int proc_sigprocmask(int how, const uint64_t *set, uint64_t *old);
/* rt_sigpending: blocked signals pending for the thread or its process. */
uint64_t proc_sigpending(void);
/* rt_sigsuspend: waits with mask in force until a signal is to be
 * handled; returns -ERESTARTNOHAND (the old mask comes back after the
 * handler). */
long proc_sigsuspend(uint64_t mask);
/* ppoll and pselect6: mask is in force while the call waits (as in
 * rt_sigsuspend), and proc_sigmask_after_wait(the call's result) ends
 * that: at once, so that a signal it let in stays pending, unless the
 * result is -ERESTARTNOHAND (interrupted): then the old mask comes back
 * after the handler, as Linux does. */
void proc_sigmask_for_wait(uint64_t mask);
void proc_sigmask_after_wait(long r);
/* rt_sigtimedwait: takes a pending signal of set (waiting at most
 * timeout_ns, UINT64_MAX: for ever), returns its number and its record;
 * -EAGAIN at the timeout, -EINTR if a signal outside set is to be
 * handled. */
long proc_sigtimedwait(uint64_t set, struct signal_record *rec, int *signo,
		       uint64_t timeout_ns);
/* sigaltstack: the calling thread's alternate signal stack. */
struct altstack {
	uint64_t sp, size;
	uint32_t flags;
};
int proc_sigaltstack(const struct altstack *ss, struct altstack *old,
		     uint64_t user_rsp);
/* A fault the process has a handler for (not blocked): queues sig for
 * the calling thread with si_code code and address addr and returns
 * true; false means the fault must kill, as with no handler. */
bool proc_fault_signal(int sig, int code, uint64_t addr);
/*
 * Delivery, on the way back to user mode (entry/user_return.c): takes
 * the calling thread's next signal to handle. Signals ignored are
 * dropped here and a default action that kills does not return. Returns
 * its number with its action and record, or 0 when none is left (then a
 * mask rt_sigsuspend saved is put back).
 */
int signal_dequeue(struct k_sigaction *ka, struct signal_record *rec);
/* Builds the signal frame for sig on the user stack (signal_frame.c) and
 * points frame at the handler; kills the process (SIGSEGV) if the frame
 * cannot be written. Then blocks what the action says. */
void signal_setup_frame(struct trap_frame *frame, int sig,
			const struct k_sigaction *ka,
			const struct signal_record *rec);
/* rt_sigreturn: restores frame and the mask from the signal frame at the
 * user's stack; a frame that is unreadable or asks for a non-canonical
 * rip or rsp kills the process. Returns the restored rax. */
long signal_return(struct trap_frame *frame);
/* setitimer(ITIMER_REAL) and alarm: SIGALRM after value_ns, then every
 * interval_ns (0: once); value_ns 0 disarms. Stores what was left of the
 * old one and its interval. getitimer: what is left, and the interval. */
void proc_set_itimer(uint64_t value_ns, uint64_t interval_ns,
		     uint64_t *old_value_ns, uint64_t *old_interval_ns);
void proc_get_itimer(uint64_t *value_ns, uint64_t *interval_ns);
int proc_setpgid(int pid, int pgid);
/* Runs fn on user thread tid (0: the caller) and returns its result, or
 * -ESRCH. For another thread fn runs under a spinlock: it must not sleep. */
int proc_on_thread(int tid, int (*fn)(struct task *t, void *arg), void *arg);
int proc_getpgid(int pid);
/* getsid: Spindle has one session, init's (1); or -ESRCH. */
int proc_getsid(int pid);

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
/* The pid of the n-th process (pid order), or -1 past the last. */
int proc_nth_pid(int n);

void proc_init(void);

#endif
