#include "sync/spinlock.h"

#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "base/kernel.h"

/* Long enough that a host too busy to run a lock holder's vCPU for a while
 * (a loaded laptop, a shared CI machine) is not taken for a deadlock, short
 * enough to report a real one before the test harness gives up (60 s). */
unsigned spin_watchdog_ms = 30000;

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
 * The watchdog's count of one wait. A CPU waits for one spinlock at a
 * time (interrupts are off while it spins), so one per CPU is enough;
 * each on a cache line of its own, or CPUs spinning on different locks
 * would slow each other down writing their counts.
 */
static struct {
	unsigned spins;
	uint64_t start_ns;
} __attribute__((aligned(64))) spin_waits[MAX_CPUS];

/* Bookkeeping: a new wait begins on this CPU. */
static void spin_wait_begin(void)
{
	spin_waits[this_cpu()->id].spins = 0;
	spin_waits[this_cpu()->id].start_ns = 0;
}

/*
 * spin_pause - one turn of a spin-wait loop on lock.
 * A pause (cpu_relax), and the deadlock watchdog: every
 * WATCHDOG_CHECK_EVERY turns it reads the clock, and after
 * spin_watchdog_ms of waiting it panics, naming the holder.
 */
static void spin_pause(struct spinlock *lock)
{
	cpu_relax();
	unsigned id = this_cpu()->id;
	unsigned spins = ++spin_waits[id].spins;
	if (spins % WATCHDOG_CHECK_EVERY || !spin_watchdog_ms)
		return;
	if (!spin_waits[id].start_ns)
		spin_waits[id].start_ns = clock_ns();
	else if (clock_ns() - spin_waits[id].start_ns >
		 spin_watchdog_ms * 1000000ull)
		spin_watchdog_bite(lock, spins);
}

/*
 * ticket_lock - the acquire algorithm: take the next ticket, and wait
 * until the lock serves it.
 * Contract: interrupts are off; returns once this CPU's ticket is served.
 * Waiters are served in the order they took tickets. Call spin_pause(lock)
 * each time round the wait (it is cpu_relax plus the deadlock watchdog).
 * The acquire ordering on the load that sees our ticket served makes every
 * write the previous holder made before releasing visible here; taking
 * the ticket itself needs no ordering.
 */
static void ticket_lock(struct spinlock *lock)
{
	/* LAB spinlock: begin */
	unsigned ticket =
		atomic_fetch_add_explicit(&lock->next, 1, memory_order_relaxed);
	while (atomic_load_explicit(&lock->owner, memory_order_acquire) !=
	       ticket)
		spin_pause(lock);
	/* LAB spinlock: end */
}

/*
 * ticket_unlock - the release algorithm: serve the next ticket.
 * Contract: this CPU holds the lock. Only the holder writes owner, so a
 * plain load and store do; the release ordering publishes every write
 * made inside the critical section to the next holder.
 */
static void ticket_unlock(struct spinlock *lock)
{
	/* LAB spinlock: begin */
	unsigned served =
		atomic_load_explicit(&lock->owner, memory_order_relaxed);
	atomic_store_explicit(&lock->owner, served + 1, memory_order_release);
	/* LAB spinlock: end */
}

/* Bookkeeping before a wait: taking a lock this CPU holds would spin for
 * ever, so it panics at once instead, naming both sites. */
static void spin_check_not_held(struct spinlock *lock, const char *site)
{
	if (spin_holding(lock))
		panic("spinlock '%s': cpu %u takes it again at %s, already "
		      "holding it since %s",
		      lock->name, this_cpu()->id, site, lock->site);
}

/* Bookkeeping after acquiring: who holds it, from where, and this CPU's
 * list of held locks (schedule() refuses to sleep holding one). */
static void spin_note_acquired(struct spinlock *lock, const char *site)
{
	struct cpu *c = this_cpu();
	lock->cpu = (int)c->id;
	lock->site = site;
	if (c->nr_held_locks < (int)ARRAY_SIZE(c->held_locks))
		c->held_locks[c->nr_held_locks] = lock;
	c->nr_held_locks++;
}

/* Bookkeeping before releasing: the caller must hold it; forgets it. */
static void spin_note_released(struct spinlock *lock)
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
}

/*
 * spin_lock_at - acquire a ticket lock.
 * Contract: returns with the lock held by this CPU and interrupts off
 * (nested through irq_push_off). The algorithm is ticket_lock; the rest
 * is the bookkeeping that turns a deadlock into a report.
 */
void spin_lock_at(struct spinlock *lock, const char *site)
{
	/* LAB spinlock: begin */
	irq_push_off();
	spin_check_not_held(lock, site);
	spin_wait_begin();
	ticket_lock(lock);
	spin_note_acquired(lock, site);
	/* LAB spinlock: end */
}

/*
 * spin_unlock - release a ticket lock.
 * Contract: this CPU holds the lock (it panics otherwise); interrupts
 * return to their state before the matching spin_lock.
 */
void spin_unlock(struct spinlock *lock)
{
	/* LAB spinlock: begin */
	spin_note_released(lock);
	ticket_unlock(lock);
	irq_pop_off();
	/* LAB spinlock: end */
}
