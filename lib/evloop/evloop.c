/*
 * The event loop (evloop.h). One thread turns the loop; every round is:
 *
 *   1. poll(eventfd + watched fds, timeout)   timeout: 0 if a callback is
 *                                             ready, else until the
 *                                             next timer, else forever
 *   2. drain the eventfd; call the watchers of the fds that are ready
 *   3. fire the timers that are due, earliest first
 *   4. run the callbacks that were ready when the round took them
 *
 *   other threads                              the loop thread
 *   loop_call_soon(fn)    --+                  poll() sleeping
 *   pool worker: job done --+-> lock, push on ready list,
 *     (future_on_done)        write 1 to eventfd --------> poll returns
 *                                                          read eventfd
 *                                                          take the ready
 *                                                          list, run it
 *
 * The ready list is the only thing other threads touch, under loop->lock.
 * No wake-up is lost: a pusher writes the eventfd when it finds the list
 * empty; the loop decides its timeout from the list under the same lock,
 * and takes the whole list (leaving it empty) after draining the eventfd.
 * So either the loop saw the callback before sleeping (timeout 0), or
 * the pusher found the list empty and its write makes poll return.
 * Callbacks queued by callbacks wait for the next round, so a callback
 * that reschedules itself cannot starve timers and fds.
 *
 * Timers and watches belong to the loop thread alone: no lock.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "evloop/evloop.h"

/* One callback waiting on the ready list. */
struct handle {
	loop_callback_fn *fn;
	void *arg;
	bool on_heap; /* made by loop_call_soon: freed after it runs */
	struct handle *next;
};

struct loop_timer {
	long due_ms;
	long period_ms; /* 0: fires once */
	loop_callback_fn *fn;
	void *arg;
	bool cancelled; /* by its own callback, while it runs */
	struct loop_timer *next;
};

struct fd_watch {
	int fd; /* -1: free slot */
	short events;
	loop_fd_fn *fn;
	void *arg;
};

/* A done callback of a loop future; its handle goes on the ready list. */
struct done_callback {
	struct handle handle; /* arg: this struct */
	loop_future_fn *fn;
	void *arg;
	struct loop_future *lf;
	struct done_callback *next;
};

struct loop_future {
	struct loop *loop;
	bool done;
	long value;
	int error;
	struct done_callback *callbacks, *last_callback; /* until done */
	int callbacks_queued; /* on the ready list, not run yet */
	/* While an executor runs it: the pool's future, and the handle the
	 * pool's thread pushes when it is done. */
	struct future *job;
	struct handle job_done;
};

struct loop {
	int wake_fd; /* the eventfd */
	/* lock must be held when using these: */
	pthread_mutex_t lock;
	struct handle *ready, *last_ready;
	/* written by any thread, read by the loop: */
	int stopping;
	/* the loop thread's own: */
	struct loop_timer *timers; /* by due time */
	struct loop_timer *firing; /* the timer whose callback runs */
	struct fd_watch watches[LOOP_MAX_WATCHES];
	int jobs; /* executor jobs not yet finished */
	struct tpool *default_pool;
};

long loop_time_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Makes poll return in the loop thread: adds 1 to the eventfd. */
static void wake(struct loop *loop)
{
	eventfd_t one = 1;
	while (write(loop->wake_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		continue;
}

/* Appends h to the ready list, waking the loop if the list was empty
 * (if not, whoever made it non-empty woke it, and the loop has not yet
 * taken the list). Any thread. */
static void push_ready(struct loop *loop, struct handle *h)
{
	h->next = NULL;
	pthread_mutex_lock(&loop->lock);
	bool was_empty = !loop->ready;
	if (loop->last_ready)
		loop->last_ready->next = h;
	else
		loop->ready = h;
	loop->last_ready = h;
	if (was_empty)
		wake(loop);
	pthread_mutex_unlock(&loop->lock);
}

struct loop *loop_create(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));
	if (!loop)
		return NULL;
	loop->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop->wake_fd < 0) {
		free(loop);
		return NULL;
	}
	pthread_mutex_init(&loop->lock, NULL);
	for (int i = 0; i < LOOP_MAX_WATCHES; i++)
		loop->watches[i].fd = -1;
	return loop;
}

int loop_call_soon(struct loop *loop, loop_callback_fn *fn, void *arg)
{
	struct handle *h = malloc(sizeof(*h));
	if (!h)
		return ENOMEM;
	*h = (struct handle){.fn = fn, .arg = arg, .on_heap = true};
	push_ready(loop, h);
	return 0;
}

void loop_stop(struct loop *loop)
{
	__atomic_store_n(&loop->stopping, 1, __ATOMIC_SEQ_CST);
	wake(loop);
}

/* Puts t on the timer list after every timer due no later than it. */
static void timer_insert(struct loop *loop, struct loop_timer *t)
{
	struct loop_timer **link = &loop->timers;
	while (*link && (*link)->due_ms <= t->due_ms)
		link = &(*link)->next;
	t->next = *link;
	*link = t;
}

static struct loop_timer *timer_new(struct loop *loop, long delay_ms,
				    long period_ms, loop_callback_fn *fn,
				    void *arg)
{
	struct loop_timer *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	*t = (struct loop_timer){.due_ms = loop_time_ms() + delay_ms,
				 .period_ms = period_ms,
				 .fn = fn,
				 .arg = arg};
	timer_insert(loop, t);
	return t;
}

struct loop_timer *loop_call_later(struct loop *loop, long delay_ms,
				   loop_callback_fn *fn, void *arg)
{
	return timer_new(loop, delay_ms, 0, fn, arg);
}

struct loop_timer *loop_call_every(struct loop *loop, long period_ms,
				   loop_callback_fn *fn, void *arg)
{
	return timer_new(loop, period_ms, period_ms > 0 ? period_ms : 1, fn,
			 arg);
}

void loop_timer_cancel(struct loop *loop, struct loop_timer *timer)
{
	if (timer == loop->firing) {
		timer->cancelled = true; /* fire_due_timers frees it */
		return;
	}
	struct loop_timer **link = &loop->timers;
	while (*link && *link != timer)
		link = &(*link)->next;
	if (*link) {
		*link = timer->next;
		free(timer);
	}
}

/*
 * Fires every timer due by now, earliest first. A repeating timer is
 * due again one period after it was due (not after it ran, so it does
 * not drift), or now if the loop fell further behind than that.
 */
static void fire_due_timers(struct loop *loop)
{
	long now = loop_time_ms();
	while (loop->timers && loop->timers->due_ms <= now) {
		struct loop_timer *t = loop->timers;
		loop->timers = t->next;
		loop->firing = t;
		t->fn(loop, t->arg);
		loop->firing = NULL;
		if (!t->period_ms || t->cancelled) {
			free(t);
			continue;
		}
		t->due_ms += t->period_ms;
		if (t->due_ms <= now)
			t->due_ms = now + 1;
		timer_insert(loop, t);
	}
}

static struct fd_watch *find_watch(struct loop *loop, int fd)
{
	for (int i = 0; i < LOOP_MAX_WATCHES; i++)
		if (loop->watches[i].fd == fd)
			return &loop->watches[i];
	return NULL;
}

int loop_watch_fd(struct loop *loop, int fd, short events, loop_fd_fn *fn,
		  void *arg)
{
	if (fd < 0)
		return EBADF;
	if (find_watch(loop, fd))
		return EEXIST;
	struct fd_watch *w = find_watch(loop, -1);
	if (!w)
		return ENOSPC;
	*w = (struct fd_watch){fd, events, fn, arg};
	return 0;
}

void loop_unwatch_fd(struct loop *loop, int fd)
{
	struct fd_watch *w = fd < 0 ? NULL : find_watch(loop, fd);
	if (w)
		w->fd = -1;
}

/* Calls the watchers of the fds poll found ready. One may unwatch
 * another, so each is looked up again before it is called. */
static void call_watchers(struct loop *loop, const struct pollfd *pfd, int n)
{
	for (int i = 0; i < n; i++) {
		struct fd_watch *w = find_watch(loop, pfd[i].fd);
		if (pfd[i].revents && w)
			w->fn(loop, w->fd, pfd[i].revents, w->arg);
	}
}

/* The poll timeout for this round: 0 if there is something to do now,
 * the time to the next timer, or -1 (no limit). */
static int poll_timeout(struct loop *loop)
{
	pthread_mutex_lock(&loop->lock);
	bool ready = loop->ready != NULL;
	pthread_mutex_unlock(&loop->lock);
	if (ready || __atomic_load_n(&loop->stopping, __ATOMIC_SEQ_CST))
		return 0;
	if (!loop->timers)
		return -1;
	long wait = loop->timers->due_ms - loop_time_ms();
	return wait < 0 ? 0 : wait > 1000000 ? 1000000 : (int)wait;
}

/* One round of the loop (the picture at the top of the file). */
static void run_once(struct loop *loop)
{
	struct pollfd pfd[1 + LOOP_MAX_WATCHES];
	int n = 0;
	pfd[n++] = (struct pollfd){.fd = loop->wake_fd, .events = POLLIN};
	for (int i = 0; i < LOOP_MAX_WATCHES; i++)
		if (loop->watches[i].fd >= 0)
			pfd[n++] = (struct pollfd){
				.fd = loop->watches[i].fd,
				.events = loop->watches[i].events};
	if (poll(pfd, (nfds_t)n, poll_timeout(loop)) < 0) {
		if (errno != EINTR)
			abort(); /* our own arguments are wrong */
		return;
	}
	if (pfd[0].revents & POLLIN) {
		eventfd_t count;
		if (read(loop->wake_fd, &count, sizeof(count)) < 0 &&
		    errno != EAGAIN)
			abort();
	}
	call_watchers(loop, pfd + 1, n - 1);
	fire_due_timers(loop);

	pthread_mutex_lock(&loop->lock);
	struct handle *h = loop->ready;
	loop->ready = loop->last_ready = NULL;
	pthread_mutex_unlock(&loop->lock);
	while (h) {
		struct handle *next = h->next;
		loop_callback_fn *fn = h->fn;
		void *arg = h->arg;
		if (h->on_heap)
			free(h);
		fn(loop, arg); /* may free h's memory if it was not ours */
		h = next;
	}
}

struct loop_future *loop_future_create(struct loop *loop)
{
	struct loop_future *lf = calloc(1, sizeof(*lf));
	if (lf)
		lf->loop = loop;
	return lf;
}

static void run_done_callback(struct loop *loop, void *arg)
{
	struct done_callback *cb = arg;
	cb->lf->callbacks_queued--;
	cb->fn(loop, cb->lf, cb->arg);
	free(cb);
}

static void queue_done_callback(struct done_callback *cb)
{
	cb->lf->callbacks_queued++;
	cb->handle = (struct handle){.fn = run_done_callback, .arg = cb};
	push_ready(cb->lf->loop, &cb->handle);
}

void loop_future_set_result(struct loop_future *lf, long value, int error)
{
	if (lf->done)
		abort(); /* a future completes once */
	lf->value = value;
	lf->error = error;
	lf->done = true;
	struct done_callback *cb = lf->callbacks;
	lf->callbacks = lf->last_callback = NULL;
	while (cb) {
		struct done_callback *next = cb->next;
		queue_done_callback(cb);
		cb = next;
	}
}

int loop_future_add_done_callback(struct loop_future *lf, loop_future_fn *fn,
				  void *arg)
{
	struct done_callback *cb = calloc(1, sizeof(*cb));
	if (!cb)
		return ENOMEM;
	cb->fn = fn;
	cb->arg = arg;
	cb->lf = lf;
	if (lf->done) {
		queue_done_callback(cb);
	} else if (lf->last_callback) {
		lf->last_callback->next = cb;
		lf->last_callback = cb;
	} else {
		lf->callbacks = lf->last_callback = cb;
	}
	return 0;
}

bool loop_future_done(const struct loop_future *lf)
{
	return lf->done;
}

int loop_future_result(const struct loop_future *lf, long *value)
{
	if (!lf->done)
		abort(); /* only a done future has a result */
	if (value)
		*value = lf->value;
	return lf->error;
}

void loop_future_free(struct loop_future *lf)
{
	if (!lf)
		return;
	if (lf->job || lf->callbacks_queued)
		abort(); /* the loop still holds it */
	for (struct done_callback *cb = lf->callbacks, *next; cb; cb = next) {
		next = cb->next;
		free(cb);
	}
	free(lf);
}

/* On the loop thread, after the pool's thread pushed job_done: the job's
 * future is done, so future_wait returns at once. */
static void executor_job_finished(struct loop *loop, void *arg)
{
	struct loop_future *lf = arg;
	long value;
	int error = future_wait(lf->job, &value);
	future_free(lf->job); /* waits for job_done_in_pool to return */
	lf->job = NULL;
	loop->jobs--;
	loop_future_set_result(lf, value, error);
}

/* future_on_done's callback, on the pool's thread: hands the finished
 * job to the loop thread. */
static void job_done_in_pool(struct future *f, void *arg)
{
	(void)f;
	struct loop_future *lf = arg;
	push_ready(lf->loop, &lf->job_done);
}

struct loop_future *loop_run_in_executor(struct loop *loop,
					 const struct executor *executor,
					 tpool_task_fn *fn, void *arg)
{
	struct executor default_executor;
	if (!executor) {
		if (!loop->default_pool)
			loop->default_pool = tpool_create(LOOP_DEFAULT_WORKERS);
		if (!loop->default_pool)
			return NULL;
		default_executor = tpool_executor(loop->default_pool);
		executor = &default_executor;
	}
	struct loop_future *lf = loop_future_create(loop);
	if (!lf)
		return NULL;
	lf->job = executor->submit(executor->pool, fn, arg);
	if (!lf->job) {
		free(lf);
		return NULL;
	}
	lf->job_done = (struct handle){.fn = executor_job_finished, .arg = lf};
	loop->jobs++;
	future_on_done(lf->job, job_done_in_pool, lf);
	return lf;
}

/* Clears the stop request once the loop has obeyed it. */
static bool stop_requested(struct loop *loop)
{
	return __atomic_exchange_n(&loop->stopping, 0, __ATOMIC_SEQ_CST);
}

int loop_run_until_complete(struct loop *loop, struct loop_future *lf,
			    long *value)
{
	while (!lf->done || lf->callbacks_queued) {
		run_once(loop);
		if (stop_requested(loop))
			return EINTR;
	}
	return loop_future_result(lf, value);
}

void loop_run_forever(struct loop *loop)
{
	do
		run_once(loop);
	while (!stop_requested(loop));
}

void loop_close(struct loop *loop)
{
	for (;;) {
		pthread_mutex_lock(&loop->lock);
		bool ready = loop->ready != NULL;
		pthread_mutex_unlock(&loop->lock);
		if (!ready && !loop->jobs)
			break;
		run_once(loop);
		stop_requested(loop); /* a stop has nothing to stop here */
	}
	while (loop->timers) {
		struct loop_timer *t = loop->timers;
		loop->timers = t->next;
		free(t);
	}
	if (loop->default_pool)
		tpool_shutdown(loop->default_pool);
	close(loop->wake_fd);
	pthread_mutex_destroy(&loop->lock);
	free(loop);
}
