/*
 * A thread pool with futures: a fixed set of worker threads takes tasks
 * from one FIFO queue; each task's result comes back through a future.
 * The shape of Python's concurrent.futures.ThreadPoolExecutor or Java's
 * ExecutorService, in C. docs/tpool.md tells how it works and why.
 *
 *   static long square(void *arg, int *error)
 *   {
 *           long x = (long)arg;
 *           if (x < 0)
 *                   *error = ERANGE;   <- future_wait returns ERANGE
 *           return x * x;
 *   }
 *
 *   struct tpool *pool = tpool_create(4);
 *   struct future *f = tpool_submit(pool, square, (void *)7L);
 *   long value;
 *   if (future_wait(f, &value) == 0)
 *           printf("%ld\n", value);      <- 49
 *   future_free(f);
 *   tpool_shutdown(pool);
 *
 * The pool and every future may be used from any thread. A future
 * belongs to whoever submitted the task: the pool never frees one, and a
 * future outlives the pool (it may be waited on after tpool_shutdown).
 *
 * lib/tpool/ppool.h is a pool of worker processes with the same futures;
 * struct executor below lets code (lib/evloop) take either kind of pool.
 */
#ifndef TPOOL_TPOOL_H
#define TPOOL_TPOOL_H

/*
 * A task: computes a value from arg. To report a failure it stores a
 * nonzero code (an errno value, say) in *error, which starts at 0; the
 * code is what future_wait returns.
 */
typedef long tpool_task_fn(void *arg, int *error);

struct tpool;
struct future;

/*
 * Starts a pool of `threads` worker threads (at least 1) that sleep until
 * there is work. Returns NULL if threads < 1 or if memory or a thread
 * could not be had; then nothing is left running.
 */
struct tpool *tpool_create(int threads);

/*
 * Queues fn(arg) to run on one of the pool's workers, after every task
 * submitted before it has been taken, and returns its future. Returns
 * NULL, and runs nothing, if the pool is shutting down (tpool_shutdown
 * has begun: a task that submits while the pool drains is refused) or if
 * there is no memory. The caller must future_free the future.
 */
struct future *tpool_submit(struct tpool *pool, tpool_task_fn *fn, void *arg);

/*
 * Sleeps until f's task has run. Stores what the task returned in *value
 * (if value is not NULL) and returns the task's failure code: 0 if it
 * succeeded. May be called again, and by several threads at once.
 */
int future_wait(struct future *f, long *value);

/*
 * future_wait on each of futures[0..n-1], storing each value in
 * values[i] (if values is not NULL). Returns 0 if every task succeeded,
 * else the failure code of the first failed one (lowest i); it always
 * waits for all n.
 */
int future_wait_all(struct future *const *futures, int n, long *values);

/*
 * Waits for f's task if it has not run yet, then frees f. No other
 * thread may be waiting on f, or use it afterwards. f may be NULL.
 */
void future_free(struct future *f);

/* What future_on_done calls once f's task has run. */
typedef void future_done_fn(struct future *f, void *arg);

/*
 * Has fn(f, arg) called once, when f's task is done: by the thread that
 * completes f (a pool's worker), just after future_wait would return, or
 * at once by the caller if f is done already. Lets a thread that must
 * not block (an event loop) learn of the completion. One callback per
 * future. fn must be short and must not free f; future_free waits until
 * fn has returned, so whoever frees f after fn told it so is safe.
 */
void future_on_done(struct future *f, future_done_fn *fn, void *arg);

/*
 * Any pool, seen by code that only submits: submit(pool, fn, arg) acts
 * as tpool_submit or ppool_submit does. Made by tpool_executor and
 * ppool_executor; valid while the pool is.
 */
struct executor {
	struct future *(*submit)(void *pool, tpool_task_fn *fn, void *arg);
	void *pool;
};

struct executor tpool_executor(struct tpool *pool);

/*
 * Shuts the pool down cleanly: refuses new tasks from now on, lets the
 * workers run every task already queued, joins every worker and frees
 * the pool. Futures stay valid. Must be called once, and not from a task
 * (a worker cannot join itself); `pool` is gone when it returns.
 */
void tpool_shutdown(struct tpool *pool);

#endif
