/*
 * Run queues and work stealing.
 *
 * Every worker has its own FIFO of READY green threads. A worker only
 * pushes to and pops from its own queue, so in the common case a queue's
 * lock is touched by one kernel thread and stays in its CPU's cache. A
 * worker whose queue is empty steals: it takes the front half of another
 * worker's queue (the threads that have waited longest), runs the first
 * and queues the rest on its own. Half, not one: a thief that took one
 * thread would be back stealing as soon as it ran it, and ten thousand
 * threads made on one worker would be spread one steal at a time.
 *
 * A thief never holds two queue locks at once: it unlinks the loot under
 * the victim's lock, drops it, then queues the loot under its own. So no
 * lock order is needed, and two workers stealing from each other cannot
 * deadlock.
 */
#include "internal.h"

void runqueue_init(struct runqueue *rq)
{
	rq->lock = (struct uthread_spinlock){0};
	list_init(&rq->threads);
	atomic_init(&rq->length, 0);
}

/* Queues t, which must be READY and on no list, at the back of rq.
 * Returns the queue's length after the push. */
int runqueue_push(struct runqueue *rq, struct uthread *t)
{
	UT_ASSERT(t->state == UT_READY && !list_node_linked(&t->link));
	spin_lock(&rq->lock);
	list_push_back(&rq->threads, &t->link);
	int length = atomic_load_explicit(&rq->length, memory_order_relaxed);
	atomic_store_explicit(&rq->length, length + 1, memory_order_relaxed);
	spin_unlock(&rq->lock);
	return length + 1;
}

/* Unlinks and returns the front of rq; NULL if rq is empty. */
struct uthread *runqueue_pop(struct runqueue *rq)
{
	if (atomic_load_explicit(&rq->length, memory_order_relaxed) == 0)
		return NULL; /* a hint only: checked again under the lock */
	struct uthread *t = NULL;
	spin_lock(&rq->lock);
	if (!list_empty(&rq->threads)) {
		t = list_entry(list_pop_front(&rq->threads), struct uthread,
			       link);
		atomic_fetch_sub_explicit(&rq->length, 1, memory_order_relaxed);
	}
	spin_unlock(&rq->lock);
	return t;
}

/*
 * Steals for `thief`, which must be the calling worker, from `victim`:
 * unlinks the front half (rounded up) of victim's queue, returns the first
 * of them for the thief to run and pushes the others onto the thief's own
 * queue, in order. Returns NULL, stealing nothing, if victim's queue is
 * empty. Counts the threads moved in thief->steals.
 */
struct uthread *runqueue_steal(struct worker *thief, struct worker *victim)
{
	/* LAB uthread: begin */
	UT_ASSERT(thief != victim);
	if (atomic_load_explicit(&victim->rq.length, memory_order_relaxed) == 0)
		return NULL;

	struct list loot;
	list_init(&loot);
	spin_lock(&victim->rq.lock);
	int length =
		atomic_load_explicit(&victim->rq.length, memory_order_relaxed);
	int take = (length + 1) / 2;
	for (int i = 0; i < take; i++)
		list_push_back(&loot, list_pop_front(&victim->rq.threads));
	atomic_store_explicit(&victim->rq.length, length - take,
			      memory_order_relaxed);
	spin_unlock(&victim->rq.lock);
	if (take == 0)
		return NULL;

	thief->steals += take;
	struct uthread *first =
		list_entry(list_pop_front(&loot), struct uthread, link);
	while (!list_empty(&loot)) {
		struct uthread *t =
			list_entry(list_pop_front(&loot), struct uthread, link);
		runqueue_push(&thief->rq, t);
	}
	return first;
	/* LAB uthread: end */
}
