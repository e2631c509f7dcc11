/*
 * Cross-CPU calls.
 *
 * Each CPU has one call slot (struct cpu.call). A caller claims the slot
 * (busy: 0 -> 1), writes the function and argument, and sends VEC_CALL;
 * the target's handler runs the function, stores the result and sets done.
 * The caller keeps interrupts ON while it waits: two CPUs calling each
 * other at once must each still be able to take the other's IPI, or both
 * would wait forever. That is also why the slot is claimed with an atomic
 * flag and not a spinlock, which would turn interrupts off.
 */
#include "arch/ipi.h"

#include "arch/cpu.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/trap.h"
#include "arch/vectors.h"
#include "base/kernel.h"
#include "base/layout.h"

static void call_interrupt(struct trap_frame *frame)
{
	(void)frame;
	struct call_slot *slot = &this_cpu()->call;
	lapic_eoi();
	long result = slot->fn(slot->arg);
	if (slot->wait) {
		slot->result = result;
		atomic_store_explicit(&slot->done, true, memory_order_release);
	} else {
		atomic_store_explicit(&slot->busy, false, memory_order_release);
	}
}

static void reschedule_interrupt(struct trap_frame *frame)
{
	(void)frame; /* waking from hlt was the point; the scheduler looks */
	lapic_eoi();
}

void ipi_init(void)
{
	trap_set_handler(VEC_CALL, call_interrupt);
	trap_set_handler(VEC_RESCHEDULE, reschedule_interrupt);
}

void ipi_send(unsigned cpu, unsigned vector)
{
	lapic_send(cpus[cpu].apic_id, LAPIC_ICR_FIXED | vector);
}

void ipi_send_all_but_self(unsigned vector)
{
	lapic_send(0, LAPIC_ICR_FIXED | LAPIC_ICR_ALL_BUT_SELF | vector);
}

void ipi_stop_others(void)
{
	if (nr_cpus > 1)
		lapic_send(0, LAPIC_ICR_NMI | LAPIC_ICR_ALL_BUT_SELF);
}

static struct call_slot *call_claim(unsigned cpu, smp_call_fn fn, void *arg,
				    bool wait)
{
	if (!irq_enabled())
		panic("smp_call: called with interrupts off (it could wait "
		      "forever for a CPU that is waiting for this one)");
	kassert(cpu < nr_cpus);
	struct call_slot *slot = &cpus[cpu].call;
	bool expected = false;
	while (!atomic_compare_exchange_weak_explicit(
		&slot->busy, &expected, true, memory_order_acquire,
		memory_order_relaxed)) {
		expected = false;
		cpu_relax();
	}
	slot->fn = fn;
	slot->arg = arg;
	slot->wait = wait;
	atomic_store(&slot->done, false);
	return slot;
}

static long call_finish(struct call_slot *slot)
{
	while (!atomic_load_explicit(&slot->done, memory_order_acquire))
		cpu_relax();
	long result = slot->result;
	atomic_store_explicit(&slot->busy, false, memory_order_release);
	return result;
}

/*
 * smp_call - run fn(arg) on one CPU (this one included: a self-IPI).
 * Contract: interrupts on. With wait, returns fn's result after it ran;
 * without, returns 0 as soon as the call is posted (the target releases
 * the slot when done).
 */
long smp_call(unsigned cpu, smp_call_fn fn, void *arg, bool wait)
{
	struct call_slot *slot = call_claim(cpu, fn, arg, wait);
	ipi_send(cpu, VEC_CALL);
	return wait ? call_finish(slot) : 0;
}

void smp_call_mask(uint64_t cpu_mask, smp_call_fn fn, void *arg, long *results)
{
	/* Claim every slot first (in CPU order, as every caller does, so
	 * two callers cannot each hold a slot the other wants), then start
	 * them all, so the function runs on all CPUs at the same time and
	 * the caller waits once, for the slowest, not once per CPU. */
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		if (cpu_mask & (1ul << cpu))
			call_claim(cpu, fn, arg, true);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		if (cpu_mask & (1ul << cpu))
			ipi_send(cpu, VEC_CALL);
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		if (!(cpu_mask & (1ul << cpu)))
			continue;
		long r = call_finish(&cpus[cpu].call);
		if (results)
			results[cpu] = r;
	}
}

void smp_call_each(smp_call_fn fn, void *arg, long *results)
{
	smp_call_mask(~0ul, fn, arg, results);
}

/* Beyond this many pages one CR3 reload is cheaper than invlpg each. */
#define TLB_FLUSH_ALL_PAGES 32

struct tlb_range {
	uint64_t va;
	size_t pages;
};

static long flush_range(void *arg)
{
	const struct tlb_range *r = arg;
	if (r->pages > TLB_FLUSH_ALL_PAGES) {
		write_cr3(read_cr3()); /* drops every non-global entry */
		return 0;
	}
	for (size_t i = 0; i < r->pages; i++)
		invlpg(r->va + i * PAGE_SIZE);
	return 0;
}

void tlb_shootdown_cpus(uint64_t cpu_mask, uint64_t va, size_t pages)
{
	/* This CPU too goes through smp_call (a self-IPI): the caller may
	 * be preempted and moved to another CPU half-way through. */
	struct tlb_range range = {va, pages};
	smp_call_mask(cpu_mask, flush_range, &range, NULL);
}

void tlb_shootdown(uint64_t va, size_t pages)
{
	struct tlb_range range = {va, pages};
	if (nr_cpus == 1) /* early boot, or a 1-CPU machine: nobody to tell */
		flush_range(&range);
	else
		smp_call_each(flush_range, &range, NULL);
}
