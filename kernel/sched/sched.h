/*
 * The scheduler: per-CPU run queues, preemption, wake-ups, migration.
 * See sched.c for how it works and docs/sched.md for the picture.
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/task.h"

#define AFFINITY_ALL (~0ul)

/* The task running on this CPU. */
struct task *current(void);

/* Boot CPU, once: picks the policy (sched= on the command line) and turns
 * the code running kmain into task "main". */
void sched_init(void);
/* Every CPU: the code running on stack_top becomes a task ("main" on the
 * boot CPU, which also gets a separate idle task; "idle" on the others). */
void sched_init_cpu(void *stack_top);
/* An AP, at the end of its bring-up: becomes this CPU's idle task. */
_Noreturn void sched_idle_loop(void);
const char *sched_policy_name(void);

/* Gives up the CPU if another task is waiting for it. */
void yield(void);
/*
 * Switches to another task. The caller has set its own state: RUNNING to
 * stay runnable (yield), BLOCKED to sleep until wake_up, EXITED to end.
 * Must not be called with a spinlock held, or from an interrupt handler.
 */
void schedule(void);
/* For wait queues and kthread_exit: set the current task's state under
 * its run queue lock (wake_up reads it under the same lock). */
void sched_block_current(void);
void sched_unblock_current(void);
void sched_exit_current(void);
/* The first thing a task does after switch_to hands it the CPU. */
void sched_finish_switch(struct task *from);

/* Makes a BLOCKED task runnable; returns false if it was not blocked. */
bool wake_up(struct task *t);
/* Between these two, the IPIs that this task's wake-ups send to other
 * CPUs are held back; the second sends them, one to each CPU. A waker
 * whose woken tasks must not run before it has finished with them (a
 * futex wake, which lets go of each waiter after waking it) brackets
 * its wake-ups with them. They nest. */
void sched_hold_kicks(void);
void sched_send_kicks(void);
/* Puts a new task on a run queue for the first time. */
void sched_start_task(struct task *t);

/* Timer tick on this CPU (from the LAPIC timer interrupt). */
void sched_tick(bool tick);

/* Restricts t (not yet started, or the caller itself) to a CPU mask. */
int sched_set_affinity(struct task *t, uint64_t mask);
/* Sets t's static priority (0 .. NR_PRIO-1); a queued t that now
 * outranks its CPU's running task takes that CPU at once. */
void sched_set_priority(struct task *t, int prio);
/* Puts t in the real-time class (rt_policy SCHED_FIFO or SCHED_RR,
 * rt_prio 1 .. RT_PRIO_MAX) or back in SCHED_OTHER (rt_prio 0). */
void sched_set_rt(struct task *t, int rt_policy, int rt_prio);

/* Disables preemption on this CPU (nests); the task may still block. */
void preempt_disable(void);
void preempt_enable(void);

/* Number of tasks queued on cpu's run queue (for balancing and tests). */
unsigned sched_queued(unsigned cpu);

#endif
