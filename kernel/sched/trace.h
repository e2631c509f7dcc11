/*
 * The scheduler's trace buffer: a per-CPU ring of the last TRACE_RECORDS
 * scheduling events, cheap enough to stay on (a few stores, no lock: each
 * CPU writes only its own ring, with interrupts off).
 *
 * Record format (stable: tools/trace.py reads it; 48 bytes):
 *
 *   offset size  field
 *        0    8  tsc      rdtsc() when it happened
 *        8    1  type     enum trace_type
 *        9    1  cpu      the CPU it happened on
 *       10    2  reason   TRACE_SWITCH: enum trace_reason, | TRACE_TO_IDLE
 *                         when the next task is the CPU's idle task;
 *                         TRACE_SYSCALL: TRACE_SYS_ENTER or TRACE_SYS_EXIT
 *       12    4  tid      the task it is about (SWITCH: the one leaving;
 *                         IRQ: the one interrupted, -1 if none)
 *       16    4  arg      SWITCH: next tid; WAKE, MIGRATE, STEAL: target
 *                         CPU; THREAD: pid; SYSCALL: its number; IRQ: the
 *                         vector
 *       20    4  other    SWITCH: next's pid (0: none); WAKE: the
 *                         waker's tid (-1 from an interrupt); MIGRATE,
 *                         STEAL: the CPU it left
 *       24    8  addr     the user address of the futex: SWITCH (a block)
 *                         that sleeps on one, WAKE of a task asleep on one;
 *                         SYSCALL exit: the value returned; else 0
 *       32   16  what     task name (SWITCH: of the next task, THREAD: the
 *                         thread's), or what a task blocks on; NUL-padded,
 *                         maybe unterminated
 *
 * `trace` on the kernel command line makes init's exit dump every ring on
 * the serial console before the power-off (trace_dump_all), which is how
 * `make trace` (tools/trace.py) collects a run. `trace=syscalls` records
 * every system call's entry and exit too (`make trace SYSCALLS=1`): two
 * records a call, too many to leave on.
 */
#ifndef SCHED_TRACE_H
#define SCHED_TRACE_H

#include <stdbool.h>
#include <stdint.h>

struct task;

/* Powers of two (trace.c masks with size - 1). */
#define TRACE_RECORDS 1024	/* per CPU: 48 KiB, kmalloc'd as it starts */
#define TRACE_RECORDS_LONG 8192 /* with `trace` (make trace): 384 KiB */
_Static_assert((TRACE_RECORDS & (TRACE_RECORDS - 1)) == 0 &&
		       (TRACE_RECORDS_LONG & (TRACE_RECORDS_LONG - 1)) == 0,
	       "trace ring sizes are powers of two");

enum trace_type {
	TRACE_SWITCH = 1,
	TRACE_WAKE = 2,	   /* tid became runnable, queued on CPU arg */
	TRACE_MIGRATE = 3, /* tid moved from CPU other to CPU arg */
	TRACE_STEAL = 4,   /* balancing pulled tid from other to arg */
	TRACE_THREAD = 5,  /* tid is (now) a thread `what` of process arg */
	TRACE_SYSCALL = 6, /* tid entered or left system call arg */
	TRACE_IRQ = 7,	   /* an interrupt handler for vector arg ran */
	TRACE_NR_TYPES,
};

enum trace_syscall_phase {
	TRACE_SYS_ENTER = 1,
	TRACE_SYS_EXIT = 2,
};

enum trace_reason {
	TRACE_BLOCK = 1,   /* the leaving task went to sleep */
	TRACE_YIELD = 2,   /* it gave up the CPU but stays runnable */
	TRACE_PREEMPT = 3, /* its slice ended, or a better task woke */
	TRACE_EXIT = 4,	   /* it finished */
};
#define TRACE_TO_IDLE 0x100 /* or'ed into a switch's reason */

struct trace_record {
	uint64_t tsc;
	uint8_t type;
	uint8_t cpu;
	uint16_t reason;
	int32_t tid;
	int32_t arg;
	int32_t other;
	uint64_t addr;
	char what[16];
};

/* Gives cpu its ring; events on a CPU without one are not recorded. */
void trace_init_cpu(unsigned cpu);
/* Recording on (the default) or off (`notrace`, or 0 written to
 * /proc/trace_on); the rings stay as they are. */
void trace_set_enabled(bool on);
bool trace_enabled(void);
/* trace_switch and trace_move: with a run queue lock held (interrupts
 * off), as the scheduler calls them; they panic otherwise. tsc: when (the
 * scheduler reads the TSC once, for this and for its own clock). */
void trace_switch(const struct task *prev, const struct task *next,
		  bool preempted, bool to_idle, uint64_t tsc);
/* TRACE_MIGRATE, TRACE_STEAL: t goes from CPU `from` to `to`. */
void trace_move(enum trace_type type, const struct task *t, unsigned from,
		unsigned to);
/*
 * TRACE_WAKE, in three steps around the wake-up, so that neither reading
 * the clock nor writing the record is on the path from waker to woken:
 * trace_wake_begin takes the time before t's run queue is locked;
 * trace_wake_note, with it locked, what the record says of t (t cannot go
 * away meanwhile); trace_wake_end, after t is queued and its CPU told,
 * writes the record. (A record in the ring may thus be a little older
 * than the one before it; tools/trace.py sorts by time.) Measured on
 * user/bench's hand-offs, the share of tracing in a round trip: 8.3 %
 * with the record written in the wake-up's path, 6.4 % out of it. With
 * the clock read under the run queue lock, then before it (medians of 8
 * alternating boots, two series): futex 4.1 -> 3.7 %, 4.0 -> 3.4 %;
 * condition variable 6.3 -> 3.5 %, 4.4 -> 2.5 %. Under QEMU a TSC read
 * is a call into the emulator, which the vCPUs contend for.
 */
struct trace_wake {
	bool on; /* tracing was on at trace_wake_begin */
	int tid, waker;
	uint64_t tsc, addr;
	char name[16]; /* TASK_NAME_MAX (trace.c checks) */
};
void trace_wake_begin(struct trace_wake *w);
void trace_wake_note(struct trace_wake *w, const struct task *t);
void trace_wake_end(const struct trace_wake *w, unsigned cpu);
/* t now runs as a thread of process pid (clone, exec: its name); sets
 * t->pid, which every switch to t records. */
void trace_thread(struct task *t, int pid);
/* TRACE_IRQ, from the end of an interrupt handler (interrupts off). */
void trace_irq(unsigned vector);

/* Whether system calls are traced (`trace=syscalls`). The entry and exit
 * of every call test it, so they read a variable rather than call. */
extern bool trace_syscalls_on;
void trace_syscall(enum trace_syscall_phase phase, uint64_t nr, long ret);

static inline void trace_syscall_enter(uint64_t nr)
{
	if (trace_syscalls_on)
		trace_syscall(TRACE_SYS_ENTER, nr, 0);
}

static inline void trace_syscall_exit(uint64_t nr, long ret)
{
	if (trace_syscalls_on)
		trace_syscall(TRACE_SYS_EXIT, nr, ret);
}
/* Prints the last n records of every CPU but timer ticks, oldest first. */
void trace_dump(unsigned n);
/* Prints every record of every CPU in the form tools/trace.py reads. */
void trace_dump_all(void);
/* Copies up to max of cpu's records, oldest first; returns how many. */
unsigned trace_read(unsigned cpu, struct trace_record *out, unsigned max);

#endif
