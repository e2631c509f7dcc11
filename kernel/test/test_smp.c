/* The CPUs, their ticks, and the cross-CPU services (kernel/arch/). */
#include "arch/cpu.h"
#include "arch/ipi.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/vectors.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "boot/cmdline.h"
#include "mm/kstack.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "sync/spinlock.h"
#include "test/ktest.h"

static long my_cpu_id(void *arg)
{
	(void)arg;
	return this_cpu()->id;
}

KTEST(smp, every_cpu_in_the_madt_is_online)
{
	long expected = cmdline_get_int("test_cpus", 0);
	if (expected)
		KEXPECT_EQ(nr_cpus, expected);
	for (unsigned i = 0; i < nr_cpus; i++)
		KEXPECT_TRUE(atomic_load(&cpus[i].online));
}

KTEST(smp, every_cpu_runs_code_and_ticks)
{
	long ids[MAX_CPUS];
	uint64_t ticks_before[MAX_CPUS];
	for (unsigned i = 0; i < nr_cpus; i++)
		ticks_before[i] = cpus[i].ticks;
	smp_call_each(my_cpu_id, NULL, ids);
	for (unsigned i = 0; i < nr_cpus; i++)
		KEXPECT_EQ(ids[i], i);
	mdelay(50); /* five ticks' worth */
	for (unsigned i = 0; i < nr_cpus; i++)
		KEXPECT_LT(ticks_before[i], cpus[i].ticks);
}

static long twice_plus_id(void *arg)
{
	return 2 * (long)arg + this_cpu()->id;
}

KTEST(smp, smp_call_returns_the_result_from_that_cpu)
{
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		KEXPECT_EQ(smp_call(cpu, twice_plus_id, (void *)21, true),
			   42 + cpu);
}

static atomic_int pong;

static long ping(void *arg)
{
	(void)arg;
	atomic_fetch_add(&pong, 1);
	return 0;
}

/* A call to the "next" CPU (this one, on a 1-CPU machine: a self-IPI)
 * comes back, 1000 times; prints the average round trip. */
KTEST(smp, ipi_round_trip_completes)
{
	unsigned target = (this_cpu()->id + 1) % nr_cpus;
	atomic_store(&pong, 0);
	uint64_t start = clock_ns();
	for (int i = 0; i < 1000; i++)
		smp_call(target, ping, NULL, true);
	uint64_t ns = (clock_ns() - start) / 1000;
	KEXPECT_EQ(atomic_load(&pong), 1000);
	kprintf("    # ipi_round_trip: cpu %u -> cpu %u and back: %lu ns\n",
		this_cpu()->id, target, ns);
}

/*
 * All CPUs add to one counter under a spinlock, 1,000,000 times in total,
 * as a read, a pause and a write, so overlapping critical sections would
 * lose updates at once.
 *
 * Each acquisition does COUNTER_BATCH increments. Measured here: 200,000
 * single-increment acquisitions on 4 emulated CPUs over 2 host cores took
 * 69 s (20,000 took 0.35 s). QEMU's CPUs are host threads that the host
 * deschedules, and a ticket lock hands the lock to one particular waiter:
 * when that waiter is not running, every CPU waits for the host to run it,
 * and the queue stays a convoy. The same happens to ticket locks in virtual
 * machines, which is why Linux has paravirtual spinlocks.
 */
#define COUNTER_TOTAL 1000000
#define COUNTER_BATCH 500
#define PAUSE_INSIDE 20
static struct spinlock counter_lock = SPINLOCK_INIT("test_counter");
static long counter;

static long add_under_lock(void *arg)
{
	(void)arg;
	long batches = COUNTER_TOTAL / COUNTER_BATCH / nr_cpus;
	if (this_cpu()->id == 0)
		batches += COUNTER_TOTAL / COUNTER_BATCH % nr_cpus;
	for (long b = 0; b < batches; b++) {
		spin_lock(&counter_lock);
		for (int i = 0; i < COUNTER_BATCH; i++) {
			long seen = counter;
			for (int p = 0; p < PAUSE_INSIDE; p++)
				__asm__ volatile("" ::: "memory");
			counter = seen + 1;
		}
		spin_unlock(&counter_lock);
	}
	return batches * COUNTER_BATCH;
}

KTEST(smp, shared_counter_under_spinlock_is_exact)
{
	long shares[MAX_CPUS], total = 0;
	counter = 0;
	smp_call_each(add_under_lock, NULL, shares);
	for (unsigned i = 0; i < nr_cpus; i++)
		total += shares[i];
	KEXPECT_EQ(total, COUNTER_TOTAL);
	KEXPECT_EQ(counter, COUNTER_TOTAL);
}

/*
 * The LAPIC timer ticks at HZ: in a half-second window timed by the TSC,
 * the ticks taken are within 5% of HZ. A loaded host loses ticks (QEMU
 * merges the interrupts that fall due while it has the vCPU descheduled;
 * a CI run measured 92 a second, and timer_interrupt counts such periods
 * as lost), and losses only ever lower the count, so the test takes the
 * first of up to six windows that is within 5%. A timer programmed too
 * fast or too slow is outside in every window.
 */
KTEST(smp, tick_rate_is_within_5_percent_of_hz)
{
	struct cpu *c = this_cpu();
	bool within = false;
	for (int window = 0; window < 6 && !within; window++) {
		uint64_t t0 = clock_ns(), ticks0 = c->ticks;
		uint64_t lost0 = c->lost_ticks;
		mdelay(500);
		uint64_t ticks = c->ticks - ticks0, ns = clock_ns() - t0;
		uint64_t per_1000s = ticks * NSEC_PER_SEC / (ns / 1000);
		kprintf("    # tick_rate: %lu ticks (%lu lost) in %lu ms on "
			"cpu "
			"%u (HZ=%d)\n",
			ticks, c->lost_ticks - lost0, ns / 1000000, c->id, HZ);
		within = per_1000s >= HZ * 950 && per_1000s <= HZ * 1050;
	}
	KEXPECT_TRUE(within);
}

static long read_word(void *arg)
{
	return *(volatile long *)arg;
}

/*
 * Every CPU reads a word at va (so its TLB caches the translation), then va
 * is pointed at a different page. After tlb_shootdown every CPU must read
 * the new page's word, not the old one through a stale TLB entry.
 */
KTEST(smp, tlb_shootdown_makes_a_new_mapping_visible_everywhere)
{
	char *top = kstack_alloc();
	KASSERT_TRUE(top != NULL);
	uint64_t va = (uint64_t)top - PAGE_SIZE, pa_old, flags;
	KASSERT_TRUE(vmm_translate(kernel_pml4, va, &pa_old, &flags));
	*(long *)va = 1111;
	long seen[MAX_CPUS];
	smp_call_each(read_word, (void *)va, seen);
	for (unsigned i = 0; i < nr_cpus; i++)
		KEXPECT_EQ(seen[i], 1111);

	uint64_t pa_new = pmm_alloc();
	*(long *)phys_to_virt(pa_new) = 2222;
	vmm_unmap(kernel_pml4, va);
	KEXPECT_EQ(vmm_map(kernel_pml4, va, pa_new, flags & ~PTE_ADDR_MASK), 0);
	tlb_shootdown(va, 1);
	smp_call_each(read_word, (void *)va, seen);
	for (unsigned i = 0; i < nr_cpus; i++)
		KEXPECT_EQ(seen[i], 2222);

	vmm_unmap(kernel_pml4, va);
	vmm_map(kernel_pml4, va, pa_old, flags & ~PTE_ADDR_MASK);
	tlb_shootdown(va, 1);
	pmm_free(pa_new);
	kstack_free(top);
}
