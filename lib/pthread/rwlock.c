/*
 * Reader-writer locks: many readers or one writer, writers first.
 *
 * One word says who holds the lock, and two sequence numbers are where
 * readers and writers sleep (futexes, as in a condition variable):
 *
 *   state:   WRITER bit | number of readers holding it
 *   writers_waiting: writers queued; while any is, new readers wait
 *   rseq, wseq:      bumped (then FUTEX_WAKE) when readers or a writer
 *                    may go on
 *
 *   rdlock: no writer holds it and none waits -> state + 1 (compare and
 *           swap), else sleep on rseq
 *   wrlock: writers_waiting + 1; state 0 -> WRITER, else sleep on wseq
 *   unlock: the writer, or the last reader, lets a waiting writer go
 *           (wseq, wake one); with no writer waiting, all the readers
 *           (rseq, wake all)
 *
 * A sleeper reads the sequence number, then checks the state again, then
 * sleeps only if the number is unchanged: an unlock that changed the
 * state after that check also changes the number, so no wake-up is lost
 * (the argument of cond.c).
 *
 * Readers take it with one atomic operation each: 10,000 readers let go
 * by one writer all walk in, where a lock made of a mutex and condition
 * variables had them queue on the mutex, one wake-up at a time.
 *
 * "Or one waits" is what keeps a stream of readers from starving a
 * writer. (glibc prefers readers by default; POSIX leaves the choice
 * open.) Not cancellation points; no timed forms, no process-shared locks.
 */
#include <errno.h>
#include <limits.h>

#include "internal.h"

#define WRITER 0x80000000u

static uint32_t load(uint32_t *w)
{
	return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}

static int cas(uint32_t *w, uint32_t old, uint32_t new)
{
	return __atomic_compare_exchange_n(w, &old, new, 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

/* Bumps seq and wakes n of its sleepers. */
static void wake(uint32_t *seq, int n)
{
	__atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
	futex_wake_word(seq, n);
}

/* Sleeps on seq unless may_go(rw) is true after seq was read. */
static void sleep_unless(pthread_rwlock_t *rw, uint32_t *seq,
			 int (*may_go)(pthread_rwlock_t *))
{
	uint32_t seen = load(seq);
	if (!may_go(rw))
		futex_wait_word(seq, seen);
}

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
	(void)attr;
	*rw = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	return load(&rw->state) || load(&rw->writers_waiting) ? EBUSY : 0;
}

static int reader_may_go(pthread_rwlock_t *rw)
{
	return !(load(&rw->state) & WRITER) && !load(&rw->writers_waiting);
}

static int rdlock(pthread_rwlock_t *rw, int try)
{
	if (load(&rw->state) & WRITER && rw->writer == self_tid())
		return EDEADLK;
	for (;;) {
		uint32_t s = load(&rw->state);
		if (!(s & WRITER) && !load(&rw->writers_waiting)) {
			if (cas(&rw->state, s, s + 1))
				return 0;
			continue;
		}
		if (try)
			return EBUSY;
		sleep_unless(rw, &rw->rseq, reader_may_go);
	}
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 0);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 1);
}

static int writer_may_go(pthread_rwlock_t *rw)
{
	return load(&rw->state) == 0;
}

int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	if (load(&rw->state) & WRITER && rw->writer == self_tid())
		return EDEADLK;
	__atomic_fetch_add(&rw->writers_waiting, 1, __ATOMIC_SEQ_CST);
	while (!cas(&rw->state, 0, WRITER))
		sleep_unless(rw, &rw->wseq, writer_may_go);
	__atomic_fetch_sub(&rw->writers_waiting, 1, __ATOMIC_SEQ_CST);
	rw->writer = self_tid();
	return 0;
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	if (load(&rw->state) & WRITER && rw->writer == self_tid())
		return EDEADLK;
	if (!cas(&rw->state, 0, WRITER))
		return EBUSY;
	rw->writer = self_tid();
	return 0;
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	uint32_t s = load(&rw->state);
	if (s & WRITER) {
		if (rw->writer != self_tid())
			return EPERM;
		rw->writer = 0;
		__atomic_store_n(&rw->state, 0, __ATOMIC_SEQ_CST);
	} else if (s) {
		if (__atomic_sub_fetch(&rw->state, 1, __ATOMIC_SEQ_CST))
			return 0; /* other readers still hold it */
	} else {
		return EPERM;
	}
	if (load(&rw->writers_waiting))
		wake(&rw->wseq, 1);
	else
		wake(&rw->rseq, INT_MAX);
	return 0;
}
