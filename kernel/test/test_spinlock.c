/* Spinlocks (kernel/sync/spinlock.c) and their checks. */
#include "arch/cpu.h"
#include "arch/percpu.h"
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
