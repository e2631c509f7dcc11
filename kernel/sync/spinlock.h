/*
 * Ticket spinlocks.
 *
 * A CPU takes a ticket (next++) and spins until the lock serves its number
 * (owner == ticket); unlock serves the next number (owner++). Waiters are
 * served in arrival order, so no CPU starves — unlike a test-and-set lock,
 * where the CPU that just released often wins again.
 *
 * Each lock records where it was taken (file:line), so a report about a
 * stuck lock says who holds it.
 */
#ifndef SYNC_SPINLOCK_H
#define SYNC_SPINLOCK_H

#include <stdatomic.h>
#include <stdbool.h>

struct spinlock {
	atomic_uint next;  /* next ticket to hand out */
	atomic_uint owner; /* ticket being served */
	const char *name;  /* for reports */
	const char *site;  /* where the holder took it; valid while held */
};

#define SPINLOCK_INIT(n)                                                       \
	{                                                                      \
		.next = 0, .owner = 0, .name = (n), .site = 0                  \
	}

#define SPIN_STR2(x) #x
#define SPIN_STR(x) SPIN_STR2(x)
#define SPIN_SITE __FILE__ ":" SPIN_STR(__LINE__)

void spin_init(struct spinlock *lock, const char *name);
void spin_lock_at(struct spinlock *lock, const char *site);
void spin_unlock(struct spinlock *lock);
bool spin_is_locked(struct spinlock *lock);

/* Takes the lock; the caller must already have interrupts off, or the lock
 * must never be taken by an interrupt handler. */
#define spin_lock(lock) spin_lock_at((lock), SPIN_SITE)

/* Disables interrupts, takes the lock; returns the old interrupt state. */
#define spin_lock_irqsave(lock) spin_lock_irqsave_at((lock), SPIN_SITE)
bool spin_lock_irqsave_at(struct spinlock *lock, const char *site);
void spin_unlock_irqrestore(struct spinlock *lock, bool irq_was_enabled);

#endif
