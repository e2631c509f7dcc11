/*
 * Creating, ending and reaping tasks; kernel threads.
 *
 *   struct task *t = kthread_create(worker, arg, "worker");
 *   ...
 *   int code = kthread_join(t);   // waits for it to end, frees it
 *
 * A task's memory (its struct and its kernel stack) is freed only after the
 * task has switched away for the last time: a task cannot free the stack it
 * is running on. Two references keep it alive: the task's own, dropped by
 * the next task to run on its CPU (kthread_reap), and the creator's, dropped
 * by kthread_join or kthread_detach. Whoever drops the last one frees it —
 * in task context directly, or through the reaper thread when that happens
 * in the middle of a context switch.
 */
#ifndef SCHED_KTHREAD_H
#define SCHED_KTHREAD_H

#include <stdint.h>

#include "sched/task.h"

/* A new task, not yet runnable (sched_start_task starts it); NULL if out of
 * memory. fn NULL makes an idle task. */
struct task *task_create(const char *name, void (*fn)(void *), void *arg);
/* The same with a tid of the caller's choosing, which no other task has:
 * TID_INIT, for init. */
#define TID_INIT 1
struct task *task_create_tid(const char *name, void (*fn)(void *), void *arg,
			     int tid);
/* The code running on a CPU's boot stack, as a task. */
struct task *task_adopt_boot_context(const char *name, void *stack_top);

/* Creates and starts a kernel thread; NULL if out of memory. */
struct task *kthread_create(void (*fn)(void *), void *arg, const char *name);
/* Ends the calling kernel thread (returning from fn does the same). */
_Noreturn void kthread_exit(int code);
/* Waits until t has ended, frees it, and returns its exit code. */
int kthread_join(struct task *t);
/* Lets t be freed when it ends, without a join. */
void kthread_detach(struct task *t);

/* Called after `from` switched away for the last time. */
void kthread_reap(struct task *from);
/* Starts the reaper thread (once, after the scheduler is up). */
void kthread_init(void);

/* Calls fn for every task (for the monitor's `tasks`). */
void task_for_each(void (*fn)(struct task *t, void *arg), void *arg);
unsigned task_count(void);

#endif
