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
	/* ... or, if set, called instead: from the tick, interrupts off,
	 * with its CPU's timer lock held (so once timer_cancel has
	 * returned it is not running). It may take spinlocks that are
	 * never held while a timer is armed or cancelled, and returns the
	 * next deadline (0: done). */
	uint64_t (*fire)(struct timer *t);
	unsigned cpu; /* whose list it is on */
	struct list_node link;
};

void timer_arm_wakeup(struct timer *t, uint64_t deadline_ns, struct task *task);
/* Arms t to call fire at deadline_ns (see struct timer). t must not be
 * armed already. */
void timer_arm_callback(struct timer *t, uint64_t deadline_ns,
			uint64_t (*fire)(struct timer *t));
/* Disarms t if it has not fired; safe to call either way. */
void timer_cancel(struct timer *t);
/* From the tick: wakes the tasks of every expired timer on this CPU. */
void timers_run_expired(void);

/* Sleeps for at least ns nanoseconds. */
void sleep_ns(uint64_t ns);

#endif
