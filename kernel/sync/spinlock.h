/*
 * Ticket spinlocks.
 *
 * A CPU takes a ticket (next++) and spins until the lock serves its number
 * (owner == ticket); unlock serves the next number (owner++). Waiters are
 * served in arrival order, so no CPU starves — unlike a test-and-set lock,
 * where the CPU that just released it often wins again.
 *
 * Holding a spinlock keeps interrupts off on the holder's CPU (they nest,
 * see irq_push_off): an interrupt handler that wanted the same lock would
 * otherwise spin forever on the CPU that holds it.
 *
 * Each lock records its holder's CPU and where it was taken (file:line).
 * Taking a lock this CPU already holds panics at once; spinning for longer
 * than spin_watchdog_ms panics with the holder's CPU and acquire site, so a
 * deadlock ends the run with a report instead of a hang.
 */
#ifndef SYNC_SPINLOCK_H
#define SYNC_SPINLOCK_H

#include <stdatomic.h>
#include <stdbool.h>

struct spinlock {
	atomic_uint next;  /* next ticket to hand out */
	atomic_uint owner; /* ticket being served */
	const char *name;  /* for reports */
	/* Valid while held; written by the holder: */
	int cpu;	  /* holder's CPU id, -1 when free */
	const char *site; /* where the holder took it */
};

#define SPINLOCK_INIT(n)                                                       \
	{                                                                      \
		.name = (n), .cpu = -1                                         \
	}

#define SPIN_STR2(x) #x
#define SPIN_STR(x) SPIN_STR2(x)
#define SPIN_SITE __FILE__ ":" SPIN_STR(__LINE__)

/* Panic after spinning this long on one lock (0: never). */
extern unsigned spin_watchdog_ms;

void spin_init(struct spinlock *lock, const char *name);
#define spin_lock(lock) spin_lock_at((lock), SPIN_SITE)
void spin_lock_at(struct spinlock *lock, const char *site);
void spin_unlock(struct spinlock *lock);
/* Does this CPU hold lock? */
bool spin_holding(struct spinlock *lock);
#define spin_assert_held(lock)                                                 \
	do {                                                                   \
		if (!spin_holding(lock))                                       \
			panic("%s: spinlock '%s' must be held here", __func__, \
			      (lock)->name);                                   \
	} while (0)

#endif
