#include "sync/spinlock.h"

#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "base/kernel.h"

unsigned spin_watchdog_ms = 5000;

#define WATCHDOG_CHECK_EVERY 1024 /* spins between clock reads */

void spin_init(struct spinlock *lock, const char *name)
{
	atomic_init(&lock->next, 0);
	atomic_init(&lock->owner, 0);
	lock->name = name;
	lock->cpu = -1;
	lock->site = 0;
}

bool spin_holding(struct spinlock *lock)
{
	irq_push_off();
	bool held = atomic_load(&lock->next) != atomic_load(&lock->owner) &&
		    lock->cpu == (int)this_cpu()->id;
	irq_pop_off();
	return held;
}

static noreturn void spin_watchdog_bite(struct spinlock *lock, unsigned spins)
{
	int holder = lock->cpu;
	const char *site = lock->site;
	panic("spinlock watchdog: cpu %u spun %u times (over %u ms) on "
	      "spinlock '%s', held by cpu %d, taken at %s",
	      this_cpu()->id, spins, spin_watchdog_ms, lock->name, holder,
	      site ? site : "?");
}

/*
 * spin_lock_at - acquire a ticket lock.
 * Contract: returns with the lock held by this CPU and interrupts off
 * (nested through irq_push_off); waiters are served in the order they
 * arrived. The acquire ordering on the final load makes every write the
 * previous holder made before releasing visible here.
 */
void spin_lock_at(struct spinlock *lock, const char *site)
{
	irq_push_off();
	if (spin_holding(lock))
		panic("spinlock '%s': cpu %u takes it again at %s, already "
		      "holding it since %s",
		      lock->name, this_cpu()->id, site, lock->site);
	unsigned ticket =
		atomic_fetch_add_explicit(&lock->next, 1, memory_order_relaxed);
	uint64_t start = 0;
	unsigned spins = 0;
	while (atomic_load_explicit(&lock->owner, memory_order_acquire) !=
	       ticket) {
		cpu_relax();
		if (++spins % WATCHDOG_CHECK_EVERY || !spin_watchdog_ms)
			continue;
		if (!start)
			start = clock_ns();
		else if (clock_ns() - start > spin_watchdog_ms * 1000000ull)
			spin_watchdog_bite(lock, spins);
	}
	struct cpu *c = this_cpu();
	lock->cpu = (int)c->id;
	lock->site = site;
	if (c->nr_held_locks < (int)ARRAY_SIZE(c->held_locks))
		c->held_locks[c->nr_held_locks] = lock;
	c->nr_held_locks++;
}

/*
 * spin_unlock - release a ticket lock.
 * Contract: this CPU holds the lock. The release ordering publishes every
 * write made inside the critical section to the next holder; interrupts
 * return to their state before the matching spin_lock.
 */
void spin_unlock(struct spinlock *lock)
{
	if (!spin_holding(lock))
		panic("spin_unlock: cpu %u does not hold spinlock '%s'",
		      this_cpu()->id, lock->name);
	struct cpu *c = this_cpu();
	for (int i = MIN(c->nr_held_locks, (int)ARRAY_SIZE(c->held_locks));
	     i-- > 0;)
		if (c->held_locks[i] == lock) {
			for (; i + 1 < (int)ARRAY_SIZE(c->held_locks); i++)
				c->held_locks[i] = c->held_locks[i + 1];
			break;
		}
	c->nr_held_locks--;
	lock->cpu = -1;
	lock->site = 0;
	unsigned served =
		atomic_load_explicit(&lock->owner, memory_order_relaxed);
	atomic_store_explicit(&lock->owner, served + 1, memory_order_release);
	irq_pop_off();
}
