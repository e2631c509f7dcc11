/*
 * The thread pool (tpool.h): a FIFO queue of futures, one mutex and one
 * condition variable guarding it, and N workers that loop forever:
 *
 *   tpool_submit ---> [ f5 | f4 | f3 ] ---> worker 0: runs f2
 *   (signals           pool->head ... tail   worker 1: runs f1
 *    work_ready)                             worker 2: asleep on work_ready
 *
 *   worker: lock; while (queue empty && !closing) wait(work_ready);
 *           pop; unlock; run the task; publish the result in the future
 *
 * A future is both the queue node and the result: one allocation per
 * task. While queued it belongs to the pool (pool->lock); once popped, to
 * the worker running it; from then on its result fields are guarded by
 * its own lock, so a future does not need the pool to exist.
 *
 * Two waits, each in a loop around its predicate under its mutex, so a
 * wake-up can never be lost: a submit that comes between a worker's check
 * and its sleep must first take pool->lock, which the worker releases
 * only inside pthread_cond_wait, by which time it is on the queue of
 * sleepers the signal wakes. Likewise for done_changed.
 *
 * Shutdown sets `closing` under the lock and broadcasts: every worker
 * wakes, drains the queue, and exits when the queue is empty and closing
 * is set. Because submit refuses work once closing is set, "empty and
 * closing" stays true, so no task is left queued when the last worker
 * exits and tpool_shutdown's joins return.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "tpool/tpool.h"

/* Stops the program with a report if an invariant does not hold. */
#define TPOOL_ASSERT(cond)                                                     \
	do {                                                                   \
		if (!(cond))                                                   \
			assert_failed(#cond, __FILE__, __LINE__, __func__);    \
	} while (0)

/* A live future's magic; future_free scrubs it, so a use after free or a
 * wild pointer is caught by the first assertion rather than by a hang. */
#define FUTURE_MAGIC 0x66757475726521UL

enum future_state {
	FUTURE_QUEUED,	/* on pool->queue */
	FUTURE_RUNNING, /* popped by a worker, task running */
	FUTURE_DONE,	/* value and error are final */
};

struct future {
	unsigned long magic;
	/* Set once by tpool_submit, read by the worker that pops it. */
	tpool_task_fn *fn;
	void *arg;
	/* pool->lock must be held when using this: */
	struct future *next; /* the queue's link, while queued */
	/* lock must be held when using these: */
	pthread_mutex_t lock;
	pthread_cond_t done_changed; /* broadcast when state becomes DONE,
					and when on_done has returned */
	enum future_state state;
	long value;
	int error;
	future_done_fn *on_done; /* called once when DONE, then cleared */
	void *on_done_arg;
	bool on_done_running; /* the completing thread is inside on_done */
};

struct tpool {
	int nr_threads;
	pthread_t *threads; /* written by tpool_create only */
	/* lock must be held when using these: */
	pthread_mutex_t lock;
	pthread_cond_t work_ready;  /* signalled when head or closing changes */
	struct future *head, *tail; /* FIFO: pop at head, push at tail */
	bool closing;		    /* tpool_shutdown has begun */
};

static _Noreturn void assert_failed(const char *cond, const char *file,
				    int line, const char *func)
{
	fprintf(stderr, "%s:%d: %s: assertion failed: %s\n", file, line, func,
		cond);
	abort();
}

/* Takes the oldest task off the queue; NULL if it is empty. The caller
 * must hold pool->lock. */
static struct future *queue_pop(struct tpool *pool)
{
	struct future *f = pool->head;
	if (f) {
		pool->head = f->next;
		if (!pool->head)
			pool->tail = NULL;
		f->next = NULL;
	}
	return f;
}

/* Appends f to the queue. The caller must hold pool->lock. */
static void queue_push(struct tpool *pool, struct future *f)
{
	f->next = NULL;
	if (pool->tail)
		pool->tail->next = f;
	else
		pool->head = f;
	pool->tail = f;
}

/*
 * Runs f's task, which the calling worker has just popped, without any
 * lock held (a task may take seconds, or submit more tasks), then
 * publishes the result and wakes every thread in future_wait.
 */
static void run_task(struct future *f)
{
	TPOOL_ASSERT(f->magic == FUTURE_MAGIC);
	pthread_mutex_lock(&f->lock);
	TPOOL_ASSERT(f->state == FUTURE_QUEUED);
	f->state = FUTURE_RUNNING;
	pthread_mutex_unlock(&f->lock);

	int error = 0;
	long value = f->fn(f->arg, &error);

	pthread_mutex_lock(&f->lock);
	f->value = value;
	f->error = error;
	f->state = FUTURE_DONE;
	future_done_fn *on_done = f->on_done;
	f->on_done = NULL;
	f->on_done_running = on_done != NULL;
	pthread_cond_broadcast(&f->done_changed);
	pthread_mutex_unlock(&f->lock);
	if (!on_done)
		return;
	/* Without the lock: the callback may take other locks, or call
	 * future_wait on f (which returns at once now). */
	on_done(f, f->on_done_arg);
	pthread_mutex_lock(&f->lock);
	f->on_done_running = false;
	pthread_cond_broadcast(&f->done_changed);
	pthread_mutex_unlock(&f->lock);
}

/*
 * A worker's whole life: sleep on work_ready while there is nothing to
 * do, take the oldest task, run it with the lock dropped, repeat; return
 * (ending the thread) once the pool is closing and the queue is empty.
 * pool->lock is held at the top of each iteration.
 */
static void *worker_loop(void *arg)
{
	struct tpool *pool = arg;
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (!pool->head && !pool->closing)
			pthread_cond_wait(&pool->work_ready, &pool->lock);
		struct future *f = queue_pop(pool);
		if (!f)
			break; /* closing, and nothing left to run */
		pthread_mutex_unlock(&pool->lock);
		run_task(f);
		pthread_mutex_lock(&pool->lock);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

struct tpool *tpool_create(int threads)
{
	if (threads < 1)
		return NULL;
	struct tpool *pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->threads = calloc((size_t)threads, sizeof(pthread_t));
	if (!pool->threads) {
		free(pool);
		return NULL;
	}
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->work_ready, NULL);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&pool->threads[i], NULL, worker_loop,
				   pool)) {
			/* Nothing is queued: shutting down joins the i made. */
			pool->nr_threads = i;
			tpool_shutdown(pool);
			return NULL;
		}
	}
	pool->nr_threads = threads;
	return pool;
}

/*
 * Makes a future for fn(arg), queues it and wakes one sleeping worker
 * (one is enough: there is one more task). Refuses, returning NULL,
 * once shutdown has begun, so that no task can be queued after the
 * workers have decided to exit.
 */
struct future *tpool_submit(struct tpool *pool, tpool_task_fn *fn, void *arg)
{
	TPOOL_ASSERT(pool && fn);
	struct future *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->magic = FUTURE_MAGIC;
	f->fn = fn;
	f->arg = arg;
	f->state = FUTURE_QUEUED;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->done_changed, NULL);

	pthread_mutex_lock(&pool->lock);
	if (pool->closing) {
		pthread_mutex_unlock(&pool->lock);
		f->magic = 0;
		free(f);
		return NULL;
	}
	queue_push(pool, f);
	pthread_cond_signal(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);
	return f;
}

/*
 * Sleeps on f->done_changed until the worker running f's task marks it
 * DONE; then value and error are final, so they are read under the lock
 * once and returned. Several waiters are fine: run_task broadcasts.
 */
int future_wait(struct future *f, long *value)
{
	TPOOL_ASSERT(f && f->magic == FUTURE_MAGIC);
	pthread_mutex_lock(&f->lock);
	while (f->state != FUTURE_DONE)
		pthread_cond_wait(&f->done_changed, &f->lock);
	if (value)
		*value = f->value;
	int error = f->error;
	pthread_mutex_unlock(&f->lock);
	return error;
}

int future_wait_all(struct future *const *futures, int n, long *values)
{
	int first_error = 0;
	for (int i = 0; i < n; i++) {
		int error = future_wait(futures[i], values ? &values[i] : NULL);
		if (error && !first_error)
			first_error = error;
	}
	return first_error;
}

/*
 * Either stores the callback for run_task to call, or, if f is DONE
 * already, calls it here. Deciding under f->lock is what makes "once"
 * true: run_task reads on_done in the same critical section that sets
 * DONE, so exactly one of the two sees it.
 */
void future_on_done(struct future *f, future_done_fn *fn, void *arg)
{
	TPOOL_ASSERT(f && f->magic == FUTURE_MAGIC && fn);
	pthread_mutex_lock(&f->lock);
	TPOOL_ASSERT(!f->on_done && !f->on_done_running);
	bool done = f->state == FUTURE_DONE;
	if (!done) {
		f->on_done = fn;
		f->on_done_arg = arg;
	}
	pthread_mutex_unlock(&f->lock);
	if (done)
		fn(f, arg);
}

/* Waits until f is DONE and no thread is inside its on_done callback,
 * which may still use f's memory, then frees it. */
void future_free(struct future *f)
{
	if (!f)
		return;
	TPOOL_ASSERT(f->magic == FUTURE_MAGIC);
	pthread_mutex_lock(&f->lock);
	while (f->state != FUTURE_DONE || f->on_done_running)
		pthread_cond_wait(&f->done_changed, &f->lock);
	pthread_mutex_unlock(&f->lock);
	pthread_cond_destroy(&f->done_changed);
	pthread_mutex_destroy(&f->lock);
	f->magic = 0;
	free(f);
}

static struct future *submit_to_tpool(void *pool, tpool_task_fn *fn, void *arg)
{
	return tpool_submit(pool, fn, arg);
}

struct executor tpool_executor(struct tpool *pool)
{
	return (struct executor){.submit = submit_to_tpool, .pool = pool};
}

void tpool_shutdown(struct tpool *pool)
{
	TPOOL_ASSERT(pool);
	pthread_mutex_lock(&pool->lock);
	TPOOL_ASSERT(!pool->closing);
	for (int i = 0; i < pool->nr_threads; i++)
		TPOOL_ASSERT(!pthread_equal(pool->threads[i], pthread_self()));
	pool->closing = true;
	pthread_cond_broadcast(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);

	for (int i = 0; i < pool->nr_threads; i++)
		pthread_join(pool->threads[i], NULL);
	TPOOL_ASSERT(!pool->head && !pool->tail);
	pthread_cond_destroy(&pool->work_ready);
	pthread_mutex_destroy(&pool->lock);
	free(pool->threads);
	free(pool);
}
