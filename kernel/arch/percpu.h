/*
 * Per-CPU data.
 *
 * Each CPU has one struct cpu, and its GS base register points at it, so
 * this_cpu() is a single load (mov %gs:0) that needs no lock and no CPU
 * number: it is right on whichever CPU runs it. The first field points at
 * the structure itself to make that load possible.
 *
 * Fields marked "this CPU" are only ever touched by the CPU they belong to,
 * with interrupts off; the others are written once at bring-up.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/gdt.h"

#define MAX_CPUS 64

#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

/* A cross-CPU call waiting to run on this CPU (arch/ipi.c). */
struct call_slot {
	atomic_bool busy; /* claimed by a caller */
	long (*fn)(void *arg);
	void *arg;
	bool wait; /* the caller waits for done and releases busy */
	long result;
	atomic_bool done; /* fn has run; result is valid */
};

struct task;
struct spinlock;
struct vmm_space;

struct cpu {
	struct cpu *self;    /* %gs:0 */
	uint64_t kernel_rsp; /* %gs:8: the running task's kernel stack top */
	uint64_t user_rsp;   /* %gs:16: scratch for syscall_entry */
	unsigned id;	     /* 0 .. nr_cpus - 1; 0 is the boot CPU */
	uint32_t apic_id;
	uint32_t package, core, thread; /* topology, from CPUID */
	atomic_bool online;
	void *boot_stack_top; /* the stack it came up on */

	int irq_off_depth;     /* this CPU: irq_push_off nesting */
	bool irq_were_enabled; /* this CPU: IF before the outermost push */

	uint64_t ticks;	     /* this CPU: timer interrupts taken */
	uint64_t lost_ticks; /* this CPU: periods with no interrupt (lapic.c) */
	/* this CPU's timer interrupt (lapic.c): */
	uint64_t next_tick_tsc;	     /* when the next tick is due */
	uint64_t timer_deadline_tsc; /* a timer's deadline before it, or 0 */
	uint64_t timer_armed_tsc;    /* what the one-shot is set for; 0:
					being handled, set on its way out */
	struct call_slot call;

	/* The user address space in CR3 (mm/vmm.c); NULL: the kernel's own.
	 * This CPU, with interrupts off. */
	struct vmm_space *space;

	/* The scheduler's (kernel/sched): */
	struct task *current;	  /* this CPU: the task running here */
	int preempt_count;	  /* this CPU: preempt_disable nesting */
	int in_interrupt;	  /* this CPU: inside an interrupt handler */
	atomic_bool need_resched; /* set by anyone: schedule at next chance */
	atomic_bool idle_polling; /* this CPU: idle, watching need_resched */
	uint64_t idle_poll_ns;	  /* this CPU: how long it polls (sched.c) */

	/* Spinlocks this CPU holds, innermost last (for "sleeping while
	 * atomic" reports): */
	struct spinlock *held_locks[8];
	int nr_held_locks;

	struct cpu_tables tables; /* GDT and TSS */
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned nr_cpus; /* CPUs found in the MADT (that we can use) */

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* Points this CPU's GS base at c. */
void percpu_install(struct cpu *c);

/*
 * Nesting interrupt disable (as xv6's push_off/pop_off): interrupts stay off
 * until every push has been popped, then return to what they were before
 * the first push. Spinlocks use these, so holding two locks and releasing
 * one does not turn interrupts back on under the other.
 */
void irq_push_off(void);
void irq_pop_off(void);

#endif
