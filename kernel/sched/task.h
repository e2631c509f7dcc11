/*
 * struct task: one thread of execution (the Linux model: a process is the
 * tasks that share an address space; a kernel thread is a task without one).
 *
 * Every task has its own kernel stack, with an unmapped guard page below it
 * (kernel/mm/kstack.h). While a task is not running, the top of its stack
 * holds what switch_to saved:
 *
 *   kstack_top  ->  +-----------------------------+
 *                   | struct trap_frame: a user   |  user registers,
 *                   | task's registers            |  task_user_frame()
 *                   +-----------------------------+
 *                   | ... the task's own frames   |
 *                   | (a trap frame, if it was    |
 *                   |  preempted by an interrupt) |
 *                   | return address into         |
 *                   |   schedule() (or task_entry)|
 *                   | rbp rbx r12 r13 r14 r15     |  <- saved_rsp
 *                   +-----------------------------+
 *                   |            ...              |
 *                   | KSTACK_SIZE (16 KiB) in all |
 *                   +-----------------------------+
 *                   | guard page: unmapped        |  an overflow faults
 *                   +-----------------------------+  here, with a report
 *
 * struct task itself is kmalloc'd, not on the stack, so an overflow cannot
 * corrupt it silently; `magic` still catches a stray pointer.
 *
 * Locks: fields under "rq lock" belong to the run queue of the CPU in
 * `cpu` and change only with that lock held; "own" fields are touched only
 * by the task itself (or its CPU, with interrupts off); "const" fields are
 * set at creation.
 */
#ifndef SCHED_TASK_H
#define SCHED_TASK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/fpu.h"
#include "freestanding/list.h"
#include "mm/vmm.h"

#define TASK_MAGIC 0x7a5c7a5c
#define TASK_NAME_MAX 16
#define NR_PRIO 8 /* priority levels: 0 is the highest */
#define PRIO_DEFAULT 4
#define RT_PRIO_MAX 99 /* real-time priorities: 1 .. 99, higher first */
#define RT_SLICE 10    /* ticks: SCHED_RR's time slice, 100 ms (Linux's) */

/* What is known of a pending signal (kernel/proc fills it): its
 * siginfo's si_code, the sender's pid, and a fault's address. */
struct signal_record {
	int code, pid;
	uint64_t addr;
};

enum task_state {
	TASK_RUNNING,  /* on a CPU now */
	TASK_RUNNABLE, /* on a run queue, waiting for a CPU */
	TASK_BLOCKED,  /* waiting for something (wait_what says what) */
	TASK_EXITED,   /* finished; waits for kthread_join to free it */
	TASK_NEW,      /* made, not started yet: wake_up leaves it alone */
};

struct task {
	uint32_t magic; /* const: TASK_MAGIC */
	int tid;	/* const */
	/* Set at creation; execve rewrites it (the task itself, in proc_exec).
	 * Read without a lock for reports (ps, Ctrl-T): a name caught
	 * mid-rewrite is only a cosmetic glitch there. */
	char name[TASK_NAME_MAX];

	/* rq lock: */
	enum task_state state;
	unsigned cpu;	/* the run queue it belongs to */
	bool on_cpu;	/* running, or not yet fully switched away */
	int prio;	/* static priority, 0 .. NR_PRIO-1 */
	int level;	/* the policy's current level for it */
	int slice_left; /* ticks left in its time slice */
	int rt_policy;	/* SCHED_OTHER, SCHED_FIFO or SCHED_RR (rt.c) */
	int rt_prio;	/* 1 .. RT_PRIO_MAX if FIFO or RR, else 0 */
	/* own: the user address of its futex while it sleeps on one, for
	 * the waker's trace record. Here, in the first 64 bytes (a task is
	 * page-aligned), because a wake-up reads and writes this line
	 * anyway: on a line of its own, written by the sleeper just before
	 * it slept, reading it cost the waker's CPU a cache miss that added
	 * two points to what tracing costs a condvar hand-off. */
	uint64_t wait_addr;
	struct list_node rq_link;
	uint64_t affinity; /* rq lock: CPUs it may run on, bit per CPU id */

	/* own: */
	uint64_t saved_rsp;	 /* while switched out (switch_to) */
	void *kstack_top;	 /* const */
	uint64_t runtime_ns;	 /* time on a CPU */
	uint64_t switched_in_ns; /* when it last got the CPU */
	uint64_t nr_voluntary;	 /* switches where it blocked or yielded */
	uint64_t nr_involuntary; /* switches where it was preempted */
	struct fpu_state fpu;

	/* the wait queue's lock: */
	struct list_node wait_link;
	const char *wait_what; /* what it is blocked on, for `tasks` */

	/* life: */
	atomic_int refs;       /* freed when it drops to 0 */
	int exit_code;	       /* set once, before state becomes EXITED */
	void (*fn)(void *arg); /* const: what the task runs */
	void *arg;	       /* const */
	struct mm *mm;	       /* address space; NULL for kernel threads */

	/* user space (kernel/proc; the scheduler only loads fs_base): */
	struct process *proc; /* NULL for kernel threads */
	int pid; /* its process's id, for the trace (trace_thread); 0: none */
	uint64_t fs_base;	  /* own: the user's FS base (TLS) */
	uint64_t clear_child_tid; /* own: set_tid_address, CLONE_CHILD_CLEARTID
				   */
	atomic_int kill_signal;	  /* a fatal signal is pending (0: none) */
	int pagefault_disabled;	  /* own: user copies fail rather than fault */
	/* own: the last page fault that found nothing to fix. It is retried
	 * once (a stale TLB entry); the same fault again means the CPU will
	 * never accept the access, and retrying would loop for ever. */
	uint64_t idle_fault_ip, idle_fault_addr;
	uint64_t sig_blocked; /* proc_lock: rt_sigprocmask, bit sig-1 */
	uint64_t sig_pending; /* proc_lock: sent to this thread (tgkill) */
	struct signal_record sig_info[64]; /* proc_lock: of each pending one */
	/* A signal this thread does not block is pending (here or for its
	 * process): interruptible waits end, and the return to user mode
	 * delivers it. Written under proc_lock, read anywhere. */
	atomic_bool sig_wake;
	uint64_t sig_saved_mask; /* own: rt_sigsuspend's mask to put back */
	bool sig_restore_mask;	 /* own: sig_saved_mask is to be put back */
	/* own: sigaltstack; size 0 when there is none */
	uint64_t sig_altstack_sp, sig_altstack_size;
	uint32_t sig_altstack_flags;
	/* own: the system call a signal interrupted, for its restart */
	uint64_t syscall_nr;
	/* own: while kicks_held > 0, the IPIs its wake-ups would send are
	 * held back (sched_hold_kicks); held_kicks has a bit per CPU id */
	int kicks_held;
	uint64_t held_kicks;
	bool syscall_may_restart;
	int nice; /* proc_lock: what setpriority set (-20..19); prio is from it
		   */
	bool rt_reset_on_fork;	    /* proc_lock: SCHED_RESET_ON_FORK */
	struct list_node proc_link; /* on its process's threads (proc_lock) */
	struct list_node tid_link;  /* in the pid table (proc_lock) */
	struct list_node all_link;  /* on the list of all tasks (task lock) */
};

/* Whether t's affinity mask lets it run on cpu. */
static inline bool task_allowed_on(const struct task *t, unsigned cpu)
{
	return t->affinity >> cpu & 1;
}

/* Whether t is in the real-time class (SCHED_FIFO or SCHED_RR). */
static inline bool task_is_rt(const struct task *t)
{
	return t->rt_prio > 0;
}

_Static_assert(offsetof(struct task, wait_addr) < 64,
	       "wait_addr shares the first cache line with state");

/* The part of t's address space the CPU loads (NULL for a kernel thread).
 * struct mm begins with its struct vmm_space (aspace/mm.c asserts it), and
 * a pointer to a struct converts to a pointer to its first member (C11
 * 6.7.2.1): the scheduler needs nothing else of an address space. */
static inline struct vmm_space *task_space(const struct task *t)
{
	return (struct vmm_space *)t->mm;
}

#endif
