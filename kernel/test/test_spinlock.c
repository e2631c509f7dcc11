/* Spinlocks (kernel/sync/spinlock.c) and their checks. */
#include "arch/cpu.h"
#include "arch/ipi.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "base/kernel.h"
#include "freestanding/string.h"
#include "sync/spinlock.h"
#include "test/ktest.h"

KTEST(spinlock, lock_records_holder_and_disables_interrupts)
{
	struct spinlock l = SPINLOCK_INIT("test");
	bool were_enabled = irq_enabled();
	spin_lock(&l);
	KEXPECT_TRUE(spin_holding(&l));
	KEXPECT_EQ(l.cpu, this_cpu()->id);
	KEXPECT_TRUE(l.site && strstr(l.site, "test_spinlock.c"));
	KEXPECT_TRUE(!irq_enabled());
	spin_unlock(&l);
	KEXPECT_TRUE(!spin_holding(&l));
	KEXPECT_EQ(irq_enabled(), were_enabled);
}

KTEST(spinlock, nested_locks_restore_interrupts_only_at_the_end)
{
	struct spinlock a = SPINLOCK_INIT("a"), b = SPINLOCK_INIT("b");
	irq_enable();
	spin_lock(&a);
	spin_lock(&b);
	spin_unlock(&b);
	KEXPECT_TRUE(!irq_enabled()); /* a is still held */
	spin_unlock(&a);
	KEXPECT_TRUE(irq_enabled());
}

/* The ticket protocol, on one CPU: each acquire takes the next ticket
 * (next++) and is served at once when the lock is free (owner == ticket);
 * each release serves the following ticket (owner++). */
KTEST(spinlock, a_lock_hands_out_tickets_and_serves_them_in_order)
{
	struct spinlock l = SPINLOCK_INIT("tickets");
	for (unsigned i = 0; i < 3; i++) {
		spin_lock(&l);
		unsigned next = atomic_load(&l.next),
			 owner = atomic_load(&l.owner);
		spin_unlock(&l);
		unsigned owner_after = atomic_load(&l.owner);
		KEXPECT_EQ(next, i + 1);	/* took ticket i */
		KEXPECT_EQ(owner, i);		/* and was served at once */
		KEXPECT_EQ(owner_after, i + 1); /* unlock serves the next */
	}
}

/*
 * Fairness, made exact: CPU 1 holds the lock; a waiter on one CPU takes
 * its ticket, and only then a waiter on another CPU takes the following
 * one; the holder lets go, and the first to arrive must get the lock
 * first. Each round swaps which CPU arrives first, so "the lowest CPU
 * wins" or "whoever saw the release first wins" (a test-and-set lock)
 * fails some round. The test reads the lock's ticket counter to know a
 * waiter has arrived, so a lock that takes no ticket fails here too.
 *
 * The waits below have a cap only so that a broken lock fails rather
 * than hangs; it is far longer than a host can stall a vCPU, and a
 * correct lock never gets near it: nothing here depends on speed.
 */
#define FIFO_ROUNDS 4
#define FIFO_CAP_NS (20 * 1000000000ull)
static struct spinlock fifo_lock = SPINLOCK_INIT("fifo");
static atomic_bool fifo_release;
static atomic_uint fifo_served;
static int fifo_order[2];

static long hold_until_released(void *arg)
{
	(void)arg;
	spin_lock(&fifo_lock);
	while (!atomic_load(&fifo_release))
		cpu_relax();
	spin_unlock(&fifo_lock);
	return 0;
}

static long take_and_record(void *arg)
{
	spin_lock(&fifo_lock);
	fifo_order[atomic_fetch_add(&fifo_served, 1)] = (int)(long)arg;
	spin_unlock(&fifo_lock);
	return 0;
}

/* Whether *word reached value before the cap. */
static bool wait_for(atomic_uint *word, unsigned value)
{
	uint64_t end = clock_ns() + FIFO_CAP_NS;
	while (atomic_load(word) != value) {
		if (clock_ns() > end)
			return false;
		cpu_relax();
	}
	return true;
}

KTEST(spinlock, waiters_are_served_in_arrival_order)
{
	if (nr_cpus < 4)
		KTEST_SKIP("needs 4 CPUs: main, a holder and two waiters");
	for (int round = 0; round < FIFO_ROUNDS; round++) {
		unsigned first = 2 + round % 2, second = 5 - first;
		unsigned base = atomic_load(&fifo_lock.next);
		atomic_store(&fifo_release, false);
		atomic_store(&fifo_served, 0);
		smp_call(1, hold_until_released, NULL, false);
		bool held = wait_for(&fifo_lock.next, base + 1);
		smp_call(first, take_and_record, (void *)(long)first, false);
		bool first_queued = held && wait_for(&fifo_lock.next, base + 2);
		smp_call(second, take_and_record, (void *)(long)second, false);
		bool second_queued =
			first_queued && wait_for(&fifo_lock.next, base + 3);
		atomic_store(&fifo_release, true);
		if (!second_queued) {
			kprintf("    # round %d: a CPU in spin_lock never took "
				"its ticket (next stayed at %u, expected %u)\n",
				round, atomic_load(&fifo_lock.next),
				base + (held ? first_queued ? 3 : 2 : 1));
			KEXPECT_TRUE(second_queued);
			return;
		}
		bool done = wait_for(&fifo_served, 2);
		KASSERT_TRUE(done);
		if (!KEXPECT_EQ(fifo_order[0], first) ||
		    !KEXPECT_EQ(fifo_order[1], second))
			kprintf("    # round %d: cpu %u took its ticket before "
				"cpu %u, but cpu %d got the lock first\n",
				round, first, second, fifo_order[0]);
		KASSERT_TRUE(wait_for(&fifo_lock.owner, base + 3));
	}
}

KTEST_DEATH(spinlock, taking_a_held_lock_again_panics,
	    "spinlock 'twice': cpu|takes it again|already holding it since")
{
	struct spinlock l = SPINLOCK_INIT("twice");
	spin_lock(&l);
	spin_lock(&l);
}

/* A lock that looks held forever by CPU 7, as if it had crashed holding
 * it: the watchdog must end the spin with a report naming the lock, the
 * holder and where it was taken. */
KTEST_DEATH(spinlock, watchdog_reports_a_lock_held_forever,
	    "spinlock watchdog|spinlock 'stuck', held by cpu 7, taken at "
	    "somewhere.c:42")
{
	static struct spinlock stuck = SPINLOCK_INIT("stuck");
	atomic_store(&stuck.next, 1); /* ticket 0 handed out, never served */
	stuck.cpu = 7;
	stuck.site = "somewhere.c:42";
	spin_watchdog_ms = 300;
	spin_lock(&stuck);
}
