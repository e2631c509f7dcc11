/*
 * The green mutex: a contended lock parks the green thread, not the kernel
 * thread.
 *
 * A pthread mutex sleeps in the kernel (futex) when contended: the kernel
 * thread stops, and every green thread queued on that worker stops with
 * it. On M:1 that is a deadlock as soon as the holder is one of them. So
 * a green mutex keeps its own wait list of green threads: lock puts the
 * caller there and parks it, and its worker goes on to run another green
 * thread; unlock takes the first waiter off and makes it READY.
 *
 * Unlock hands the mutex over: `locked` stays true, and the waiter, when
 * it runs, returns from lock already holding it. Nobody can barge in
 * between, so waiters get it in FIFO order, and a waiter never wakes to
 * find the mutex taken again (which would mean a loop, and starvation).
 *
 * `guard` makes the check-then-park atomic. Without it, unlock could run
 * between lock's "it is held" and its "add me to waiters", find nobody,
 * and the waiter would sleep forever: the lost wake-up. Parking releases
 * guard only after the switch away (park, sched.c).
 */
#include "internal.h"

void uthread_mutex_init(struct uthread_mutex *m)
{
	m->guard = (struct uthread_spinlock){0};
	m->locked = false;
	list_init(&m->waiters);
}

/*
 * Returns with the caller, a green thread, holding m. If another holds it,
 * queues the caller at the back of m->waiters and parks it; the worker
 * runs other green threads meanwhile. The unlock that wakes the caller
 * has already made it the holder.
 */
void uthread_mutex_lock(struct uthread_mutex *m)
{
	struct worker *w = worker_self();
	UT_ASSERT(w && w->current);
	spin_lock(&m->guard);
	if (!m->locked) {
		m->locked = true;
		spin_unlock(&m->guard);
		return;
	}
	list_push_back(&m->waiters, &w->current->link);
	park(w, &m->guard);
}

/*
 * The caller must hold m. If a green thread waits, hands m to the first
 * one and makes it READY on the caller's worker; else unlocks m. The
 * caller keeps running either way.
 */
void uthread_mutex_unlock(struct uthread_mutex *m)
{
	struct worker *w = worker_self();
	UT_ASSERT(w && w->current);
	spin_lock(&m->guard);
	UT_ASSERT(m->locked);
	struct list_node *first = list_pop_front(&m->waiters);
	if (!first)
		m->locked = false;
	spin_unlock(&m->guard);
	if (first)
		make_ready(w, list_entry(first, struct uthread, link));
}
