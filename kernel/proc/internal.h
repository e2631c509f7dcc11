/*
 * What the files of the process layer share and nothing else uses: the
 * lifecycle (proc.c) hands new processes to clone.c and init.c, and its
 * way of asking threads to die to exec.c and signal.c. Only for
 * kernel/proc/; everyone else has proc.h.
 */
#ifndef PROC_INTERNAL_H
#define PROC_INTERNAL_H

#include "proc/proc.h"

/* Pid 1, where orphans go; set once by proc_start_init (init.c). */
extern struct process *init_process;

/* A process not yet attached to a task, owning files (proc.c). */
struct process *process_alloc(struct files *files);
/* Makes p the process of its first task t, a child of parent (NULL for
 * init), and enters it in the tree and the pid table (proc.c). */
void process_attach(struct process *p, struct task *t, struct process *parent);

/* Asks t (all of p's threads) to die with sig; proc_lock held (proc.c). */
void kill_thread_locked(struct task *t, int sig);
void kill_threads_locked(struct process *p, int sig);

/* Registers the signal hooks of pipes and the terminal (signal.c). */
void signal_init(void);
/* For signal_frame.c, of the calling thread (signal.c): the mask a
 * signal frame saves (rt_sigsuspend's, if one is to be put back); the
 * mask while sig's handler runs (the saved one, plus the action's mask,
 * plus sig unless SA_NODEFER); the mask rt_sigreturn restores. */
uint64_t signal_mask_for_frame(void);
void signal_block_for_handler(int sig, const struct k_sigaction *ka);
void signal_set_blocked(uint64_t blocked);
/* execve: handlers become SIG_DFL (SIG_IGN stays), no alternate stack. */
void signal_exec_reset(struct process *p);
/* A thread t just joined its process: it may take a signal pending
 * there. proc_lock held (signal.c). */
void signal_new_thread_locked(struct task *t);
/* A thread of p has left it: a signal pending for p, meant for that
 * thread, may now go to another. proc_lock held (signal.c). */
void signal_thread_gone_locked(struct process *p);
/* sig from the kernel (si_code SI_KERNEL) to process p (signal.c). */
void signal_send_process(struct process *p, int sig);
/* Disarms p's ITIMER_REAL for good: p is exiting (itimer.c). */
void itimer_exit(struct process *p);

/* Init has ended with status: report it and power off (init.c). */
void report_init_exit(int status);

#endif
