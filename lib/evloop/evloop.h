/*
 * An event loop: one thread runs callbacks, timers and file-descriptor
 * watches, and hands blocking work to a pool, learning of the result
 * without ever blocking on it. The shape of Python's asyncio loop
 * (call_soon, call_later, add_reader, run_in_executor), in C, on poll
 * and one eventfd. docs/tpool.md tells how it works and why.
 *
 *   static void tick(struct loop *loop, void *arg) { puts("tick"); }
 *   static void print_result(struct loop *loop, struct loop_future *lf,
 *                            void *arg)
 *   {
 *           long value;
 *           if (loop_future_result(lf, &value) == 0)
 *                   printf("%ld\n", value);
 *   }
 *
 *   struct loop *loop = loop_create();
 *   loop_call_every(loop, 100, tick, NULL);          <- every 100 ms
 *   struct loop_future *lf =
 *           loop_run_in_executor(loop, NULL, slow_read, NULL);
 *   loop_future_add_done_callback(lf, print_result, NULL);
 *   loop_run_until_complete(loop, lf, NULL);   <- ticks while it runs
 *   loop_future_free(lf);
 *   loop_close(loop);
 *
 * Everything here is for the loop's own thread (the one that runs it),
 * except loop_call_soon and loop_stop, which any thread may call: they
 * wake the loop through its eventfd. Callbacks run one at a time on the
 * loop thread; one that blocks stops the whole loop, which is what
 * loop_run_in_executor is for.
 */
#ifndef EVLOOP_EVLOOP_H
#define EVLOOP_EVLOOP_H

#include <stdbool.h>

#include "tpool/tpool.h"

struct loop;
struct loop_timer;
struct loop_future;

typedef void loop_callback_fn(struct loop *loop, void *arg);
/* revents: what poll reported for fd (POLLIN, POLLOUT, POLLHUP...). */
typedef void loop_fd_fn(struct loop *loop, int fd, short revents, void *arg);
typedef void loop_future_fn(struct loop *loop, struct loop_future *lf,
			    void *arg);

/* The most descriptors one loop watches at once. */
#define LOOP_MAX_WATCHES 16
/* The worker threads of the default executor, made on first use. */
#define LOOP_DEFAULT_WORKERS 4

/* A new loop, or NULL if memory or its eventfd could not be had. */
struct loop *loop_create(void);

/*
 * Runs the loop until no executor job is left and no callback is ready
 * (timers are not waited for), then shuts the default pool down and
 * frees everything: timers, watches. Not while the loop runs.
 */
void loop_close(struct loop *loop);

/*
 * Has fn(loop, arg) called on the loop thread, after the callbacks
 * already queued (FIFO). Any thread may call it; it wakes the loop.
 * Returns 0, or ENOMEM.
 */
int loop_call_soon(struct loop *loop, loop_callback_fn *fn, void *arg);

/*
 * Has fn(loop, arg) called once delay_ms from now (loop_call_later), or
 * every period_ms (loop_call_every, the first call one period from now).
 * Timers fire in order of their due times, timers due at the same time
 * in the order they were set. NULL if there is no memory. A one-shot
 * timer's handle is valid until it fires; a repeating one's until
 * loop_timer_cancel, which its own callback may call.
 */
struct loop_timer *loop_call_later(struct loop *loop, long delay_ms,
				   loop_callback_fn *fn, void *arg);
struct loop_timer *loop_call_every(struct loop *loop, long period_ms,
				   loop_callback_fn *fn, void *arg);
void loop_timer_cancel(struct loop *loop, struct loop_timer *timer);

/* The loop's clock: milliseconds on CLOCK_MONOTONIC. */
long loop_time_ms(void);

/*
 * Has fn called on the loop thread whenever fd is ready for `events`
 * (POLLIN, POLLOUT), until loop_unwatch_fd. Level-triggered: fn must
 * read (or write) or unwatch, or it is called again at once. One watch
 * per fd. Returns 0, EEXIST if fd is watched, ENOSPC if
 * LOOP_MAX_WATCHES are.
 */
int loop_watch_fd(struct loop *loop, int fd, short events, loop_fd_fn *fn,
		  void *arg);
void loop_unwatch_fd(struct loop *loop, int fd);

/*
 * A loop future: a result that is not there yet, completed on the loop
 * thread. Its done callbacks run on the loop thread, in the order they
 * were added, as ordinary callbacks after it completes (at once, that is
 * queued, if it has). NULL or ENOMEM on no memory.
 */
struct loop_future *loop_future_create(struct loop *loop);
void loop_future_set_result(struct loop_future *lf, long value, int error);
int loop_future_add_done_callback(struct loop_future *lf, loop_future_fn *fn,
				  void *arg);
bool loop_future_done(const struct loop_future *lf);
/* For a done future: stores its value (if value is not NULL) and returns
 * its error code, 0 on success. */
int loop_future_result(const struct loop_future *lf, long *value);
/* Frees a done future whose done callbacks have run (or a future never
 * used with an executor); a callback of lf's may free it. */
void loop_future_free(struct loop_future *lf);

/*
 * Submits fn(arg) to executor (NULL: the loop's default thread pool) and
 * returns a loop future that the loop completes with fn's value and
 * error when the pool has run it, without the loop thread ever waiting
 * for it: the pool's thread wakes the loop through the eventfd. NULL if
 * the pool refused the task or there is no memory.
 */
struct loop_future *loop_run_in_executor(struct loop *loop,
					 const struct executor *executor,
					 tpool_task_fn *fn, void *arg);

/*
 * Runs the loop until lf is done and its done callbacks have run; then
 * stores lf's value and returns its error code. Returns EINTR if
 * loop_stop came first.
 */
int loop_run_until_complete(struct loop *loop, struct loop_future *lf,
			    long *value);

/* Runs the loop until loop_stop. */
void loop_run_forever(struct loop *loop);

/* Makes the running loop return once the callbacks of this round have
 * run. Any thread may call it. */
void loop_stop(struct loop *loop);

#endif
