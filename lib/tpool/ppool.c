/*
 * The process pool (ppool.h), built on the thread pool. Each worker
 * process has a proxy: a thread of a private tpool that writes the task
 * down the worker's pipe and sleeps reading the answer from the other.
 * The queue, FIFO order, futures and draining shutdown are the thread
 * pool's; this file adds only the processes and the pipes.
 *
 *   parent                                         children
 *   ppool_submit --> tpool queue --> proxy thread 0 ==task pipe==> worker 0
 *                                          ^ <======result pipe=== (fork)
 *                                    proxy thread 1 ==task pipe==> worker 1
 *                                          ^ <======result pipe===
 *
 * There are as many proxies as workers, and a proxy holds a worker for
 * the whole of one task, so a proxy always finds an idle worker.
 *
 * How a crash is seen: the worker holds the only write end of its result
 * pipe. When it dies for any reason the kernel closes that end, and the
 * proxy's read returns end of file (0) instead of a result. The proxy
 * then reaps the worker with wait4 (its status becomes the future's
 * value, ECHILD its error) and forks a replacement. A worker that died
 * while idle is seen when writing the next task fails with EPIPE (the
 * proxies block SIGPIPE, so the write returns instead of killing the
 * program); that task never started, so it goes to the replacement.
 *
 * "The only write end" needs care: a fork copies every descriptor. So
 * forks happen under one lock (`forking`), and each new child first
 * closes the parent's ends of every pool's pipes, which are recorded
 * under that lock, before it waits for tasks. Otherwise a sibling would
 * keep a dead worker's result pipe open (no end of file: the proxy
 * would wait for ever), or keep a worker's task pipe open at shutdown
 * (the worker would never see end of file and never exit).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tpool/ppool.h"

struct task_message {
	tpool_task_fn *fn;
	void *arg;
};

struct result_message {
	long value;
	int error;
};

struct worker {
	/* forking must be held when writing these (children read them): */
	pid_t pid;     /* 0 while there is no live child */
	int task_fd;   /* the parent's end: writes task messages */
	int result_fd; /* the parent's end: reads result messages */
	/* pool->lock must be held when using this: */
	struct worker *next_idle;
};

struct ppool {
	int nr_workers;
	struct worker *workers;
	struct tpool *proxies; /* one thread per worker */
	/* forking must be held when using this: */
	struct ppool *next_pool;
	/* lock must be held when using this: */
	pthread_mutex_t lock;
	struct worker *idle; /* workers no proxy holds */
};

/* What a proxy's task gets: the user's task and the pool to run it in. */
struct job {
	struct ppool *pool;
	tpool_task_fn *fn;
	void *arg;
};

static pthread_mutex_t forking = PTHREAD_MUTEX_INITIALIZER;
static struct ppool *all_pools; /* guarded by forking */

/* Reads or writes all `size` bytes (a pipe may return fewer, a signal
 * may interrupt); 0 on success, -1 on end of file or an error. */
static int transfer_all(int fd, void *buf, size_t size, bool writing)
{
	char *p = buf;
	while (size) {
		ssize_t n = writing ? write(fd, p, size) : read(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

/* A worker process's whole life: run tasks until the task pipe ends. */
static _Noreturn void worker_main(int task_fd, int result_fd)
{
	struct task_message task;
	while (!transfer_all(task_fd, &task, sizeof(task), false)) {
		struct result_message result = {0};
		result.value = task.fn(task.arg, &result.error);
		if (transfer_all(result_fd, &result, sizeof(result), true))
			break;
	}
	_exit(0);
}

/* In a new child: closes the parent's ends of every pool's pipes, so
 * that only the parent holds them. Runs with forking held (inherited). */
static void close_parent_ends(void)
{
	for (struct ppool *p = all_pools; p; p = p->next_pool) {
		for (int i = 0; i < p->nr_workers; i++) {
			if (p->workers[i].pid) {
				close(p->workers[i].task_fd);
				close(p->workers[i].result_fd);
			}
		}
	}
}

/* Forks a worker for w, which has none. Returns 0, or the errno of the
 * pipe or fork that failed. */
static int start_worker(struct worker *w)
{
	int task[2], result[2];
	pthread_mutex_lock(&forking);
	if (pipe(task)) {
		pthread_mutex_unlock(&forking);
		return errno;
	}
	if (pipe(result)) {
		int error = errno;
		close(task[0]), close(task[1]);
		pthread_mutex_unlock(&forking);
		return error;
	}
	fflush(stdout); /* or the child's copy of the buffer prints twice */
	pid_t pid = fork();
	if (pid == 0) {
		close_parent_ends();
		close(task[1]), close(result[0]);
		worker_main(task[0], result[1]);
	}
	int error = pid < 0 ? errno : 0;
	close(task[0]), close(result[1]);
	if (pid < 0) {
		close(task[1]), close(result[0]);
	} else {
		w->pid = pid;
		w->task_fd = task[1];
		w->result_fd = result[0];
	}
	pthread_mutex_unlock(&forking);
	return error;
}

/* Closes w's pipes and waits for its process (which has died, or exits
 * on seeing its task pipe end); returns its wait status. */
static int stop_worker(struct worker *w)
{
	pthread_mutex_lock(&forking);
	pid_t pid = w->pid;
	close(w->task_fd), close(w->result_fd);
	w->pid = 0;
	pthread_mutex_unlock(&forking);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		continue;
	return status;
}

/*
 * Runs job on worker w and returns its value, or fails it: ECHILD with
 * the wait status as value if the worker died while running it. A
 * worker found dead before the task reached it is replaced and the task
 * sent again, once.
 */
static long run_on_worker(struct worker *w, const struct job *job, int *error)
{
	struct task_message task = {job->fn, job->arg};
	for (int attempt = 0;; attempt++) {
		if (!w->pid && (*error = start_worker(w)))
			return 0;
		if (!transfer_all(w->task_fd, &task, sizeof(task), true))
			break;
		int status = stop_worker(w); /* died while idle: EPIPE */
		if (attempt) {
			*error = ECHILD;
			return status;
		}
	}
	struct result_message result;
	if (!transfer_all(w->result_fd, &result, sizeof(result), false)) {
		*error = result.error;
		return result.value;
	}
	int status = stop_worker(w);
	start_worker(w); /* if it fails, the next task tries again */
	*error = ECHILD;
	return status;
}

/* The proxy's task (runs on a tpool thread): takes an idle worker, runs
 * the job there, gives the worker back. */
static long proxy_task(void *arg, int *error)
{
	struct job job = *(struct job *)arg;
	free(arg);
	sigset_t pipe_signal;
	sigemptyset(&pipe_signal);
	sigaddset(&pipe_signal, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_signal, NULL);

	struct ppool *pool = job.pool;
	pthread_mutex_lock(&pool->lock);
	struct worker *w = pool->idle;
	if (!w)
		abort(); /* more proxies than workers: cannot happen */
	pool->idle = w->next_idle;
	pthread_mutex_unlock(&pool->lock);

	long value = run_on_worker(w, &job, error);

	pthread_mutex_lock(&pool->lock);
	w->next_idle = pool->idle;
	pool->idle = w;
	pthread_mutex_unlock(&pool->lock);
	return value;
}

/*
 * Stops every worker pool has, then unlinks it from all_pools and frees
 * it. In that order: while a worker's pipes are open the pool must stay
 * on the list, so that a child forked meanwhile (by another pool) closes
 * them; otherwise the child would keep the task pipe open and the
 * worker would never see its end.
 */
static void destroy(struct ppool *pool)
{
	for (int i = 0; i < pool->nr_workers; i++)
		if (pool->workers[i].pid)
			stop_worker(&pool->workers[i]);
	pthread_mutex_lock(&forking);
	struct ppool **link = &all_pools;
	while (*link != pool)
		link = &(*link)->next_pool;
	*link = pool->next_pool;
	pthread_mutex_unlock(&forking);
	pthread_mutex_destroy(&pool->lock);
	free(pool->workers);
	free(pool);
}

struct ppool *ppool_create(int workers)
{
	if (workers < 1)
		return NULL;
	struct ppool *pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->workers = calloc((size_t)workers, sizeof(struct worker));
	if (!pool->workers) {
		free(pool);
		return NULL;
	}
	pool->nr_workers = workers;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_mutex_lock(&forking);
	pool->next_pool = all_pools;
	all_pools = pool;
	pthread_mutex_unlock(&forking);
	for (int i = 0; i < workers; i++) {
		if (start_worker(&pool->workers[i])) {
			destroy(pool);
			return NULL;
		}
		pool->workers[i].next_idle = pool->idle;
		pool->idle = &pool->workers[i];
	}
	/* The proxies come after the forks: fewer threads to fork beside. */
	pool->proxies = tpool_create(workers);
	if (!pool->proxies) {
		destroy(pool);
		return NULL;
	}
	return pool;
}

struct future *ppool_submit(struct ppool *pool, tpool_task_fn *fn, void *arg)
{
	struct job *job = malloc(sizeof(*job));
	if (!job)
		return NULL;
	*job = (struct job){pool, fn, arg};
	struct future *f = tpool_submit(pool->proxies, proxy_task, job);
	if (!f)
		free(job);
	return f;
}

static struct future *submit_to_ppool(void *pool, tpool_task_fn *fn, void *arg)
{
	return ppool_submit(pool, fn, arg);
}

struct executor ppool_executor(struct ppool *pool)
{
	return (struct executor){.submit = submit_to_ppool, .pool = pool};
}

void ppool_shutdown(struct ppool *pool)
{
	tpool_shutdown(pool->proxies); /* every queued task has run */
	destroy(pool);
}
