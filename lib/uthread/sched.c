/*
 * The scheduler: workers, their loop, sleeping when idle, uthread_run.
 *
 * A worker is a kernel thread running a loop on its own stack:
 *
 *   for (;;) {
 *           t = worker_pick_next(w);         own queue, else steal, else
 *           if (!t) break;                   sleep; NULL: all green ended
 *           switch from the loop to t;       t runs until it switches back
 *           finish what t asked for;         requeue, unlock, or reap it
 *   }
 *
 * A green thread never switches straight to another green thread; it
 * always goes through its worker's loop (two switches where one would
 * do). That is what makes M:N safe. A yielding thread must not be on a run
 * queue while it is still running on its stack: another worker could
 * steal it and resume it from a context not yet saved. So the thread only
 * says what it wants (t->state, w->unlock) and switches to the loop; the
 * loop, running on its own stack once t's context is saved, does it.
 * Likewise an ended thread's stack is freed by the loop, which does not
 * run on it.
 *
 * Without __thread, a green thread finds its worker by its kernel thread:
 * worker_self() looks pthread_self() up in the table of workers. A green
 * thread can move to another worker at any switch, so the worker must be
 * looked up again after every switch, never kept across one.
 *
 * Idle workers sleep on idle_cond, so a runtime with nothing to do uses
 * no CPU. The lost wake-up is avoided the Dekker way: a worker going to
 * sleep first counts itself in `sleepers`, then looks at the queues once
 * more; a worker making work first queues it, then reads `sleepers`. Both
 * are sequentially consistent, so at least one of them sees the other.
 */
#include <string.h>

#include "internal.h"

struct runtime uthread_rt = {
	.idle_lock = PTHREAD_MUTEX_INITIALIZER,
	.idle_cond = PTHREAD_COND_INITIALIZER,
};

/*
 * The worker whose kernel thread calls it, or NULL. Not inline: its result
 * must be read afresh after a switch (glibc declares pthread_self const,
 * and a compiler may reuse one call's result for the next in a function).
 */
__attribute__((noinline)) struct worker *worker_self(void)
{
	pthread_t me = pthread_self();
	for (int i = 0; i < uthread_rt.nworkers; i++)
		if (pthread_equal(uthread_rt.worker[i].kthread, me))
			return &uthread_rt.worker[i];
	return NULL;
}

int uthread_worker_id(void)
{
	struct worker *w = worker_self();
	UT_ASSERT(w && w->current);
	return w->id;
}

/* Wakes one sleeping worker, if any: there is work it could steal. */
void worker_wake_idle(void)
{
	if (atomic_load(&uthread_rt.sleepers) == 0)
		return;
	pthread_mutex_lock(&uthread_rt.idle_lock);
	pthread_cond_signal(&uthread_rt.idle_cond);
	pthread_mutex_unlock(&uthread_rt.idle_lock);
}

/*
 * Queues t, READY, on w's queue; w is the caller's worker. Another worker
 * is woken only when w has more queued than it is about to run: called
 * from green code, w is busy and every queued thread is surplus; called
 * from w's loop, the loop will run one of them itself next.
 */
void worker_queue(struct worker *w, struct uthread *t)
{
	int queued = runqueue_push(&w->rq, t);
	if (queued > (w->current ? 0 : 1))
		worker_wake_idle();
}

/*
 * Makes t, parked, READY on w's queue: w is the caller's worker, so a
 * woken thread moves to its waker's worker. Called by green code (unlock,
 * send) or by a worker's loop (reaping a thread with a joiner).
 */
void make_ready(struct worker *w, struct uthread *t)
{
	UT_ASSERT(t->state == UT_BLOCKED);
	t->state = UT_READY;
	worker_queue(w, t);
}

/*
 * Parks the calling green thread, which runs on w and holds `guard`: it
 * leaves the CPU as BLOCKED, and its worker releases guard once it has
 * switched away. Whoever finds the thread on the wait list that guard
 * protects will make_ready it, and only then; since that needs guard, the
 * waker cannot run the thread before its context is saved. Returns when
 * the thread runs again, without guard.
 */
void park(struct worker *w, struct uthread_spinlock *guard)
{
	struct uthread *self = w->current;
	self->state = UT_BLOCKED;
	w->unlock = guard;
	uthread_switch(&self->ctx, &w->sched_ctx);
}

/* Is there a READY thread on any queue? */
static bool any_work(void)
{
	for (int i = 0; i < uthread_rt.nworkers; i++)
		if (atomic_load(&uthread_rt.worker[i].rq.length) > 0)
			return true;
	return false;
}

/*
 * Sleeps until there may be work or the runtime is stopping. Returns
 * false if it is stopping. Every green thread blocked and no worker
 * running one is a deadlock: nothing could ever wake them, so it says so
 * and aborts instead of sleeping forever.
 */
static bool worker_idle(struct worker *w)
{
	(void)w;
	pthread_mutex_lock(&uthread_rt.idle_lock);
	bool running = !uthread_rt.stopping;
	if (running) {
		int sleepers = atomic_fetch_add(&uthread_rt.sleepers, 1) + 1;
		if (!any_work()) {
			if (sleepers == uthread_rt.nworkers) {
				fprintf(stderr,
					"uthread: deadlock: %ld green "
					"threads, all blocked\n",
					atomic_load(&uthread_rt.live));
				abort();
			}
			pthread_cond_wait(&uthread_rt.idle_cond,
					  &uthread_rt.idle_lock);
		}
		atomic_fetch_sub(&uthread_rt.sleepers, 1);
	}
	pthread_mutex_unlock(&uthread_rt.idle_lock);
	return running;
}

/*
 * The scheduler's choice for w, the calling worker: the front of its own
 * queue; if that is empty, stolen work from the others, tried in turn
 * from w's right-hand neighbour; if there is none anywhere, sleep and look
 * again. Returns NULL only when every green thread has ended.
 */
static struct uthread *worker_pick_next(struct worker *w)
{
	for (;;) {
		struct uthread *t = runqueue_pop(&w->rq);
		if (t)
			return t;
		for (int i = 1; i < uthread_rt.nworkers; i++) {
			/* LAB uthread: begin */
			int victim = (w->id + i) % uthread_rt.nworkers;
			t = runqueue_steal(w, &uthread_rt.worker[victim]);
			if (t)
				return t;
			/* LAB uthread: end */
		}
		if (!worker_idle(w))
			return NULL;
	}
}

/* The last thread ended: wakes every worker to leave its loop. */
static void runtime_stop(void)
{
	pthread_mutex_lock(&uthread_rt.idle_lock);
	uthread_rt.stopping = true;
	pthread_cond_broadcast(&uthread_rt.idle_cond);
	pthread_mutex_unlock(&uthread_rt.idle_lock);
}

/*
 * A worker's loop (the picture at the top): runs green threads until all
 * have ended. The caller must be w's kernel thread.
 */
void worker_run(struct worker *w)
{
	struct uthread *t;
	while ((t = worker_pick_next(w)) != NULL) {
		UT_ASSERT(t->magic == UTHREAD_MAGIC && t->state == UT_READY);
		t->state = UT_RUNNING;
		w->current = t;
		w->switches++;
		uthread_switch(&w->sched_ctx, &t->ctx);
		w->current = NULL;

		switch (t->state) {
		case UT_RUNNING: /* uthread_yield */
			t->state = UT_READY;
			worker_queue(w, t);
			break;
		case UT_BLOCKED: /* park */
			spin_unlock(w->unlock);
			w->unlock = NULL;
			break;
		case UT_EXITED:
			thread_reap(w, t);
			if (atomic_fetch_sub(&uthread_rt.live, 1) == 1)
				runtime_stop();
			break;
		default:
			UT_ASSERT(!"a thread switched away while READY");
		}
	}
}

static void *worker_thread(void *arg)
{
	worker_run(arg);
	return NULL;
}

int uthread_run(int workers, void (*main_fn)(void *), void *arg,
		struct uthread_stats *stats)
{
	UT_ASSERT(workers >= 1 && workers <= MAX_WORKERS);
	UT_ASSERT(uthread_rt.nworkers == 0); /* one runtime at a time */
	for (int i = 0; i < workers; i++) {
		struct worker *w = &uthread_rt.worker[i];
		memset(w, 0, sizeof(*w));
		w->id = i;
		runqueue_init(&w->rq);
	}
	atomic_store(&uthread_rt.live, 0);
	atomic_store(&uthread_rt.created, 0);
	atomic_store(&uthread_rt.sleepers, 0);
	uthread_rt.stopping = false;

	/* Every worker is in the table before any green code can look:
	 * green code starts only when main_thread is queued, below. */
	uthread_rt.nworkers = workers;
	uthread_rt.worker[0].kthread = pthread_self();
	int started = 1;
	for (; started < workers; started++)
		if (pthread_create(&uthread_rt.worker[started].kthread, NULL,
				   worker_thread,
				   &uthread_rt.worker[started]) != 0)
			break;

	struct uthread *main_thread =
		started == workers ? thread_new(main_fn, arg) : NULL;
	if (main_thread) {
		main_thread->detached = true;
		runqueue_push(&uthread_rt.worker[0].rq, main_thread);
	} else {
		runtime_stop(); /* the workers that did start leave at once */
	}
	worker_run(&uthread_rt.worker[0]);
	for (int i = 1; i < started; i++)
		pthread_join(uthread_rt.worker[i].kthread, NULL);

	if (stats) {
		memset(stats, 0, sizeof(*stats));
		stats->threads = atomic_load(&uthread_rt.created);
		for (int i = 0; i < started; i++) {
			stats->switches += uthread_rt.worker[i].switches;
			stats->steals += uthread_rt.worker[i].steals;
		}
	}
	stack_cache_drain();
	uthread_rt.nworkers = 0;
	return main_thread ? 0 : -1;
}
