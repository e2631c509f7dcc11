/*
 * Reader-writer locks: many readers or one writer, writers first.
 *
 * A mutex guards the counts, and two condition variables are where
 * readers and writers wait:
 *
 *   rdlock: wait while a writer holds it OR a writer is waiting
 *   wrlock: wait while a writer or any reader holds it
 *   unlock: a waiting writer is woken first; readers only when no writer
 *           waits
 *
 * "OR a writer is waiting" is what keeps a stream of readers from
 * starving a writer: once a writer queues, new readers queue behind it.
 * (glibc prefers readers by default; POSIX leaves the choice open.)
 */
#include <errno.h>

#include "internal.h"

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr)
{
	(void)attr;
	*rw = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	return rw->readers || rw->writer ? EBUSY : 0;
}

static int rdlock(pthread_rwlock_t *rw, int try)
{
	int r = 0;
	pthread_mutex_lock(&rw->lock);
	if (rw->writer == self_tid()) {
		r = EDEADLK;
	} else if (try && (rw->writer || rw->writers_waiting)) {
		r = EBUSY;
	} else {
		while (rw->writer || rw->writers_waiting)
			cond_wait_uncancellable(&rw->readers_go, &rw->lock);
		rw->readers++;
	}
	pthread_mutex_unlock(&rw->lock);
	return r;
}

/*
 * pthread_rwlock_rdlock - share the lock with other readers.
 * Contract: returns 0 once no writer holds the lock or waits for it;
 * EDEADLK if the caller holds it for writing.
 */
int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 0);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	return rdlock(rw, 1);
}

static int wrlock(pthread_rwlock_t *rw, int try)
{
	int r = 0;
	pthread_mutex_lock(&rw->lock);
	if (rw->writer == self_tid()) {
		r = EDEADLK;
	} else if (try && (rw->writer || rw->readers)) {
		r = EBUSY;
	} else {
		rw->writers_waiting++;
		while (rw->writer || rw->readers)
			cond_wait_uncancellable(&rw->writers_go, &rw->lock);
		rw->writers_waiting--;
		rw->writer = self_tid();
	}
	pthread_mutex_unlock(&rw->lock);
	return r;
}

/*
 * pthread_rwlock_wrlock - hold the lock alone.
 * Contract: returns 0 once no reader or writer holds it; from the moment
 * the caller waits, new readers wait too. EDEADLK if the caller already
 * holds it for writing.
 */
int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, 0);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	return wrlock(rw, 1);
}

/*
 * pthread_rwlock_unlock - release a read or write hold.
 * Contract: the last reader out, or the writer, wakes one waiting writer
 * if there is one, else every waiting reader. EPERM if the lock is not
 * held at all.
 */
int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	int r = 0;
	pthread_mutex_lock(&rw->lock);
	if (rw->writer)
		rw->writer = 0;
	else if (rw->readers)
		rw->readers--;
	else
		r = EPERM;
	if (!r && !rw->readers) {
		if (rw->writers_waiting)
			pthread_cond_signal(&rw->writers_go);
		else
			pthread_cond_broadcast(&rw->readers_go);
	}
	pthread_mutex_unlock(&rw->lock);
	return r;
}
