#include "sched/trace.h"

#include <stdatomic.h>

#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/vectors.h"
#include "base/kernel.h"
#include "boot/cmdline.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"
#include "sched/task.h"

struct trace_ring {
	uint64_t next; /* records ever written; next slot is next % size */
	uint32_t size; /* const: TRACE_RECORDS, TRACE_RECORDS_LONG if tracing */
	struct trace_record rec[];
};

/* Allocated as each CPU starts (trace_init_cpu), so that only CPUs that
 * exist pay for a ring, not all MAX_CPUS of them in the kernel image. */
static struct trace_ring *rings[MAX_CPUS];

/* `notrace` on the command line: record nothing at all, and no rings.
 * trace_set_enabled (0 or 1 written to /proc/trace_on) switches recording
 * off and on while the kernel runs, so that user/bench can measure what
 * recording costs in alternating blocks of one boot. Read without a lock:
 * a record made just after the switch does no harm. */
static atomic_bool off;

bool trace_enabled(void)
{
	return !atomic_load_explicit(&off, memory_order_relaxed);
}

void trace_set_enabled(bool on)
{
	atomic_store(&off, !on);
}

bool trace_syscalls_on;

void trace_init_cpu(unsigned cpu)
{
	if (cmdline_get("notrace"))
		atomic_store(&off, true);
	if (!trace_enabled())
		return;
	const char *trace = cmdline_get("trace");
	trace_syscalls_on = trace && strcmp(trace, "syscalls") == 0;
	uint32_t size = trace ? TRACE_RECORDS_LONG : TRACE_RECORDS;
	if (!rings[cpu])
		rings[cpu] = kzalloc(sizeof(struct trace_ring) +
				     size * sizeof(struct trace_record));
	if (rings[cpu])
		rings[cpu]->size = size;
	if (!rings[cpu])
		pr_warn("trace: no memory for cpu %u's ring: not traced\n",
			cpu);
}

/* A record, from static storage when this CPU has no ring: */
static struct trace_record discarded;

/* Fills the next record of this CPU's ring but for `what` and its
 * type-specific fields, which the caller sets while interrupts stay off.
 * Before the CPU has a ring, the record goes nowhere. Cheap, because it
 * runs on every switch and wake-up even when nobody reads the trace:
 * inlined (a call and return are each a jump the emulator looks up), and
 * the ring's size is a power of two (a mask, not a division). */
static inline __attribute__((always_inline)) struct trace_record *
record(uint64_t tsc, enum trace_type type, int tid)
{
	struct cpu *c = this_cpu();
	struct trace_ring *r = rings[c->id];
	struct trace_record *e =
		!r ? &discarded : &r->rec[r->next++ & (r->size - 1)];
	e->tsc = tsc;
	e->type = type;
	e->cpu = c->id;
	e->reason = 0;
	e->tid = tid;
	e->arg = 0;
	e->other = 0;
	e->addr = 0;
	return e;
}

/*
 * A record is filled in several stores, and an interrupt handler that
 * traced in between would take the same slot, so interrupts must be off.
 * trace_switch and trace_move run under a run queue lock, which keeps them
 * off; this checks that with the CPU's push-off depth (a load), where
 * saving and restoring the flags would cost a third of the record under
 * TCG. trace_wake_end and trace_thread, called without a lock, turn them
 * off.
 */
static void assert_lock_held(const char *fn)
{
	if (this_cpu()->irq_off_depth <= 0)
		panic("%s: no spinlock held: interrupts may be on", fn);
}

_Static_assert(sizeof(((struct trace_record *)0)->what) == TASK_NAME_MAX &&
		       sizeof(((struct trace_wake *)0)->name) == TASK_NAME_MAX,
	       "a record's `what` holds a task name");

/* A task name into e->what: two 8-byte moves (the library's memcpy is a
 * `rep movsb`, which an emulator runs a byte at a time). */
static void set_name(struct trace_record *e, const char name[TASK_NAME_MAX])
{
	__builtin_memcpy(e->what, name, TASK_NAME_MAX);
}

/* Any string into e->what, cut to fit. */
static void set_text(struct trace_record *e, const char *s)
{
	unsigned i = 0;
	for (; i < sizeof(e->what) && s[i]; i++)
		e->what[i] = s[i];
	for (; i < sizeof(e->what); i++)
		e->what[i] = 0;
}

void trace_switch(const struct task *prev, const struct task *next,
		  bool preempted, bool to_idle, uint64_t tsc)
{
	if (!trace_enabled())
		return;
	uint16_t reason = preempted			? TRACE_PREEMPT
			  : prev->state == TASK_BLOCKED ? TRACE_BLOCK
			  : prev->state == TASK_EXITED	? TRACE_EXIT
							: TRACE_YIELD;
	assert_lock_held(__func__);
	struct trace_record *e = record(tsc, TRACE_SWITCH, prev->tid);
	if (reason == TRACE_BLOCK && prev->wait_what) {
		set_text(e, prev->wait_what);
		e->addr = prev->wait_addr;
	} else {
		set_name(e, next->name);
	}
	e->reason = reason | (to_idle ? TRACE_TO_IDLE : 0);
	e->arg = next->tid;
	e->other = next->pid;
}

void trace_wake_begin(struct trace_wake *w)
{
	w->on = trace_enabled();
	if (w->on)
		w->tsc = rdtsc();
}

void trace_wake_note(struct trace_wake *w, const struct task *t)
{
	if (!w->on)
		return;
	struct cpu *c = this_cpu();
	w->tid = t->tid;
	w->waker = c->in_interrupt || !c->current ? -1 : c->current->tid;
	w->addr = t->wait_addr;
	__builtin_memcpy(w->name, t->name, TASK_NAME_MAX);
}

void trace_wake_end(const struct trace_wake *w, unsigned cpu)
{
	if (!w->on)
		return;
	bool irq_was_on = irq_save();
	struct trace_record *e = record(w->tsc, TRACE_WAKE, w->tid);
	set_name(e, w->name);
	e->arg = (int)cpu;
	e->other = w->waker;
	e->addr = w->addr;
	irq_restore(irq_was_on);
}

void trace_move(enum trace_type type, const struct task *t, unsigned from,
		unsigned to)
{
	if (!trace_enabled())
		return;
	assert_lock_held(__func__);
	struct trace_record *e = record(rdtsc(), type, t->tid);
	set_name(e, t->name);
	e->arg = (int)to;
	e->other = (int)from;
}

void trace_thread(struct task *t, int pid)
{
	t->pid = pid;
	if (!trace_enabled())
		return;
	bool irq_was_on = irq_save();
	struct trace_record *e = record(rdtsc(), TRACE_THREAD, t->tid);
	set_name(e, t->name);
	e->arg = pid;
	irq_restore(irq_was_on);
}

void trace_irq(unsigned vector)
{
	if (!trace_enabled())
		return;
	struct task *t = this_cpu()->current;
	struct trace_record *e = record(rdtsc(), TRACE_IRQ, t ? t->tid : -1);
	e->arg = (int)vector;
}

void trace_syscall(enum trace_syscall_phase phase, uint64_t nr, long ret)
{
	if (!trace_enabled())
		return;
	bool irq_was_on = irq_save();
	struct trace_record *e =
		record(rdtsc(), TRACE_SYSCALL, this_cpu()->current->tid);
	e->reason = phase;
	e->arg = (int)nr;
	e->addr = phase == TRACE_SYS_EXIT ? (uint64_t)ret : 0;
	irq_restore(irq_was_on);
}

unsigned trace_read(unsigned cpu, struct trace_record *out, unsigned max)
{
	struct trace_ring *r = rings[cpu];
	if (!r)
		return 0;
	uint64_t end = r->next;
	uint64_t n = MIN(MIN(end, (uint64_t)r->size), (uint64_t)max);
	for (uint64_t i = 0; i < n; i++)
		out[i] = r->rec[(end - n + i) % r->size];
	return (unsigned)n;
}

static const char *const type_names[TRACE_NR_TYPES] = {
	"?", "switch", "wake", "migrate", "steal", "thread", "syscall", "irq"};

static const char *reason_name(const struct trace_record *e)
{
	static const char *const switches[] = {"", "block", "yield", "preempt",
					       "exit"};
	static const char *const syscalls[] = {"", "enter", "exit"};
	unsigned r = e->reason & 0xff;
	if (e->type == TRACE_SWITCH)
		return switches[r % ARRAY_SIZE(switches)];
	if (e->type == TRACE_SYSCALL)
		return syscalls[r % ARRAY_SIZE(syscalls)];
	return "";
}

/* The timer's tick: 100 records a second on every CPU, which would fill
 * the last few events of an idle one. The text views leave it out. */
static bool is_tick(const struct trace_record *e)
{
	return e->type == TRACE_IRQ && e->arg == VEC_TIMER;
}

void trace_dump(unsigned n)
{
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		struct trace_ring *r = rings[cpu];
		if (!r)
			continue;
		uint64_t end = r->next,
			 oldest = end - MIN(end, (uint64_t)r->size);
		uint64_t from = end, count = 0;
		while (from > oldest && count < n)
			if (!is_tick(&r->rec[--from % r->size]))
				count++;
		kprintf("trace: cpu %u, last %lu of %lu events (ticks left "
			"out):\n",
			cpu, count, end);
		for (uint64_t i = from; i < end; i++) {
			const struct trace_record *e = &r->rec[i % r->size];
			if (is_tick(e))
				continue;
			kprintf("  %16lu %-7s %-7s tid %-5d %s %-5d %.16s\n",
				e->tsc, type_names[e->type % TRACE_NR_TYPES],
				reason_name(e), e->tid,
				e->type == TRACE_SWITCH ? "-> tid" : "arg",
				e->arg, e->what);
		}
	}
}

/*
 * One line a record, between a header and an end line, for tools/trace.py:
 *   trace-begin cpus N tsc_hz HZ
 *   trace-cpu C events TOTAL kept KEPT
 *   T C TSC TYPE REASON TID ARG OTHER ADDR WHAT
 *   trace-end
 * WHAT is the name with spaces replaced (it ends the line). Called when
 * nothing else runs (init has exited), so the rings stand still.
 */
void trace_dump_all(void)
{
	kprintf("trace-begin cpus %u tsc_hz %lu\n", nr_cpus, tsc_hz);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		struct trace_ring *r = rings[cpu];
		if (!r)
			continue;
		uint64_t end = r->next;
		uint64_t kept = MIN(end, (uint64_t)r->size);
		kprintf("trace-cpu %u events %lu kept %lu\n", cpu, end, kept);
		for (uint64_t i = end - kept; i < end; i++) {
			const struct trace_record *e = &r->rec[i % r->size];
			char what[sizeof(e->what) + 1] = {0};
			memcpy(what, e->what, sizeof(e->what));
			for (char *p = what; *p; p++)
				if (*p == ' ')
					*p = '_';
			kprintf("T %u %lu %u %u %d %d %d %lx %s\n", e->cpu,
				e->tsc, e->type, e->reason, e->tid, e->arg,
				e->other, e->addr, what[0] ? what : "-");
		}
	}
	kprintf("trace-end\n");
}
