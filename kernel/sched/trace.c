#include "sched/trace.h"

#include "arch/cpu.h"
#include "arch/percpu.h"
#include "base/kernel.h"
#include "freestanding/string.h"
#include "sched/task.h"

struct trace_ring {
	struct trace_record rec[TRACE_RECORDS];
	uint64_t next; /* records ever written; next slot is next % size */
};

static struct trace_ring rings[MAX_CPUS];

static void record(enum trace_type type, uint16_t reason, int tid, int arg,
		   const char *what)
{
	irq_push_off();
	struct cpu *c = this_cpu();
	struct trace_ring *r = &rings[c->id];
	struct trace_record *e = &r->rec[r->next++ % TRACE_RECORDS];
	e->tsc = rdtsc();
	e->type = type;
	e->cpu = c->id;
	e->reason = reason;
	e->tid = tid;
	e->arg = arg;
	memset(e->what, 0, sizeof(e->what));
	if (what)
		memcpy(e->what, what, strnlen(what, sizeof(e->what)));
	irq_pop_off();
}

void trace_switch(const struct task *prev, const struct task *next,
		  bool preempted)
{
	uint16_t reason = preempted			? TRACE_PREEMPT
			  : prev->state == TASK_BLOCKED ? TRACE_BLOCK
			  : prev->state == TASK_EXITED	? TRACE_EXIT
							: TRACE_YIELD;
	record(TRACE_SWITCH, reason, prev->tid, next->tid,
	       reason == TRACE_BLOCK && prev->wait_what ? prev->wait_what
							: next->name);
}

void trace_event(enum trace_type type, const struct task *t, unsigned cpu)
{
	record(type, 0, t->tid, (int)cpu, t->name);
}

unsigned trace_read(unsigned cpu, struct trace_record *out, unsigned max)
{
	struct trace_ring *r = &rings[cpu];
	uint64_t end = r->next;
	uint64_t n = MIN(MIN(end, (uint64_t)TRACE_RECORDS), (uint64_t)max);
	for (uint64_t i = 0; i < n; i++)
		out[i] = r->rec[(end - n + i) % TRACE_RECORDS];
	return (unsigned)n;
}

static const char *const type_names[] = {"?", "switch", "wake", "migrate"};
static const char *const reason_names[] = {"", "block", "yield", "preempt",
					   "exit"};

void trace_dump(unsigned n)
{
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		struct trace_ring *r = &rings[cpu];
		uint64_t end = r->next, count = MIN(MIN(end, (uint64_t)n),
						    (uint64_t)TRACE_RECORDS);
		kprintf("trace: cpu %u, last %lu of %lu events:\n", cpu, count,
			end);
		for (uint64_t i = end - count; i < end; i++) {
			const struct trace_record *e =
				&r->rec[i % TRACE_RECORDS];
			kprintf("  %16lu %-7s %-7s tid %-5d %s %-5d %.12s\n",
				e->tsc, type_names[e->type % 4],
				reason_names[e->reason % 5], e->tid,
				e->type == TRACE_SWITCH ? "-> tid" : "cpu",
				e->arg, e->what);
		}
	}
}
