/*
 * Timers: wake a task at a time. Each CPU keeps its armed timers in a list
 * sorted by deadline; every tick looks at the front and wakes the tasks
 * whose deadline has passed. So a timer fires on the first tick after its
 * deadline: up to one tick (10 ms) late, never early.
 */
#ifndef SCHED_TIMER_H
#define SCHED_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "freestanding/list.h"

struct task;

struct timer {
	uint64_t deadline_ns; /* clock_ns() value */
	struct task *task;    /* woken at the deadline */
	unsigned cpu;	      /* whose list it is on */
	struct list_node link;
};

void timer_arm_wakeup(struct timer *t, uint64_t deadline_ns, struct task *task);
/* Disarms t if it has not fired; safe to call either way. */
void timer_cancel(struct timer *t);
/* From the tick: wakes the tasks of every expired timer on this CPU. */
void timers_run_expired(void);

/* Sleeps for at least ns nanoseconds. */
void sleep_ns(uint64_t ns);

#endif
