/*
 * The scheduler's trace buffer: a per-CPU ring of the last TRACE_RECORDS
 * scheduling events, cheap enough to stay on (a few stores, no lock: each
 * CPU writes only its own ring, with interrupts off).
 *
 * Record format (stable: tools read it; 32 bytes, little-endian):
 *
 *   offset size  field
 *        0    8  tsc      rdtsc() when it happened
 *        8    1  type     enum trace_type
 *        9    1  cpu      the CPU it happened on
 *       10    2  reason   TRACE_SWITCH: enum trace_reason
 *       12    4  tid      the task it is about (SWITCH: the one leaving)
 *       16    4  arg      SWITCH: next tid; WAKE, MIGRATE: target CPU
 *       20   12  what     task name (SWITCH: of the next task), or what a
 *                         task blocks on; NUL-padded, maybe unterminated
 */
#ifndef SCHED_TRACE_H
#define SCHED_TRACE_H

#include <stdbool.h>
#include <stdint.h>

struct task;

#define TRACE_RECORDS 512 /* per CPU */

enum trace_type {
	TRACE_SWITCH = 1,
	TRACE_WAKE = 2,
	TRACE_MIGRATE = 3,
};

enum trace_reason {
	TRACE_BLOCK = 1,   /* the leaving task went to sleep */
	TRACE_YIELD = 2,   /* it gave up the CPU but stays runnable */
	TRACE_PREEMPT = 3, /* its slice ended, or a better task woke */
	TRACE_EXIT = 4,	   /* it finished */
};

struct trace_record {
	uint64_t tsc;
	uint8_t type;
	uint8_t cpu;
	uint16_t reason;
	int32_t tid;
	int32_t arg;
	char what[12];
};

void trace_switch(const struct task *prev, const struct task *next,
		  bool preempted);
void trace_event(enum trace_type type, const struct task *t, unsigned cpu);
/* Prints the last n records of every CPU, oldest first. */
void trace_dump(unsigned n);
/* Copies up to max of cpu's records, oldest first; returns how many. */
unsigned trace_read(unsigned cpu, struct trace_record *out, unsigned max);

#endif
