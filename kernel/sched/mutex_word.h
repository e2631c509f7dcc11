/*
 * The sleeping mutex's lock word: the part of mutex.c that decides who
 * owns the mutex and whether an unlock must wake a sleeper. It is kept
 * apart, with nothing but atomics, so that user/test_mutex_word.c can run
 * exactly this code on two host CPUs a few hundred thousand times and
 * count lost wake-ups (real hardware reorders more than QEMU does).
 *
 * One word, three states, the protocol of Drepper's "Futexes Are Tricky"
 * (lib/pthread/mutex.c uses the same idea on a futex word):
 *
 *   MUTEX_FREE       nobody holds it
 *   MUTEX_HELD       held, nobody waiting: unlock wakes nobody
 *   MUTEX_CONTENDED  held, maybe waiters: unlock wakes one
 *
 * Why one word. The first version kept `owner` and a separate `waiters`
 * count: unlock stored owner = NULL (release) and then loaded waiters;
 * lock incremented waiters and then tried owner. That is the store-buffer
 * pattern: neither C11 release/acquire nor x86-TSO keeps a store ahead of
 * a later load of ANOTHER location, so unlock could read waiters == 0
 * while the locker, its last try still seeing the old owner, went to
 * sleep -- a lost wake-up. Here the locker's "I am waiting" and unlock's
 * "it is free" are exchanges of the SAME word: one of the two comes first
 * in that word's order of modifications and the other reads what it
 * wrote, so either unlock sees MUTEX_CONTENDED and wakes, or the waiter
 * sees MUTEX_FREE and owns it. No reordering of two locations is involved.
 */
#ifndef SCHED_MUTEX_WORD_H
#define SCHED_MUTEX_WORD_H

#include <stdatomic.h>
#include <stdbool.h>

enum { MUTEX_FREE, MUTEX_HELD, MUTEX_CONTENDED };

struct mutex_word {
	atomic_int state; /* MUTEX_FREE, _HELD or _CONTENDED */
};

static inline void mutex_word_init(struct mutex_word *w)
{
	atomic_init(&w->state, MUTEX_FREE);
}

/* FREE -> HELD if it is free; acquire: the last holder's writes are seen. */
static inline bool mutex_word_take_if_free(struct mutex_word *w)
{
	int expected = MUTEX_FREE;
	return atomic_compare_exchange_strong_explicit(
		&w->state, &expected, MUTEX_HELD, memory_order_acquire,
		memory_order_relaxed);
}

/* Is it free now? (A hint for spinning: take_if_free decides.) */
static inline bool mutex_word_looks_free(struct mutex_word *w)
{
	return atomic_load_explicit(&w->state, memory_order_relaxed) ==
	       MUTEX_FREE;
}

/*
 * mutex_word_wait_or_take - a locker about to sleep says so.
 * Returns true if the word was free and is now the caller's (it must not
 * sleep), false if someone holds it and will see MUTEX_CONTENDED when it
 * unlocks (the caller may sleep: it will be woken). Sequentially
 * consistent (acq_rel would do): the unlocker that reads MUTEX_CONTENDED
 * must also see what the caller did before, such as joining a wait queue.
 */
static inline bool mutex_word_wait_or_take(struct mutex_word *w)
{
	return atomic_exchange(&w->state, MUTEX_CONTENDED) == MUTEX_FREE;
}

/*
 * mutex_word_release - the holder frees the word.
 * Returns true if a locker may be asleep and one must be woken. The one
 * exchange both frees the word and reads whether anyone announced itself.
 */
static inline bool mutex_word_release(struct mutex_word *w)
{
	return atomic_exchange(&w->state, MUTEX_FREE) == MUTEX_CONTENDED;
}

#endif
