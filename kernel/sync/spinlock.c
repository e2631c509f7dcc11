#include "sync/spinlock.h"

#include "arch/cpu.h"

void spin_init(struct spinlock *lock, const char *name)
{
	atomic_init(&lock->next, 0);
	atomic_init(&lock->owner, 0);
	lock->name = name;
	lock->site = 0;
}

/*
 * spin_lock_at - acquire a ticket lock.
 * Contract: returns with the lock held by the caller; waiters are served in
 * the order they called. The acquire ordering on the final load makes every
 * write made by the previous holder before its release visible here.
 */
void spin_lock_at(struct spinlock *lock, const char *site)
{
	unsigned ticket =
		atomic_fetch_add_explicit(&lock->next, 1, memory_order_relaxed);
	while (atomic_load_explicit(&lock->owner, memory_order_acquire) !=
	       ticket)
		cpu_relax();
	lock->site = site;
}

/*
 * spin_unlock - release a ticket lock.
 * Contract: the caller holds the lock. The release ordering publishes every
 * write made inside the critical section to the next holder.
 */
void spin_unlock(struct spinlock *lock)
{
	lock->site = 0;
	unsigned served =
		atomic_load_explicit(&lock->owner, memory_order_relaxed);
	atomic_store_explicit(&lock->owner, served + 1, memory_order_release);
}

bool spin_is_locked(struct spinlock *lock)
{
	return atomic_load(&lock->next) != atomic_load(&lock->owner);
}

bool spin_lock_irqsave_at(struct spinlock *lock, const char *site)
{
	bool was_enabled = irq_save();
	spin_lock_at(lock, site);
	return was_enabled;
}

void spin_unlock_irqrestore(struct spinlock *lock, bool irq_was_enabled)
{
	spin_unlock(lock);
	irq_restore(irq_was_enabled);
}
