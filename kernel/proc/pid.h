/*
 * The pid table: finds a process by its pid and a thread by its tid in a
 * few steps, whatever the shape of the process tree.
 *
 * Why not walk the tree? A user program decides how deep the tree is (a
 * chain of processes, each forking the next, is a few lines of C), and a
 * recursive walk of it runs the kernel out of its 16 KiB stack. So the
 * tree (parent, children) is kept only for what is about parents and
 * children -- wait4, reparenting to init -- and every lookup by number
 * goes through this table, as Linux's pid hash and xv6's flat proc table.
 *
 *   buckets[pid % PID_HASH_SIZE] --> process --> process --> ...
 *   tid_buckets[tid % PID_HASH_SIZE] --> task --> task --> ...
 *   all_processes: every process, in pid order (pids only grow), for
 *                  the few things that visit them all (kill of a process
 *                  group, the /proc listing)
 *
 * A process is in the table from fork (or init's start) until its parent
 * reaps it: a zombie still has its pid. A thread is in it from its
 * creation until it exits. Pids and tids are never reused (kthread.c's
 * counter only grows), so a pid names one process for ever.
 *
 * Locking: every function here but pid_init must be called with proc_lock
 * held.
 */
#ifndef PROC_PID_H
#define PROC_PID_H

struct process;
struct task;

/* Once, at boot, before the first process (proc_init). */
void pid_init(void);

/* Enters p (p->pid set) / a user thread t in the table. */
void pid_add_process(struct process *p);
void pid_add_thread(struct task *t);
/* Takes p / t out of the table. */
void pid_remove_process(struct process *p);
void pid_remove_thread(struct task *t);
/* How many user threads the table holds (RLIMIT_NPROC counts them). */
int pid_nr_threads(void);

/* The process with pid / the user thread with tid, or NULL. */
struct process *pid_find_process(int pid);
struct task *pid_find_thread(int tid);

/* Every process in pid order: the first, and the one after p (NULL at
 * the end). A loop over them holds proc_lock throughout. */
struct process *pid_first_process(void);
struct process *pid_next_process(struct process *p);

#endif
